// Every code sample of docs/embedding.md and of the package README is exercised: TypeScript
// (and the README's JavaScript) samples compile under `tsc --strict --noEmit` against the
// built package, resolved as `crm-lens` the way an app resolves it; a sample that is an
// example app's source must equal that file, which scripts/examples.sh installs and runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { ARTIFACTS, ROOT } from './helpers.mjs';

const DIR = `${ARTIFACTS}/docs-check`;

/** The fenced code blocks of a Markdown file: [language, code]. */
function blocks(file) {
  const text = readFileSync(`${ROOT}${file}`, 'utf8');
  return [...text.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => [m[1], m[2]]);
}

/** A sample's source when it is an example app's file (compared, not compiled). */
const EXAMPLES = ['examples/node/index.mjs', 'examples/vite-ts/src/main.ts', 'examples/static/app.js'].map((f) => readFileSync(`${ROOT}${f}`, 'utf8'));

test('every sample of docs/embedding.md and the package README compiles or is an example app', () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(`${DIR}/node_modules/@types`, { recursive: true });
  symlinkSync(`${ROOT}pkg`, `${DIR}/node_modules/crm-lens`);
  symlinkSync(`${ROOT}node_modules/apache-arrow`, `${DIR}/node_modules/apache-arrow`);
  symlinkSync(`${ROOT}node_modules/@types/node`, `${DIR}/node_modules/@types/node`);
  const files = [];
  let examples = 0;
  for (const doc of ['docs/embedding.md', 'src/js/README.md']) {
    blocks(doc).forEach(([lang, code], i) => {
      if (EXAMPLES.includes(code)) {
        examples += 1;
        return;
      }
      if (lang !== 'ts' && lang !== 'js') return; // shell commands
      const name = `${doc.replace(/\W/g, '_')}_${i}.mts`;
      writeFileSync(`${DIR}/${name}`, code);
      files.push(name);
    });
  }
  assert.ok(files.length >= 8, `${files.length} samples`);
  assert.equal(examples, EXAMPLES.length, 'the three example apps are quoted verbatim');
  writeFileSync(`${DIR}/tsconfig.json`, JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext',
      lib: ['es2022', 'esnext.disposable', 'dom', 'dom.iterable'], types: ['node'], skipLibCheck: true,
    },
    files,
  }));
  try {
    execFileSync(`${ROOT}node_modules/.bin/tsc`, ['-p', `${DIR}/tsconfig.json`], { cwd: DIR, stdio: 'pipe' });
  } catch (e) {
    assert.fail(`${e.stdout}${e.stderr}`);
  }
});
