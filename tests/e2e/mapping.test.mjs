// The mapping editor: changing the date format and the decimal separator re-reads the file
// with them, and the page then reports what the CLI reports with the same flags.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startServer, launch, openPage, rerun, upload, unfold, nativeReport } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

/** Every date reads as d/m and as m/d; every amount reads as a decimal point or a grouping dot. */
function ambiguousCsv() {
  const rows = ['client;date;amount'];
  for (let i = 0; i < 60; i++) {
    const d = 1 + ((i * 7) % 12);
    const m = 1 + ((i * 5) % 12);
    rows.push(`K${i % 15};${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/2024;${1 + (i % 9)}.${100 + ((i * 37) % 900)}`);
  }
  const file = `${tmpdir()}/crm-lens-e2e-mapping.csv`;
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

async function reportJson(page) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-json"]')]);
  return JSON.parse(readFileSync(await dl.path(), 'utf8'));
}

test('setting the date format and the decimal in the mapping editor re-reads the file with them', async () => {
  const file = ambiguousCsv();
  const detected = nativeReport(file);
  const forced = nativeReport(file, ['--date-format', '%m/%d/%Y', '--decimal', ',']);
  assert.equal(detected.ingest.detected.dateFormat, '%d/%m/%Y', 'the fixture is read d/m by default');
  assert.equal(detected.ingest.detected.decimalSeparator, '.');
  assert.notEqual(forced.kpis.revenue, detected.kpis.revenue);
  assert.notEqual(JSON.stringify(forced.kpis.periods), JSON.stringify(detected.kpis.periods), 'm/d moves purchases between months');

  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
  const { page, problems } = await openPage(context, server.origin, '/?empty');
  await page.waitForSelector('body[data-state="idle"]');
  await upload(page, file);
  let r = await reportJson(page);
  assert.deepEqual([r.ingest.detected.dateFormat, r.kpis.revenue], [detected.ingest.detected.dateFormat, detected.kpis.revenue]);
  assert.match(await page.textContent('[data-testid="detected"]'), /dates %d\/%m\/%Y \(≠ %m\/%d\/%Y\)/);

  await unfold(page);
  await rerun(page, async () => {
    await page.fill('#mapping input[name="dateFormat"]', '%m/%d/%Y');
    await page.selectOption('#mapping select[name="decimal"]', ',');
    await page.click('#analyse');
  });
  r = await reportJson(page);
  assert.equal(r.ingest.detected.dateFormat, '%m/%d/%Y');
  assert.equal(r.ingest.detected.decimalSeparator, ',');
  assert.deepEqual(r.kpis, forced.kpis, 'the KPIs the CLI gives with --date-format %m/%d/%Y --decimal ,');
  assert.equal(r.ingest.rowsUsed, 60);
  assert.equal(await page.inputValue('#mapping input[name="dateFormat"]'), '%m/%d/%Y', 'the mapping stays as set');
  assert.deepEqual(problems, []);
  await context.close();
});
