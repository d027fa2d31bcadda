// Remember, locally: the mapping and settings used for a file are kept in this browser's
// localStorage under the file's signature, and re-opening the same export restores them;
// switching it off forgets every file. Nothing is sent anywhere (no request off the origin).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, done, rerun, unfold, recordRequests, offOrigin } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const stored = (page) => page.evaluate(() => Object.fromEntries(Object.keys(localStorage)
  .filter((k) => k.startsWith('crm-lens.')).map((k) => [k, localStorage.getItem(k)])));

test('re-opening the same export restores its mapping and settings; opting out forgets them', { timeout: 240_000 }, async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const requests = recordRequests(context);
  const { page, problems } = await openPage(context, server.origin);
  await done(page);
  assert.equal(await page.textContent('[data-testid="remember-note"]'), '');
  await unfold(page);
  // A mapping (an explicit date format, read again) and two settings.
  await rerun(page, async () => {
    await page.fill('#mapping input[name="dateFormat"]', '%Y-%m-%d');
    await page.click('#analyse');
  });
  await rerun(page, () => page.selectOption('[data-testid="k"]', '4'));
  await rerun(page, () => page.selectOption('#settings select[name="bins"]', '4'));
  const files = Object.entries(await stored(page)).filter(([k]) => k.startsWith('crm-lens.file.'));
  assert.equal(files.length, 1, 'one file remembered');
  const saved = JSON.parse(files[0][1]);
  assert.equal(saved.ingest.dateFormat, '%Y-%m-%d');
  assert.equal(saved.settings.k, '4');
  assert.equal(saved.settings.bins, '4');

  // The same export again (a reload opens the bundled sample): restored, and analysed with it.
  await page.reload();
  await done(page);
  assert.equal(await page.textContent('[data-testid="remember-note"]'), 'Restored the mapping and settings you last used for this file.');
  assert.match(await page.textContent('[data-testid="kmeans-summary"]'), /^k = 4, .*set in the settings$/);
  await unfold(page);
  assert.equal(await page.inputValue('[data-testid="k"]'), '4');
  assert.equal(await page.inputValue('#settings select[name="bins"]'), '4');
  assert.equal(await page.inputValue('#mapping input[name="dateFormat"]'), '%Y-%m-%d');

  // Opting out forgets every file, and the next visit starts from the defaults.
  await page.uncheck('[data-testid="remember"]');
  assert.deepEqual(await stored(page), { 'crm-lens.remember': 'off' });
  await page.reload();
  await done(page);
  assert.equal(await page.textContent('[data-testid="remember-note"]'), '');
  await unfold(page);
  assert.equal(await page.isChecked('[data-testid="remember"]'), false);
  assert.equal(await page.inputValue('[data-testid="k"]'), '');
  assert.deepEqual(Object.keys(await stored(page)), ['crm-lens.remember']);
  assert.deepEqual(offOrigin(requests, server.origin), [], 'nothing left the origin');
  assert.deepEqual(problems, []);
  await context.close();
});
