// The cohort retention heatmap (acquisition month × months since first purchase).
import { baseOption } from '../charts.js';

export function renderCohorts(ctx) {
  const { report: r, t, fmt, $, charts, theme } = ctx;
  const c = r.kpis.cohorts;
  const ok = c?.months?.length && c.customers?.length;
  $('cohorts').hidden = !ok;
  if (!ok) return;
  const width = Math.max(...c.customers.map((row) => row.length));
  const data = [];
  // Month 0 is 100% by definition: the colour scale spans the later months, so they stay readable.
  let top = 1;
  c.customers.forEach((row) => row.forEach((v, k) => { if (k > 0 && v != null) top = Math.max(top, v * 100); }));
  c.customers.forEach((row, i) => row.forEach((v, k) => {
    if (v != null) data.push([k, i, Math.round(v * 1000) / 10, Math.min(top, v * 100)]);
  }));
  const ylabels = c.months.map((m, i) => `${fmt.month(m)} (${fmt.int(c.size[i])})`);
  charts.figure('cohorts').querySelector('.chart').style.height = `${Math.max(300, Math.min(900, 80 + c.months.length * 18))}px`;
  const chart = charts.chart('cohorts');
  chart.resize();
  chart.setOption({
    ...baseOption(),
    tooltip: { formatter: (p) => `${fmt.month(c.months[p.value[1]])} +${p.value[0]}: ${fmt.pct(p.value[2] / 100)}` },
    grid: { left: 120, right: 20, top: 10, bottom: 80 },
    xAxis: { type: 'category', data: Array.from({ length: width }, (_, i) => String(i)), name: t('cohort.axisMonth'), nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'category', data: ylabels, inverse: true, axisLabel: { fontSize: 10 }, name: t('cohort.axisCohort'), nameLocation: 'start' },
    visualMap: { min: 0, max: Math.ceil(top), dimension: 3, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 160,
      text: [`≥ ${Math.ceil(top)}%`, '0%'], inRange: { color: theme.sequential } },
    series: [{ type: 'heatmap', data, progressive: 0, label: { show: width <= 13 && c.months.length <= 24, fontSize: 9, formatter: (p) => `${Math.round(p.value[2])}` } }],
  }, true);
  const at = (row, k) => (row[k] == null ? '–' : fmt.pct(row[k]));
  charts.describe('cohorts', c.customers.map((row, i) => t('alt.cohort', { month: fmt.month(c.months[i]), size: fmt.int(c.size[i]), m1: at(row, 1), m3: at(row, 3) })).join('; '));
}
