// The page opens on the bundled sample, analysed in a worker, and nothing leaves 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, recordRequests, offOrigin, nativeReport, ROOT, ARTIFACTS } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test('sample is analysed on open; customer count matches the native CLI; no off-origin request', async () => {
  const expected = nativeReport(`${ROOT}www/public/sample.csv`);
  const context = await browser.newContext({ locale: 'en-US' });
  const requests = recordRequests(context);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  // Every stage the progress line shows, in order (the worker reports them).
  await page.addInitScript(() => {
    window.__stages = [];
    document.addEventListener('DOMContentLoaded', () => {
      const n = document.getElementById('progress-stage');
      new MutationObserver(() => { if (window.__stages.at(-1) !== n.textContent) window.__stages.push(n.textContent); })
        .observe(n, { childList: true, characterData: true, subtree: true });
    });
  });
  await page.goto(server.origin + '/');
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
  assert.deepEqual(await page.evaluate(() => window.__stages), [
    'Reading the file…', 'Parsing and checking rows…', 'Aggregating customers, RFM and KPIs…',
    'Fitting CLV models, lifecycle stages and segments…', 'Preparing the customer table…']);
  const shown = await page.textContent('[data-testid="customers-count"]');
  assert.equal(Number(shown.replace(/\D/g, '')), expected.kpis.customers);
  assert.ok(expected.kpis.customers > 1000, 'the sample has a realistic number of customers');
  await page.screenshot({ path: `${ARTIFACTS}/sample-page.png`, fullPage: true });
  assert.deepEqual(problems, [], 'no page errors or CSP violations');
  assert.ok(requests.some((u) => u.endsWith('.wasm')), 'the wasm was fetched from the page origin');
  assert.deepEqual(requests.filter((u) => /crm_lens_(full|formats)/.test(u)), [], 'the default path fetches neither the full nor the formats module');
  assert.deepEqual(offOrigin(requests, server.origin), [], 'no request left the page origin');
  await context.close();
});
