// crm-lens in a Node ESM script: the orders of a CSV file, then the same orders as an array
// of records (as a CRM holds them), analysed and compared; then the scores a CRM writes back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeFile, openRecords } from 'crm-lens';

const options = { asOf: '2022-12-31', segments: { k: 4 } };

// 1. A file: any export crm-lens reads (CSV, XLSX, legacy code pages ...).
const csv = readFileSync(new URL('./orders.csv', import.meta.url));
const fromFile = await analyzeFile(csv, options);

// 2. The same orders as records, e.g. rows of the CRM's own database.
const [, ...lines] = csv.toString('utf8').trim().split('\n');
const records = lines.map((line) => {
  const [orderId, customerId, orderDate, amount] = line.split(',');
  return { orderId, customerId, orderDate, amount: Number(amount) };
});
const mapping = { customer: 'customerId', date: 'orderDate', amount: 'amount', order: 'orderId' };
const ds = await openRecords(records, mapping, options);
const fromRecords = ds.analyze(options);

// They agree on every number; only the description of the input differs.
for (const key of ['kpis', 'rfm', 'lifecycle', 'segments', 'clv', 'churn', 'explain', 'warnings']) {
  assert.deepEqual(fromRecords[key], fromFile[key], key);
}
assert.equal(fromRecords.ingest.rowsUsed, fromFile.ingest.rowsUsed);
assert.equal(fromRecords.ingest.detected.source, 'records');

// 3. Scores to write back: one entry per customer, in the order of customerColumns().
const cols = ds.customerColumns();
const segments = fromRecords.rfm.segments.map((s) => s.name);
const scores = cols.customerId.map((id, i) => ({
  id,
  rfmSegment: segments[cols.rfmSegment[i]],
  clv: Math.round(cols.clv[i] * 100) / 100,
  pAlive: Math.round(cols.pAlive[i] * 1000) / 1000,
}));
ds.free();

const k = fromFile.kpis;
console.log(`${k.customers} customers, ${k.transactions} orders, revenue ${k.revenue.toFixed(2)}`);
console.log(`CLV model: ${fromFile.clv.chosenModel}; top customer:`, scores.sort((a, b) => b.clv - a.clv)[0]);
console.log('file and records agree');
