// Lifecycle stages: the funnel, the transitions since the comparison date (Sankey), and the
// stage table whose rows hand a stage's customers to the host (crm-lens-segment).
import { el, headRow, fillTable } from '../dom.js';
import { baseOption } from '../charts.js';
import { STAGES } from './adapters.js';
import { listActions, emitList, showListBar } from './lists.js';

const stageList = (ctx, s) => ({ kind: 'stage', key: s.stage, label: ctx.stageName(s.stage), filter: { stage: STAGES.indexOf(s.stage) }, count: s.customers });

export function* renderLifecycle(ctx) {
  const { report: r, t, fmt, $, charts, theme, stageName } = ctx;
  const lc = r.lifecycle;
  const stages = (lc.stages ?? []).filter((s) => s.customers > 0);
  $('lifecycle').hidden = !stages.length;
  if (!stages.length) return;
  const colour = (st) => (st === 'none' ? '#999999' : theme.palette[STAGES.indexOf(st) % theme.palette.length]);
  const funnel = charts.chart('funnel');
  funnel.setOption({
    ...baseOption(),
    tooltip: { trigger: 'item', formatter: (p) => `${p.name}: ${fmt.int(p.value)} (${fmt.pct(p.value / r.kpis.customers)})` },
    series: [{
      type: 'funnel', sort: 'none', left: '5%', width: '70%', minSize: '12%', gap: 2,
      label: { position: 'right', formatter: (p) => `${p.name}  ${fmt.int(p.value)}` },
      data: stages.map((s) => ({ name: stageName(s.stage), value: s.customers, itemStyle: { color: colour(s.stage) } })),
    }],
  }, true);
  funnel.off('click');
  funnel.on('click', (p) => {
    if (!stages[p.dataIndex]) return;
    emitList(ctx, stageList(ctx, stages[p.dataIndex]));
    showListBar(ctx, stageList(ctx, stages[p.dataIndex]));
  });
  charts.describe('funnel', stages.map((s) => `${stageName(s.stage)}: ${fmt.int(s.customers)} (${fmt.pct(s.customers / r.kpis.customers)})`).join('; '));
  const th = lc.thresholds;
  $('thresholds').textContent = th ? `${t('lifecycle.thresholds', {
    newWindowDays: fmt.int(th.newWindowDays), churnWindowDays: fmt.int(th.churnWindowDays), atRiskFactor: fmt.num(th.atRiskFactor, 2),
    loyalMinTransactions: fmt.int(th.loyalMinTransactions), loyalMinTenureDays: fmt.int(th.loyalMinTenureDays),
  })} ${t(`lifecycle.source.${th.source}`, null, '')}` : '';
  fillTable($('stage-table'), headRow([t('lifecycle.stage'), t('rfm.customers'), t('kmeans.share'), t('list.column')]), stages.map((s) => {
    const tr = el('tr');
    const name = el('th', stageName(s.stage));
    name.scope = 'row';
    const list = el('td');
    list.append(listActions(ctx, stageList(ctx, s)));
    tr.append(name, el('td', fmt.int(s.customers), 'num'), el('td', fmt.pct(s.customers / r.kpis.customers), 'num'), list);
    return tr;
  }));
  yield;
  const tr = (lc.transitions ?? []).filter((x) => x.customers > 0);
  charts.figure('transitions').hidden = !tr.length;
  $('transitions-caption').textContent = t('lifecycle.transitions', { date: fmt.date(lc.comparedTo) });
  if (!tr.length) return;
  const then = (s) => `${s === 'none' ? t('stage.none') : stageName(s)} · ${t('lifecycle.before')}`;
  const now = (s) => `${stageName(s)} · ${t('lifecycle.now')}`;
  const names = new Map();
  for (const x of tr) { names.set(then(x.from), colour(x.from)); names.set(now(x.to), colour(x.to)); }
  charts.chart('transitions').setOption({
    ...baseOption(),
    tooltip: { trigger: 'item', formatter: (p) => (p.dataType === 'edge' ? `${p.data.source} → ${p.data.target}: ${fmt.int(p.value)}` : `${p.name}: ${fmt.int(p.value)}`) },
    series: [{
      type: 'sankey', left: 10, right: 130, nodeGap: 8, emphasis: { focus: 'adjacency' },
      lineStyle: { color: 'gradient', opacity: 0.35 },
      data: [...names].map(([name, color]) => ({ name, itemStyle: { color } })),
      links: tr.map((x) => ({ source: then(x.from), target: now(x.to), value: x.customers })),
    }],
  }, true);
  charts.describe('transitions', tr.map((x) => `${then(x.from)} → ${now(x.to)}: ${fmt.int(x.customers)}`).join('; '));
}
