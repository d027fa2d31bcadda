// Pure logic, in Node: the dashboard's Report readers (src/js/dashboard/panels/adapters.js),
// which option a fix points to (src/js/dashboard/fixes.js), and the page's annual ↔ monthly
// discount conversion (www/src/rates.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeReport, ROOT } from './helpers.mjs';
import { hasClv, hasCustomers, skippedTotal, pAliveGrid, holdoutSeries, retentionView, windowsView, WINDOW_GROUPS, STAGES } from '../../src/js/dashboard/panels/adapters.js';
import { fixOption as fixField } from '../../src/js/dashboard/fixes.js';
import { monthlyRate, annualRate } from '../../www/src/rates.js';

test('Report readers on the sample\'s Report', () => {
  const r = nativeReport(`${ROOT}www/public/sample.csv`);
  assert.equal(hasClv(r), true);
  assert.equal(hasClv({ clv: { simple: null, bgnbd: null } }), false);
  assert.equal(skippedTotal(r.ingest), r.ingest.rowsRead - r.ingest.rowsUsed);
  const pa = pAliveGrid(r.clv.pAliveMatrix);
  assert.equal(pa.values, r.clv.pAliveMatrix.values);
  assert.deepEqual([pa.xlab.length, pa.ylab.length], [r.clv.pAliveMatrix.frequencies.length, r.clv.pAliveMatrix.recencies.length]);
  assert.equal(pa.ylab[1], r.clv.pAliveMatrix.recencies[1].toFixed(1));
  const ho = holdoutSeries(r.clv.holdout);
  assert.deepEqual(ho.labels, r.clv.holdout.byFrequency.map((b) => b.frequency));
  assert.deepEqual(ho.predicted, r.clv.holdout.byFrequency.map((b) => b.predicted));
  assert.equal(pAliveGrid(null), null);
  assert.equal(holdoutSeries({ byFrequency: [] }), null);
  // The core's stage codes in order (src/lifecycle: Prospect = 0 … Lost = 5).
  assert.deepEqual(r.lifecycle.stages.map((s) => s.stage).sort(), [...STAGES].sort());
});

test('the retention reader on Fader & Hardie\'s table (two cohorts, fitted on 7 of 12 years)', () => {
  const r = nativeReport(`${ROOT}tests/fixtures/retention/fader-hardie-2007.csv`,
    ['--survival', '--time-unit', 'year', '--options', '{"retention":{"fitPeriods":7,"price":100}}']);
  assert.equal(hasCustomers(r), false, 'subscription input has no customers');
  const v = retentionView(r);
  assert.equal(v.source, 'survivalTable');
  assert.deepEqual(v.periods, r.retention.survival.periods);
  assert.equal(v.actual[12], r.retention.survival.actual[12]);
  assert.equal(v.fit.alpha, r.retention.sbg.params.alpha);
  assert.equal(v.fit.alphaSe, r.retention.sbg.stdErrors.alpha);
  assert.equal(v.fitPeriods, 7);
  assert.equal(v.fit.value.price, 100);
  // Each cohort as shares of its start, projected by its own fit (the paper's α, β).
  const regular = v.cohorts.find((c) => c.name === 'Regular');
  assert.equal(regular.actual[8], 223 / 1000);
  assert.ok(Math.abs(regular.own.alpha - 0.704) < 0.001 && Math.abs(regular.own.beta - 1.182) < 0.002);
  assert.ok(Math.abs(regular.projected[8] - 0.2201) < 0.0005, `${regular.projected[8]}`);
  // Transaction input: no retention view.
  assert.equal(retentionView(nativeReport(`${ROOT}www/public/sample.csv`)), null);
  assert.equal(retentionView({ retention: { source: 'none', survival: null } }), null);
});

test('the CLV-by-window reader: each grouping covers every customer; a new customer\'s value by the same months', () => {
  const r = nativeReport(`${ROOT}www/public/sample.csv`);
  const w = r.clv.windows;
  assert.deepEqual(w.months, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  for (const by of Object.keys(WINDOW_GROUPS)) {
    const v = windowsView(r, by);
    assert.ok(v.groups.length >= 2, by);
    assert.equal(v.groups.reduce((a, g) => a + g.customers, 0), r.kpis.customers, `${by} covers every customer`);
    for (let k = 0; k < 12; k++) {
      const sum = v.groups.reduce((a, g) => a + g.mean[k] * g.customers, 0);
      assert.ok(Math.abs(sum / w.total[k] - 1) < 1e-9, `${by} month ${k + 1}: ${sum} vs ${w.total[k]}`);
      assert.ok(Math.abs(v.all[k] - w.total[k] / r.kpis.customers) < 1e-9);
      if (k) assert.ok(v.all[k] >= v.all[k - 1], 'CLV grows with the window');
    }
  }
  const v = windowsView(r);
  assert.deepEqual(v.groups.map((g) => g.key), w.byStage.filter((g) => g.customers > 0).map((g) => g.name));
  // The default 12-month horizon: month k of a new customer is newCustomer.value[k].
  assert.deepEqual(v.newCustomer, w.months.map((k) => r.clv.newCustomer.value[k]));
  assert.ok(v.newCustomer[11] > 0);
  // A shorter horizon: no value past it.
  const short = { ...r, clv: { ...r.clv, newCustomer: { ...r.clv.newCustomer, value: r.clv.newCustomer.value.slice(0, 7) } } };
  assert.deepEqual(windowsView(short).newCustomer.slice(5), [r.clv.newCustomer.value[6], null, null, null, null, null, null]);
  assert.equal(windowsView({ kpis: { customers: 0 }, clv: { windows: null } }), null);
});

test('a fix points to the field the core names first', () => {
  assert.equal(fixField('no_usable_rows', '--date-format (detected "%Y-%m-%d") or --date-col'), 'dateFormat');
  assert.equal(fixField('many_rows_skipped', '3 of 50 rows were skipped; likely fix: --decimal (detected ".") or --amount-col'), 'decimal');
  assert.equal(fixField('x', '--date-col <name> (and --date-format if the dates are unusual)'), 'dateCol');
  assert.equal(fixField('x', "--delimiter ';'"), 'delimiter');
  assert.equal(fixField('x', '--has-header false if the first row is data'), 'hasHeader');
  assert.equal(fixField('x', '--as-of (a later date)'), 'asOf');
  assert.equal(fixField('unparseable_dates', '--date-col'), 'dateFormat', 'a code that names its field wins');
  assert.equal(fixField('invalid_option', 'horizonMonths must be in 1..=1200'), 'controls');
  assert.equal(fixField('io', 'no flag here'), null);
});

test('annual and monthly discount rates convert both ways', () => {
  assert.ok(Math.abs(monthlyRate(0.12) - 0.009488792934583046) < 1e-15);
  assert.ok(Math.abs(annualRate(0.01) - 0.12682503013196977) < 1e-15);
  for (const a of [0, 0.05, 0.1, 0.3]) assert.ok(Math.abs(annualRate(monthlyRate(a)) - a) < 1e-12);
});

test('the tab knows its limit: a log past it is refused before reading, a summary never', async () => {
  const { preflight, TAB_LIMIT_BYTES } = await import('../../www/src/limits.js');
  const { fixOption } = await import('../../src/js/dashboard/fixes.js');
  assert.equal(preflight(TAB_LIMIT_BYTES), null);
  const e = preflight(TAB_LIMIT_BYTES + 1);
  assert.equal(e.code, 'too_big_for_tab');
  assert.match(e.hint, /crm-lens sql summary/);
  assert.equal(fixOption(e.code, e.hint), 'summary', 'the fix is the summary box');
  assert.equal(fixOption('looks_like_summary', ''), 'summary');
  assert.equal(preflight(10 * TAB_LIMIT_BYTES, { summary: true }), null);
});
