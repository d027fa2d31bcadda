// Lifecycle stages: the funnel and the transitions since the comparison date (Sankey).
import { $ } from '../dom.js';
import { fmt } from '../format.js';
import { t, stageName } from '../i18n/index.js';
import { chart, figure, describe, baseOption, OKABE_ITO } from '../charts.js';
import { png } from '../export.js';
import { STAGES } from './adapters.js';

export function* renderLifecycle(r) {
  const lc = r.lifecycle;
  const stages = (lc.stages ?? []).filter((s) => s.customers > 0);
  $('lifecycle').hidden = !stages.length;
  if (!stages.length) return;
  chart('funnel', png).setOption({
    ...baseOption(),
    tooltip: { trigger: 'item', formatter: (p) => `${p.name}: ${fmt.int(p.value)} (${fmt.pct(p.value / r.kpis.customers)})` },
    series: [{
      type: 'funnel', sort: 'none', left: '5%', width: '70%', minSize: '12%', gap: 2,
      label: { position: 'right', formatter: (p) => `${p.name}  ${fmt.int(p.value)}` },
      data: stages.map((s) => ({ name: stageName(s.stage), value: s.customers, itemStyle: { color: OKABE_ITO[STAGES.indexOf(s.stage) % 8] } })),
    }],
  }, true);
  describe('funnel', stages.map((s) => `${stageName(s.stage)}: ${fmt.int(s.customers)} (${fmt.pct(s.customers / r.kpis.customers)})`).join('; '));
  const th = lc.thresholds;
  $('thresholds').textContent = th ? `${t('lifecycle.thresholds', {
    newWindowDays: fmt.int(th.newWindowDays), churnWindowDays: fmt.int(th.churnWindowDays), atRiskFactor: fmt.num(th.atRiskFactor, 2),
    loyalMinTransactions: fmt.int(th.loyalMinTransactions), loyalMinTenureDays: fmt.int(th.loyalMinTenureDays),
  })} ${t(`lifecycle.source.${th.source}`, null, '')}` : '';
  yield;
  const tr = (lc.transitions ?? []).filter((x) => x.customers > 0);
  figure('transitions').hidden = !tr.length;
  $('transitions-caption').textContent = t('lifecycle.transitions', { date: fmt.date(lc.comparedTo) });
  if (tr.length) {
    const then = (s) => `${s === 'none' ? t('stage.none') : stageName(s)} · ${t('lifecycle.before')}`;
    const now = (s) => `${stageName(s)} · ${t('lifecycle.now')}`;
    const names = new Map();
    const colour = (st) => (st === 'none' ? '#999999' : OKABE_ITO[STAGES.indexOf(st) % 8]);
    for (const x of tr) { names.set(then(x.from), colour(x.from)); names.set(now(x.to), colour(x.to)); }
    chart('transitions', png).setOption({
      ...baseOption(),
      tooltip: { trigger: 'item', formatter: (p) => (p.dataType === 'edge' ? `${p.data.source} → ${p.data.target}: ${fmt.int(p.value)}` : `${p.name}: ${fmt.int(p.value)}`) },
      series: [{
        type: 'sankey', left: 10, right: 130, nodeGap: 8, emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', opacity: 0.35 },
        data: [...names].map(([name, color]) => ({ name, itemStyle: { color } })),
        links: tr.map((x) => ({ source: then(x.from), target: now(x.to), value: x.customers })),
      }],
    }, true);
    describe('transitions', tr.map((x) => `${then(x.from)} → ${now(x.to)}: ${fmt.int(x.customers)}`).join('; '));
  }
}
