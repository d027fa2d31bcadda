// The k-means and CLV panels, before the core fills `segments` and `clv`: the page's worker is
// replaced (in this test only) by a stand-in that answers with the sample's real Report plus
// segments/clv sections of the planned shape, so the panels' rendering is exercised now.
// The stand-in uses the page's own derive.js for the per-customer computations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, nativeReport, ROOT, ARTIFACTS } from './helpers.mjs';
import { scatterSample, clvHistogram, topClv, query } from '../../www/src/derive.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

function plannedReport(base, k) {
  const clusters = Array.from({ length: k }, (_, id) => ({
    id, size: 100 + id, share: 1 / k, meanRecency: 30 * (id + 1), meanFrequency: 5 - id * 0.5, meanMonetary: 200 / (id + 1),
    medianRecency: 25 * (id + 1), medianFrequency: 4 - id * 0.5, medianMonetary: 150 / (id + 1), revenueShare: 1 / k,
    label: id === 0 ? ['cluster.highValue', 'cluster.recent'] : ['cluster.lowValue'],
  }));
  return {
    ...base,
    segments: {
      k, inertia: 1000 / k, silhouette: 0.42,
      scan: [2, 3, 4, 5, 6, 7, 8].map((j) => ({ k: j, inertia: 2000 / j, silhouette: 0.3 + 0.02 * j })),
      clusters, projection: { explainedVariance: [0.58, 0.27] },
    },
    clv: {
      simple: { horizonMonths: 12 }, bgnbd: { params: { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 }, logLikelihood: -9582.4, converged: true },
      paretoNbd: null, mbgnbd: null, gammaGamma: { params: { p: 6.2, q: 3.9, v: 15.4 } }, chosenModel: 'bgnbd',
      pAliveMatrix: { frequency: [0, 1, 2, 3, 4, 5], recency: [0, 10, 20, 30, 40, 50], pAlive: Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => Math.min(1, (i + 1) / (j + 1.5)))) },
      holdout: { labels: ['0', '1', '2', '3', '4+'], actual: [0.1, 0.6, 1.2, 1.9, 3.1], predicted: [0.12, 0.55, 1.25, 2.0, 2.9] },
      totals: { clv: 123456 },
    },
  };
}

/** The stand-in worker: same message protocol as www/src/worker.js. */
function mockWorker(base) {
  return `
import { scatterSample, clvHistogram, topClv, query } from './mock-derive.js';
const BASE = ${JSON.stringify(base)};
const plannedReport = ${plannedReport.toString()};
let cols, ids, lower = null;
self.onmessage = (ev) => {
  const m = ev.data;
  if (m.type === 'analyze' && m.options?.clv?.model === 'mbgnbd') {
    // What an older core answers to a planned key it does not know.
    self.postMessage({ type: 'error', id: m.id, error: { code: 'invalid_option', message: 'options: unknown field \`model\`' } });
  } else if (m.type === 'load' || m.type === 'analyze') {
    self.postMessage({ type: 'progress', stage: 'parsing' });
    const k = m.options?.segments?.k ?? 3;
    const report = plannedReport(BASE, k);
    const n = 3000;
    ids = Array.from({ length: n }, (_, i) => 'M' + String(i).padStart(5, '0'));
    lower = null;
    const segs = report.rfm.segments.map((s, i) => [i, s.customers]).filter((x) => x[1] > 0).map((x) => x[0]);
    cols = { recencyDays: new Float64Array(n), frequency: new Uint32Array(n), monetary: new Float64Array(n),
      rScore: new Uint8Array(n), fScore: new Uint8Array(n), mScore: new Uint8Array(n), rfmSegment: new Uint16Array(n),
      stage: new Uint8Array(n), cluster: new Uint32Array(n), px: new Float32Array(n), py: new Float32Array(n),
      pAlive: new Float64Array(n), clv: new Float64Array(n), clvLow: new Float64Array(n), clvHigh: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      const c = i % k;
      cols.recencyDays[i] = (i * 37) % 700; cols.frequency[i] = 1 + (i % 9); cols.monetary[i] = 10 + (i * 13) % 500;
      cols.rScore[i] = 1 + (i % 5); cols.fScore[i] = 1 + ((i >> 1) % 5); cols.mScore[i] = 1 + ((i >> 2) % 5);
      cols.rfmSegment[i] = segs[i % segs.length]; cols.stage[i] = 1 + (i % 5); cols.cluster[i] = c;
      cols.px[i] = Math.cos(c * 2) * 3 + Math.sin(i) ; cols.py[i] = Math.sin(c * 2) * 3 + Math.cos(i * 1.3);
      cols.pAlive[i] = ((i * 7) % 100) / 100; cols.clv[i] = ((i * 131) % 997) + (i % 50 === 0 ? 5000 : 0);
      cols.clvLow[i] = cols.clv[i] * 0.7; cols.clvHigh[i] = cols.clv[i] * 1.4;
    }
    const enc = new TextEncoder();
    const parts = ids.map((s) => enc.encode(s));
    const idOffsets = new Uint32Array(n + 1);
    parts.forEach((p, i) => { idOffsets[i + 1] = idOffsets[i] + p.length; });
    const idBytes = new Uint8Array(idOffsets[n]);
    parts.forEach((p, i) => idBytes.set(p, idOffsets[i]));
    const table = { n, idBytes, idOffsets };
    for (const key of ['recencyDays', 'frequency', 'monetary', 'rScore', 'fScore', 'mScore', 'rfmSegment', 'stage', 'cluster', 'pAlive', 'clv', 'clvLow', 'clvHigh']) table[key] = cols[key].slice();
    const derived = { scatter: scatterSample(cols, report), clvHistogram: clvHistogram(cols), topClv: topClv(cols, ids) };
    self.postMessage({ type: 'report', id: m.id, report, table, derived });
  } else if (m.type === 'query') {
    if (m.query.search && !lower) lower = ids.map((s) => s.toLowerCase());
    const index = query(cols, ids, lower, m.query);
    self.postMessage({ type: 'query', id: m.id, index }, [index.buffer]);
  } else if (m.type === 'export') {
    const bytes = new TextEncoder().encode('\\ufeffcustomerId\\n');
    self.postMessage({ type: 'export', id: m.id, bytes });
  }
};`;
}

test('derive.js: scatter sample, CLV histogram, top CLV and table queries', () => {
  const n = 50_000;
  const cols = {
    px: new Float32Array(n).map((_, i) => Math.sin(i)), py: new Float32Array(n).map((_, i) => Math.cos(i)),
    cluster: new Uint32Array(n).map((_, i) => i % 3), clv: new Float64Array(n).map((_, i) => i % 1000),
    rfmSegment: new Uint16Array(n).map((_, i) => i % 4), stage: new Uint8Array(n).map((_, i) => i % 6),
    monetary: new Float64Array(n).map((_, i) => (i * 7) % 101),
  };
  const ids = Array.from({ length: n }, (_, i) => `c${i}`);
  const sc = scatterSample(cols, { segments: { clusters: [{}, {}, {}] } });
  assert.ok(sc.shown <= 12_000 && sc.shown > 10_000);
  assert.equal(sc.series.length, 3);
  assert.equal(scatterSample({ px: new Float32Array(0) }, { segments: { clusters: [] } }), null);
  const h = clvHistogram(cols);
  assert.equal(h.counts.reduce((a, b) => a + b, 0) + h.above, n);
  const top = topClv(cols, ids);
  assert.equal(top.length, 20);
  assert.equal(top[0].clv, 999);
  const idx = query(cols, ids, ids, { search: 'c4999', segment: '', stage: '', cluster: '' });
  assert.deepEqual([...idx].map((i) => ids[i]), ['c4999', 'c49990', 'c49991', 'c49992', 'c49993', 'c49994', 'c49995', 'c49996', 'c49997', 'c49998', 'c49999']);
  const bySpend = query(cols, ids, null, { segment: '1', stage: '', cluster: '2', sortKey: 'monetary', sortDir: 'desc' });
  assert.ok(bySpend.length > 0);
  for (const i of bySpend) assert.ok(cols.rfmSegment[i] === 1 && cols.cluster[i] === 2);
  for (let j = 1; j < bySpend.length; j++) assert.ok(cols.monetary[bySpend[j - 1]] >= cols.monetary[bySpend[j]]);
});

test('k-means and CLV panels render from the planned Report keys, and follow k', async () => {
  const base = nativeReport(`${ROOT}www/public/sample.csv`);
  const context = await browser.newContext({ locale: 'en-US' });
  await context.route(/\/assets\/worker-[^/]*\.js$/, (route) => route.fulfill({ contentType: 'text/javascript', body: mockWorker(base) }));
  await context.route(/\/assets\/mock-derive\.js$/, (route) => route.fulfill({ contentType: 'text/javascript', body: readFileSync(`${ROOT}www/src/derive.js`, 'utf8') }));
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(`${server.origin}/`);
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
  assert.equal(await page.isVisible('#kmeans'), true);
  assert.match(await page.textContent('[data-testid="kmeans-summary"]'), /k = 3/);
  assert.equal(await page.$$eval('#cluster-table tbody tr', (r) => r.length), 3);
  assert.match(await page.textContent('#cluster-table'), /High Value, Recent/);
  for (const f of ['elbow', 'scatter', 'clvhist', 'clvtop', 'palive', 'holdout']) {
    assert.equal(await page.isVisible(`figure[data-chart="${f}"] canvas`), true, `${f} is drawn`);
  }
  assert.match(await page.textContent('#clv-model'), /BG\/NBD/);
  assert.equal(await page.isVisible('#settings input[name="horizonMonths"]'), true, 'CLV settings shown with CLV');
  assert.match(await page.textContent('#scatter-note'), /3,000/);
  assert.match(await page.textContent('#vhead'), /Cluster.*P\(alive\).*CLV/);

  await page.evaluate(() => { document.body.dataset.state = 'pending'; });
  await page.selectOption('[data-testid="k"]', '5');
  await page.waitForSelector('body[data-state="done"]');
  assert.match(await page.textContent('[data-testid="kmeans-summary"]'), /k = 5/);
  assert.equal(await page.$$eval('#cluster-table tbody tr', (r) => r.length), 5);

  // A planned option the core rejects: shown, not fatal; the dashboard and the control go back.
  await page.evaluate(() => { document.body.dataset.state = 'pending'; });
  await page.selectOption('#settings select[name="model"]', 'mbgnbd');
  await page.waitForSelector('body[data-state="done"]');
  assert.equal(await page.getAttribute('[data-testid="error"]', 'data-code'), 'unsupported_option');
  assert.match(await page.textContent('#error-text'), /does not support this setting yet/);
  assert.equal(await page.inputValue('#settings select[name="model"]'), '');
  assert.equal(await page.isVisible('#kmeans'), true);
  assert.match(await page.textContent('[data-testid="kmeans-summary"]'), /k = 5/);

  await page.selectOption('#filters select[name="cluster"]', '2');
  await page.waitForFunction(() => /^600 of/.test(document.querySelector('[data-testid="table-count"]').textContent));
  await page.screenshot({ path: `${ARTIFACTS}/panels-kmeans-clv.png`, fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
