// Subscription retention (a survival table or a list of subscriptions): the shifted-beta-
// geometric fit as cards, the survival curve observed vs fitted and projected (per cohort when
// there are few), the retention rates by period, and the cohorts' own fits. Hidden for other
// input (`retention.source: "none"`).
import { el, headRow, fillTable } from '../dom.js';
import { baseOption } from '../charts.js';
import { retentionView } from './adapters.js';

/** Cohorts drawn one by one; beyond, the pooled curve only. */
const MAX_LINES = 6;

function cards(ctx, v) {
  const { t, fmt } = ctx;
  const f = v.fit;
  const se = (x, s) => (s == null ? fmt.num(x, 3) : `${fmt.num(x, 3)} ± ${fmt.num(s, 3)}`);
  const list = [
    ['subscribers', fmt.int(v.subscribers)], ['active', fmt.int(v.active)],
  ];
  if (f) {
    list.push(['alpha', se(f.alpha, f.alphaSe)], ['beta', se(f.beta, f.betaSe)],
      ['churnFirst', fmt.pct(f.churnFirstPeriod)],
      ['median', f.medianLifetime == null ? '–' : t('retention.periods', { n: fmt.int(f.medianLifetime) })],
      ['mean', f.meanLifetime == null ? '∞' : t('retention.periods', { n: fmt.num(f.meanLifetime, 1) })],
      ['logLikelihood', fmt.num(f.logLikelihood, 2)]);
    const val = f.value;
    if (val) {
      list.push(['del', fmt.num(val.newSubscriberDel, 2)]);
      if (val.newSubscriberValue != null) list.push(['newValue', fmt.money(val.newSubscriberValue)]);
      if (val.activeValue != null) list.push(['activeValue', fmt.money(val.activeValue, 0)]);
    }
  }
  return list.map(([key, value]) => {
    const d = el('div');
    const dd = el('dd', value);
    dd.dataset.testid = `retention-${key}`;
    d.append(el('dt', t(`retention.${key}`)), dd);
    return d;
  });
}

export function* renderRetention(ctx) {
  const { report: r, t, fmt, $, charts, theme } = ctx;
  const v = retentionView(r);
  $('retention').hidden = !v;
  // Hidden figures have no chart to describe (the accessibility check skips them).
  charts.figure('survival').hidden = !v;
  charts.figure('renewal').hidden = !v;
  if (!v) return;
  $('retention-cards').replaceChildren(...cards(ctx, v));
  const f = v.fit;
  const notes = [];
  if (f) {
    notes.push(t('retention.model', { unit: t(`unit.${r.timeUnit}`, null, r.timeUnit) }));
    if (v.fitPeriods != null) notes.push(t('retention.fitPeriods', { n: fmt.int(v.fitPeriods) }));
    if (v.holdout) notes.push(t('retention.holdout', { error: fmt.pct(v.holdout.meanAbsolutePercentageError) }));
    if (f.value) notes.push(t('retention.discount', { rate: fmt.pct(f.value.discountRate, 2) }));
  } else {
    notes.push(t('retention.noFit', { reason: v.reason ?? '' }));
  }
  $('retention-note').textContent = notes.join(' ');
  yield;
  // Survival: observed solid with markers, the model dashed (it runs on past the data).
  const periods = v.periods.map(String);
  const many = v.cohorts.length > MAX_LINES || v.cohorts.length < 2;
  const series = [];
  const colour = (i) => theme.palette[i % theme.palette.length];
  if (many) {
    series.push({ type: 'line', name: t('retention.observed'), data: v.actual, symbolSize: 6, connectNulls: false, itemStyle: { color: colour(0) } });
    if (v.fitted) series.push({ type: 'line', name: t('retention.fitted'), data: v.fitted, showSymbol: false, lineStyle: { type: 'dashed' }, itemStyle: { color: colour(1) } });
  } else {
    v.cohorts.forEach((c, i) => {
      series.push({ type: 'line', name: c.name, data: c.actual, symbolSize: 6, itemStyle: { color: colour(i) } });
      if (c.projected.length) {
        series.push({ type: 'line', name: `${c.name} · ${t('retention.fitted')}`, data: c.projected, showSymbol: false,
          lineStyle: { type: 'dashed' }, itemStyle: { color: colour(i) } });
      }
    });
  }
  const pct = (x) => (x == null ? '–' : fmt.pct(x));
  charts.chart('survival').setOption({
    ...baseOption(),
    tooltip: { trigger: 'axis', valueFormatter: pct },
    legend: { top: 0, type: 'plain' },
    grid: { left: 55, right: 15, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: periods, name: t('retention.axisPeriod', { unit: t(`unit.${r.timeUnit}`, null, r.timeUnit) }), nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'value', min: 0, max: 1, name: t('retention.axisActive'), axisLabel: { formatter: (x) => fmt.pct(x, 0) } },
    series,
  }, true);
  const at = (arr, p) => pct(arr?.[p]);
  const marks = [1, Math.min(v.lastPeriod, 5), v.lastPeriod, v.periods[v.periods.length - 1]]
    .filter((p, i, a) => p > 0 && a.indexOf(p) === i);
  charts.describe('survival', marks.map((p) => `${t('retention.period')} ${p}: ${t('retention.observed')} ${at(v.actual, p)}${v.fitted ? `, ${t('retention.fitted')} ${at(v.fitted, p)}` : ''}`).join('; '));
  yield;
  const rates = v.actualRetention;
  charts.figure('renewal').hidden = !rates.some((x) => x != null);
  if (rates.some((x) => x != null)) {
    const labels = rates.map((_, i) => String(i + 1));
    charts.chart('renewal').setOption({
      ...baseOption(),
      tooltip: { trigger: 'axis', valueFormatter: pct },
      legend: { top: 0 },
      grid: { left: 55, right: 15, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: labels, name: t('retention.axisPeriod', { unit: t(`unit.${r.timeUnit}`, null, r.timeUnit) }), nameLocation: 'middle', nameGap: 25 },
      yAxis: { type: 'value', min: 0, max: 1, name: t('retention.axisRate'), axisLabel: { formatter: (x) => fmt.pct(x, 0) } },
      series: [
        { type: 'bar', name: t('retention.observed'), data: rates, itemStyle: { color: colour(0) } },
        ...(v.fittedRetention ? [{ type: 'line', name: t('retention.fitted'), data: v.fittedRetention, showSymbol: false, itemStyle: { color: colour(1) } }] : []),
      ],
    }, true);
    charts.describe('renewal', rates.slice(0, 5).map((x, i) => `${t('retention.period')} ${i + 1}: ${t('retention.observed')} ${pct(x)}${v.fittedRetention ? `, ${t('retention.fitted')} ${pct(v.fittedRetention[i])}` : ''}`).join('; '));
  }
  yield;
  const head = headRow([t('retention.cohort'), t('retention.subscribers'), t('retention.lastObserved'), 'α', 'β']);
  fillTable($('retention-cohorts'), head, v.cohorts.map((c) => {
    const tr = el('tr');
    const name = el('th', c.name || t('retention.allCohorts'));
    name.scope = 'row';
    const last = c.actual.length - 1;
    tr.append(name, el('td', fmt.int(c.subscribers)),
      el('td', last > 0 ? `${pct(c.actual[last])} (${t('retention.period')} ${last})` : '–'),
      el('td', c.own ? fmt.num(c.own.alpha, 3) : '–'), el('td', c.own ? fmt.num(c.own.beta, 3) : '–'));
    return tr;
  }));
}
