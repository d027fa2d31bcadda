// Data from memory through the built package, in Node: the same orders as a CSV file, as
// Columns (each accepted date and amount form), as records and as an Apache Arrow table give
// the same Report (every analysis section) and the same per-customer columns. What may differ
// is documented in docs/embedding.md: `ingest.detected`'s description of the text and the
// examples' `line` (a file's 1-based line; a row's 0-based index in memory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  DateDay, Decimal, Dictionary, Float32, Float64, Int32, Int64, Table, TimestampMicrosecond, Utf8, makeData, makeVector, vectorFromArray,
} from 'apache-arrow';
import { ROOT } from './helpers.mjs';
import {
  openDataset, openColumns, openRecords, openArrow, columnsFromRecords, columnsFromArrow, ColumnsWriter, Dataset,
} from '../../pkg/node.js';

const OPTIONS = { asOf: '2023-12-31', segments: { k: 4 } };
const DAY = 86_400_000;

/** Orders of the generated sample, with dirty rows among them (each a skip of its own). */
function orders({ blank }) {
  const csv = execFileSync(`${ROOT}target/release/crm-lens`, ['sample', '--transactions', '4000', '--seed', '9']).toString();
  const rows = csv.trim().split('\n').slice(1).map((l) => {
    const [order, customer, date, amount] = l.split(',');
    return { order, customer, date, amount };
  });
  const dirty = [
    { ...rows[0], amount: 'NaN' },
    { ...rows[1], date: '2024-02-30' },
    { ...rows[2], customer: '' },
    { ...rows[3], date: '' },
  ];
  if (blank) dirty.push({ order: '', customer: '', date: '', amount: '' });
  dirty.forEach((r, i) => rows.splice(Math.floor((rows.length * (i + 1)) / (dirty.length + 1)), 0, r));
  return rows;
}

const csvOf = (rows) => `order,customer,date,amount\n${rows.map((r) => `${r.order},${r.customer},${r.date},${r.amount}`).join('\n')}\n`;
const dayOf = (s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().startsWith(s) ? Date.parse(s) / DAY : null);

async function analysed(open) {
  const ds = await open();
  try {
    const report = ds.analyze(OPTIONS);
    return { report, columns: ds.customerColumns(true), stages: ds.stagesRun() };
  } finally {
    ds.free();
  }
}

/** The memory Report equals the file's but for `detected` and the examples' lines. */
function assertSame(name, file, mem, { texts, columns, header = ['customer', 'date', 'amount', 'order'], rename = {} }) {
  const f = structuredClone(file.report);
  const m = structuredClone(mem.report);
  assert.ok(f.ingest.examples.length > 0, name);
  assert.equal(m.ingest.examples.length, f.ingest.examples.length, `${name}: examples`);
  f.ingest.examples.forEach((e, i) => {
    const x = m.ingest.examples[i];
    assert.equal(e.line, x.line + 2, `${name}: line of example ${i}`);
    assert.deepEqual([x.reason, x.column], [e.reason, rename[e.column] ?? e.column], name);
    if (texts) assert.equal(x.text, e.text, name);
  });
  assert.deepEqual(m.ingest.detected.columns, columns ?? f.ingest.detected.columns, `${name}: column names`);
  assert.deepEqual(m.ingest.detected.header, header, name);
  for (const k of ['encoding', 'delimiter']) assert.equal(m.ingest.detected[k], 'n/a', name);
  assert.equal(m.ingest.detected.bom, false);
  for (const r of [f, m]) {
    delete r.ingest.detected;
    delete r.ingest.examples;
    // Warnings quote the examples' texts: typed cells describe a bad value their own way.
    if (!texts) r.warnings = r.warnings.map((w) => w.code);
  }
  // Memory's warnings name a row by its index, a file's by its line (index + 2).
  if (texts) {
    m.warnings.forEach((w) => assert.ok(!/\(line \d/.test(w.message), w.message));
    m.warnings = m.warnings.map((w) => ({ ...w, message: w.message.replace(/\(row (\d+)/g, (_, n) => `(line ${Number(n) + 2}`) }));
  }
  assert.deepEqual(m, f, `${name}: every other key of the Report`);
  assert.deepEqual(mem.columns, file.columns, `${name}: per-customer columns and ids`);
}

const withBlank = orders({ blank: true });
const noBlank = orders({ blank: false });
const fileBlank = await analysed(() => openDataset(new TextEncoder().encode(csvOf(withBlank)), OPTIONS));
const fileNoBlank = await analysed(() => openDataset(new TextEncoder().encode(csvOf(noBlank)), OPTIONS));
const names = { customer: 'customer', date: 'date', amount: 'amount', order: 'order' };
// What detected reports for fields id, day, total, invoice.
const mapped = {
  columns: { customerId: 'id', date: 'day', amount: 'total', orderId: 'invoice' },
  header: ['id', 'day', 'total', 'invoice'],
  rename: { customer: 'id', date: 'day', amount: 'total', order: 'invoice' },
};

test('the file has the dirty rows', () => {
  assert.deepEqual(fileBlank.report.ingest.rowsSkipped,
    { blankLine: 1, missingCustomerId: 1, nonNumericAmount: 1, unparseableDate: 2 });
});

test('strings in columns: the same Report as the CSV', async () => {
  const columns = {
    customer: withBlank.map((r) => r.customer),
    date: withBlank.map((r) => r.date),
    amount: withBlank.map((r) => r.amount),
    order: withBlank.map((r) => r.order),
    names,
  };
  const mem = await analysed(() => openColumns(columns, OPTIONS));
  assertSame('strings', fileBlank, mem, { texts: true });
  const d = mem.report.ingest.detected;
  assert.deepEqual([d.source, d.dateFormat, d.decimalSeparator], ['columns', '%Y-%m-%d', '.']);
});

test('records: the same Report as the CSV; numbers, NaN and an empty record counted', async () => {
  const records = withBlank.map((r) => (r.customer === '' && r.date === ''
    ? {}
    : { id: r.customer, day: r.date, total: r.amount === 'NaN' ? NaN : Number(r.amount), invoice: r.order }));
  const mapping = { customer: 'id', date: 'day', amount: 'total', order: 'invoice' };
  const mem = await analysed(() => openRecords(records, mapping, OPTIONS));
  assertSame('records', fileBlank, mem, { texts: true, ...mapped });
  assert.equal(mem.report.ingest.detected.source, 'records');
  assert.equal(mem.report.ingest.detected.decimalSeparator, 'n/a');
  // The converter is what openRecords uses: its Columns open to the same Report.
  const cols = columnsFromRecords(records, mapping);
  assert.ok(cols.amount instanceof Array, 'NaN and undefined keep the amounts an Array');
  const again = await analysed(() => openColumns(cols, OPTIONS));
  assert.deepEqual(again.report, mem.report);
});

test('typed arrays: Int32Array epoch days and Float64Array amounts', async () => {
  // An Int32Array holds no invalid day: the dirty rows' invalid and empty dates are a year
  // beyond 2200 here, in the file as in the days (dateOutOfRange in both).
  const rows = noBlank.map((r) => (dayOf(r.date) === null ? { ...r, date: '2500-01-01' } : r));
  const file = await analysed(() => openDataset(new TextEncoder().encode(csvOf(rows)), OPTIONS));
  assert.equal(file.report.ingest.rowsSkipped.dateOutOfRange, 2);
  const columns = {
    customer: rows.map((r) => r.customer),
    date: Int32Array.from(rows, (r) => dayOf(r.date)),
    amount: Float64Array.from(rows, (r) => Number(r.amount)),
    order: rows.map((r) => r.order),
  };
  const mem = await analysed(() => openColumns(columns, OPTIONS));
  assertSame('typed arrays', file, mem, { texts: false });
  const d = mem.report.ingest.detected;
  assert.deepEqual([d.dateFormat, d.decimalSeparator], ['epoch-days', 'n/a']);
});

test('Date objects, epoch milliseconds with a time of day, numeric customer ids', async () => {
  const numericIds = noBlank.map((r) => (r.customer === '' ? '' : Number(r.customer.slice(1))));
  const file = await analysed(() => openDataset(new TextEncoder().encode(csvOf(noBlank.map((r, i) => ({ ...r, customer: String(numericIds[i]) })))), OPTIONS));
  const ms = (r) => (dayOf(r.date) === null ? NaN : dayOf(r.date) * DAY + 13.5 * 3_600_000);
  for (const [name, date] of [
    ['Date objects', noBlank.map((r) => new Date(ms(r)))],
    ['epoch milliseconds', noBlank.map(ms)],
  ]) {
    const columns = { customer: numericIds, date, amount: noBlank.map((r) => Number(r.amount)), order: noBlank.map((r) => r.order) };
    const mem = await analysed(() => openColumns(columns, OPTIONS));
    assertSame(name, file, mem, { texts: false });
    assert.equal(mem.report.ingest.detected.dateFormat, 'epoch-ms');
    const bad = mem.report.ingest.examples.filter((e) => e.reason === 'unparseableDate').map((e) => e.text);
    assert.deepEqual(bad, name === 'Date objects' ? ['Invalid Date', 'Invalid Date'] : ['NaN', 'NaN']);
  }
});

test('records are written into the core: Date fields, non-ASCII ids past the first guess of the bytes', async () => {
  // Ids longer than the first one, with 2- and 3-byte characters: the text grows in place.
  const rows = noBlank.map((r, i) => (i === 0 || r.customer === '' ? r : { ...r, customer: `${r.customer}-клиент-客户` }));
  const file = await analysed(() => openDataset(new TextEncoder().encode(csvOf(rows)), OPTIONS));
  const ms = (r) => (dayOf(r.date) === null ? NaN : dayOf(r.date) * DAY + 13.5 * 3_600_000);
  const text = rows.map((r) => ({ id: r.customer, day: r.date, total: Number(r.amount), invoice: r.order }));
  assertSame('non-ASCII ids', file, await analysed(() => openRecords(text, { customer: 'id', date: 'day', amount: 'total', order: 'invoice' }, OPTIONS)),
    { texts: true, ...mapped });
  // Dates: all valid ones are read in the field's own pass, invalid ones as mixed values; both
  // give the Report of the same Dates as columns (and of the JS Columns of the records).
  const valid = rows.filter((r) => dayOf(r.date) !== null);
  for (const [name, subset] of [['valid Dates', valid], ['Dates, two invalid', rows]]) {
    const records = subset.map((r) => ({ id: r.customer, day: new Date(ms(r)), total: Number(r.amount) }));
    const mapping = { customer: 'id', date: 'day', amount: 'total' };
    const columns = { customer: subset.map((r) => r.customer), date: subset.map((r) => new Date(ms(r))), amount: subset.map((r) => Number(r.amount)), names: mapping };
    const asColumns = await analysed(() => openColumns(columns, OPTIONS));
    const asRecords = await analysed(() => openRecords(records, mapping, OPTIONS));
    const viaJs = await analysed(() => openColumns(columnsFromRecords(records, mapping), OPTIONS));
    for (const r of [asColumns, asRecords, viaJs]) delete r.report.ingest.detected;
    assert.deepEqual(asRecords.report, asColumns.report, name);
    assert.deepEqual(viaJs.report, asColumns.report, name);
    assert.deepEqual(asRecords.columns, asColumns.columns, name);
    assert.equal(asRecords.report.ingest.rowsSkipped.unparseableDate, subset === valid ? undefined : 2, name);
  }
});

test('a ColumnsWriter checks what is written into it, as fromColumns checks its input', () => {
  const rejects = (f, code, re) => assert.throws(f, (e) => e.code === code && re.test(e.message), String(re));
  const text = (w, bytes, offsets) => {
    w.beginText(bytes.length).set(bytes);
    w.textOffsets().set(offsets);
  };
  let w = new ColumnsWriter('records', 2);
  text(w, [0x61, 0xff], [0, 1, 2]);
  rejects(() => w.endText('customer', 'id', 2), 'invalid_columns', /not UTF-8/);
  text(w, [0x61, 0x62], [0, 2, 1]);
  rejects(() => w.endText('customer', 'id', 2), 'invalid_columns', /offsets do not fit/);
  text(w, [0x61, 0x62], [0, 1, 2]);
  rejects(() => w.endText('customer', 'id', 1), 'invalid_columns', /offsets do not fit/);
  rejects(() => w.endNumbers('amount', 'total'), 'invalid_columns', /no column of numbers was begun/);
  rejects(() => w.addColumn('date', { name: 'day', numbers: new Float64Array(3) }), 'column_lengths', /rows 2, day 3/);
  text(w, [0x61, 0x62], [0, 1, 2]);
  w.endText('customer', 'id', 2);
  text(w, [0x61, 0x62], [0, 1, 2]);
  rejects(() => w.endText('customer', 'id', 2), 'invalid_columns', /written twice/);
  w.beginNumbers().set([1, 2]);
  w.endNumbers('amount', 'total');
  rejects(() => Dataset.fromWriter(w, {}), 'invalid_columns', /the date column is missing/);
  // A role that is none, and a writer that is given away is gone.
  w = new ColumnsWriter('records', 1);
  w.beginNumbers();
  rejects(() => w.endNumbers('price', 'p'), 'invalid_columns', /unknown role "price"/);
  w.free();
});

test('an Arrow table (strings, dictionary, DateDay, Int64 and Float64 with nulls)', async () => {
  const rows = withBlank;
  const blankRow = (r) => r.customer === '' && r.date === '';
  const table = new Table({
    id: vectorFromArray(rows.map((r) => (blankRow(r) ? null : r.customer)), new Utf8()),
    day: vectorFromArray(rows.map((r) => (dayOf(r.date) === null ? null : new Date(dayOf(r.date) * DAY))), new DateDay()),
    total: vectorFromArray(rows.map((r) => (blankRow(r) ? null : Number(r.amount))), new Float64()),
    invoice: vectorFromArray(rows.map((r) => (blankRow(r) ? null : BigInt(r.order.slice(1)))), new Int64()),
  });
  const mapping = { customer: 'id', date: 'day', amount: 'total', order: 'invoice' };
  const mem = await analysed(() => openArrow(table, mapping, OPTIONS));
  // The order ids are numbers here: the file gets the same ids as text.
  const file = await analysed(() => openDataset(new TextEncoder().encode(csvOf(rows.map((r) => ({ ...r, order: r.order ? String(BigInt(r.order.slice(1))) : '' })))), OPTIONS));
  assertSame('arrow', file, mem, { texts: false, ...mapped });
  assert.equal(mem.report.ingest.detected.source, 'arrow');
  const cols = columnsFromArrow(table, mapping);
  // Strings arrive as the vector's UTF-8 bytes + offsets (no JS string per value), nulls
  // marked; dates as values.
  const blank = rows.findIndex(blankRow);
  assert.ok(cols.customer.utf8 instanceof Uint8Array && cols.customer.offsets instanceof Uint32Array);
  assert.equal(cols.customer.offsets.length, rows.length + 1);
  assert.deepEqual([cols.customer.nulls[blank], cols.customer.nulls[0]], [1, 0]);
  assert.ok(Array.isArray(cols.date));
  assert.equal(cols.names.order, 'invoice');
  // The worker contract: Columns survive structured cloning (postMessage) unchanged.
  const cloned = await analysed(() => openColumns(structuredClone(cols), OPTIONS));
  assert.deepEqual(cloned.report, mem.report);
});

test('Arrow decimals, timestamps, dictionaries and Float32; a missing column is a clear error', async () => {
  // Decimal(scale 2): unscaled 1250, 300 and -425 (two's complement in four 32-bit words).
  const words = new Uint32Array([1250, 0, 0, 0, 300, 0, 0, 0, (-425 >>> 0), 0xffffffff, 0xffffffff, 0xffffffff]);
  const table = new Table({
    c: vectorFromArray(['a', 'b', 'a'], new Dictionary(new Utf8(), new Int32())),
    t: vectorFromArray([Date.UTC(2024, 2, 5, 13), Date.UTC(2024, 2, 6), Date.UTC(2024, 2, 9, 23, 59)], new TimestampMicrosecond()),
    f: vectorFromArray([12.5, 3, 4.25], new Float32()),
    d: makeVector(makeData({ type: new Decimal(2, 18, 128), length: 3, data: words })),
  });
  const revenue = async (amount) => {
    const ds = await openArrow(table, { customer: 'c', date: 't', amount }, {});
    const r = ds.analyze({});
    ds.free();
    return [r.ingest.rowsUsed, r.ingest.firstDate, r.ingest.lastDate, r.kpis.revenue, r.ingest.returnLines];
  };
  assert.deepEqual(await revenue('f'), [3, '2024-03-05', '2024-03-09', 19.75, 0]);
  // Non-ASCII strings cross as the vector's UTF-8 bytes, as ASCII ones do (the customer table
  // is in id order).
  const names = new Table({ c: vectorFromArray(['клиент', 'b', 'клиент'], new Utf8()), t: table.getChild('t'), f: table.getChild('f') });
  const ds = await openArrow(names, { customer: 'c', date: 't', amount: 'f' });
  const r = ds.analyze({});
  assert.deepEqual(ds.customerColumns().customerId, ['b', 'клиент']);
  assert.equal(r.kpis.revenue, 19.75);
  ds.free();
  assert.deepEqual(columnsFromArrow(table, { customer: 'c', date: 't', amount: 'd' }).amount, [12.5, 3, -4.25]);
  assert.deepEqual(await revenue('d'), [3, '2024-03-05', '2024-03-09', 12.5 + 3 - 4.25, 1]);
  await assert.rejects(openArrow(table, { customer: 'c', date: 'when', amount: 'f' }),
    (e) => e.code === 'invalid_columns' && /no column "when"/.test(e.message) && /c, t, f, d/.test(e.hint));
});

test('covariates: customer attributes as columns, record fields or Arrow vectors, read as a file covariateCols', async () => {
  const channels = ['web', 'store', 'app'];
  const attrs = (r) => {
    const h = [...r.customer].reduce((a, c) => a + c.charCodeAt(0), 0);
    return { channel: channels[h % 3], age: 20 + (h % 47) };
  };
  const options = { ...OPTIONS, ingest: { covariateCols: ['channel', 'age:numeric'] } };
  const csv = `order,customer,date,amount,channel,age\n${noBlank.map((r) => {
    const { channel, age } = attrs(r);
    return `${r.order},${r.customer},${r.date},${r.amount},${channel},${age}`;
  }).join('\n')}\n`;
  const run = async (open) => {
    const ds = await open();
    try {
      return { report: ds.analyze(options), columns: ds.customerColumns(true) };
    } finally {
      ds.free();
    }
  };
  const file = await run(() => openDataset(new TextEncoder().encode(csv), options));
  const cov = file.report.clv.covariates;
  assert.deepEqual(cov.covariates.map((c) => [c.name, c.kind]), [['channel', 'categorical'], ['age', 'numeric']]);
  assert.ok(cov.models.length > 0 && file.report.churn.customers > 0);
  const header = ['customer', 'date', 'amount', 'order', 'channel', 'age'];
  const columns = {
    customer: noBlank.map((r) => r.customer),
    date: noBlank.map((r) => r.date),
    amount: noBlank.map((r) => r.amount),
    order: noBlank.map((r) => r.order),
    covariates: { channel: noBlank.map((r) => attrs(r).channel), age: Float64Array.from(noBlank, (r) => attrs(r).age) },
  };
  assertSame('covariate columns', file, await run(() => openColumns(columns, options)), { texts: true, header });
  const records = noBlank.map((r) => ({ id: r.customer, day: r.date, total: Number(r.amount), invoice: r.order, ...attrs(r) }));
  const mapping = { customer: 'id', date: 'day', amount: 'total', order: 'invoice', covariates: ['channel', 'age'] };
  const withNames = { ...mapped, header: [...mapped.header, 'channel', 'age'], columns: { ...mapped.columns, covariates: ['channel', 'age'] } };
  assertSame('covariate fields', file, await run(() => openRecords(records, mapping, options)), { texts: true, ...withNames });
  const table = new Table({
    id: vectorFromArray(records.map((r) => r.id), new Utf8()),
    day: vectorFromArray(records.map((r) => r.day), new Utf8()),
    total: vectorFromArray(records.map((r) => r.total), new Float64()),
    invoice: vectorFromArray(records.map((r) => r.invoice), new Utf8()),
    channel: vectorFromArray(records.map((r) => r.channel), new Dictionary(new Utf8(), new Int32())),
    age: vectorFromArray(records.map((r) => r.age), new Int32()),
  });
  assertSame('covariate vectors', file, await run(() => openArrow(table, mapping, options)), { texts: true, ...withNames });
  // Without covariateCols every given attribute is read; the option may only choose among them.
  const all = await run(() => openColumns(columns, OPTIONS));
  assert.deepEqual(all.report.ingest.detected.columns.covariates, ['channel', 'age']);
  await assert.rejects(openColumns(columns, { ingest: { covariateCols: ['channel'] } }),
    (e) => e.code === 'invalid_option' && /"age" is given but covariateCols leaves it out/.test(e.message));
  await assert.rejects(openColumns({ ...columns, covariates: { age: [30] } }), (e) => e.code === 'column_lengths' && /age 1/.test(e.message));
  await assert.rejects(openColumns({ ...columns, covariates: ['web'] }), (e) => e.code === 'invalid_columns' && /covariates/.test(e.message));
  await assert.rejects(openRecords(records, { ...mapping, covariates: 'channel' }), (e) => e.code === 'invalid_columns' && /array of field names/.test(e.message));
});

test('bad input is a clear error, never a silent drop', async () => {
  const ok = { customer: ['a', 'b'], date: ['2024-01-01', '2024-01-02'], amount: [1, 2] };
  await assert.rejects(openColumns({ ...ok, date: ['2024-01-01'] }),
    (e) => e.code === 'column_lengths' && /customer 2, date 1, amount 2/.test(e.message) && /one value per order/.test(e.hint));
  await assert.rejects(openColumns({ ...ok, amout: [1, 2] }), (e) => e.code === 'invalid_columns' && /amout/.test(e.message));
  await assert.rejects(openColumns({ customer: ['a'], date: ['2024-01-01'] }), (e) => e.code === 'no_amount_column');
  await assert.rejects(openColumns({ customer: [], date: [], amount: [] }), (e) => e.code === 'empty_input');
  await assert.rejects(openColumns({ ...ok, date: [1_709_596_800, 1_709_683_200] }),
    (e) => e.code === 'unparseable_dates' && /epoch seconds/.test(e.message) && /× 1000/.test(e.hint));
  await assert.rejects(openColumns(ok, { ingest: { delimiter: ';' } }), (e) => e.code === 'invalid_option' && /files only/.test(e.message));
  await assert.rejects(openRecords([{ id: 'a', day: '2024-01-01', total: 1 }], { customer: 'id', date: 'day', amount: 'totl' }),
    (e) => e.code === 'invalid_columns' && /no record has the field "totl"/.test(e.message) && /id, day, total/.test(e.hint));
  await assert.rejects(openRecords([], { customer: 'id' }), (e) => e.code === 'invalid_columns' && /no date field/.test(e.message));
});

test('a Dataset from memory re-analyses, offloads and exports like one from a file', async () => {
  const ds = await openColumns({
    customer: noBlank.map((r) => r.customer),
    date: noBlank.map((r) => r.date),
    amount: Float64Array.from(noBlank, (r) => Number(r.amount)),
  }, OPTIONS);
  ds.analyze(OPTIONS);
  const other = { ...OPTIONS, segments: { k: 3 } };
  const job = ds.segmentJob(other);
  assert.ok(job && job.recencyDays instanceof Float64Array);
  const { SegmentScan } = await import('../../pkg/node.js');
  const scan = new SegmentScan(job);
  ds.provideSegments(other, scan.finish(Array.from({ length: scan.jobs() }, (_, i) => scan.runJob(i))));
  scan.free();
  const r = ds.analyze(other);
  assert.deepEqual(ds.stagesRun(), ['segments', 'explain']);
  assert.equal(r.segments.k, 3);
  const ids = ds.customerIds();
  assert.equal(ids.offsets.length, r.kpis.customers + 1);
  const csv = new TextDecoder().decode(ds.exportCustomersCsv());
  assert.equal(csv.trim().split('\n').length, r.kpis.customers + 1);
  ds.free();
});
