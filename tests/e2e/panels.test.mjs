// The k-means and CLV panels on the real engine (the sample, analysed in the page's worker),
// checked against the native CLI's Report and per-customer export of the same file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startServer, launch, openPage, done, rerun, unfold, nativeReport, ROOT, ARTIFACTS } from './helpers.mjs';

const SAMPLE = `${ROOT}www/public/sample.csv`;
let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const int = (x) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(Math.round(x));
const money0 = (x) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(x);
const num = (x, d) => new Intl.NumberFormat('en-US', { maximumFractionDigits: d }).format(x);
const alt = (page, name) => page.textContent(`#alt-${name}`);

/** The native per-customer export: header + rows, BOM stripped. */
function nativeCustomers(args = []) {
  const out = `${tmpdir()}/crm-lens-e2e-panels.csv`;
  execFileSync(`${ROOT}target/release/crm-lens`, ['analyze', SAMPLE, '--export-customers', out, ...args], { stdio: 'ignore' });
  const [head, ...rows] = readFileSync(out, 'utf8').replace(/^\ufeff/, '').trim().split('\n').map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

test('k-means and CLV panels show the engine\'s results; model and horizon re-run only CLV and its dependants', async () => {
  const expected = nativeReport(SAMPLE);
  const seg = expected.segments;
  const clv = expected.clv;
  assert.ok(seg.clusters.length >= 2 && seg.scan.length >= 2, 'the sample has clusters and a scan');
  assert.ok(clv.bgnbd && clv.pAliveMatrix && clv.holdout?.byFrequency?.length, 'the sample has fitted CLV models');

  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, server.origin);
  await done(page);

  // k-means: summary, elbow/silhouette from the scan, the scatter from the projection.
  assert.match(await page.textContent('[data-testid="kmeans-summary"]'), new RegExp(`^k = ${seg.k}, silhouette ${num(seg.silhouette, 3)}`));
  const rec = seg.recommendation;
  const why = { maxSilhouette: `k = ${rec.k} has the highest silhouette`,
    elbowWithinSilhouetteTolerance: `the elbow at k = ${rec.elbowK} is within ${num(rec.silhouetteTolerance, 3)} of the best silhouette in ${rec.preferredRange[0]}–${rec.preferredRange[1]} (k = ${rec.bestInRangeK})`,
    maxSilhouetteInPreferredRange: `k = ${rec.k} has the best silhouette among ${rec.preferredRange[0]}–${rec.preferredRange[1]} clusters (${num(rec.bestInRangeSilhouette, 3)}); the best overall, k = ${rec.bestSilhouetteK} (${num(rec.bestSilhouette, 3)}), is too weak to prefer` }[rec.reason];
  assert.ok(why, `the sample's reason (${rec.reason}) is one the test knows`);
  assert.ok((await page.textContent('[data-testid="kmeans-summary"]')).endsWith(` — recommended: ${why}`));
  for (const f of ['elbow', 'scatter', 'clvhist', 'clvtop', 'palive', 'holdout']) {
    assert.equal(await page.isVisible(`figure[data-chart="${f}"] canvas`), true, `${f} is drawn on a canvas`);
  }
  assert.equal(await alt(page, 'elbow'), seg.scan.map((p) => `k = ${p.k}: Inertia ${num(p.inertia, 1)}, Silhouette ${num(p.silhouette, 3)}`).join('; '));
  const customers = expected.kpis.customers;
  assert.match(await page.textContent('#scatter-note'), new RegExp(`of ${int(customers)} customers`));
  const sampled = (await alt(page, 'scatter')).match(/Cluster \d+ · [^:;]+: [\d,]+/g);
  assert.equal(sampled.length, seg.clusters.length, 'every cluster is in the scatter sample');

  // Profile table: one row per cluster with the engine's medians.
  const rows = await page.$$eval('#cluster-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.deepEqual(rows.map((r) => [r[0], r[3], r[6], r[7], r[8]]), seg.clusters.map((c) => [
    String(c.id), int(c.size), int(c.recencyDays.median), num(c.frequency.median, 1), money0(c.monetary.median)]));

  // CLV: the chosen model, the top customers with their intervals (native export), P(alive)
  // matrix corners and the holdout series.
  assert.match(await page.textContent('#clv-model'), /BG\/NBD|Pareto\/NBD|MBG\/NBD/);
  const native = nativeCustomers();
  const top = native.map((r, i) => [Number(r.clv), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 3).map(([, i]) => native[i]);
  const topAlt = (await alt(page, 'clvtop')).split('; ');
  assert.equal(topAlt.length, 20);
  assert.deepEqual(topAlt.slice(0, 3), top.map((r) => `${r.customerId}: CLV ${money0(Number(r.clv))} (Interval ${money0(Number(r.clvLow))} – ${money0(Number(r.clvHigh))})`));
  assert.ok(Number(top[0].clvLow) < Number(top[0].clv) && Number(top[0].clv) < Number(top[0].clvHigh), 'a real interval');
  const pa = clv.pAliveMatrix;
  const pct = (x) => new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(x);
  assert.match(await alt(page, 'palive'), new RegExp(`^Frequency 0, Recency 0: ${pct(pa.values[0][0]).replace('.', '\\.')}`));
  assert.equal(await alt(page, 'holdout'), clv.holdout.byFrequency.map((b) => `Frequency ${b.frequency}: Actual ${num(b.actual, 2)}, Predicted ${num(b.predicted, 2)}`).join('; '));
  assert.match(await page.textContent('#vhead'), /Cluster.*P\(alive\).*CLV/);
  // CLV by window (months 1-12): mean per customer of each lifecycle stage, all customers and a
  // new customer; the select redraws it by RFM segment from the same Report.
  assert.equal(await page.isVisible('figure[data-chart="clvwindows"] canvas'), true);
  const money2 = (x) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);
  const curve = (v) => [0, 2, 5, 11].map((i) => `month ${i + 1} ${money2(v[i])}`).join(', ');
  const windowsAlt = async (groups) => {
    const text = await alt(page, 'clvwindows');
    for (const g of groups.filter((x) => x.customers > 0)) assert.ok(text.includes(` (${int(g.customers)}): ${curve(g.mean)}`), `${g.name} in ${text}`);
    assert.ok(text.includes(`All customers: ${curve(clv.windows.total.map((x) => x / customers))}`), text);
    assert.ok(text.endsWith(`A new customer: ${curve(clv.windows.months.map((k) => clv.newCustomer.value[k]))}`), text);
  };
  await windowsAlt(clv.windows.byStage);
  const firstAlt = await alt(page, 'clvwindows');
  await page.selectOption('#clv-windows-by', 'rfm');
  await page.waitForFunction((before) => document.querySelector('crm-lens-dashboard').shadowRoot
    .querySelector('#alt-clvwindows').textContent !== before, firstAlt);
  await windowsAlt(clv.windows.byRfmSegment);
  assert.equal(await page.textContent('[data-testid="clv-new"]'),
    `A brand-new customer: ${num(clv.newCustomer.expectedPurchases[12], 2)} repeat purchases expected and ${money2(clv.newCustomer.value[12])} of value in the first 12 months.`);

  // The cluster filter of the customer table.
  const c1 = seg.clusters[1];
  await page.selectOption('#filters select[name="cluster"]', String(c1.id));
  await page.waitForFunction((s) => document.querySelector('crm-lens-dashboard').shadowRoot
    .querySelector('[data-testid="table-count"]').textContent.startsWith(`${s} of`), int(c1.size));
  await page.selectOption('#filters select[name="cluster"]', '');
  await page.screenshot({ path: `${ARTIFACTS}/panels-kmeans-clv.png`, fullPage: true });

  // Another model: only CLV and the stages that read P(alive) re-run; k-means is kept.
  await unfold(page);
  await rerun(page, () => page.selectOption('#settings select[name="model"]', 'paretoNbd'));
  assert.equal(await page.getAttribute('#status', 'data-stages-run'), 'clv lifecycle churn explain');
  assert.match(await page.textContent('#clv-model'), /Pareto\/NBD/);
  const pnbd = nativeCustomers(['--options', JSON.stringify({ clv: { model: 'paretoNbd' } })]);
  const pTop = pnbd.reduce((b, r) => (Number(r.clv) > Number(b.clv) ? r : b));
  assert.ok((await alt(page, 'clvtop')).startsWith(`${pTop.customerId}: CLV ${money0(Number(pTop.clv))}`), 'top CLV follows the model');
  // Another horizon: the same.
  const horizon = '#settings input[name="horizonMonths"]';
  await rerun(page, async () => { await page.fill(horizon, '6'); await page.press(horizon, 'Tab'); });
  assert.equal(await page.getAttribute('#status', 'data-stages-run'), 'clv lifecycle churn explain');

  // A real invalid option: shown as the engine's invalid_option, with the controls put back.
  await rerun(page, async () => { await page.fill(horizon, '5000'); await page.press(horizon, 'Tab'); });
  assert.equal(await page.getAttribute('[data-testid="error"]', 'data-code'), 'invalid_option');
  assert.equal(await page.textContent('#error-text'), 'A setting was rejected.');
  assert.match(await page.textContent('#error-detail'), /horizonMonths must be in 1..=1200, got 5000/);
  assert.equal(await page.inputValue(horizon), '6');
  assert.equal(await page.isVisible('#kmeans'), true, 'the last dashboard stays');
  assert.deepEqual(problems, []);
  await context.close();
});
