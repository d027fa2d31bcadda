// RFM: the segment treemap (area = customers, colour = revenue), the R×F heatmap, and the
// segment table with its suggested actions; a row (or a treemap tile) hands the segment's
// customers to the host (crm-lens-segment).
import { el, headRow, fillTable } from '../dom.js';
import { baseOption, ramp } from '../charts.js';
import { listActions, emitList, showListBar } from './lists.js';

export function* renderRfm(ctx) {
  const { report: r, t, fmt, $, charts, theme, segmentName } = ctx;
  const all = r.rfm.segments ?? [];
  // The per-customer `rfmSegment` code is the segment's position in the Report's list.
  const segs = all.map((s, code) => ({ ...s, code })).filter((s) => s.customers > 0);
  $('rfm').hidden = !segs.length;
  if (!segs.length) return;
  const list = (s) => ({ kind: 'rfm', key: s.name, label: segmentName(s.name), filter: { segment: s.code }, count: s.customers });
  const revs = segs.map((s) => s.revenue);
  const vmin = Math.min(...revs);
  const vmax = Math.max(...revs);
  const treemap = charts.chart('treemap');
  // The treemap keeps its old labels across setOption(notMerge): clear it first.
  treemap.clear();
  treemap.setOption({
    ...baseOption(),
    tooltip: { formatter: (p) => `${p.name}<br>${t('rfm.customers')}: ${fmt.int(p.value[0])}<br>${t('kpi.revenue')}: ${fmt.money(p.value[1], 0)}` },
    series: [{
      type: 'treemap', roam: false, nodeClick: false, breadcrumb: { show: false }, left: 0, top: 0, right: 0, bottom: 0,
      itemStyle: { borderColor: theme.surface, borderWidth: 2, gapWidth: 2 },
      label: { formatter: (p) => `${p.name}\n${fmt.int(p.value[0])}`, color: '#fff', fontWeight: 600, lineHeight: 17, textShadowColor: 'rgba(0,0,0,0.9)', textShadowBlur: 3 },
      data: segs.map((s) => ({
        name: segmentName(s.name), value: [s.customers, s.revenue],
        itemStyle: { color: ramp(theme.sequential.slice(1), vmax > vmin ? (s.revenue - vmin) / (vmax - vmin) : 1) },
      })),
    }],
  }, true);
  treemap.off('click');
  treemap.on('click', (p) => {
    if (!segs[p.dataIndex]) return;
    emitList(ctx, list(segs[p.dataIndex]));
    showListBar(ctx, list(segs[p.dataIndex]));
  });
  charts.describe('treemap', segs.map((s) => `${segmentName(s.name)}: ${fmt.int(s.customers)} ${t('rfm.customers')}, ${t('kpi.revenue')} ${fmt.money(s.revenue, 0)}`).join('; '));
  yield;
  const grid = r.rfm.grid ?? [];
  charts.figure('rfgrid').hidden = !grid.length;
  if (grid.length) {
    const bins = grid.length;
    const data = [];
    let max = 1;
    grid.forEach((row, ri) => row.forEach((v, fi) => { data.push([fi, ri, v]); max = Math.max(max, v); }));
    const labels = Array.from({ length: bins }, (_, i) => String(i + 1));
    charts.chart('rfgrid').setOption({
      ...baseOption(),
      tooltip: { formatter: (p) => `R ${p.value[1] + 1}, F ${p.value[0] + 1}: ${fmt.int(p.value[2])}${r.rfm.gridMonetary ? ` · ${t('rfm.meanMonetary')} ${fmt.money(r.rfm.gridMonetary[p.value[1]][p.value[0]], 0)}` : ''}` },
      grid: { left: 50, right: 20, top: 10, bottom: 70 },
      xAxis: { type: 'category', data: labels, name: t('axis.f'), nameLocation: 'middle', nameGap: 25 },
      yAxis: { type: 'category', data: labels, name: t('axis.r'), nameLocation: 'middle', nameGap: 30 },
      visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: theme.sequential } },
      series: [{ type: 'heatmap', data, label: { show: bins <= 6, formatter: (p) => fmt.int(p.value[2]) } }],
    }, true);
    charts.describe('rfgrid', data.map(([fi, ri, v]) => `R ${ri + 1}, F ${fi + 1}: ${fmt.int(v)}`).join('; '));
  }
  yield;
  const head = headRow(['rfm.segment', 'rfm.customers', 'kmeans.share', 'rfm.revenueShare', 'rfm.meanRecency', 'rfm.meanFrequency',
    'rfm.meanMonetary', 'rfm.action', 'list.column'].map((k) => t(k)));
  fillTable($('segment-table'), head, segs.map((s) => {
    const tr = el('tr');
    const name = el('th', segmentName(s.name));
    name.scope = 'row';
    const button = el('td');
    button.append(listActions(ctx, list(s)));
    tr.append(name, el('td', fmt.int(s.customers), 'num'), el('td', fmt.pct(s.share), 'num'),
      el('td', fmt.pct(s.revenueShare), 'num'), el('td', fmt.num(s.meanRecency, 0), 'num'), el('td', fmt.num(s.meanFrequency, 1), 'num'),
      el('td', fmt.money(s.meanMonetary, 0), 'num'), el('td', t(s.action, null, ''), 'action'), button);
    return tr;
  }));
}
