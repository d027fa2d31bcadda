// Pure logic, in Node: the dashboard's Report readers (src/js/dashboard/panels/adapters.js),
// which option a fix points to (src/js/dashboard/fixes.js), and the page's annual ↔ monthly
// discount conversion (www/src/rates.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeReport, ROOT } from './helpers.mjs';
import { hasClv, skippedTotal, pAliveGrid, holdoutSeries, STAGES } from '../../src/js/dashboard/panels/adapters.js';
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
