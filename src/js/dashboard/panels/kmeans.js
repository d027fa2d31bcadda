// k-means: the elbow/silhouette chart (the last scan kept while k is fixed), the cluster
// scatter from the core's projection (a sample, drawn on canvas), and the profile table whose
// rows hand a cluster's customers to the host (crm-lens-segment).
import { el, headRow, fillTable } from '../dom.js';
import { humanKey } from '../format.js';
import { baseOption } from '../charts.js';
import { listActions } from './lists.js';
import { clusterName } from './adapters.js';

export function* renderKmeans(ctx) {
  const { report: r, t, fmt, $, charts, theme, memory, view } = ctx;
  const s = r.segments ?? {};
  const clusters = s.clusters ?? [];
  $('kmeans').hidden = !clusters.length;
  if (!clusters.length) return;
  /** A principal axis' name with the variance it explains. */
  const pcName = (n, share) => `${t('axis.component', { n })}${share != null ? ` (${fmt.pct(share)})` : ''}`;
  const rec = s.recommendation;
  const range = rec?.preferredRange ?? [3, 8];
  const why = rec?.reason ? ` — ${t('kmeans.recommended', { reason: t(`kmeans.reason.${rec.reason}`, {
    k: rec.k, bestK: rec.bestSilhouetteK ?? '–', elbowK: rec.elbowK ?? '–', tolerance: fmt.num(rec.silhouetteTolerance, 3),
    best: fmt.num(rec.bestSilhouette, 3), inRangeK: rec.bestInRangeK ?? '–', inRange: fmt.num(rec.bestInRangeSilhouette, 3),
    from: range[0], to: range[1],
  }, rec.reason) })}` : '';
  $('kmeans-summary').textContent = t('kmeans.summary', { k: s.k ?? clusters.length, silhouette: fmt.num(s.silhouette, 3) }) + why;
  // With k fixed the core runs no scan: keep the last scan of this data, marked as such.
  if (s.scan?.length) memory.lastScan = s.scan;
  else if (!view.stagesRun || view.stagesRun.includes('customers')) memory.lastScan = null;
  const kept = !s.scan?.length && memory.lastScan != null;
  const scan = s.scan?.length ? s.scan : memory.lastScan ?? [];
  $('elbow-note').textContent = kept ? t('kmeans.scanKept', { k: s.k }) : '';
  charts.figure('elbow').hidden = !scan.length;
  charts.figure('elbow').dataset.kept = String(kept);
  if (scan.length) {
    charts.chart('elbow').setOption({
      ...baseOption(),
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 60, right: 60, top: 30, bottom: 35 },
      xAxis: { type: 'category', data: scan.map((p) => String(p.k)), name: t('axis.k'), nameLocation: 'middle', nameGap: 25 },
      yAxis: [{ type: 'value', name: t('kmeans.inertia'), axisLabel: { formatter: fmt.compact } }, { type: 'value', name: t('kmeans.silhouette'), min: 0, max: 1, splitLine: { show: false } }],
      series: [
        { type: 'line', name: t('kmeans.inertia'), data: scan.map((p) => p.inertia), symbolSize: 7,
          markPoint: s.k ? { symbol: 'pin', data: [{ coord: [String(s.k), scan.find((p) => p.k === s.k)?.inertia ?? 0], value: `k=${s.k}` }] } : undefined },
        { type: 'line', name: t('kmeans.silhouette'), yAxisIndex: 1, data: scan.map((p) => p.silhouette), symbol: 'diamond', symbolSize: 8, lineStyle: { type: 'dashed' } },
      ],
    }, true);
    charts.describe('elbow', (kept ? `${$('elbow-note').textContent} ` : '') + scan.map((p) => `k = ${p.k}: ${t('kmeans.inertia')} ${fmt.num(p.inertia, 1)}, ${t('kmeans.silhouette')} ${fmt.num(p.silhouette, 3)}`).join('; '));
  }
  yield;
  const sc = view.summaries.scatter;
  const nameOf = (id) => clusterName(ctx, clusters.find((c) => c.id === id) ?? { id });
  charts.figure('scatter').hidden = !sc;
  if (sc) {
    const ev = s.projection?.explainedVariance;
    charts.chart('scatter').setOption({
      ...baseOption(),
      tooltip: { trigger: 'item', formatter: (p) => p.seriesName },
      legend: { top: 0 },
      grid: { left: 45, right: 15, top: 30, bottom: 35 },
      xAxis: { type: 'value', scale: true, name: pcName(1, ev?.[0]), nameLocation: 'middle', nameGap: 22 },
      yAxis: { type: 'value', scale: true, name: pcName(2, ev?.[1]) },
      series: sc.series.map(([c, xy]) => ({
        type: 'scatter', name: nameOf(c), data: xy, dimensions: ['x', 'y'], symbolSize: 3, large: true, largeThreshold: 2000, progressive: 2000, progressiveThreshold: 2000,
        itemStyle: { color: theme.palette[c % theme.palette.length], opacity: 0.6 },
      })),
    }, true);
    $('scatter-note').textContent = t('kmeans.scatterNote', { shown: fmt.int(sc.shown), total: fmt.int(sc.total) });
    charts.describe('scatter', `${$('scatter-note').textContent} ${sc.series.map(([c, xy]) => `${nameOf(c)}: ${fmt.int(xy.length / 2)}`).join('; ')}`);
  }
  yield;
  const cols = [['kmeans.cluster', (c) => String(c.id)], ['kmeans.name', (c) => (c.name?.code ? t(`clusterName.${c.name.code}`, null, c.name.code) : '–')],
    ['kmeans.label', (c) => (c.label ?? []).map((k) => t(`cluster.${k}`, null, humanKey(k))).join(', ')],
    ['kmeans.size', (c) => fmt.int(c.size)], ['kmeans.share', (c) => fmt.pct(c.share)], ['kmeans.revenueShare', (c) => fmt.pct(c.revenueShare)],
    ['kmeans.medianRecency', (c) => fmt.num(c.recencyDays?.median, 0)], ['kmeans.medianFrequency', (c) => fmt.num(c.frequency?.median, 1)],
    ['kmeans.medianMonetary', (c) => fmt.money(c.monetary?.median, 0)]];
  fillTable($('cluster-table'), headRow([...cols.map(([k]) => t(k)), t('list.column')]), clusters.map((c) => {
    const tr = el('tr');
    cols.forEach(([, get], i) => tr.append(el('td', get(c), i >= 3 ? 'num' : undefined)));
    const list = el('td');
    list.append(listActions(ctx, { kind: 'cluster', key: c.id, label: clusterName(ctx, c), filter: { cluster: c.id }, count: c.size }));
    tr.append(list);
    return tr;
  }));
}
