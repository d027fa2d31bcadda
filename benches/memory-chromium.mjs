// Data from memory vs the same data as a CSV, through the worker client in headless Chromium
// (docs/performance.md, "Data from memory in the browser"). One page, one analyzer; each run
// opens the same orders as a CSV Blob, as columns, and as records, then analyses them with the
// same options. Clocks on the page's main thread: `open` (the call until the worker holds the
// data: reading/converting, posting, ingest), `analyze`, and the longest main-thread task
// (PerformanceObserver 'longtask') during each.
//
// node benches/memory-chromium.mjs [--orders 1000000] [--runs 3]   -> one JSON object on stdout
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { launch, ROOT } from '../tests/e2e/helpers.mjs';
import { serve } from '../tests/examples/serve.mjs';

const { values: args } = parseArgs({ options: { orders: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } } });
const dir = `${ROOT}target/memory-chromium`;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
symlinkSync(`${ROOT}pkg`, `${dir}/pkg`);
writeFileSync(`${dir}/index.html`, '<!doctype html><meta charset="utf-8"><title>memory vs CSV</title><script type="module" src="./bench.js"></script>\n');
writeFileSync(`${dir}/bench.js`, `import { createAnalyzer } from './pkg/worker/index.js';
window.longest = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) window.longest = Math.max(window.longest, e.duration); }).observe({ type: 'longtask' });

/** n orders of ~n/3 customers over two years (deterministic). */
function orders(n) {
  let s = 42;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const customer = new Array(n), date = new Array(n), amount = new Float64Array(n);
  const start = Date.UTC(2023, 0, 1);
  for (let i = 0; i < n; i++) {
    customer[i] = 'C' + String(Math.floor(rand() * n / 3)).padStart(7, '0');
    date[i] = new Date(start + Math.floor(rand() * 730) * 86400000).toISOString().slice(0, 10);
    amount[i] = Math.round(rand() * 20000) / 100;
  }
  return { customer, date, amount };
}

window.run = async (n, kind) => {
  const cols = window.cols ??= orders(n);
  const options = { asOf: '2024-12-31' };
  const analyzer = window.analyzer ??= createAnalyzer();
  let input;
  if (kind === 'csv') {
    const lines = ['customer,date,amount'];
    for (let i = 0; i < n; i++) lines.push(cols.customer[i] + ',' + cols.date[i] + ',' + cols.amount[i]);
    input = new Blob([lines.join('\\n')]);
  } else if (kind === 'records') {
    input = Array.from({ length: n }, (_, i) => ({ id: cols.customer[i], day: cols.date[i], total: cols.amount[i] }));
  } else input = cols;
  await new Promise((r) => setTimeout(r, 200)); // the input's own making is not timed
  window.longest = 0;
  const t0 = performance.now();
  if (kind === 'csv') await analyzer.open(input, options);
  else if (kind === 'records') await analyzer.openRecords(input, { customer: 'id', date: 'day', amount: 'total' }, options);
  else await analyzer.openColumns(input, options);
  const t1 = performance.now();
  const openLongest = window.longest;
  window.longest = 0;
  const { report } = await analyzer.analyze(options);
  const t2 = performance.now();
  await new Promise((r) => setTimeout(r, 100));
  return { kind, open: (t1 - t0) / 1e3, analyze: (t2 - t1) / 1e3, openLongestTaskMs: Math.round(openLongest),
    analyzeLongestTaskMs: Math.round(window.longest), customers: report.kpis.customers, revenue: report.kpis.revenue };
};
`);

const n = Number(args.orders);
const server = await serve(dir);
const browser = await launch();
const out = { orders: n, browser: browser.version(), runs: [], errors: [] };
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => out.errors.push(e.message));
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => typeof window.run === 'function');
  for (let r = 0; r < Number(args.runs); r++) {
    for (const kind of ['csv', 'columns', 'records']) {
      const res = await page.evaluate(([k, kind2]) => window.run(k, kind2), [n, kind]);
      out.runs.push(res);
      console.error(`  ${kind}: open ${res.open.toFixed(2)} s (longest task ${res.openLongestTaskMs} ms), analyze ${res.analyze.toFixed(2)} s`);
    }
  }
} catch (e) {
  out.errors.push(String(e.message ?? e).split('\n')[0]);
} finally {
  await browser.close();
  server.stop();
}
console.log(JSON.stringify(out));
