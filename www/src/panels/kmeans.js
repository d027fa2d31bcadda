// k-means: the elbow/silhouette chart (the last scan kept while k is fixed), the cluster
// scatter from the core's projection (a sample, drawn on canvas), and the profile table.
import { $, el } from '../dom.js';
import { fmt, humanKey } from '../format.js';
import { t } from '../i18n/index.js';
import { state } from '../state.js';
import { chart, figure, describe, baseOption, OKABE_ITO } from '../charts.js';
import { png } from '../export.js';

/** A principal axis' name with the variance it explains. */
const pcName = (n, share) => `${t('axis.component', { n })}${share != null ? ` (${fmt.pct(share)})` : ''}`;

export function* renderKmeans(r, d) {
  const s = r.segments ?? {};
  const clusters = s.clusters ?? [];
  $('kmeans').hidden = !clusters.length;
  if (!clusters.length) return;
  const rec = s.recommendation;
  const why = rec?.reason ? ` — ${t('kmeans.recommended', { reason: t(`kmeans.reason.${rec.reason}`, {
    k: rec.k, bestK: rec.bestSilhouetteK ?? '–', elbowK: rec.elbowK ?? '–', tolerance: fmt.num(rec.silhouetteTolerance, 3),
  }, rec.reason) })}` : '';
  $('kmeans-summary').textContent = t('kmeans.summary', { k: s.k ?? clusters.length, silhouette: fmt.num(s.silhouette, 3) }) + why;
  // With k fixed the core runs no scan: keep the last scan this data had, marked as such.
  if (s.scan?.length) state.lastScan = s.scan;
  else if (state.status?.stagesRun.includes('customers')) state.lastScan = null;
  const kept = !s.scan?.length && state.lastScan != null;
  const scan = s.scan?.length ? s.scan : state.lastScan ?? [];
  $('elbow-note').textContent = kept ? t('kmeans.scanKept', { k: s.k }) : '';
  figure('elbow').hidden = !scan.length;
  figure('elbow').dataset.kept = String(kept);
  if (scan.length) {
    chart('elbow', png).setOption({
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
    describe('elbow', (kept ? `${$('elbow-note').textContent} ` : '') + scan.map((p) => `k = ${p.k}: ${t('kmeans.inertia')} ${fmt.num(p.inertia, 1)}, ${t('kmeans.silhouette')} ${fmt.num(p.silhouette, 3)}`).join('; '));
  }
  yield;
  const sc = d?.scatter;
  figure('scatter').hidden = !sc;
  if (sc) {
    const ev = s.projection?.explainedVariance;
    chart('scatter', png).setOption({
      ...baseOption(),
      tooltip: { trigger: 'item', formatter: (p) => `${t('kmeans.cluster')} ${p.seriesName}` },
      legend: { top: 0 },
      grid: { left: 45, right: 15, top: 30, bottom: 35 },
      xAxis: { type: 'value', scale: true, name: pcName(1, ev?.[0]), nameLocation: 'middle', nameGap: 22 },
      yAxis: { type: 'value', scale: true, name: pcName(2, ev?.[1]) },
      series: sc.series.map(([c, pts]) => ({
        type: 'scatter', name: String(c), data: pts, symbolSize: 3, large: true, largeThreshold: 2000,
        itemStyle: { color: OKABE_ITO[c % 8], opacity: 0.6 },
      })),
    }, true);
    $('scatter-note').textContent = t('kmeans.scatterNote', { shown: fmt.int(sc.shown), total: fmt.int(sc.total) });
    describe('scatter', `${$('scatter-note').textContent} ${sc.series.map(([c, pts]) => `${t('kmeans.cluster')} ${c}: ${fmt.int(pts.length)}`).join('; ')}`);
  }
  yield;
  const table = $('cluster-table');
  const cols = [['kmeans.cluster', (c) => String(c.id)], ['kmeans.label', (c) => (c.label ?? []).map((k) => t(`cluster.${k}`, null, humanKey(k))).join(', ')],
    ['kmeans.size', (c) => fmt.int(c.size)], ['kmeans.share', (c) => fmt.pct(c.share)], ['kmeans.revenueShare', (c) => fmt.pct(c.revenueShare)],
    ['kmeans.medianRecency', (c) => fmt.num(c.recencyDays?.median, 0)], ['kmeans.medianFrequency', (c) => fmt.num(c.frequency?.median, 1)],
    ['kmeans.medianMonetary', (c) => fmt.money(c.monetary?.median, 0)]];
  const head = el('tr');
  for (const [k] of cols) { const th = el('th', t(k)); th.scope = 'col'; head.append(th); }
  table.replaceChildren(el('thead'), el('tbody'));
  table.tHead.append(head);
  table.tBodies[0].append(...clusters.map((c) => {
    const tr = el('tr');
    cols.forEach(([, get], i) => tr.append(el('td', get(c), i >= 2 ? 'num' : undefined)));
    return tr;
  }));
}
