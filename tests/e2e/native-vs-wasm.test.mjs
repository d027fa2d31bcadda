// Native CLI and wasm give identical Reports for the same input and options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, nativeReport } from './helpers.mjs';
import { initSync, analyzeJson } from '../../pkg/crm_lens.js';
import { openColumns, openDataset, setFormatsWasm, setFullWasm } from '../../pkg/index.js';

initSync({ module: readFileSync(`${ROOT}pkg/crm_lens_bg.wasm`) });
setFormatsWasm(readFileSync(`${ROOT}pkg/crm_lens_formats_bg.wasm`));
// The full module's bytes, counted: only an input that needs it may load it.
let fullLoads = 0;
setFullWasm(() => { fullLoads += 1; return readFileSync(`${ROOT}pkg/crm_lens_full_bg.wasm`); });

const cases = [
  ['default options', {}, []],
  ['week unit, as-of, returns dropped', { asOf: '2024-06-30', timeUnit: 'week', ingest: { returns: 'drop' } },
    ['--as-of', '2024-06-30', '--time-unit', 'week', '--returns', 'drop']],
];

for (const [name, options, flags] of cases) {
  test(`sample: native == wasm (${name})`, () => {
    const file = `${ROOT}www/public/sample.csv`;
    const wasm = JSON.parse(analyzeJson(readFileSync(file), options));
    const native = nativeReport(file, flags);
    assert.deepStrictEqual(wasm, native);
    assert.ok(native.kpis.customers > 0);
  });
}

test('the default path never loads the full module', async () => {
  const ds = await openDataset(readFileSync(`${ROOT}www/public/sample.csv`), {});
  assert.ok(ds.analyze({}).clv.chosenModel);
  ds.free();
  const cols = await openColumns({ customer: ['a', 'b', 'a'], date: ['2024-01-01', '2024-01-02', '2024-02-01'], amount: [1, 2, 3], covariates: { channel: ['web', 'store', 'web'] } });
  cols.free();
  assert.equal(fullLoads, 0);
});

// The subscription and discrete-time models: the survival table (sBG, holdout, DERL) and
// lifetimes' donations (BG/BB with its bootstrap, windows, P(alive) on a later date). The core
// answers `needs_full` for them; the package's openDataset opens them in the full module.
const models = [
  ['retention/fader-hardie-2007.csv', { timeUnit: 'year', ingest: { survival: true }, retention: { fitPeriods: 7, price: 100 } },
    ['--survival', '--time-unit', 'year', '--options', '{"retention":{"fitPeriods":7,"price":100}}']],
  ['clv/donations.csv', { timeUnit: 'year', asOf: '2001-01-01', ingest: { summary: true }, clv: { pAliveDate: '2006-03-01' } },
    ['--summary', '--time-unit', 'year', '--as-of', '2001-01-01', '--options', '{"clv":{"pAliveDate":"2006-03-01"}}']],
];
for (const [f, options, flags] of models) {
  test(`${f}: native == wasm (the full module)`, async () => {
    const file = `${ROOT}tests/fixtures/${f}`;
    assert.throws(() => analyzeJson(readFileSync(file), options),
      (e) => e.code === 'needs_full' && /full module/.test(e.message) && /openDataset/.test(e.hint));
    const ds = await openDataset(readFileSync(file), options);
    const wasm = ds.analyze(options);
    ds.free();
    const native = nativeReport(file, flags);
    assert.deepStrictEqual(wasm, native);
    assert.ok(native.retention.sbg || native.clv.bgbb);
    assert.ok(fullLoads > 0);
  });
}

// Legacy code pages and workbooks go through the formats module (pkg/index.js loads it on the
// core's `needs_formats`), natively through one streaming read: the same Report.
for (const f of ['orders-gbk.csv', 'orders-cp1251.csv', 'orders.xlsx']) {
  test(`${f}: native == wasm through the formats module`, async () => {
    const file = `${ROOT}tests/fixtures/e2e/${f}`;
    const ds = await openDataset(readFileSync(file), {});
    const wasm = ds.analyze({});
    ds.free();
    assert.deepStrictEqual(wasm, nativeReport(file));
    assert.ok(wasm.kpis.customers > 0);
  });
}

test('the core module alone answers needs_formats for a GBK file', async () => {
  const { Dataset } = await import('../../pkg/crm_lens.js');
  assert.throws(() => new Dataset(readFileSync(`${ROOT}tests/fixtures/e2e/orders-gbk.csv`), {}),
    (e) => e.code === 'needs_formats' && /formats module/.test(e.message) && /openDataset/.test(e.hint));
});
