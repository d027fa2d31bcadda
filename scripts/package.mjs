// Completes pkg/ after the two wasm-pack builds (scripts/build.sh): the formats module next to
// the core, the JS entry point (src/js/index.js) and a package.json that exports it.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';

const [pkg, formatsDir] = process.argv.slice(2);
const formats = ['crm_lens_formats.js', 'crm_lens_formats.d.ts', 'crm_lens_formats_bg.wasm', 'crm_lens_formats_bg.wasm.d.ts'];
for (const f of formats) copyFileSync(`${formatsDir}/${f}`, `${pkg}/${f}`);
for (const f of ['index.js', 'index.d.ts']) copyFileSync(`src/js/${f}`, `${pkg}/${f}`);

const json = JSON.parse(readFileSync(`${pkg}/package.json`, 'utf8'));
json.files = ['index.js', 'index.d.ts', 'crm_lens.js', 'crm_lens.d.ts', 'crm_lens_bg.wasm', ...formats.filter((f) => !f.endsWith('_bg.wasm.d.ts'))];
json.main = 'index.js';
json.module = 'index.js';
json.types = 'index.d.ts';
json.exports = {
  '.': { types: './index.d.ts', default: './index.js' },
  './core': { types: './crm_lens.d.ts', default: './crm_lens.js' },
  './formats': { types: './crm_lens_formats.d.ts', default: './crm_lens_formats.js' },
  './crm_lens_bg.wasm': './crm_lens_bg.wasm',
  './crm_lens_formats_bg.wasm': './crm_lens_formats_bg.wasm',
};
writeFileSync(`${pkg}/package.json`, `${JSON.stringify(json, null, 2)}\n`);
