// The package's types against real output: Reports the CLI serialises (the sample and
// fixtures that reach every optional part: summaries, legacy code pages, workbooks, an
// ambiguous date format, cancelled invoices, a degenerate one-customer file), a Report from
// memory, a model card and an error are assigned, as object literals, to the generated
// `Report`, `ModelCard` and `CrmLensError` types, and `tsc --strict` must accept them: a key
// the types lack, a required key the JSON lacks or a null where the types allow none fails. The shipped
// declarations must also hold no `any` and no bare `object`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { ARTIFACTS, ROOT, nativeReport } from './helpers.mjs';
import { openRecords } from '../../pkg/node.js';

const DIR = `${ARTIFACTS}/types-check`;
mkdirSync(DIR, { recursive: true });

function write(name, text) {
  const file = `${DIR}/${name}`;
  writeFileSync(file, text);
  return file;
}

async function reports() {
  const fixtures = `${ROOT}tests/fixtures/e2e`;
  const summary = write('summary.csv', 'customer_id,frequency,recency,T,monetary_value\na,2,30,60,12.5\nb,0,0,40,0\nc,5,80,90,40\n');
  const ambiguous = write('ambiguous.csv', 'order,customer,date,amount\n1001,a,03/04/2024,10\nC1002,a,03/04/2024,4\n1003,b,03/04/2024,7\n1004,c,03/04/2024,3\n');
  const single = write('single.csv', 'customer,date,amount\nx,2024-01-05,10\n');
  const out = {
    sample: nativeReport(`${ROOT}www/public/sample.csv`),
    weekly: nativeReport(`${ROOT}www/public/sample.csv`, ['--time-unit', 'week', '--as-of', '2023-06-30', '--returns', 'drop']),
    gbk: nativeReport(`${fixtures}/orders-gbk.csv`),
    xlsx: nativeReport(`${fixtures}/orders.xlsx`),
    xss: nativeReport(`${fixtures}/orders-xss.csv`),
    summary: nativeReport(summary, ['--summary', '--as-of', '2024-12-31']),
    ambiguous: nativeReport(ambiguous),
    single: nativeReport(single),
    // churn, explain and the covariate models filled (the sample's channel column).
    covariates: nativeReport(`${ROOT}www/public/sample.csv`, ['--covariate', 'channel']),
  };
  const ds = await openRecords([{ id: 'a', day: '2024-01-02', total: 5 }, { id: 'b', day: new Date(Date.UTC(2024, 0, 9)), total: NaN }, {}],
    { customer: 'id', date: 'day', amount: 'total' });
  out.memory = ds.analyze({});
  ds.free();
  return out;
}

test('real Reports and errors type-check against the generated types (tsc --strict)', async () => {
  const all = await reports();
  assert.equal(all.ambiguous.ingest.detected.cancelledOrderPrefix, 'C');
  assert.ok(all.ambiguous.ingest.detected.dateFormatAmbiguousWith);
  assert.equal(all.summary.ingest.firstDate, null);
  assert.ok(all.covariates.clv.covariates.models.length > 0 && all.covariates.churn.models.length > 0);
  assert.ok(all.covariates.explain.classes.length > 0, 'explain has rules');
  let error;
  try {
    await openRecords([], { customer: 'id' });
  } catch (e) {
    error = e;
  }
  const { openDataset } = await import('../../pkg/node.js');
  const fileError = await openDataset(new Uint8Array([10])).catch((e) => e);
  assert.equal(fileError.code, 'empty_file');
  // The model card of the scale path (`analyze --save-model`), as a Node batch job reads it.
  const cardFile = `${DIR}/card.json`;
  execFileSync(`${ROOT}target/release/crm-lens`, ['analyze', `${ROOT}www/public/sample.csv`, '--save-model', cardFile, '--out', '/dev/null']);
  const card = readFileSync(cardFile, 'utf8');
  assert.match(card, /"format": ?"crm-lens model card"/);
  const lines = [
    `import type { CrmLensError, ModelCard, Options, Report } from '${ROOT}pkg/index.js';`,
    ...Object.entries(all).map(([name, r]) => `export const ${name}: Report = ${JSON.stringify(r)};`),
    `export const card: ModelCard = ${card};`,
    `export const error: CrmLensError = ${JSON.stringify(error)};`,
    `export const fileError: CrmLensError = ${JSON.stringify(fileError)};`,
    // Every option the docs show, and none at all.
    `export const none: Options = {};`,
    `export const some: Options = { asOf: '2024-12-31', timeUnit: 'week', ingest: { decimal: ',', returns: 'drop' }, segments: { k: 5, features: ['recency', 'clv'] }, clv: { model: 'paretoNbd', holdoutDays: null }, churn: { trees: 20, maxDepth: 4 } };`,
    `export const covariateOptions: Options = { ingest: { covariateCols: ['channel', 'age:numeric'] } };`,
  ];
  const file = write('reports.ts', `${lines.join('\n')}\n`);
  tsc([file]);
});

test('a drift is caught: a Report with an unknown or a missing key fails tsc', () => {
  const r = nativeReport(`${ROOT}tests/fixtures/e2e/orders-xss.csv`);
  const extra = structuredClone(r);
  extra.kpis.newKey = 1;
  const missing = structuredClone(r);
  delete missing.ingest.detected.columns.date;
  for (const [name, bad] of [['extra', extra], ['missing', missing]]) {
    const file = write(`drift-${name}.ts`, `import type { Report } from '${ROOT}pkg/index.js';\nexport const r: Report = ${JSON.stringify(bad)};\n`);
    assert.throws(() => tsc([file]), /error TS/, name);
  }
});

/** tsc --strict --noEmit over `files` (and the package's declarations they import). */
export function tsc(files) {
  const config = write('tsconfig.json', JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext',
      lib: ['es2022', 'esnext.disposable', 'dom', 'dom.iterable'], skipLibCheck: false, types: [],
    },
    files,
  }));
  try {
    execFileSync(`${ROOT}node_modules/.bin/tsc`, ['-p', config], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`${e.stdout}${e.stderr}`);
  }
}

test('the shipped declarations have no any and no bare object (but for the raw wasm ABI)', () => {
  const dts = readdirSync(`${ROOT}pkg`).filter((f) => f.endsWith('.d.ts') && !f.endsWith('_bg.wasm.d.ts'));
  assert.ok(dts.includes('index.d.ts') && dts.includes('types.d.ts') && dts.includes('crm_lens.d.ts'));
  for (const f of dts) {
    const text = readFileSync(`${ROOT}pkg/${f}`, 'utf8')
      .replace(/export interface InitOutput \{[^}]*\}/s, '') // the instance's raw exports
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(text, /\bany\b/, f);
    assert.doesNotMatch(text, /:\s*object\b/, f);
  }
  const pkg = JSON.parse(readFileSync(`${ROOT}pkg/package.json`, 'utf8'));
  for (const [path, entry] of Object.entries(pkg.exports)) {
    if (typeof entry === 'object') assert.equal(Object.keys(entry)[0], 'types', `${path}: types first`);
  }
});

test('the shipped types.d.ts is the committed one', () => {
  assert.equal(readFileSync(`${ROOT}pkg/types.d.ts`, 'utf8'), readFileSync(`${ROOT}src/js/types.d.ts`, 'utf8'));
});
