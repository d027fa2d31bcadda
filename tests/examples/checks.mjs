// What every browser app of examples/ must show (its `npm test` calls this): the dashboard
// rendered under the strict CSP, its KPI cards equal to the Report the app got, the same KPIs
// as the native CLI on the same orders written as a CSV (data from memory == data from a
// file), and its events reaching the app.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { launch, recordRequests, offOrigin, openPage, nativeReport, digits } from '../e2e/helpers.mjs';

/** Orders as CSV (customer, date, amount[, order]): what the native CLI reads. */
function csvOf(columns) {
  const roles = ['customer', 'date', 'amount', 'order'].filter((r) => columns[r]);
  const lines = [roles.join(',')];
  for (let i = 0; i < columns.customer.length; i++) lines.push(roles.map((r) => columns[r][i]).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * Opens the app at `origin`, waits for its dashboard, and checks it. `columnsOf(page)` gives
 * the orders the app analysed as columns; `flags` are the CLI flags of its options; `money`
 * formats an amount as the dashboard does; `extra(page, requests)` checks what is particular to
 * the app (`requests`: the URLs fetched so far).
 */
export async function checkExample({ name, origin, columnsOf, flags, money, extra }) {
  const browser = await launch();
  try {
    const context = await browser.newContext({ locale: 'en-US' });
    const requests = recordRequests(context);
    const { page, problems } = await openPage(context, origin);
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 90_000 });
    assert.equal(await page.getAttribute('body', 'data-state'), 'done', `${name}: ${await page.textContent('#status')}`);
    const report = await page.evaluate(() => window.crmLensExample.report);
    const columns = await columnsOf(page);

    // The KPI cards show the Report's numbers.
    const kpi = (key) => page.textContent(`crm-lens-dashboard [data-kpi="${key}"]`);
    assert.equal(digits(await kpi('customers')), report.kpis.customers, `${name}: customers`);
    assert.equal(digits(await kpi('transactions')), report.kpis.transactions, `${name}: transactions`);
    assert.equal(await kpi('revenue'), money(report.kpis.revenue), `${name}: revenue`);

    // Data from memory gives the Report the same orders give as a file.
    const csv = `${tmpdir()}/crm-lens-example-${name}.csv`;
    writeFileSync(csv, csvOf(columns));
    const native = nativeReport(csv, flags);
    assert.deepEqual(report.kpis, native.kpis, `${name}: KPIs from memory == from the CSV`);
    assert.deepEqual(report.rfm.segments, native.rfm.segments, `${name}: RFM segments from memory == from the CSV`);

    // Events: a customer row, and a segment's customer list.
    const firstId = await page.textContent('crm-lens-dashboard #vbody .vrow[aria-rowindex="2"] .vcell');
    await page.click('crm-lens-dashboard #vbody .vrow[aria-rowindex="2"]');
    await page.waitForFunction((id) => document.getElementById('picked').textContent === `customer ${id}`, firstId, { timeout: 10_000 });
    const seg = report.rfm.segments.find((s) => s.customers > 0);
    await page.click(`crm-lens-dashboard button[data-list="rfm:${seg.name}"]`);
    await page.waitForFunction((want) => document.getElementById('picked').textContent === want,
      `rfm ${seg.name}: ${seg.customers} customers`, { timeout: 10_000 });

    // The default analysis never fetches the modules loaded on request.
    assert.deepEqual(requests.filter((u) => /crm_lens_(full|formats)/.test(u)), [], `${name}: the default path fetches only the core`);
    await extra?.(page, requests);
    assert.deepEqual(problems, [], `${name}: no page error, console error or CSP violation`);
    assert.deepEqual(offOrigin(requests, origin), [], `${name}: no request left the origin`);
    assert.ok(requests.some((u) => u.endsWith('.wasm')), `${name}: the wasm came from the app's origin`);
    return report;
  } finally {
    await browser.close();
  }
}
