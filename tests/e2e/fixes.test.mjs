// Warnings and errors point at the field that fixes them, and read in the page's language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, done, rerun, ARTIFACTS } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

/** 40 good rows and 10 with a bad date or a bad amount: the core warns many_rows_skipped. */
function csvWith(bad) {
  const rows = ['customer,date,amount'];
  for (let i = 0; i < 40; i++) rows.push(`C${i % 12},2024-0${1 + (i % 9)}-1${i % 10},${10 + i}.5`);
  for (let i = 0; i < 10; i++) rows.push(bad === 'date' ? `C${i},someday ${i},12.5` : `C${i},2024-03-0${1 + (i % 9)},twelve`);
  return Buffer.from(rows.join('\n') + '\n');
}

async function uploadCsv(page, name, buffer) {
  await rerun(page, () => page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer }));
}

/** The field the warning's fix button names, and the control that has focus after a click. */
async function followFix(page, code) {
  const li = `[data-testid="warnings"] li[data-code="${code}"]`;
  const field = await page.getAttribute(`${li} button[data-field]`, 'data-field');
  await page.click(`${li} button[data-field]`);
  const focused = await page.evaluate(() => `${document.activeElement?.form?.id}.${document.activeElement?.name}`);
  return { field, focused };
}

test('a date-format problem points to the date-format field, a decimal problem to the decimal field', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, server.origin, '/?empty');
  await page.waitForSelector('body[data-state="idle"]');

  await uploadCsv(page, 'bad-dates.csv', csvWith('date'));
  assert.match(await page.textContent('[data-testid="warnings"]'), /--date-format .* or --date-col/, 'the core names both fixes');
  assert.deepEqual(await followFix(page, 'many_rows_skipped'), { field: 'dateFormat', focused: 'mapping.dateFormat' });

  await uploadCsv(page, 'bad-amounts.csv', csvWith('amount'));
  assert.match(await page.textContent('[data-testid="warnings"]'), /--decimal\b.*--amount-col/);
  assert.deepEqual(await followFix(page, 'many_rows_skipped'), { field: 'decimal', focused: 'mapping.decimal' });
  assert.deepEqual(problems, []);
  await context.close();
});

test('warnings read in Chinese and Russian (by code); the core English text stays under Details', async () => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const { page } = await openPage(context, server.origin, '/?empty');
  await page.waitForSelector('body[data-state="idle"]');
  await uploadCsv(page, 'bad-dates.csv', csvWith('date'));
  const li = '[data-testid="warnings"] li[data-code="many_rows_skipped"]';
  assert.equal(await page.textContent(`${li} strong`), '跳过了大量行。请检查列映射、日期格式和小数分隔符。');
  assert.equal(await page.textContent(`${li} button[data-field]`), '在下方设置日期格式');
  assert.equal(await page.isVisible(`${li} details .note`), false, 'the English message is folded away');
  assert.equal(await page.textContent(`${li} details summary`), '详细信息');
  await rerun(page, () => page.selectOption('[data-testid="lang"]', 'ru'));
  assert.match(await page.textContent(`${li} strong`), /^Пропущено много строк/);
  assert.equal(await page.textContent(`${li} button[data-field]`), 'укажите формат даты ниже');
  await page.screenshot({ path: `${ARTIFACTS}/warnings-ru.png`, fullPage: true });
  await context.close();
});
