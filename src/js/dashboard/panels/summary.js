// The summary in words: the Report's findings (`insights.findings`, ranked by the engine), each
// worded from its code and values in the element's language, with a button to its panel and,
// when it speaks of a segment, stage or cluster, that list's actions. Above them, what was
// analysed: the source, customers, period and the date of the analysis.
import { el } from '../dom.js';
import { listActions } from './lists.js';
import { clusterName, STAGES } from './adapters.js';

/** The words of one finding (a template per code; shares and money formatted here). */
export function findingText(ctx, f) {
  const { t, fmt, report: r } = ctx;
  const v = f.values ?? {};
  const pct = (x) => fmt.pct(x);
  const vars = {
    ...v,
    rows: fmt.int(v.rows), customers: fmt.int(v.customers), share: pct(v.share),
    revenueShare: pct(v.revenueShare), valueShare: pct(v.valueShare), topShare: pct(v.topShare, 0),
    medianPAlive: pct(v.medianPAlive), from: pct(v.from), to: pct(v.to), value: fmt.money(v.value, 0),
    atRiskFactor: fmt.num(v.atRiskFactor, 2), periods: fmt.int(v.periods),
    reason: t(`skip.${v.reason}`, null, v.reason),
    segment: ctx.segmentName(v.segment ?? ''),
    model: t(`model.${v.model}`, null, v.model),
    name: v.name ? clusterName(ctx, { id: v.cluster, name: { code: v.name } }) : '',
  };
  const withPAlive = v.medianPAlive != null ? 'PAlive' : '';
  const key = {
    retentionFell: `finding.retentionFell.${v.period}`,
    retentionRose: `finding.retentionRose.${v.period}`,
    segmentSlipping: `finding.segmentSlipping${withPAlive}`,
    stageAtRisk: `finding.stageAtRisk${withPAlive}`,
  }[f.code] ?? `finding.${f.code}`;
  let text = t(key, vars, f.code);
  // A slipping segment comes with what to do about it (the segment table's action).
  if (f.code === 'segmentSlipping') {
    const action = r.rfm.segments.find((s) => s.name === v.segment)?.action;
    if (action) text += ` ${t('finding.action', { action: t(action, null, '') })}`;
  }
  return text;
}

/** Scrolls to a panel and moves the focus to its heading (keyboard and screen readers follow). */
function goTo(ctx, panel) {
  const h = ctx.$(panel)?.querySelector('h2');
  if (!h) return;
  h.scrollIntoView({ block: 'start' });
  h.focus({ preventScroll: true });
}

/** The list a finding names, as lists.js takes it (the filter the table query needs). */
function findingList(ctx, list) {
  const r = ctx.report;
  if (list.kind === 'rfm') {
    const i = r.rfm.segments.findIndex((s) => s.name === list.key);
    return i < 0 ? null : { kind: 'rfm', key: list.key, label: ctx.segmentName(list.key), filter: { segment: i }, count: r.rfm.segments[i].customers };
  }
  if (list.kind === 'stage') {
    const stage = r.lifecycle.stages.find((s) => s.stage === list.key);
    return stage && { kind: 'stage', key: list.key, label: ctx.stageName(list.key), filter: { stage: STAGES.indexOf(list.key) }, count: stage.customers };
  }
  const c = r.segments?.clusters?.find((x) => String(x.id) === list.key);
  return c && { kind: 'cluster', key: c.id, label: clusterName(ctx, c), filter: { cluster: c.id }, count: c.size };
}

export function renderSummary(ctx) {
  const { report: r, t, fmt, $ } = ctx;
  $('summary').hidden = false;
  const source = ctx.sourceName;
  const meta = {
    source, customers: fmt.int(r.kpis.customers), from: fmt.date(r.ingest.firstDate), to: fmt.date(r.asOf),
    date: fmt.date(new Date().toISOString().slice(0, 10)),
  };
  $('report-meta').textContent = t(source ? 'summary.meta' : 'summary.metaNoSource', meta);
  const findings = r.insights?.findings ?? [];
  $('findings').replaceChildren(...findings.map((f) => {
    const li = el('li');
    li.dataset.code = f.code;
    li.append(el('span', findingText(ctx, f), 'finding-text'));
    const actions = el('span', null, 'finding-actions');
    const title = $(f.panel)?.querySelector('h2')?.textContent ?? f.panel;
    const go = el('button', t('summary.see', { panel: title }), 'link');
    go.type = 'button';
    go.dataset.panel = f.panel;
    go.addEventListener('click', () => goTo(ctx, f.panel));
    actions.append(go);
    const list = f.list && findingList(ctx, f.list);
    if (list) actions.append(listActions(ctx, list));
    li.append(' ', actions);
    return li;
  }));
  const notes = [];
  if (!findings.length) notes.push(t('summary.none', { customers: fmt.int(r.kpis.customers) }));
  $('summary-note').replaceChildren(...notes.map((n) => el('span', n)));
  const w = r.warnings?.length ?? 0;
  const warn = $('summary-warnings');
  warn.hidden = !w;
  if (w) {
    warn.replaceChildren(el('span', `${t('summary.warnings', { count: fmt.int(w) })} `));
    const go = el('button', t('summary.see', { panel: t('ingest.title') }), 'link');
    go.type = 'button';
    go.addEventListener('click', () => goTo(ctx, 'ingest'));
    warn.append(go);
  }
}
