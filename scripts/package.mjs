// Completes pkg/ after the three wasm-pack builds and the dashboard's bundle (scripts/build.sh):
// the full and formats modules next to the core, every file under src/js/ (copied as a tree, so a file
// added there ships without editing this script) except the dashboard's sources (bundled with
// ECharts into pkg/dashboard/index.js by scripts/dashboard.vite.config.js; only their types
// ship), the LICENSE, and a package.json in the style of parquet-wasm and DuckDB-wasm: an
// exports map with types per subpath and a `node` condition.
import { copyFileSync, cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const [pkg, formatsDir, fullDir] = process.argv.slice(2);
const moduleFiles = (m) => [`${m}.js`, `${m}.d.ts`, `${m}_bg.wasm`, `${m}_bg.wasm.d.ts`];
const formats = moduleFiles('crm_lens_formats');
const full = moduleFiles('crm_lens_full');
for (const f of formats) copyFileSync(`${formatsDir}/${f}`, `${pkg}/${f}`);
for (const f of full) copyFileSync(`${fullDir}/${f}`, `${pkg}/${f}`);

/** A path under src/js/ that ships as it is (not a source of the dashboard's bundle). */
const ships = (rel) => !rel.startsWith('dashboard/') || rel === 'dashboard/index.d.ts';
cpSync('src/js', pkg, { recursive: true, filter: (src) => {
  const rel = relative('src/js', src);
  return rel === '' || rel === 'dashboard' || ships(rel);
} });
copyFileSync('LICENSE', `${pkg}/LICENSE`);

const tree = readdirSync('src/js', { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile())
  .map((e) => `${e.parentPath ?? e.path}/${e.name}`.slice('src/js/'.length))
  .filter(ships)
  .concat('dashboard/index.js')
  .sort();

// wasm-pack wrote name, version (Cargo.toml's), description, license and repository.
const json = JSON.parse(readFileSync(`${pkg}/package.json`, 'utf8'));
json.type = 'module';
json.files = [...tree, 'crm_lens.js', 'crm_lens.d.ts', 'crm_lens_bg.wasm',
  ...[...full, ...formats].filter((f) => !f.endsWith('_bg.wasm.d.ts')), 'LICENSE'];
json.main = 'index.js';
json.module = 'index.js';
json.types = 'index.d.ts';
// Importing these does something (instantiates the core under Node, defines the element).
json.sideEffects = ['./node.js', './dashboard/index.js'].filter((f) => tree.includes(f.slice(2)));
const subpath = (name) => ({ [`./${name}`]: { types: `./${name}/index.d.ts`, default: `./${name}/index.js` } });
json.exports = {
  '.': { types: './index.d.ts', ...(tree.includes('node.js') ? { node: './node.js' } : {}), default: './index.js' },
  ...subpath('worker'),
  ...subpath('dashboard'),
  './core': { types: './crm_lens.d.ts', default: './crm_lens.js' },
  './full': { types: './crm_lens_full.d.ts', default: './crm_lens_full.js' },
  './formats': { types: './crm_lens_formats.d.ts', default: './crm_lens_formats.js' },
  './crm_lens_bg.wasm': './crm_lens_bg.wasm',
  './crm_lens_full_bg.wasm': './crm_lens_full_bg.wasm',
  './crm_lens_formats_bg.wasm': './crm_lens_formats_bg.wasm',
  './package.json': './package.json',
};
// Only `openArrow` / `columnsFromArrow` read Arrow tables, and only through the table's own
// methods: apache-arrow is never imported.
json.peerDependencies = { 'apache-arrow': '>=13' };
json.peerDependenciesMeta = { 'apache-arrow': { optional: true } };
json.keywords = ['rfm', 'clv', 'customer-lifetime-value', 'crm', 'analytics', 'webassembly', 'k-means', 'web-component'];
json.engines = { node: '>=18' };
for (const f of json.files) {
  if (!existsSync(`${pkg}/${f}`)) throw new Error(`package.mjs: ${pkg}/${f} is missing`);
}
writeFileSync(`${pkg}/package.json`, `${JSON.stringify(json, null, 2)}\n`);
