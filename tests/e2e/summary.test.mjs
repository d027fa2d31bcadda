// The scale path on the page (docs/scale.md): a per-customer summary, as DuckDB or Spark write
// it with `crm-lens sql summary`, is refused as an order log (it would be a silently wrong
// analysis), the fix points to the "Per-customer summary" box, and ticked it analyses to the
// raw log's numbers; what a summary cannot give (cohorts) stays hidden, with the warning why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, openPage, done, rerun, upload, nativeReport, digits, ROOT } from './helpers.mjs';

let server, browser, dir;
before(async () => { server = await startServer(); browser = await launch(); dir = mkdtempSync(join(tmpdir(), 'crm-summary-')); });
after(async () => { await browser?.close(); server?.stop(); rmSync(dir, { recursive: true, force: true }); });

test('a summary file: refused as a log, analysed with "Per-customer summary" ticked, same numbers as the raw log', async () => {
  const sample = `${ROOT}www/public/sample.csv`;
  const summary = join(dir, 'summary.csv');
  execFileSync(`${ROOT}target/release/crm-lens`, ['analyze', sample, '--out', join(dir, 'r.json'), '--export-summary', summary]);
  const raw = nativeReport(sample);
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, server.origin);
  await done(page);
  await page.evaluate(() => { document.body.dataset.state = 'pending'; });
  await page.setInputFiles('#file', summary);
  await page.waitForSelector('body[data-state="error"]');
  assert.equal(await page.getAttribute('#error', 'data-code'), 'looks_like_summary');
  await page.click('#error-fix button[data-field="summary"]');
  assert.equal(await page.evaluate(() => document.activeElement?.name), 'summary', 'the fix focuses the box');
  await page.check('[data-testid="summary"]');
  await rerun(page, () => page.click('#analyse'));
  assert.equal(digits(await page.textContent('[data-testid="customers-count"]')), raw.kpis.customers);
  assert.equal(await page.isVisible('#clv'), true);
  assert.equal(await page.isVisible('#cohorts'), false, 'no cohorts from a summary');
  assert.match(await page.textContent('#ingest'), /no purchase history/);
  assert.deepEqual(problems, []);
  await context.close();
});
