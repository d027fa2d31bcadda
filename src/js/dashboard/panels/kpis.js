// KPI cards and the revenue / retention by month chart.
import { el } from '../dom.js';
import { baseOption } from '../charts.js';
import { hasCustomers } from './adapters.js';

export function* renderKpis(ctx) {
  const { report: r, t, fmt, $, charts } = ctx;
  const k = r.kpis;
  // Subscription input has no customers: its section is Subscription retention.
  $('kpis').hidden = !hasCustomers(r);
  if (!hasCustomers(r)) return;
  const cards = [
    ['customers', fmt.int(k.customers)], ['activeCustomers', fmt.int(k.activeCustomers)],
    ['transactions', fmt.int(k.transactions)], ['revenue', fmt.money(k.revenue, 0)],
    ['averageOrderValue', fmt.money(k.averageOrderValue)], ['purchaseFrequency', fmt.num(k.purchaseFrequency)],
    ['repeatPurchaseRate', fmt.pct(k.repeatPurchaseRate)], ['revenuePerCustomer', fmt.money(k.revenuePerCustomer)],
    ['retentionRate', k.retentionRate == null ? null : fmt.pct(k.retentionRate)],
    ['churnRate', k.churnRate == null ? null : fmt.pct(k.churnRate)],
    ['cac', k.cac == null ? null : fmt.money(k.cac)], ['nps', k.nps == null ? null : fmt.num(k.nps, 1)],
    ['csat', k.csat == null ? null : fmt.pct(k.csat / 100)],
  ].filter(([, v]) => v != null);
  $('kpi-cards').replaceChildren(...cards.map(([key, v]) => {
    const d = el('div');
    const dd = el('dd', v);
    dd.dataset.testid = key === 'customers' ? 'customers-count' : `kpi-${key}`;
    dd.dataset.kpi = key;
    d.append(el('dt', t(`kpi.${key}`)), dd);
    return d;
  }));
  $('kpis').hidden = false;
  yield;
  const per = k.periods ?? [];
  charts.figure('periods').hidden = per.length < 2;
  if (per.length < 2) return;
  charts.chart('periods').setOption({
    ...baseOption(),
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 60, right: 60, top: 35, bottom: 30 },
    xAxis: { type: 'category', data: per.map((p) => fmt.month(p.period)) },
    yAxis: [
      { type: 'value', axisLabel: { formatter: fmt.compact } },
      { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v) => fmt.pct(v, 0) }, splitLine: { show: false } },
    ],
    series: [
      { type: 'bar', name: t('kpi.revenue'), data: per.map((p) => p.revenue), tooltip: { valueFormatter: (v) => fmt.money(v, 0) } },
      { type: 'line', name: t('kpi.retentionRate'), yAxisIndex: 1, data: per.map((p) => p.retentionRate), symbolSize: 6,
        tooltip: { valueFormatter: (v) => (v == null ? '–' : fmt.pct(v)) } },
    ],
  }, true);
  charts.describe('periods', per.map((p) => `${fmt.month(p.period)}: ${t('alt.revenue')} ${fmt.money(p.revenue, 0)}, ${t('alt.retention')} ${p.retentionRate == null ? '–' : fmt.pct(p.retentionRate)}`).join('; '));
}
