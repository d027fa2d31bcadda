// Hostile text inputs on the page (issue #13): the download never carries a formula, and the
// new reading warnings show in the page's language with the field that fixes them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, openPage, upload, exportCsv, ROOT } from './helpers.mjs';

const HOSTILE = `${ROOT}tests/fixtures/hostile/text`;

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test("the page's CSV download neutralises ids a spreadsheet would run as formulas", async () => {
  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
  const { page, problems } = await openPage(context, server.origin, '/?empty');
  await page.waitForSelector('body[data-state="idle"]');
  await upload(page, `${HOSTILE}/formula-ids.csv`);
  const bytes = await exportCsv(page);
  const lines = new TextDecoder().decode(bytes.subarray(3)).split(/\r?\n/).slice(1).filter(Boolean);
  const ids = new Set(readFileSync(`${HOSTILE}/formula-ids.csv`, 'utf8').split('\n').slice(1).filter(Boolean)
    .map((l) => (l.startsWith('"') ? l.slice(1, l.lastIndexOf('"')).replaceAll('""', '"') : l.split(',')[0])));
  assert.ok(ids.has('=HYPERLINK("http://x.test","click")') && ids.has('@SUM(A1)'), 'the fixture holds formulas');
  // A line may start with a quote (the cell holds a comma or a quote); what follows is the cell.
  const first = lines.map((l) => (l.startsWith('"') ? l.slice(1) : l));
  assert.deepEqual(first.filter((c) => /^[=+\-@\t\r]/.test(c)), [], 'no cell starts with a formula character');
  for (const formula of ['\'=HYPERLINK(""http://x.test""', "'+1+1,", "'-2+3,", "'@SUM(A1),"]) {
    assert.ok(first.some((c) => c.startsWith(formula)), `${formula} written with a leading '`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('a comma decimal in a dot-decimal file warns in the page, and its fix is the decimal field', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, server.origin, '/?empty');
  await page.waitForSelector('body[data-state="idle"]');
  await upload(page, `${HOSTILE}/grouping-dot.csv`);
  for (const code of ['amounts_other_decimal', 'ambiguous_amounts']) {
    const li = `[data-testid="warnings"] li[data-code="${code}"]`;
    assert.equal(await page.getAttribute(`${li} button[data-field]`, 'data-field'), 'decimal', code);
  }
  assert.deepEqual(problems, []);
  await context.close();
});
