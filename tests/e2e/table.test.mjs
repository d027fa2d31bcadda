// The customer table: segment, stage and cluster filters and the sort order, on the sample,
// checked against the native CLI's per-customer export of the same file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startServer, launch, openPage, done, ROOT } from './helpers.mjs';

const SAMPLE = `${ROOT}www/public/sample.csv`;
let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const int = (x) => new Intl.NumberFormat('en-US').format(x);

function nativeCustomers() {
  const out = `${tmpdir()}/crm-lens-e2e-table.csv`;
  execFileSync(`${ROOT}target/release/crm-lens`, ['analyze', SAMPLE, '--export-customers', out], { stdio: 'ignore' });
  const [head, ...rows] = readFileSync(out, 'utf8').replace(/^\ufeff/, '').trim().split('\n').map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

/** Visible rows of the virtual table, in display order, as arrays of cell texts. */
async function visibleRows(page) {
  return page.$$eval('#vbody .vrow:not([hidden])', (rows) => [...rows]
    .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
    .map((r) => [...r.children].map((c) => c.textContent)));
}

async function count(page, n) {
  const want = `${int(n)} of`;
  await page.waitForFunction((w) => document.querySelector('crm-lens-dashboard').shadowRoot
    .querySelector('[data-testid="table-count"]').textContent.startsWith(w), want, { timeout: 15_000 });
}

/** Selects the filter option whose label starts with `label`; returns its label. */
async function filter(page, name, label) {
  const opt = await page.$$eval(`#filters select[name="${name}"] option`, (os, l) => os.find((o) => o.textContent.startsWith(l))?.value, label);
  assert.ok(opt != null, `${name} filter offers ${label}`);
  await page.selectOption(`#filters select[name="${name}"]`, opt);
}

const columnIndex = (page, label) => page.$$eval('#vhead [role="columnheader"]', (hs, l) => hs.findIndex((h) => h.textContent.replace(/ [▲▼]$/, '') === l), label);

test('segment, stage and cluster filters select exactly the engine\'s customers; sorting orders them', async () => {
  const native = nativeCustomers();
  const total = native.length;
  const by = (k) => native.reduce((m, r) => m.set(r[k], (m.get(r[k]) ?? 0) + 1), new Map());
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, server.origin);
  await done(page);
  await count(page, total);

  // Segment: the second-largest segment, every shown row in it.
  const [segName, segN] = [...by('rfmSegment')].sort((a, b) => b[1] - a[1])[1];
  await filter(page, 'segment', `${segName} (`);
  await count(page, segN);
  const segCol = await columnIndex(page, 'Segment');
  assert.ok((await visibleRows(page)).every((r) => r[segCol] === segName));

  // Stage on top of it: the intersection.
  const stageKeys = { atRisk: 'At risk', lost: 'Lost', active: 'Active', loyal: 'Loyal', new: 'New' };
  const [stageKey] = [...by('stage')].sort((a, b) => b[1] - a[1])[0];
  await filter(page, 'stage', `${stageKeys[stageKey]} (`);
  await count(page, native.filter((r) => r.rfmSegment === segName && r.stage === stageKey).length);
  const stageCol = await columnIndex(page, 'Stage');
  assert.ok((await visibleRows(page)).every((r) => r[stageCol] === stageKeys[stageKey] && r[segCol] === segName));

  // Cluster alone.
  await page.selectOption('#filters select[name="segment"]', '');
  await page.selectOption('#filters select[name="stage"]', '');
  await count(page, total);
  // A cluster is offered by its id and the name of its profile.
  await filter(page, 'cluster', 'Cluster 0 · ');
  await count(page, native.filter((r) => r.cluster === '0').length);
  const clusterCol = await columnIndex(page, 'Cluster');
  assert.ok((await visibleRows(page)).every((r) => r[clusterCol] === '0'));
  await page.selectOption('#filters select[name="cluster"]', '');
  await count(page, total);

  // Sort by spend: descending first, then ascending; ties keep the file's customer order.
  const order = (dir) => native.map((r, i) => [Number(r.monetary), i]).sort((a, b) => dir * (a[0] - b[0]) || a[1] - b[1]).slice(0, 5).map(([, i]) => native[i].customerId);
  const spend = await columnIndex(page, 'Spend');
  assert.ok(spend > 0);
  const firstIds = async (want) => {
    await page.waitForFunction((w) => [...document.querySelector('crm-lens-dashboard').shadowRoot.querySelectorAll('#vbody .vrow:not([hidden])')]
      .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))[0]?.firstChild.textContent === w, want, { timeout: 15_000 });
    return (await visibleRows(page)).slice(0, 5).map((r) => r[0]);
  };
  await page.click(`#vhead [role="columnheader"]:nth-child(${spend + 1}) button`);
  assert.deepEqual(await firstIds(order(-1)[0]), order(-1));
  assert.equal(await page.getAttribute(`#vhead [role="columnheader"]:nth-child(${spend + 1})`, 'aria-sort'), 'descending');
  await page.click(`#vhead [role="columnheader"]:nth-child(${spend + 1}) button`);
  assert.deepEqual(await firstIds(order(1)[0]), order(1));
  assert.equal(await page.getAttribute(`#vhead [role="columnheader"]:nth-child(${spend + 1})`, 'aria-sort'), 'ascending');
  // By customer id (text, numeric-aware), descending on the second click.
  const coll = new Intl.Collator(undefined, { numeric: true });
  const ids = native.map((r) => r.customerId).sort(coll.compare);
  await page.click('#vhead [role="columnheader"]:nth-child(1) button');
  assert.deepEqual(await firstIds(ids[0]), ids.slice(0, 5));
  await page.click('#vhead [role="columnheader"]:nth-child(1) button');
  assert.deepEqual(await firstIds(ids.at(-1)), ids.slice(-5).reverse());
  assert.deepEqual(problems, []);
  await context.close();
});
