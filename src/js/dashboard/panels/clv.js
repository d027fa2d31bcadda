// CLV: the distribution, the top customers with intervals, the P(alive) matrix, the
// holdout comparison, and CLV by window (months 1-12) per customer group beside a new
// customer's. A bar of the top list is a customer: clicking it activates them
// (crm-lens-customer), as a table row does.
import { baseOption } from '../charts.js';
import { hasClv, pAliveGrid, holdoutSeries, windowsView, WINDOW_GROUPS, STAGES } from './adapters.js';
import { hasModelPAlive, pAliveView } from './palive.js';

const STAGE_INDEX = Object.fromEntries(STAGES.map((s, i) => [s, i]));

export function* renderClv(ctx) {
  const { report: r, t, fmt, $, charts, theme, view } = ctx;
  const c = r.clv ?? {};
  const any = hasClv(r);
  const hist = any ? view.summaries.clvHistogram : null;
  const top = any ? view.summaries.topClv : null;
  const pa = pAliveGrid(c.pAliveMatrix);
  const ho = holdoutSeries(c.holdout);
  const win = any ? windowsView(r, ctx.memory.windowsBy ?? 'stage') : null;
  const show = any && (hist || top?.length || pa || ho || win);
  $('clv').hidden = !show;
  if (!show) return;
  $('clv-model').textContent = modelLine(ctx);
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
    const pv = hasModelPAlive(r) && view.columns.pAlive ? pAliveView(ctx) : null;
    const names = top.map((x) => x.id);
    charts.chart('clvtop').setOption({
      ...baseOption(),
      // Customer ids come from the file: the tooltip is plain text drawn on the canvas, never HTML.
      tooltip: { trigger: 'axis', renderMode: 'richText', formatter: (ps) => {
        const x = top[ps[0].dataIndex];
        const note = pv ? pv.note(x.index) : '';
        return `${x.id}\nCLV ${fmt.money(x.clv, 0)}${hasIv ? `\n${t('clv.interval')} ${fmt.money(x.low, 0)} – ${fmt.money(x.high, 0)}` : ''}${pv ? `\nP(alive) ${pv.text(x.index)}` : ''}${note ? `\n${note}` : ''}`;
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
  $('palive-note').textContent = pa && c.oneTimeBuyers?.pAlive === 'notEstimable' ? t('palive.matrixNote', { model: t(`model.${c.chosenModel}`) }) : '';
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
  yield;
  renderWindows(ctx, any);
}

/** The CLV-by-window chart, drawn again alone when its group select changes. */
function renderWindows(ctx, any) {
  const { report: r, t, fmt, $, charts, theme, stageName, segmentName } = ctx;
  const by = ctx.memory.windowsBy ?? 'stage';
  const win = any ? windowsView(r, by) : null;
  charts.figure('clvwindows').hidden = !win;
  const nc = win?.newCustomer;
  const last = nc ? nc.length - 1 - [...nc].reverse().findIndex((v) => v != null) : -1;
  $('clv-new').textContent = last >= 0 && last < nc.length ? t('clv.newCustomer', {
    months: fmt.int(win.months[last]), value: fmt.money(nc[last], 2),
    purchases: fmt.num(r.clv.newCustomer.expectedPurchases[win.months[last]], 2),
  }) : '';
  if (!win) return;
  const select = $('clv-windows-by');
  select.replaceChildren(...Object.keys(WINDOW_GROUPS).map((k) => new Option(t(`clv.windowsBy.${k}`), k, false, k === by)));
  select.onchange = () => { ctx.memory.windowsBy = select.value; renderWindows(ctx, true); };
  const name = (k) => (by === 'stage' ? stageName(k) : by === 'rfm' ? segmentName(k) : t('rules.cluster', { id: k }));
  const lines = [
    ...win.groups.map((g, i) => ({ name: `${name(g.key)} (${fmt.int(g.customers)})`, data: g.mean, colour: theme.palette[(by === 'stage' ? STAGE_INDEX[g.key] ?? i : i) % theme.palette.length] })),
    { name: t('clv.windowsAll'), data: win.all, colour: '#777777', dash: 'dotted' },
    ...(nc ? [{ name: t('clv.windowsNew'), data: nc, colour: '#333333', dash: 'dashed' }] : []),
  ];
  charts.chart('clvwindows').setOption({
    ...baseOption(),
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v == null ? '–' : fmt.money(v, 2)) },
    // A plain legend (the scroll legend is not in the bundle): room for its rows above the grid.
    legend: { top: 0 },
    grid: { left: 60, right: 15, top: 30 + 22 * Math.ceil(lines.length / 4), bottom: 40 },
    xAxis: { type: 'category', data: win.months.map(String), name: t('clv.windowsMonth'), nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'value', name: t('clv.windowsMean'), axisLabel: { formatter: fmt.compact } },
    series: lines.map((l) => ({ type: 'line', name: l.name, data: l.data, showSymbol: false, itemStyle: { color: l.colour }, lineStyle: { color: l.colour, type: l.dash ?? 'solid' } })),
  }, true);
  const at = [0, 2, 5, 11].filter((i) => i < win.months.length);
  charts.describe('clvwindows', lines.map((l) => `${l.name}: ${at.map((i) => `${t('clv.windowsMonthN', { n: win.months[i] })} ${l.data[i] == null ? '–' : fmt.money(l.data[i], 2)}`).join(', ')}`).join('; '));
}

/** The model behind the CLV figures, and why when one-time buyers decided it. */
function modelLine({ report: r, t, fmt }) {
  const c = r.clv ?? {};
  if (!c.chosenModel) return '';
  const model = t(`model.${c.chosenModel}`, null, c.chosenModel);
  if (c.choiceCriterion !== 'holdoutOneTimeBuyers') return t('clv.model', { model });
  const rmse = (k) => c.holdout?.models?.find((m) => m.model === k)?.rmse;
  return t('clv.modelOneTimeBuyers', {
    model, share: fmt.pct(c.oneTimeBuyers?.share), rmse: fmt.num(rmse(c.chosenModel), 4), bgRmse: fmt.num(rmse('bgnbd'), 4),
  });
}
