// Subscription retention on the page: a survival table is read when the user says so (the
// mapping editor's Input), the dashboard's retention panel shows the sBG fit of the native
// CLI (cards, the survival chart's text alternative, the cohorts' own fits), the customer
// sections stay hidden, and the time unit and the price per period re-run it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, rerun, nativeReport, ROOT } from './helpers.mjs';

const TABLE = `${ROOT}tests/fixtures/retention/fader-hardie-2007.csv`;
let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const num = (x, d) => new Intl.NumberFormat('en-US', { maximumFractionDigits: d }).format(x);
const pct = (x) => new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(x);

test('a survival table on the page: the retention panel shows the native fit', async () => {
  const native = nativeReport(TABLE, ['--survival', '--time-unit', 'year', '--options', '{"retention":{"price":100}}']);
  const sbg = native.retention.sbg;
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, server.origin, '/?empty');
  await page.waitForSelector('body[data-state="idle"]');
  // Read as a transaction log first: an error, with the mapping editor to say what it is.
  await page.evaluate(() => { document.body.dataset.state = 'pending'; });
  await page.setInputFiles('#file', TABLE);
  await page.waitForSelector('body[data-state="error"]');
  await rerun(page, async () => {
    await page.selectOption('#mapping select[name="input"]', 'survival');
    await page.click('#analyse');
  });
  assert.equal(await page.isVisible('[data-testid="retention"]'), true);
  for (const hidden of ['kpis', 'rfm', 'lifecycle', 'kmeans', 'clv', 'churn', 'covariates', 'rules', 'customers']) {
    assert.equal(await page.isVisible(`section#${hidden}`), false, `${hidden} is hidden for subscription input`);
  }
  // The time unit (the period of the table) and the price per period re-run the analysis.
  assert.equal(await page.isVisible('[data-testid="price"]'), true, 'the price appears with subscription data');
  await rerun(page, () => page.selectOption('#settings select[name="timeUnit"]', 'year'));
  await rerun(page, async () => {
    await page.fill('#settings input[name="price"]', '100');
    await page.dispatchEvent('#settings input[name="price"]', 'change');
  });
  const card = (k) => page.textContent(`[data-testid="retention-${k}"]`);
  assert.equal(await card('alpha'), `${num(sbg.params.alpha, 3)} ± ${num(sbg.stdErrors.alpha, 3)}`);
  assert.equal(await card('beta'), `${num(sbg.params.beta, 3)} ± ${num(sbg.stdErrors.beta, 3)}`);
  assert.equal(await card('churnFirst'), pct(sbg.churnFirstPeriod));
  assert.equal(await card('subscribers'), '2,000');
  assert.match(await card('newValue'), new RegExp(num(sbg.value.newSubscriberValue, 2).replace('.', '\\.')));
  assert.match(await page.textContent('[data-testid="retention-note"]'), /one period is one year/);
  // Two cohorts: each drawn with its own projection; the text alternative gives the pooled curve.
  assert.equal(await page.isVisible('figure[data-chart="survival"] canvas'), true);
  const alt = await page.textContent('#alt-survival');
  assert.ok(alt.startsWith(`Period 1: Observed ${pct(native.retention.survival.actual[1])}, sBG ${pct(native.retention.survival.fitted[1])}`), alt);
  const rows = await page.$$eval('[data-testid="retention-cohorts"] tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.deepEqual(rows.map((r) => [r[0], r[3], r[4]]), native.retention.cohorts.map((c) => [c.name, num(c.sbg.params.alpha, 3), num(c.sbg.params.beta, 3)]));
  assert.deepEqual(problems, []);
  await context.close();
});
