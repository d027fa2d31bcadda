// docs/embedding.md's API and event reference agrees with the shipped declarations (the
// built package's .d.ts files: src/js/*.d.ts, the generated types.d.ts, and the wasm-bindgen
// modules' crm_lens.d.ts / crm_lens_formats.d.ts, typed in src/wasm/).
//
// The reference is the doc's tables whose header's first cell names a module (`crm-lens`,
// `crm-lens/worker` …: each row names exports of it) or a type (`Analyzer`, `TableQuery` …:
// each row names a member, a value of a string union, or with a `detail` column an event and
// the keys of its detail). Both ways:
// - every name a row gives exists: exports by the declarations' text, members, values and
//   event details by `tsc --strict` on a probe per name (so inheritance, aliases and mapped
//   types count as TypeScript counts them);
// - every export of every module, and every member of every exported class and interface
//   (but for the few exempt below), has its row.
// The checker runs once on a deliberately broken copy of the doc: it must report each break.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ARTIFACTS, ROOT } from './helpers.mjs';

const PKG = `${ROOT}pkg/`;
const DOC = 'docs/embedding.md';
/** Each entry point and its declarations (as the exports map gives them). */
const MODULES = {
  'crm-lens': 'index.d.ts',
  'crm-lens/worker': 'worker/index.d.ts',
  'crm-lens/dashboard': 'dashboard/index.d.ts',
  'crm-lens/core': 'crm_lens.d.ts',
  'crm-lens/formats': 'crm_lens_formats.d.ts',
};
/** Declarations whose members are not ours to document. */
const EXEMPT = {
  ArrowTableLike: "the parts of apache-arrow's Table that are read (apache-arrow documents them)",
  ArrowVectorLike: "the parts of apache-arrow's Vector that are read",
  InitOutput: "the wasm instance's raw exports (wasm-bindgen's)",
};

/** A .d.ts without comments (string contents kept: event names are strings). */
function code(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** The body of the declaration that opens at `from` (the index of its `{`). */
function body(text, from) {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(from + 1, i);
  }
  throw new Error(`unbalanced braces at ${from}`);
}

/** The members declared at the top level of a class or interface body. */
function membersOf(block) {
  const names = new Set();
  let depth = 0;
  for (const part of block.split(/(?<=[;{}\n])/)) {
    const top = depth === 0;
    for (const c of part.replace(/=>/g, '')) depth += c === '{' || c === '(' || c === '<' || c === '[' ? 1 : c === '}' || c === ')' || c === '>' || c === ']' ? -1 : 0;
    if (!top) continue;
    const m = part.trim().match(/^(?:(?:readonly|static|get|set|declare)\s+)*(\[Symbol\.\w+\]|'[^']+'|[\w$]+)\??\s*[(:<]/);
    if (m) names.add(m[1].replace(/'/g, ''));
  }
  return names;
}

/**
 * What a declaration file exports: `exports` (name → the file that declares it) and `types`
 * (class or interface name → its members), following `export *` to the files it names.
 */
function declarations(file, seen = new Set()) {
  const out = { exports: new Map(), types: new Map(), classes: new Set(), generics: new Map(), events: new Map() };
  if (seen.has(file)) return out;
  seen.add(file);
  const text = code(readFileSync(file, 'utf8'));
  // `declare global` (the element's tag and document events) declares no export.
  const global = text.indexOf('declare global');
  const local = global < 0 ? text : text.slice(0, global);
  for (const m of local.matchAll(/^export\s+(?:declare\s+)?(?:abstract\s+)?(function|class|interface|type|const|let|enum)\s+([\w$]+)/gm)) {
    out.exports.set(m[2], file);
    // A generic type is probed with `any` for each parameter.
    const params = local.slice(m.index + m[0].length).match(/^\s*<([^>{=]*)/);
    if (m[1] !== 'function' && params) out.generics.set(m[2], params[1].split(',').length);
    if (m[1] === 'class') out.classes.add(m[2]);
    if (m[1] === 'class' || m[1] === 'interface') {
      const open = local.indexOf('{', m.index + m[0].length);
      const members = membersOf(body(local, open));
      out.types.set(m[2], new Set([...(out.types.get(m[2]) ?? []), ...members]));
      // An event map: each event's detail type, when it is a declared name.
      for (const e of body(local, open).matchAll(/^\s*'?([\w-]+)'?\??\s*:\s*CustomEvent<([\w$]+)>/gm)) out.events.set(`${m[2]}.${e[1]}`, e[2]);
    }
  }
  if (/^export\s+default\s/m.test(local)) out.exports.set('default', file);
  for (const m of local.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)) {
    for (const part of m[1].split(',').map((s) => s.trim()).filter(Boolean)) out.exports.set(part.split(/\s+as\s+/).pop().replace(/^type\s+/, ''), file);
  }
  for (const m of local.matchAll(/^export\s+(?:type\s+)?\*\s+from\s+'([^']+)'/gm)) {
    const target = join(dirname(file), m[1].replace(/\.js$/, '.d.ts'));
    const sub = declarations(target, seen);
    for (const [k, v] of sub.exports) if (k !== 'default') out.exports.set(k, v);
    for (const [k, v] of sub.types) out.types.set(k, v);
    for (const k of sub.classes) out.classes.add(k);
    for (const [k, v] of sub.generics) out.generics.set(k, v);
    for (const [k, v] of sub.events) out.events.set(k, v);
  }
  return out;
}

/** Code spans of a Markdown fragment. */
const spans = (s) => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** A table row's cells (a `\|` inside a code span is a pipe, not a border). */
const cells = (line) => line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));

/**
 * The reference tables of a Markdown text: `{ line, kind: 'module' | 'type', of: [names],
 * rows: [{ line, names, detail? }] }`. `of` are the header's first cell's code spans.
 */
function referenceTables(text, modules) {
  const lines = text.split('\n');
  const tables = [];
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    if (/^```/.test(lines[i])) inFence = !inFence;
    if (inFence || !lines[i].startsWith('|') || !lines[i + 1]?.startsWith('|---')) continue;
    const header = cells(lines[i]);
    const of = spans(header[0]).map((o) => o.replace(/<.*>$/, ''));
    if (of.length === 0) continue;
    const kind = of.every((o) => o in modules) ? 'module' : 'type';
    const detailAt = header.findIndex((h) => h === '`detail`');
    const table = { line: i + 1, kind, of, rows: [] };
    let j = i + 2;
    for (; j < lines.length && lines[j].startsWith('|'); j++) {
      const row = cells(lines[j]);
      let names = spans(row[0]).map((s) => nameOf(s, of)).filter(Boolean);
      // A module's default export is documented by a row that says so.
      if (kind === 'module' && /default export/.test(row.slice(1).join(' '))) names = ['default'];
      // A detail written as an object (`{ id: string, … }`) names its keys.
      const shape = detailAt >= 0 ? spans(row[detailAt])[0] ?? '' : '';
      const detail = shape.trim().startsWith('{') ? detailKeys(shape) : null;
      table.rows.push({ line: j + 1, names, detail });
    }
    tables.push(table);
    i = j - 1;
  }
  return tables;
}

/** The name a row's code span gives: `el.setData(…)` → setData, `new Dataset(…)` →
 * constructor, `Dataset.fromColumns(…)` → fromColumns (static), `[Symbol.iterator]()`. */
function nameOf(span, of) {
  let s = span.trim();
  if (/^new\s/.test(s)) return 'constructor';
  s = s.replace(/^(el|analyzer|ds)\./, '');
  for (const o of of) if (s.startsWith(`${o}.`)) s = s.slice(o.length + 1);
  const m = s.match(/^(\[Symbol\.\w+\]|[\w$][\w$-]*)/);
  return m ? m[1] : null;
}

/** `{ id: string, index: number }` → ['id', 'index'] (top-level keys only). */
function detailKeys(span) {
  const inner = span.trim().replace(/^\{|\}$/g, '');
  const keys = [];
  let depth = 0;
  let part = '';
  for (const c of `${inner},`) {
    if ('{[(<'.includes(c)) depth++;
    if ('}])>'.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      const m = part.trim().match(/^([\w$]+)\??(\s*:|$)/);
      if (m) keys.push(m[1]);
      part = '';
    } else part += c;
  }
  return keys;
}

/** Runs the checks on a doc's text; returns the problems found (empty: the doc agrees). */
function check(docText, dir) {
  const modules = Object.fromEntries(Object.entries(MODULES).map(([m, f]) => [m, declarations(`${PKG}${f}`)]));
  const tables = referenceTables(docText, modules);
  const problems = [];
  const at = (line) => `${DOC}:${line}`;
  const exporters = (name) => Object.entries(modules).filter(([, d]) => d.exports.has(name)).map(([m]) => m);

  // Exports named by module tables exist.
  const documentedExports = new Set();
  for (const t of tables.filter((x) => x.kind === 'module')) {
    for (const r of t.rows) {
      for (const n of r.names) {
        documentedExports.add(n);
        if (!t.of.some((m) => modules[m].exports.has(n))) problems.push(`${at(r.line)}: ${t.of.join(', ')} exports no \`${n}\``);
      }
    }
  }
  // Members, values and event details named by type tables exist: one tsc probe each.
  const alias = (m) => `M_${m.replace(/\W/g, '_')}`;
  const probes = [];
  const documentedMembers = new Map(); // type name → names documented
  const note = (type, name) => documentedMembers.set(type, new Set([...(documentedMembers.get(type) ?? []), name]));
  for (const t of tables.filter((x) => x.kind === 'type')) {
    t.of.forEach((type) => documentedExports.add(type));
    // Each type as every module that exports it declares it (`M.T<any>` for a generic one),
    // and, where it is a class, its constructor.
    const refs = [];
    const classRefs = [];
    for (const type of t.of) {
      const found = exporters(type);
      if (found.length === 0) problems.push(`${at(t.line)}: no module exports the type \`${type}\``);
      const arity = Math.max(0, ...found.map((m) => modules[m].generics.get(type) ?? 0));
      const args = arity ? `<${Array(arity).fill('any').join(', ')}>` : '';
      refs.push(found.map((m) => `${alias(m)}.${type}${args}`));
      classRefs.push(found.filter((m) => modules[m].classes.has(type)).map((m) => `typeof ${alias(m)}.${type}`));
    }
    if (refs.some((r) => r.length === 0)) continue;
    for (const r of t.rows) {
      for (const n of r.names) {
        t.of.forEach((type) => note(type, n));
        for (const [k, type] of t.of.entries()) {
          const instance = refs[k].join(' & ');
          const key = n.startsWith('[') ? `typeof ${n.slice(1, -1)}` : `'${n}'`;
          // A class's rows may name its constructor (`new T(…)`) and its statics (`T.f(…)`).
          const values = classRefs[k].join(' & ');
          let probe = `Has<${instance}, ${key}> | Is<${instance}, ${key}>`;
          if (values) probe = n === 'constructor' ? `Constructs<${values}>` : `${probe} | Has<Omit<${values}, 'prototype'>, ${key}>`;
          probes.push({ line: r.line, text: `${type} has \`${n}\``, type: `Ok<${probe}>` });
          for (const d of r.detail ?? []) {
            probes.push({ line: r.line, text: `${type}['${n}'] has a detail \`${d}\``, type: `Ok<Has<Detail<${instance}, '${n}'>, '${d}'>>` });
            const declared = Object.values(modules).map((x) => x.events.get(`${type}.${n}`)).find(Boolean);
            if (declared) note(declared, d);
          }
        }
      }
    }
  }
  const imports = Object.keys(modules).map((m) => `import type * as ${alias(m)} from '${m}';`).join('\n');
  const helpers = `
type Has<T, K> = K extends keyof T ? 'ok' : 'missing';
// A value of a union of literals (not of an object type, to which any string is assignable).
type Is<T, K> = [T] extends [object] ? 'missing' : [K] extends [T] ? 'ok' : 'missing';
type Constructs<C> = C extends abstract new (...args: any) => any ? 'ok' : 'missing';
type Detail<T, K extends PropertyKey> = K extends keyof T ? (T[K] extends CustomEvent<infer D> ? NonNullable<D> : never) : never;
type Ok<R> = 'ok' extends R ? true : false;
`;
  const head = `${imports}\n${helpers}\n`;
  const first = head.split('\n').length;
  const source = head + probes.map((p, i) => `export const probe${i}: true = null! as ${p.type};`).join('\n') + '\n';
  writeFileSync(`${dir}/probes.mts`, source);
  try {
    execFileSync(`${ROOT}node_modules/.bin/tsc`, ['-p', `${dir}/tsconfig.json`, '--pretty', 'false'], { cwd: dir, stdio: 'pipe' });
  } catch (e) {
    const out = `${e.stdout}${e.stderr}`;
    const failed = new Set([...out.matchAll(/probes\.mts\((\d+),\d+\)/g)].map((m) => Number(m[1]) - first));
    const other = out.split('\n').filter((l) => /error/.test(l) && !/probes\.mts\(/.test(l));
    for (const i of [...failed].sort((a, b) => a - b)) {
      const p = probes[i];
      problems.push(p ? `${at(p.line)}: the declarations give no such thing: ${p.text}` : `probe line ${i + first}: ${out}`);
    }
    if (other.length) problems.push(`tsc: ${other.join('\n')}`);
  }

  // Every export has its row, and every member of an exported class or interface.
  for (const [m, d] of Object.entries(modules)) {
    for (const name of d.exports.keys()) {
      if (!documentedExports.has(name)) problems.push(`${DOC}: ${m} exports \`${name}\`, which no \`${m}\` (or other module's) table lists`);
    }
    for (const [type, members] of d.types) {
      if (type in EXEMPT || !d.exports.has(type)) continue;
      const documented = documentedMembers.get(type) ?? new Set();
      for (const member of members) {
        if (!documented.has(member)) problems.push(`${DOC}: \`${type}\` (${m}) has \`${member}\`, which no \`${type}\` table lists`);
      }
    }
  }
  return [...new Set(problems)];
}

function prepare(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(`${dir}/node_modules`, { recursive: true });
  symlinkSync(`${ROOT}pkg`, `${dir}/node_modules/crm-lens`);
  writeFileSync(`${dir}/tsconfig.json`, JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext',
      lib: ['es2022', 'esnext.disposable', 'dom', 'dom.iterable'], types: [], skipLibCheck: true,
    },
    files: ['probes.mts'],
  }));
}

const docText = readFileSync(`${ROOT}${DOC}`, 'utf8');

test('docs/embedding.md: every export, member, event and detail of the reference is declared, and every declared one is in it', () => {
  assert.ok(existsSync(`${PKG}crm_lens.d.ts`), 'build the package first (bash scripts/build.sh)');
  const dir = `${ARTIFACTS}/docs-reference`;
  prepare(dir);
  const problems = check(docText, dir);
  assert.deepEqual(problems, []);
});

test('the reference check fails on a member the types lack, an event detail that is not there, and a member left out', () => {
  const dir = `${ARTIFACTS}/docs-reference-broken`;
  prepare(dir);
  // Three deliberate mismatches: a method renamed, a detail key renamed, a row removed.
  const broken = docText
    .replace('| `settled()` |', '| `settledAll()` |')
    .replace('{ id: string, index: number }', '{ id: string, row: number }')
    .replace(/^\| `dispose\(\)` \|.*\n/m, '');
  assert.notEqual(broken, docText);
  const problems = check(broken, dir).join('\n');
  assert.match(problems, /Analyzer has `settledAll`/);
  assert.match(problems, /has a detail `row`/);
  assert.match(problems, /`Analyzer` \(crm-lens\/worker\) has `dispose`, which no `Analyzer` table lists/);
  assert.match(problems, /`Analyzer` \(crm-lens\/worker\) has `settled`, which no `Analyzer` table lists/);
  assert.match(problems, /`CustomerEventDetail` \(crm-lens\/dashboard\) has `index`/);
});
