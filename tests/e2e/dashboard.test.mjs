// The dashboard end to end: the sample, uploads in GBK and Windows-1251, k, language, exports,
// XSS, privacy (every request stays on the origin) and CSP (no violation, no page error).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  startServer, launch, recordRequests, offOrigin, nativeReport, ROOT, ARTIFACTS,
  openPage as open, done, digits, rerun, upload, search, firstRowCells, exportCsv, csvRows, unlabelledControls, unfold,
} from './helpers.mjs';

const FIX = `${ROOT}tests/fixtures/e2e`;
let server, browser;
const openPage = (context, path) => open(context, server.origin, path);
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test('full run on the sample: panels, k, language, exports; nothing leaves the origin; no CSP violation', async () => {
  const expected = nativeReport(`${ROOT}www/public/sample.csv`);
  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
  const requests = recordRequests(context);
  const { page, problems } = await openPage(context);
  await done(page);

  // Load: KPI cards, preview with the detected mapping, and the panels the Report has data for.
  assert.equal(digits(await page.textContent('[data-testid="customers-count"]')), expected.kpis.customers);
  assert.equal(digits(await page.textContent('[data-testid="rows-read"]')), expected.ingest.rowsRead);
  for (const id of ['summary', 'kpis', 'lifecycle', 'rfm', 'cohorts', 'customers']) {
    assert.equal(await page.isVisible(`#${id}`), true, `#${id} is shown`);
  }
  // The data, mapping and settings are folded into one line, which names the file and what was detected.
  assert.equal(await page.isVisible('#preview'), false, 'the mapping is folded away after the analysis');
  const rowsRead = expected.ingest.rowsRead.toLocaleString('en-US');
  assert.ok((await page.textContent('[data-testid="fold-text"]')).startsWith(`sample.csv · ${rowsRead} rows · Detected: csv, UTF-8`));
  await unfold(page);
  assert.equal(await page.isVisible('#preview'), true);
  assert.match(await page.textContent('[data-testid="detected"]'), /UTF-8/i);
  const segRows = await page.$$eval('[data-testid="segment-table"] tbody tr', (r) => r.length);
  assert.equal(segRows, expected.rfm.segments.filter((s) => s.customers > 0).length);
  // Panels without data in the Report stay hidden (never fake data), and so do their settings.
  const hasClv = Object.values(expected.clv).some((v) => v != null);
  assert.equal(await page.isVisible('#settings input[name="horizonMonths"]'), hasClv);
  assert.equal(await page.isVisible('#kmeans'), expected.segments.clusters.length > 0);
  assert.equal(await page.isVisible('#clv'), Object.values(expected.clv).some((v) => v != null));
  assert.match(await page.textContent('[data-testid="table-count"]'), new RegExp(expected.kpis.customers.toLocaleString('en-US')));
  await page.screenshot({ path: `${ARTIFACTS}/dashboard-en.png`, fullPage: true });

  // Accessibility: every control has a label; the table scrolls from the keyboard.
  assert.deepEqual(await unlabelledControls(page), []);
  // Charts: a text alternative for every drawn chart.
  const noAlt = await page.$$eval('figure[data-chart]:not([hidden]) .chart', (cs) => cs
    .filter((c) => !(c.getAttribute('aria-label') && c.getRootNode().getElementById(c.getAttribute('aria-describedby') ?? '')?.textContent.trim()))
    .map((c) => c.parentElement.dataset.chart));
  assert.deepEqual(noAlt, []);
  await page.focus('[data-testid="vgrid"]');
  await page.keyboard.press('PageDown');
  await page.waitForTimeout(100);
  assert.ok(await page.$eval('[data-testid="vgrid"]', (b) => b.scrollTop > 0), 'PageDown scrolls the table');
  await page.keyboard.press('Home');

  // Table: sort by spend (descending), then search one id.
  await page.click('#vhead [role="columnheader"]:nth-child(4) button');
  await page.waitForTimeout(300);
  const top = await firstRowCells(page);
  assert.ok(top[0].length > 0, 'a customer id is shown');
  await search(page, top[0]);
  assert.match(await page.textContent('[data-testid="table-count"]'), /^1 of/);
  await page.fill('[data-testid="search"]', '');

  // Change k: re-runs through the worker's Dataset (no new file read).
  const wasmBefore = requests.filter((u) => u.endsWith('.csv')).length;
  await rerun(page, () => page.selectOption('[data-testid="k"]', '4'));
  assert.equal(requests.filter((u) => u.endsWith('.csv')).length, wasmBefore, 'the file was not fetched again');
  // Only k-means and the rules that read its clusters re-ran: the core kept the customer
  // table, RFM, KPIs, CLV, churn and stages.
  assert.equal(await page.getAttribute('#status', 'data-stages-run'), 'segments explain');
  assert.match(await page.textContent('#status'), /re-ran k-means segments, rules/);
  assert.equal(await page.isVisible('[data-testid="error"]'), false);
  assert.match(await page.textContent('[data-testid="kmeans-summary"]'), /^k = 4, .* — recommended: k = 4 was set in the settings$/);
  // The core runs no scan for a fixed k: the last scan stays, marked as such.
  assert.equal(await page.isVisible('figure[data-chart="elbow"] canvas'), true, 'the elbow chart stays');
  assert.equal(await page.textContent('[data-testid="elbow-note"]'), 'Scan of the last run with k = auto; k is now fixed at 4.');
  assert.ok((await page.textContent('#alt-elbow')).includes(`k = ${expected.segments.scan[0].k}: Inertia`), 'the kept scan is described');
  // RFM bins: a core option, the heatmap follows.
  await rerun(page, () => page.selectOption('#settings select[name="bins"]', '4'));
  assert.equal(await page.getAttribute('#status', 'data-stages-run'), 'rfm');
  assert.equal(await page.isVisible('#rfm'), true);

  // Switch language: labels, segment names and stages follow; numbers use the locale.
  await rerun(page, () => page.selectOption('[data-testid="lang"]', 'zh'));
  assert.equal(await page.textContent('#kpi-title'), '关键指标');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.title(), 'crm-lens — 在浏览器中进行客户分析');
  assert.equal(await page.textContent('a.skip'), '跳到仪表板');
  assert.match(await page.textContent('[data-testid="kmeans-summary"]'), /推荐理由：k = 4 由设置指定/);
  assert.match(await page.textContent('#alt-periods'), /收入/);
  assert.deepEqual(await unlabelledControls(page), []);
  assert.match(await page.textContent('[data-testid="segment-table"]'), /冠军客户|忠诚客户|休眠/);
  await page.screenshot({ path: `${ARTIFACTS}/dashboard-zh.png`, fullPage: true });
  await rerun(page, () => page.selectOption('[data-testid="lang"]', 'ru'));
  assert.equal(await page.textContent('#kpi-title'), 'Ключевые показатели');
  assert.match(await page.textContent('[data-testid="segment-table"]'), /Чемпионы|Лояльные клиенты|Спящие/);
  assert.match(await page.textContent('[data-testid="customers-count"]'), /\d[\s\u00a0\u202f]\d{3}/, 'ru groups digits with a space');
  await page.screenshot({ path: `${ARTIFACTS}/dashboard-ru.png`, fullPage: true });
  await rerun(page, () => page.selectOption('[data-testid="lang"]', 'en'));

  // Export: the per-customer CSV (UTF-8 with BOM) read back, the Report as JSON, a chart as PNG.
  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-csv"]')]);
  const csv = readFileSync(await csvDl.path());
  assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const lines = csv.toString('utf8').slice(1).trim().split(/\r?\n/);
  assert.match(lines[0], /^customerId,/);
  assert.equal(lines.length - 1, expected.kpis.customers);
  const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-json"]')]);
  const json = JSON.parse(readFileSync(await jsonDl.path(), 'utf8'));
  assert.equal(json.kpis.customers, expected.kpis.customers);
  assert.equal(json.rfm.bins, 4);
  const [pngDl] = await Promise.all([page.waitForEvent('download'), page.click('figure[data-chart="treemap"] button.png')]);
  assert.match(pngDl.suggestedFilename(), /\.png$/);
  assert.deepEqual([...readFileSync(await pngDl.path()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

  assert.deepEqual(problems, [], 'no page errors, console errors or CSP violations');
  assert.deepEqual(offOrigin(requests, server.origin), [], 'no request left the page origin');
  await context.close();
});

test('uploads: a GBK Chinese CSV, a Windows-1251 Russian CSV (decimal comma, d.m.Y dates), an XLSX, a dropped file; names survive the CSV export', async () => {
  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
  const requests = recordRequests(context);
  const { page, problems } = await openPage(context, '/?empty');
  await page.waitForSelector('body[data-state="idle"]');

  const gbk = `${FIX}/orders-gbk.csv`;
  const gbkNative = nativeReport(gbk);
  await upload(page, gbk);
  assert.match(await page.textContent('[data-testid="fold-text"]'), /orders-gbk\.csv · .* rows · Detected: csv, (GBK|gb18030)/i);
  assert.match(await page.textContent('[data-testid="detected"]'), /GBK|gb18030/i);
  assert.equal(digits(await page.textContent('[data-testid="customers-count"]')), gbkNative.kpis.customers);
  assert.match(await page.textContent('[data-testid="preview-table"]'), /刘洋/);
  await search(page, '张伟');
  assert.equal((await firstRowCells(page))[0], '张伟');
  // Export: UTF-8 with BOM, the Chinese names exactly as in the GBK file, one row per customer.
  let rows = csvRows(await exportCsv(page));
  assert.equal(rows[0][0], 'customerId');
  assert.equal(rows.length - 1, gbkNative.kpis.customers);
  assert.ok(rows.some((r) => r[0] === '张伟'), '张伟 survives the round trip');
  assert.ok(rows.some((r) => r[0] === '刘洋'), '刘洋 survives the round trip');
  await page.screenshot({ path: `${ARTIFACTS}/upload-gbk.png`, fullPage: true });

  const ru = `${FIX}/orders-cp1251.csv`;
  const ruNative = nativeReport(ru);
  await upload(page, ru);
  assert.match(await page.textContent('[data-testid="detected"]'), /windows-1251/i);
  assert.equal(digits(await page.textContent('[data-testid="customers-count"]')), ruNative.kpis.customers);
  assert.equal(ruNative.ingest.rowsUsed, ruNative.ingest.rowsRead, 'every row parsed (decimal comma, d.m.Y)');
  await search(page, 'Иванов');
  assert.equal((await firstRowCells(page))[0], 'Иванов Иван');
  rows = csvRows(await exportCsv(page));
  assert.equal(rows.length - 1, ruNative.kpis.customers);
  assert.ok(rows.some((r) => r[0] === 'Иванов Иван'), 'Иванов Иван survives the round trip');
  await page.screenshot({ path: `${ARTIFACTS}/upload-cp1251.png`, fullPage: true });

  // An override through the mapping editor re-ingests: forcing the wrong encoding still reads rows.
  await unfold(page);
  await rerun(page, async () => {
    await page.selectOption('#mapping select[name="encoding"]', 'windows-1251');
    await page.click('#analyse');
  });
  assert.equal(digits(await page.textContent('[data-testid="customers-count"]')), ruNative.kpis.customers);

  // An XLSX workbook: the first sheet, with its header as the preview.
  await upload(page, `${FIX}/orders.xlsx`);
  assert.match(await page.textContent('[data-testid="detected"]'), /xlsx/);
  assert.equal(digits(await page.textContent('[data-testid="customers-count"]')), nativeReport(`${FIX}/orders.xlsx`).kpis.customers);
  await search(page, 'Zoë');
  assert.equal((await firstRowCells(page))[0], 'Zoë');

  // Drag and drop works like the picker.
  await rerun(page, () => page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['client,date,amount\nD1,2024-01-02,10\nD2,2024-02-03,20\nD1,2024-03-04,30\n'], 'dropped.csv', { type: 'text/csv' }));
    document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }));
  assert.equal(digits(await page.textContent('[data-testid="customers-count"]')), 2);

  assert.deepEqual(problems, []);
  assert.deepEqual(offOrigin(requests, server.origin), []);
  await context.close();
});

test('an ingest error is explained with the option that fixes it', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const { page } = await openPage(context, '/');
  await done(page);
  await page.evaluate(() => { document.body.dataset.state = 'pending'; });
  await page.setInputFiles('#file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,c\nx,y,z\nq,r,s\n') });
  await page.waitForSelector('body[data-state="error"]', { timeout: 30_000 });
  const code = await page.getAttribute('[data-testid="error"]', 'data-code');
  assert.ok(code && code !== 'internal', `a coded error (${code})`);
  assert.match(await page.textContent('#error-fix'), /Fix:/);
  assert.equal(await page.isVisible('#preview'), true, 'the mapping editor is offered (unfolded for the error)');
  assert.equal(await page.isVisible('#kpis'), false, "the sample's results are not shown for the failed file");
  await page.screenshot({ path: `${ARTIFACTS}/ingest-error.png`, fullPage: true });
  await context.close();
});

test('customer names are text, never HTML (XSS)', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, '/?empty');
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.waitForSelector('body[data-state="idle"]');
  await upload(page, `${FIX}/orders-xss.csv`);
  await search(page, '<img');
  assert.equal((await firstRowCells(page))[0], '<img src=x onerror=alert(1)>');
  await search(page, '<script');
  assert.equal((await firstRowCells(page))[0], '<script>alert(2)</script>');
  assert.match(await page.textContent('[data-testid="preview-table"]'), /<img src=x onerror=alert\(1\)>/);
  // Playwright's selectors pierce the dashboard's shadow root: the control shows they reach it.
  assert.ok(await page.$$eval('main .vcell', (n) => n.length) > 0, 'the query reaches into <crm-lens-dashboard>');
  assert.equal(await page.$$eval('main img, main script', (n) => n.length), 0, 'no element was created from file content');
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, [], 'no script ran');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the language follows the browser (ru-RU, zh-CN) and falls back to English', async () => {
  for (const [loc, title, lang] of [['ru-RU', 'Ключевые показатели', 'ru'], ['zh-CN', '关键指标', 'zh-CN'], ['de-DE', 'Key figures', 'en']]) {
    const context = await browser.newContext({ locale: loc });
    const { page, problems } = await openPage(context, '/?empty');
    await page.waitForSelector('body[data-state="idle"]');
    assert.equal(await page.textContent('#kpi-title'), title, loc);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.deepEqual(problems, []);
    await context.close();
  }
});
