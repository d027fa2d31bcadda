// Numbers that agree: no customer the dashboard labels Lost shows a P(alive) above the At-Risk
// threshold without an explanation in its tooltip, under the model the engine chooses (MBG/NBD
// on the sample: one-time buyers dominate and the holdout cannot tell it from BG/NBD) and under
// BG/NBD chosen by hand, where one-time buyers' P(alive) reads "n/e" (not estimable), not 100%.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, done, rerun, unfold, nativeReport, ROOT } from './helpers.mjs';

const SAMPLE = `${ROOT}www/public/sample.csv`;
let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

/** The customer table's rows on screen: every cell's text and tooltip, by column label. */
const visibleRows = (page) => page.evaluate(() => {
  const root = document.querySelector('crm-lens-dashboard').shadowRoot;
  const head = [...root.querySelectorAll('#vhead [role="columnheader"]')].map((c) => c.textContent.replace(/ [▲▼]$/, ''));
  return [...root.querySelectorAll('#vbody .vrow:not([hidden])')]
    .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
    .map((r) => Object.fromEntries([...r.children].map((c, i) => [head[i], { text: c.textContent, note: c.title }])));
});

/** Shows the Lost customers, highest P(alive) first, and checks the rows of the first screens. */
async function checkLost(page, threshold) {
  await page.selectOption('#filters select[name="stage"]', '5'); // lost
  const header = page.locator('#vhead [role="columnheader"]', { hasText: 'P(alive)' });
  for (let i = 0; i < 2 && (await header.getAttribute('aria-sort')) !== 'descending'; i++) await header.locator('button').click();
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  await page.$eval('[data-testid="vgrid"]', (g) => { g.scrollTop = 0; });
  await page.waitForTimeout(400);
  let checked = 0;
  let explained = 0;
  let notEstimable = 0;
  for (let screen = 0; screen < 3; screen++) {
    for (const row of await visibleRows(page)) {
      assert.equal(row.Stage.text, 'Lost');
      const pa = row['P(alive)'];
      checked++;
      if (pa.text === 'n/e') {
        notEstimable++;
        assert.match(pa.note, /^Not estimable under BG\/NBD/);
        continue;
      }
      const value = Number.parseFloat(pa.text) / 100;
      assert.ok(!Number.isNaN(value), pa.text);
      if (value > threshold) {
        explained++;
        assert.match(pa.note, /^Lost by the stage rule: no purchase for [\d,]+ days, longer than the churn window/, `${row.Customer.text}: ${pa.text}`);
        assert.match(pa.text, / \*$/, 'marked on the cell itself');
      } else {
        assert.equal(pa.note, '', `${row.Customer.text}: no note needed at ${pa.text}`);
      }
    }
    await page.$eval('[data-testid="vgrid"]', (g) => { g.scrollTop += g.clientHeight; });
    await page.waitForTimeout(150);
  }
  return { checked, explained, notEstimable };
}

test('Lost customers never show a high P(alive) without a note (chosen model, and BG/NBD by hand)', { timeout: 180_000 }, async () => {
  const report = nativeReport(SAMPLE);
  const threshold = report.lifecycle.thresholds.pAliveThreshold;
  assert.equal(report.clv.chosenModel, 'mbgnbd', 'the sample\'s one-time buyers make the engine choose MBG/NBD');
  assert.equal(report.clv.choiceCriterion, 'holdoutOneTimeBuyers');
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, server.origin);
  await done(page);
  assert.match(await page.textContent('#clv-model'), /^Model used: MBG\/NBD\. 56(\.\d)?% of customers have no repeat purchase/);
  let seen = await checkLost(page, threshold);
  assert.ok(seen.checked >= 30 && seen.explained > 0, JSON.stringify(seen));
  assert.equal(seen.notEstimable, 0, 'MBG/NBD estimates every P(alive)');

  // BG/NBD by hand: one-time buyers are "n/e" with the reason, never a bare 100%.
  await unfold(page);
  await rerun(page, () => page.selectOption('#settings select[name="model"]', 'bgnbd'));
  assert.match(await page.textContent('#clv-model'), /^Model used: BG\/NBD$/);
  assert.match(await page.textContent('[data-testid="palive-note"]'), /^Under BG\/NBD, customers without a repeat purchase \(frequency 0\) always read 100%/);
  seen = await checkLost(page, threshold);
  assert.ok(seen.notEstimable > 0, JSON.stringify(seen));
  assert.deepEqual(problems, []);
  await context.close();
});
