// wasm in headless Chromium, as users run it: the built page (www/dist) served by
// `vite preview`, the file chosen in the page's file input, analysed in the page's Web Worker.
//
// node benches/chromium.mjs --dist DIR --file F --runs N   -> one JSON object on stdout.
//
// Clocks (all performance.now() on the page's main thread, except the worker's own stages):
//   read      change event on the file input -> bytes posted to the worker (File.arrayBuffer,
//             in the analyzer of crm-lens/worker)
//   init      worker: wasm init awaited (compile + instantiate; a new worker per file, as the page does)
//   ingest    worker: new Dataset(bytes)
//   analyze   worker: prepare, segment job to the segment worker, CLV, k-means answer, analyze()
//             -> Report as a JS object; split into cheap / clv / waitKmeans / assemble
//   total     bytes posted to the worker -> Report received on the main thread ("bytes in, Report out")
//   page      change event -> the page has rendered the Report (body[data-state=done])
//   first     bytes posted to the worker -> its first results (KPIs, RFM) received on the main
//             thread (the 'fitting' progress; the page shows the KPI cards then)
// The analysis worker posts { type: 'timing', ... } just before the analysis (src/js/worker/
// engine.js); an init script wraps window.Worker to record the analyzer's messages without
// touching the page's code.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launch, ROOT } from '../tests/e2e/helpers.mjs';

const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: 'www/dist' }, file: { type: 'string' }, runs: { type: 'string', default: '3' },
    timeout: { type: 'string', default: '900' },
  },
});
const dist = resolve(args.dist);
const file = resolve(args.file);
const timeoutMs = Number(args.timeout) * 1e3;

async function startPreview() {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn(`${ROOT}node_modules/.bin/vite`,
    ['preview', 'www', '--outDir', dist, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: ROOT, stdio: 'ignore' });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(origin + '/')).ok) return { origin, stop: () => proc.kill() }; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error('vite preview did not start');
}

function hook() {
  const events = [];
  window.__bench = events;
  const mark = (type, extra = {}) => events.push({ type, at: performance.now(), ...extra });
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', (ev) => {
        const m = ev.data ?? {};
        if (m.type === 'timing') mark('timing', { timing: m });
        else if (m.type === 'progress' && m.first) mark('first');
        else if (m.type === 'analysis') {
          const r = m.report ?? {};
          mark('report', { facts: { rows: r.ingest?.rowsRead, customers: r.kpis?.customers,
            kmeans: r.segments?.k != null, clv: Object.values(r.clv ?? {}).some((v) => v != null) } });
        }
        else if (m.type === 'error') mark('error', { error: m.error });
      });
      this.addEventListener('error', (ev) => mark('error', { error: { code: 'worker', message: String(ev.message) } }));
    }
    postMessage(msg, transfer) {
      if (msg?.type === 'open') mark('load', { bytes: msg.bytes?.byteLength });
      return super.postMessage(msg, transfer);
    }
  };
  document.addEventListener('change', () => mark('change'), true);
  new MutationObserver(() => { if (document.body?.dataset.state === 'done') mark('done'); })
    .observe(document, { attributes: true, subtree: true, attributeFilter: ['data-state'] });
}

const server = await startPreview();
const browser = await launch();
const out = { engine: 'chromium', browser: browser.version(), fileBytes: statSync(file).size, runs: [], crashed: false, errors: [] };
try {
  const page = await browser.newPage();
  page.on('crash', () => { out.crashed = true; });
  page.on('pageerror', (e) => out.errors.push(`pageerror: ${e.message}`));
  await page.addInitScript(hook);
  await page.goto(server.origin + '/');
  await page.waitForSelector('body[data-state="done"]', { timeout: 120_000 }); // the bundled sample: warm-up
  for (let i = 0; i < Number(args.runs); i++) {
    await page.setInputFiles('#file', []); // choosing the same file again fires no change event
    await page.evaluate(() => { window.__bench.length = 0; delete document.body.dataset.state; });
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => window.__bench.some((e) => e.type === 'done' || e.type === 'error'),
      null, { timeout: timeoutMs, polling: 200 });
    const ev = await page.evaluate(() => window.__bench);
    const at = (t) => ev.find((e) => e.type === t);
    const err = at('error');
    if (err) { out.errors.push(JSON.stringify(err.error)); break; }
    const t = at('timing')?.timing;
    const run = {
      read: (at('load').at - at('change').at) / 1e3,
      total: (at('report').at - at('load').at) / 1e3,
      page: (at('done').at - at('change').at) / 1e3,
    };
    if (at('first')) run.first = (at('first').at - at('load').at) / 1e3;
    if (t) Object.assign(run, { init: t.initMs / 1e3, ingest: t.ingestMs / 1e3, analyze: t.analyzeMs / 1e3 });
    // Inside analyze: the cheap stages, CLV + lifecycle + churn (while the segment worker runs
    // k-means, then its blocks of a large bootstrap: `clv` is both calls of this worker, `fits`
    // the first, up to the bootstrap), the waits for k-means and for the bootstrap's blocks
    // after that, and the Report's assembly; segKmeans / segBoot: how long the segment worker
    // ran k-means and its bootstrap blocks (its own clock).
    const ph = t?.phases ?? {};
    for (const [k, name] of [['prepare', 'cheap'], ['clv', 'fits'], ['awaitSegments', 'waitKmeans'], ['awaitIntervals', 'waitBoot'], ['assemble', 'assemble'],
      ['helperKmeans', 'segKmeans'], ['helperIntervals', 'segBoot']]) {
      if (ph[k] != null) run[name] = ph[k] / 1e3;
    }
    if (ph.models != null) run.clv = ((ph.clv ?? 0) + ph.models) / 1e3;
    // The customer table goes out to the segment worker (segmentJob) before RFM and the KPIs
    // (prepare) since session 10: cheap is both.
    if (ph.prepare != null) run.cheap = ((ph.segmentJob ?? 0) + ph.prepare) / 1e3;
    // The k-means jobs the analysis worker ran once its own stages were done (kmeansHere: how
    // long; waitKmeans is then only the wait after them) and how many each worker ran.
    if (ph.kmeansHere != null) run.kmeansHere = ph.kmeansHere / 1e3;
    if (ph.kmeansJobs != null) run.jobsHere = ph.kmeansJobs;
    if (ph.helperKmeansJobs != null) run.segJobs = ph.helperKmeansJobs;
    // The analysis worker's linear memory after its open and after each phase, in MB.
    if (t?.memory) run.memoryMB = Object.fromEntries(Object.entries(t.memory).map(([k, v]) => [k, Math.round(v / 1e6)]));
    // The bootstrap blocks each worker ran, and how long this one took for its share.
    if (ph.bootHere != null) run.bootHere = ph.bootHere / 1e3;
    if (ph.bootBlocks != null) run.blocksHere = ph.bootBlocks;
    if (ph.helperIntervalsJobs != null) run.segBlocks = ph.helperIntervalsJobs;
    out.runs.push(run);
    if (t) out.wasmMemoryBytes = Math.max(out.wasmMemoryBytes ?? 0, t.wasmMemoryBytes);
    out.facts ??= at('report').facts;
    console.error(`  chromium run: total ${run.total.toFixed(3)} s, first results ${run.first?.toFixed(3)} s`);
  }
  if (!out.runs.length || !('ingest' in out.runs[0])) {
    out.errors.push(out.runs.length ? 'no timing message from the worker: www/dist was built without the timing post' : 'no run completed');
  }
} catch (e) {
  out.errors.push(String(e.message ?? e).split('\n')[0]);
} finally {
  await browser.close().catch(() => {});
  server.stop();
}
console.log(JSON.stringify(out));
