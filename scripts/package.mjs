// Completes pkg/ after the two wasm-pack builds (scripts/build.sh): the formats module next to
// the core, the JS entry point (src/js/index.js), the worker client (src/js/worker/), the
// dashboard's types (its module is built by scripts/dashboard.vite.config.js) and a
// package.json that exports them.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const [pkg, formatsDir] = process.argv.slice(2);
const formats = ['crm_lens_formats.js', 'crm_lens_formats.d.ts', 'crm_lens_formats_bg.wasm', 'crm_lens_formats_bg.wasm.d.ts'];
for (const f of formats) copyFileSync(`${formatsDir}/${f}`, `${pkg}/${f}`);
for (const f of ['index.js', 'index.d.ts']) copyFileSync(`src/js/${f}`, `${pkg}/${f}`);
mkdirSync(`${pkg}/worker`, { recursive: true });
for (const f of readdirSync('src/js/worker')) copyFileSync(`src/js/worker/${f}`, `${pkg}/worker/${f}`);
mkdirSync(`${pkg}/dashboard`, { recursive: true });
copyFileSync('src/js/dashboard/index.d.ts', `${pkg}/dashboard/index.d.ts`);

const json = JSON.parse(readFileSync(`${pkg}/package.json`, 'utf8'));
json.files = ['index.js', 'index.d.ts', 'crm_lens.js', 'crm_lens.d.ts', 'crm_lens_bg.wasm', 'worker/', 'dashboard/',
  ...formats.filter((f) => !f.endsWith('_bg.wasm.d.ts'))];
json.main = 'index.js';
json.module = 'index.js';
json.types = 'index.d.ts';
// Importing the dashboard defines the custom element.
json.sideEffects = ['./dashboard/index.js'];
json.exports = {
  '.': { types: './index.d.ts', default: './index.js' },
  './worker': { types: './worker/index.d.ts', default: './worker/index.js' },
  './dashboard': { types: './dashboard/index.d.ts', default: './dashboard/index.js' },
  './core': { types: './crm_lens.d.ts', default: './crm_lens.js' },
  './formats': { types: './crm_lens_formats.d.ts', default: './crm_lens_formats.js' },
  './crm_lens_bg.wasm': './crm_lens_bg.wasm',
  './crm_lens_formats_bg.wasm': './crm_lens_formats_bg.wasm',
};
writeFileSync(`${pkg}/package.json`, `${JSON.stringify(json, null, 2)}\n`);
