// An Apache Arrow table opened through the worker client in the browser, under the page's
// strict CSP (no 'unsafe-eval'): the page builds the table from Arrow IPC bytes with
// apache-arrow's `tableFromIPC` (as DuckDB-wasm hands over a query result; apache-arrow's
// builders need `new Function`, which the CSP refuses), opens it with the page's own analyzer
// (`createAnalyzer()` of crm-lens/worker: the conversion on the main thread, the buffers
// transferred to the analysis worker) and gets the Report the same orders give as CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Float64, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { openPage, pageSuite, ROOT } from './helpers.mjs';

const suite = pageSuite();
const OPTIONS = { asOf: '2023-12-31', segments: { k: 4 } };

/** The sample's orders, with a row without a customer (null in Arrow, empty in the CSV). */
function orders() {
  const csv = execFileSync(`${ROOT}target/release/crm-lens`, ['sample', '--transactions', '3000', '--seed', '5']).toString();
  const rows = csv.trim().split('\n').slice(1).map((l) => {
    const [order, customer, date, amount] = l.split(',');
    return { order, customer, date, amount: Number(amount) };
  });
  rows.splice(1000, 0, { ...rows[1000], customer: null });
  return rows;
}

// apache-arrow's single-file browser build, served from the page's own origin.
const ARROW = readFileSync(`${ROOT}node_modules/apache-arrow/Arrow.es2015.min.js`);

test('openArrow through createAnalyzer in Chromium under the strict CSP: a table from IPC bytes gives the CSV\'s Report', { timeout: 180_000 }, async () => {
  const rows = orders();
  const csv = `order_id,customer_id,order_date,amount\n${rows.map((r) => `${r.order},${r.customer ?? ''},${r.date},${r.amount}`).join('\n')}\n`;
  const table = new Table({
    order_id: vectorFromArray(rows.map((r) => r.order), new Utf8()),
    customer_id: vectorFromArray(rows.map((r) => r.customer), new Utf8()),
    order_date: vectorFromArray(rows.map((r) => r.date), new Utf8()),
    amount: vectorFromArray(rows.map((r) => r.amount), new Float64()),
  });
  assert.equal(table.getChild('customer_id').nullCount, 1);
  const ipc = tableToIPC(table, 'stream');

  const { server, browser } = suite;
  const context = await browser.newContext({ locale: 'en-US' });
  await context.route(`${server.origin}/__test/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/__test/arrow.js') return route.fulfill({ body: ARROW, contentType: 'text/javascript' });
    if (path === '/__test/orders.arrow') return route.fulfill({ body: Buffer.from(ipc), contentType: 'application/vnd.apache.arrow.stream' });
    if (path === '/__test/orders.csv') return route.fulfill({ body: csv, contentType: 'text/csv' });
    return route.fulfill({ status: 404 });
  });
  const { page, problems } = await openPage(context, server.origin, '/?empty');
  await page.waitForSelector('body[data-state="idle"]');
  // The CSP of the page (header and meta) is the strict one: no eval for apache-arrow either.
  const csp = (await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]').content));
  assert.doesNotMatch(csp, /'unsafe-eval'/);
  await page.addScriptTag({ url: '/__test/arrow.js' });
  const out = await page.evaluate(async ({ options }) => {
    const analyzer = document.querySelector('crm-lens-dashboard').analyzer;
    const { tableFromIPC } = window.Arrow;
    const table = tableFromIPC(new Uint8Array(await (await fetch('/__test/orders.arrow')).arrayBuffer()));
    // A builder needs eval: the CSP refuses it here (what docs/embedding.md warns of).
    let builderRefused = false;
    try { window.Arrow.vectorFromArray(['a', null], new window.Arrow.Utf8()); } catch (e) { builderRefused = /unsafe-eval|Content Security Policy|EvalError/i.test(`${e.name} ${e.message}`); }
    const mapping = { customer: 'customer_id', date: 'order_date', amount: 'amount', order: 'order_id' };
    const opened = await analyzer.openArrow(table, mapping, options);
    const fromArrow = (await analyzer.analyze(options)).report;
    await analyzer.open(new Uint8Array(await (await fetch('/__test/orders.csv')).arrayBuffer()), options);
    const fromCsv = (await analyzer.analyze(options)).report;
    return { rows: table.numRows, nulls: table.getChild('customer_id').nullCount, source: opened.detected.source, fromArrow, fromCsv, builderRefused };
  }, { options: OPTIONS });
  assert.equal(out.rows, rows.length);
  assert.equal(out.nulls, 1, 'the table read from IPC has the null customer');
  assert.equal(out.source, 'arrow');
  assert.ok(out.builderRefused, "apache-arrow's builders are refused by the page's CSP");
  assert.equal(out.fromArrow.ingest.rowsSkipped.missingCustomerId, 1);
  // The same Report but for the description of the input and the examples' line (a row's
  // 0-based index in memory, a file's 1-based line with the header as line 1).
  const comparable = (r) => {
    const c = structuredClone(r);
    delete c.ingest.detected;
    c.ingest.examples = c.ingest.examples.map(({ line, text, ...e }) => e);
    c.warnings = c.warnings.map((w) => w.code);
    return c;
  };
  assert.deepEqual(out.fromArrow.ingest.examples.map((e) => e.line + 2), out.fromCsv.ingest.examples.map((e) => e.line));
  assert.deepEqual(comparable(out.fromArrow), comparable(out.fromCsv));
  // The one violation is the builder refused above.
  const refused = (p) => /^console: (CSP violation: script-src eval|Refused to evaluate a string as JavaScript)/.test(p);
  assert.deepEqual(problems.filter((p) => !refused(p)), []);
  await context.close();
});
