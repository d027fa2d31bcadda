// Churn: BTYD P(alive) against the bagged trees on the holdout (AUC with interval, top-decile
// lift, Brier), the calibration of the model chosen, and how many customers it flags.
import { el, headRow, fillTable } from '../dom.js';
import { baseOption } from '../charts.js';
import { churnSummary } from './adapters.js';

export function* renderChurn(ctx) {
  const { report: r, t, fmt, $, charts, theme } = ctx;
  const c = churnSummary(r);
  $('churn').hidden = !c;
  if (!c) return;
  const model = (k) => t(`churn.model.${k}`, null, k);
  $('churn-summary').textContent = [
    t('churn.label', { days: fmt.int(c.windowDays), cutoff: fmt.date(c.cutoff), rate: fmt.pct(c.churnRate), customers: fmt.int(c.customers) }),
    c.chosen ? t('churn.chosen', { model: model(c.chosen) }) : t('churn.none'),
    c.meanRisk != null ? t('churn.flagged', { n: fmt.int(c.highRisk), basis: model(c.riskBasis) }) : '',
  ].filter(Boolean).join(' ');
  const rows = c.rows.map((m) => {
    const tr = el('tr');
    tr.append(el('td', model(m.model) + (m.model === c.chosen ? ' ✓' : '')));
    tr.append(el('td', m.validated ? `${fmt.num(m.auc, 3)} (${fmt.num(m.aucLow, 3)}–${fmt.num(m.aucHigh, 3)})` : t('churn.notValidated')));
    tr.append(el('td', m.validated ? `${fmt.num(m.topDecileLift, 2)}×` : '–'));
    tr.append(el('td', m.validated ? fmt.num(m.brier, 3) : '–'));
    return tr;
  });
  fillTable($('churn-table'), headRow(['churn.col.model', 'churn.col.auc', 'churn.col.lift', 'churn.col.brier'].map((k) => t(k))), rows);
  $('churn-compare').textContent = c.comparison ? t('churn.compare', {
    diff: fmt.num(c.comparison.difference, 3), low: fmt.num(c.comparison.low, 3), high: fmt.num(c.comparison.high, 3), p: fmt.num(c.comparison.pValue, 3),
  }) : '';
  yield;
  const cal = c.calibration;
  charts.figure('churncal').hidden = !cal.length;
  if (!cal.length) return;
  charts.chart('churncal').setOption({
    ...baseOption(),
    tooltip: { trigger: 'axis', valueFormatter: (v) => fmt.pct(v) },
    legend: { top: 0 },
    grid: { left: 50, right: 15, top: 30, bottom: 35 },
    xAxis: { type: 'category', data: cal.map((d) => String(d.decile)), name: t('churn.decile'), nameLocation: 'middle', nameGap: 22 },
    yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v) => fmt.pct(v, 0) } },
    series: [
      { name: t('churn.predicted'), type: 'bar', data: cal.map((d) => d.meanPredicted), itemStyle: { color: theme.palette[0] } },
      { name: t('churn.actual'), type: 'line', data: cal.map((d) => d.actualRate), itemStyle: { color: theme.palette[1] } },
    ],
  }, true);
  charts.describe('churncal', cal.map((d) => `${d.decile}: ${fmt.pct(d.meanPredicted)} / ${fmt.pct(d.actualRate)}`).join('; '));
}
