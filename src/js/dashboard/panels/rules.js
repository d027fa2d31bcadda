// Rules: each lifecycle stage, k-means cluster and the likely churners described by the
// leaves of a shallow decision tree, as sentences built here from the Report's structured
// rules (feature, op, threshold), so they read in the element's language.
import { el } from '../dom.js';
import { ruleConditions } from './adapters.js';

const MONEY = new Set(['monetary', 'averageSpend']);

/** One rule as text: "days since last purchase > 239 → Lost: 100% of 9,540 customers". */
export function ruleSentence(rule, name, { t, fmt }) {
  const conds = ruleConditions(rule).map((c) => t(`rules.${c.op}`, {
    feature: t(`rules.feature.${c.feature}`, null, c.feature),
    value: MONEY.has(c.feature) ? fmt.num(c.threshold, 2) : fmt.int(c.threshold),
  }));
  return t('rules.sentence', {
    conditions: conds.join(t('rules.and')), name, purity: fmt.pct(rule.purity, 0), customers: fmt.int(rule.customers),
  });
}

export function renderRules(ctx) {
  const { report: r, t, $, stageName } = ctx;
  const classes = (r.explain?.classes ?? []).filter((c) => c.rules.length);
  $('rules').hidden = !classes.length;
  if (!classes.length) return;
  const className = (c) => {
    if (c.kind === 'stage') return stageName(c.class);
    if (c.kind === 'churn') return t('rules.likelyChurn');
    const label = r.segments?.clusters?.find((k) => String(k.id) === c.class)?.label;
    const words = Array.isArray(label) ? label.map((l) => t(`cluster.${l}`, null, l)).join(', ') : '';
    return t('rules.cluster', { id: c.class }) + (words ? ` (${words})` : '');
  };
  const groups = ['stage', 'cluster', 'churn'].map((kind) => {
    const rows = classes.filter((c) => c.kind === kind);
    if (!rows.length) return null;
    const list = el('ul');
    for (const c of rows) for (const rule of c.rules) list.append(el('li', ruleSentence(rule, className(c), ctx)));
    const box = el('div');
    box.append(el('h3', t(`rules.group.${kind}`)), list);
    return box;
  }).filter(Boolean);
  $('rules-list').replaceChildren(...groups);
}
