// Native CLI and wasm give identical Reports for the same input and options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, nativeReport } from './helpers.mjs';
import { initSync, analyzeJson } from '../../pkg/crm_lens.js';

initSync({ module: readFileSync(`${ROOT}pkg/crm_lens_bg.wasm`) });

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
