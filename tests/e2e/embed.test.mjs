// The embedding API on the built page, which uses it as an embedder does: the analyzer of
// crm-lens/worker (cancel by AbortSignal, progress, queries) and <crm-lens-dashboard>'s events
// (crm-lens-customer, crm-lens-segment), its lang attribute, theming and setData.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startServer, launch, openPage, done, digits, ROOT } from './helpers.mjs';

const SAMPLE = `${ROOT}www/public/sample.csv`;
let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

function nativeCustomers() {
  const out = `${tmpdir()}/crm-lens-e2e-embed.csv`;
  execFileSync(`${ROOT}target/release/crm-lens`, ['analyze', SAMPLE, '--export-customers', out], { stdio: 'ignore' });
  const [head, ...rows] = readFileSync(out, 'utf8').replace(/^\ufeff/, '').trim().split('\n').map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

/** Records the dashboard's events on `document` (they are composed and bubble). */
const recordEvents = (page) => page.evaluate(() => {
  window.__events = [];
  for (const type of ['crm-lens-customer', 'crm-lens-segment']) {
    document.addEventListener(type, (e) => window.__events.push({ type, detail: e.detail, composed: e.composed, bubbles: e.bubbles }));
  }
});
const events = (page, n) => page.waitForFunction((k) => window.__events.length >= k && window.__events, n, { timeout: 15_000 })
  .then((h) => h.jsonValue());

test('analyzer: AbortSignal cancels with { code: cancelled, name: AbortError }, the analysis is restored; progress names each stage', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, server.origin);
  await done(page);
  const out = await page.evaluate(async () => {
    const a = document.querySelector('crm-lens-dashboard').analyzer;
    const before = a.analysis;
    const ctl = new AbortController();
    const run = a.analyze({ segments: { k: 7 } }, { signal: ctl.signal });
    ctl.abort();
    const error = await run.then(() => null, (e) => e);
    const restoring = a.restoring instanceof Promise;
    const restored = await a.restoring;
    const kept = a.analysis === before;
    const all = (await a.query({})).length;
    const progress = [];
    const again = await a.analyze({ rfm: { bins: 4 } }, { onProgress: (p) => progress.push(p) });
    // An aborted signal given up front: rejected at once, nothing stops.
    const pre = new AbortController();
    pre.abort();
    const early = await a.analyze({}, { signal: pre.signal }).then(() => null, (e) => e);
    // The fitting progress carries the first results: the Report's own KPI and RFM sections.
    const first = progress.find((p) => p.first)?.first;
    const firstIsReport = JSON.stringify(first) === JSON.stringify({ kpis: again.report.kpis, rfm: again.report.rfm });
    return { error, restoring, restored, kept, all, customers: before.report.kpis.customers,
      progress: progress.map(({ stage, fraction, first }) => ({ stage, fraction, first: first != null })), firstIsReport,
      stagesRun: again.stagesRun, bins: again.report.rfm.bins, early, still: a.analysis === again };
  });
  assert.equal(out.error.code, 'cancelled');
  assert.equal(out.error.name, 'AbortError');
  assert.ok(out.restoring && out.restored, 'the shown analysis was read again');
  assert.ok(out.kept, 'the analysis object stays the one shown');
  assert.equal(out.all, out.customers, 'queries run on the restored data');
  assert.deepEqual(out.progress, [{ stage: 'aggregating', fraction: 0, first: false }, { stage: 'fitting', fraction: 1 / 3, first: true }, { stage: 'preparing', fraction: 2 / 3, first: false }]);
  assert.ok(out.firstIsReport, 'the first results are the Report\'s kpis and rfm');
  assert.deepEqual(out.stagesRun, ['rfm']);
  assert.equal(out.bins, 4);
  assert.equal(out.early.code, 'cancelled');
  assert.ok(out.still, 'an aborted signal given up front cancels nothing else');
  assert.deepEqual(problems, []);
  await context.close();
});

test('dashboard events: a customer row (click, Enter) and the customer lists of a segment, a stage and a cluster', async () => {
  const native = nativeCustomers();
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, server.origin);
  await done(page);
  await recordEvents(page);

  // A row click: the id shown in the row, its index in the analysis' columns.
  const first = await page.textContent('#vbody .vrow[aria-rowindex="2"] .vcell:first-child');
  await page.click('#vbody .vrow[aria-rowindex="2"]');
  let [ev] = await events(page, 1);
  assert.equal(ev.type, 'crm-lens-customer');
  assert.ok(ev.composed && ev.bubbles);
  assert.equal(ev.detail.id, first);
  assert.equal(await page.evaluate((i) => document.querySelector('crm-lens-dashboard').analyzer.analysis.ids.at(i), ev.detail.index), first);
  // From the keyboard: the current row moves with the arrows, Enter activates it.
  await page.focus('[data-testid="vgrid"]');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const second = await page.textContent('#vbody .vrow.current .vcell:first-child');
  ev = (await events(page, 2))[1];
  assert.equal(ev.detail.id, second);
  assert.equal(await page.getAttribute('[data-testid="vgrid"]', 'aria-activedescendant'), await page.getAttribute('#vbody .vrow.current', 'id'));

  // A segment's list: exactly the engine's customers of that segment.
  const segment = 'Champions';
  await page.click(`button[data-list="rfm:${segment}"]`);
  ev = (await events(page, 3))[2];
  assert.equal(ev.type, 'crm-lens-segment');
  assert.deepEqual([ev.detail.kind, ev.detail.key, ev.detail.label], ['rfm', segment, segment]);
  assert.deepEqual([...ev.detail.ids].sort(), native.filter((r) => r.rfmSegment === segment).map((r) => r.customerId).sort());
  assert.equal(Object.keys(ev.detail.index).length, ev.detail.ids.length);
  // A stage's and a cluster's.
  await page.click('button[data-list="stage:atRisk"]');
  ev = (await events(page, 4))[3];
  assert.deepEqual([ev.detail.kind, ev.detail.key, ev.detail.label], ['stage', 'atRisk', 'At risk']);
  assert.deepEqual([...ev.detail.ids].sort(), native.filter((r) => r.stage === 'atRisk').map((r) => r.customerId).sort());
  await page.click('button[data-list="cluster:1"]');
  ev = (await events(page, 5))[4];
  assert.deepEqual([ev.detail.kind, ev.detail.key], ['cluster', 1]);
  assert.equal(ev.detail.ids.length, native.filter((r) => r.cluster === '1').length);
  // A cluster is named by its id and the name the engine gave its profile.
  assert.match(await page.getAttribute('button[data-list="cluster:1"]', 'aria-label'), /^Customer list: Cluster 1 · [A-Z][a-z]+/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a second element: setData(report, columns, ids), lang="zh", theming by custom properties; its table queries run locally', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, server.origin);
  await done(page);
  const out = await page.evaluate(async () => {
    const { report, columns, ids } = document.querySelector('crm-lens-dashboard').analyzer.analysis;
    const el = document.createElement('crm-lens-dashboard');
    el.id = 'second';
    el.setAttribute('lang', 'zh');
    el.style.setProperty('--crm-lens-surface', 'rgb(1, 2, 3)');
    el.style.setProperty('--crm-lens-text', 'rgb(250, 251, 252)');
    document.body.append(el);
    const rendered = new Promise((r) => el.addEventListener('crm-lens-render', r, { once: true }));
    el.setData(report, columns, ids.toArray());
    await rendered;
    const root = el.shadowRoot;
    const section = getComputedStyle(root.getElementById('kpis'));
    return {
      title: root.getElementById('kpi-title').textContent,
      customers: root.querySelector('[data-kpi="customers"]').textContent,
      expected: report.kpis.customers,
      csvHidden: root.getElementById('export-csv').hidden,
      background: section.backgroundColor,
      color: section.color,
      lang: root.querySelector('.dashboard').lang,
    };
  });
  assert.equal(out.title, '关键指标');
  assert.equal(digits(out.customers), out.expected);
  assert.equal(out.csvHidden, true, 'no per-customer CSV without an analyzer');
  assert.equal(out.background, 'rgb(1, 2, 3)');
  assert.equal(out.color, 'rgb(250, 251, 252)');
  assert.equal(out.lang, 'zh-CN');
  // Its own search runs on the main thread over the given ids.
  await page.fill('#second [data-testid="search"]', 'C0000042');
  await page.waitForFunction(() => document.getElementById('second').shadowRoot
    .querySelector('[data-testid="table-count"]').textContent.endsWith('中的 1 位'), null, { timeout: 15_000 });
  assert.equal(await page.textContent('#second #vbody .vrow:not([hidden]) .vcell'), 'C0000042');
  // The page's own element is untouched (its own language and data).
  assert.equal(await page.textContent('#dashboard #kpi-title'), 'Key figures');
  assert.deepEqual(problems, []);
  await context.close();
});
