// The discount control holds an annual rate; the core discounts monthly. The page sends the
// equivalent monthly rate (1 + a)^(1/12) − 1 and shows the monthly rate the core used.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, openPage, done, rerun, unfold } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

async function reportJson(page) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-json"]')]);
  return JSON.parse(readFileSync(await dl.path(), 'utf8'));
}

test('an annual discount rate of 12% reaches the core as the monthly 0.949%', async () => {
  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
  const { page, problems } = await openPage(context, server.origin);
  await done(page);
  // The core's default (monthly 1%) shown as what it is, with its annual equivalent.
  assert.equal((await reportJson(page)).clv.units.discountRate, 0.01);
  assert.equal(await page.textContent('[data-testid="discount-monthly"]'), 'monthly rate used: 1%');
  assert.equal(await page.getAttribute('#settings input[name="discountRate"]', 'placeholder'), '0.1268');

  const input = '#settings input[name="discountRate"]';
  await unfold(page);
  await rerun(page, async () => { await page.fill(input, '0.12'); await page.press(input, 'Tab'); });
  const used = (await reportJson(page)).clv.units.discountRate;
  const expected = Math.pow(1.12, 1 / 12) - 1; // 0.0094887929…
  assert.ok(Math.abs(used - expected) < 1e-15, `monthly rate sent: ${used}`);
  assert.ok(Math.abs(Math.pow(1 + used, 12) - 1.12) < 1e-12, 'compounds back to 12% a year');
  assert.equal(await page.textContent('[data-testid="discount-monthly"]'), 'monthly rate used: 0.949%');
  assert.equal(await page.getAttribute('#status', 'data-stages-run'), 'clv lifecycle churn explain');
  assert.deepEqual(problems, []);
  await context.close();
});
