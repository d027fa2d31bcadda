// Completes pkg/ after the two wasm-pack builds (scripts/build.sh): the formats module next to
// the core, every file under src/js/ (copied as a tree, so a file added there ships without
// editing this script), the LICENSE, and a package.json in the style of parquet-wasm and
// DuckDB-wasm: an exports map with types per subpath and a `node` condition.
import { copyFileSync, cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';

const [pkg, formatsDir] = process.argv.slice(2);
const formats = ['crm_lens_formats.js', 'crm_lens_formats.d.ts', 'crm_lens_formats_bg.wasm', 'crm_lens_formats_bg.wasm.d.ts'];
for (const f of formats) copyFileSync(`${formatsDir}/${f}`, `${pkg}/${f}`);
cpSync('src/js', pkg, { recursive: true });
copyFileSync('LICENSE', `${pkg}/LICENSE`);

const tree = readdirSync('src/js', { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile())
  .map((e) => `${e.parentPath ?? e.path}/${e.name}`.slice('src/js/'.length))
  .sort();

// wasm-pack wrote name, version (Cargo.toml's), description, license and repository.
const json = JSON.parse(readFileSync(`${pkg}/package.json`, 'utf8'));
json.type = 'module';
json.files = [...tree, 'crm_lens.js', 'crm_lens.d.ts', 'crm_lens_bg.wasm', ...formats.filter((f) => !f.endsWith('_bg.wasm.d.ts')), 'LICENSE'];
json.main = 'index.js';
json.module = 'index.js';
json.types = 'index.d.ts';
// Importing these does something (instantiates the core under Node, defines the element).
json.sideEffects = ['./node.js', './dashboard.js'].filter((f) => tree.includes(f.slice(2)));

// `./dashboard` and `./worker` are reserved for the element and the worker client
// (src/js/dashboard.js and src/js/worker.js, each with its .d.ts): exported once they exist.
const subpath = (name) => (tree.includes(`${name}.js`) ? { [`./${name}`]: { types: `./${name}.d.ts`, default: `./${name}.js` } } : {});
json.exports = {
  '.': { types: './index.d.ts', node: './node.js', default: './index.js' },
  ...subpath('dashboard'),
  ...subpath('worker'),
  './core': { types: './crm_lens.d.ts', default: './crm_lens.js' },
  './formats': { types: './crm_lens_formats.d.ts', default: './crm_lens_formats.js' },
  './crm_lens_bg.wasm': './crm_lens_bg.wasm',
  './crm_lens_formats_bg.wasm': './crm_lens_formats_bg.wasm',
  './package.json': './package.json',
};
// Only `openArrow` / `columnsFromArrow` read Arrow tables, and only through the table's own
// methods: apache-arrow is never imported.
json.peerDependencies = { 'apache-arrow': '>=13' };
json.peerDependenciesMeta = { 'apache-arrow': { optional: true } };
json.keywords = ['rfm', 'clv', 'customer-lifetime-value', 'crm', 'analytics', 'webassembly', 'k-means'];
json.engines = { node: '>=18' };
for (const f of json.files) {
  if (!existsSync(`${pkg}/${f}`)) throw new Error(`package.mjs: ${pkg}/${f} is missing`);
}
writeFileSync(`${pkg}/package.json`, `${JSON.stringify(json, null, 2)}\n`);
