// CLV: the distribution, the top customers with intervals, the P(alive) matrix and the
// holdout comparison. A bar of the top list is a customer: clicking it activates them
// (crm-lens-customer), as a table row does.
import { baseOption } from '../charts.js';
import { hasClv, pAliveGrid, holdoutSeries } from './adapters.js';

export function* renderClv(ctx) {
  const { report: r, t, fmt, $, charts, theme, view } = ctx;
  const c = r.clv ?? {};
  const any = hasClv(r);
  const hist = any ? view.summaries.clvHistogram : null;
  const top = any ? view.summaries.topClv : null;
  const pa = pAliveGrid(c.pAliveMatrix);
  const ho = holdoutSeries(c.holdout);
  const show = any && (hist || top?.length || pa || ho);
  $('clv').hidden = !show;
  if (!show) return;
  $('clv-model').textContent = c.chosenModel ? t('clv.model', { model: t(`model.${c.chosenModel}`, null, c.chosenModel) }) : '';
  charts.figure('clvhist').hidden = !hist;
  if (hist) {
    const labels = hist.counts.map((_, i) => fmt.compact(hist.lo + i * hist.width));
    charts.chart('clvhist').setOption({
      ...baseOption(),
      tooltip: { trigger: 'axis', formatter: (ps) => `${fmt.money(hist.lo + ps[0].dataIndex * hist.width, 0)} – ${fmt.money(hist.lo + (ps[0].dataIndex + 1) * hist.width, 0)}: ${fmt.int(ps[0].value)}` },
      grid: { left: 55, right: 15, top: 15, bottom: 35 },
      xAxis: { type: 'category', data: labels, name: t('axis.clv'), nameLocation: 'middle', nameGap: 22 },
      yAxis: { type: 'value', name: t('axis.customers'), axisLabel: { formatter: fmt.compact } },
      series: [{ type: 'bar', data: hist.counts, barCategoryGap: '5%' }],
    }, true);
    charts.describe('clvhist', hist.counts.map((n, i) => [n, i]).filter(([n]) => n > 0)
      .map(([n, i]) => `${fmt.money(hist.lo + i * hist.width, 0)} – ${fmt.money(hist.lo + (i + 1) * hist.width, 0)}: ${fmt.int(n)}`).join('; '));
  }
  yield;
  charts.figure('clvtop').hidden = !top?.length;
  if (top?.length) {
    const hasIv = top.some((x) => x.low != null && x.high != null);
    const names = top.map((x) => x.id);
    charts.chart('clvtop').setOption({
      ...baseOption(),
      // Customer ids come from the file: the tooltip is plain text drawn on the canvas, never HTML.
      tooltip: { trigger: 'axis', renderMode: 'richText', formatter: (ps) => {
        const x = top[ps[0].dataIndex];
        return `${x.id}\nCLV ${fmt.money(x.clv, 0)}${hasIv ? `\n${t('clv.interval')} ${fmt.money(x.low, 0)} – ${fmt.money(x.high, 0)}` : ''}${x.pAlive != null ? `\nP(alive) ${fmt.pct(x.pAlive)}` : ''}`;
      } },
      grid: { left: 110, right: 20, top: 10, bottom: 30 },
      xAxis: { type: 'value', axisLabel: { formatter: fmt.compact } },
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { fontSize: 10, width: 100, overflow: 'truncate' } },
      series: [
        ...(hasIv ? [
          { type: 'bar', stack: 'iv', data: top.map((x) => x.low ?? 0), itemStyle: { color: 'transparent' }, barWidth: 6, silent: true, tooltip: { show: false } },
          { type: 'bar', stack: 'iv', name: t('clv.interval'), data: top.map((x) => (x.high ?? 0) - (x.low ?? 0)), itemStyle: { color: theme.palette[4 % theme.palette.length] }, barWidth: 6 },
        ] : [{ type: 'bar', data: top.map((x) => x.clv), itemStyle: { color: theme.palette[4 % theme.palette.length] }, barWidth: 8 }]),
        { type: 'scatter', name: 'CLV', data: top.map((x) => x.clv), symbol: 'diamond', symbolSize: 10, itemStyle: { color: theme.palette[5 % theme.palette.length] } },
      ],
    }, true);
    const chart = charts.chart('clvtop');
    chart.off('click');
    chart.on('click', (p) => { if (top[p.dataIndex]) ctx.activate(top[p.dataIndex].index); });
    charts.describe('clvtop', top.map((x) => `${x.id}: CLV ${fmt.money(x.clv, 0)}${hasIv ? ` (${t('clv.interval')} ${fmt.money(x.low, 0)} – ${fmt.money(x.high, 0)})` : ''}`).join('; '));
  }
  yield;
  charts.figure('palive').hidden = !pa;
  if (pa) {
    const data = [];
    pa.values.forEach((row, i) => row.forEach((v, j) => { if (v != null) data.push([j, i, v]); }));
    charts.chart('palive').setOption({
      ...baseOption(),
      tooltip: { formatter: (p) => `${t('clv.frequency')} ${pa.xlab[p.value[0]]}, ${t('clv.recency')} ${pa.ylab[p.value[1]]}: ${fmt.pct(p.value[2])}` },
      grid: { left: 55, right: 15, top: 10, bottom: 75 },
      xAxis: { type: 'category', data: pa.xlab, name: t('clv.frequency'), nameLocation: 'middle', nameGap: 25 },
      yAxis: { type: 'category', data: pa.ylab, name: t('clv.recency') },
      visualMap: { min: 0, max: 1, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 140, inRange: { color: theme.sequential } },
      series: [{ type: 'heatmap', data, progressive: 0 }],
    }, true);
    const at = (i, j) => `${t('clv.frequency')} ${pa.xlab[j]}, ${t('clv.recency')} ${pa.ylab[i]}: ${fmt.pct(pa.values[i]?.[j])}`;
    const last = pa.values.length - 1;
    charts.describe('palive', [at(0, 0), at(last, 0), at(last, pa.xlab.length - 1), at(0, pa.xlab.length - 1)].join('; '));
  }
  yield;
  charts.figure('holdout').hidden = !ho;
  if (ho) {
    charts.chart('holdout').setOption({
      ...baseOption(),
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 50, right: 15, top: 30, bottom: 45 },
      xAxis: { type: 'category', data: ho.labels, name: t('axis.holdoutFrequency'), nameLocation: 'middle', nameGap: 25 },
      yAxis: { type: 'value', name: t('axis.holdoutPurchases') },
      series: [
        { type: 'bar', name: t('clv.actual'), data: ho.actual },
        { type: 'bar', name: t('clv.predicted'), data: ho.predicted },
      ],
    }, true);
    charts.describe('holdout', ho.labels.map((l, i) => `${t('clv.frequency')} ${l}: ${t('clv.actual')} ${fmt.num(ho.actual[i])}, ${t('clv.predicted')} ${fmt.num(ho.predicted[i])}`).join('; '));
  }
}
