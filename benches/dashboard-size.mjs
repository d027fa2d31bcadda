// Size of crm-lens/dashboard (docs/performance.md, "Dashboard element"): the shipped module
// (the element and the tree-shaken ECharts, scripts/dashboard.vite.config.js), the ECharts part
// alone (src/js/dashboard/charts.js: the charts and components the dashboard registers), and
// ECharts' floor (core + canvas renderer + one bar chart on a grid). Same Vite build, same
// minifier (the shipped module's config); gzip -9 as for the wasm.
//
// node benches/dashboard-size.mjs   -> a table on stdout
import { build } from 'vite';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}target/dashboard-size`;
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/floor.js`, `import { use, init } from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridSimpleComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
use([BarChart, GridSimpleComponent, CanvasRenderer]);
export { init };
`);

// The shipped module's own config (scripts/dashboard.vite.config.js), with only the entry and
// the output directory changed: the three rows are built and minified the same way.
const shipped = (await import(`${root}scripts/dashboard.vite.config.js`)).default;

async function size(name, entry) {
  await build({
    ...shipped, configFile: false, logLevel: 'error',
    build: { ...shipped.build, lib: { entry, formats: ['es'], fileName: () => `${name}.js` }, outDir: out, emptyOutDir: false },
  });
  const bytes = readFileSync(`${out}/${name}.js`);
  // GNU gzip, as scripts/build.sh measures the wasm (Node's zlib packs a little differently).
  return { name, raw: bytes.length, gzip: execFileSync('gzip', ['-9c', `${out}/${name}.js`]).length };
}

const rows = [
  await size('dashboard', `${root}src/js/dashboard/index.js`),
  await size('echarts-as-used', `${root}src/js/dashboard/charts.js`),
  await size('echarts-floor', `${out}/floor.js`),
];
const fmt = (n) => n.toLocaleString('en-US');
console.log('| Module | Raw | gzip -9 |\n|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | ${fmt(r.raw)} B | ${fmt(r.gzip)} B |`);
