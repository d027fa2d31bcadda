// Cancel during a re-run ends the worker that held the data. The page stays consistent: the
// dashboard is brought back with the settings it was made with, and search and export work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, done, search, firstRowCells, exportCsv, csvRows, nativeReport, ROOT } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

/** Changes k and presses Cancel in the same task, so the worker is surely still busy. */
const changeKThenCancel = (page, k, times = 1) => page.evaluate(([value, n]) => {
  document.body.dataset.state = 'pending';
  const sel = document.querySelector('[data-testid="k"]');
  sel.value = value;
  sel.dispatchEvent(new Event('change', { bubbles: true }));
  if (document.getElementById('progress-box').hidden) throw new Error('no run in progress');
  for (let i = 0; i < n; i++) document.getElementById('cancel').click();
}, [k, times]);

test('cancel during a re-run: the dashboard stays usable (settings back, search and export work)', async () => {
  const expected = nativeReport(`${ROOT}www/public/sample.csv`);
  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
  const { page, problems } = await openPage(context, server.origin);
  await done(page);
  const summary = await page.textContent('[data-testid="kmeans-summary"]');

  await changeKThenCancel(page, '6');
  assert.equal(await page.inputValue('[data-testid="k"]'), '', 'k is back to the value the dashboard was made with');
  assert.match(await page.textContent('#status'), /^Cancelled\. Reading the file again/);
  assert.equal(await page.isVisible('#kpis'), true, 'the dashboard stays on screen meanwhile');
  await done(page);
  assert.equal(await page.textContent('#status'), 'Cancelled; the results shown are from the settings before the change.');
  assert.equal(await page.textContent('[data-testid="kmeans-summary"]'), summary);

  await search(page, 'C0000042');
  assert.equal((await firstRowCells(page))[0], 'C0000042');
  await page.fill('[data-testid="search"]', '');
  const rows = csvRows(await exportCsv(page));
  assert.equal(rows.length - 1, expected.kpis.customers, 'export has every customer');
  assert.equal(await page.isVisible('[data-testid="error"]'), false, await page.textContent('[data-testid="error"]'));

  // Cancelling the read that brings the data back too: the dashboard is cleared, not left dead.
  await changeKThenCancel(page, '6', 2);
  await page.waitForSelector('body[data-state="idle"]');
  assert.equal(await page.isVisible('#kpis'), false);
  assert.equal(await page.isVisible('#customers'), false);
  assert.equal(await page.textContent('#status'), 'Cancelled.');
  assert.equal(await page.isVisible('#preview'), true, 'the file can be analysed again');
  assert.deepEqual(problems, []);
  await context.close();
});
