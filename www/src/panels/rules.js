// Rules: each k-means cluster, lifecycle stage and the likely churners described by the
// leaves of a shallow decision tree, as sentences built from the Report's structured rules.
import { $, el } from '../dom.js';
import { fmt } from '../format.js';
import { t, stageName } from '../i18n/index.js';
import { ruleConditions } from './adapters.js';

const MONEY = new Set(['monetary', 'averageSpend']);

function className(c, r) {
  if (c.kind === 'stage') return stageName(c.class);
  if (c.kind === 'churn') return t('rules.likelyChurn');
  const label = r.segments?.clusters?.find((k) => String(k.id) === c.class)?.label;
  const words = Array.isArray(label) ? label.map((l) => t(`cluster.${l}`, null, l)).join(', ') : '';
  return t('rules.cluster', { id: c.class }) + (words ? ` (${words})` : '');
}

/** One rule as text in the page's language. */
export function ruleSentence(rule, name) {
  const conds = ruleConditions(rule).map((c) => t(`rules.${c.op}`, {
    feature: t(`rules.feature.${c.feature}`, null, c.feature),
    value: MONEY.has(c.feature) ? fmt.num(c.threshold, 2) : fmt.int(c.threshold),
  }));
  return t('rules.sentence', {
    conditions: conds.join(t('rules.and')), name, purity: fmt.pct(rule.purity, 0), customers: fmt.int(rule.customers),
  });
}

export function renderRules(r) {
  const classes = (r.explain?.classes ?? []).filter((c) => c.rules.length);
  $('rules').hidden = !classes.length;
  if (!classes.length) return;
  const groups = ['stage', 'cluster', 'churn'].map((kind) => {
    const rows = classes.filter((c) => c.kind === kind);
    if (!rows.length) return null;
    const list = el('ul');
    for (const c of rows) {
      const name = className(c, r);
      for (const rule of c.rules) list.append(el('li', ruleSentence(rule, name)));
    }
    const box = el('div');
    box.append(el('h3', t(`rules.group.${kind}`)), list);
    return box;
  }).filter(Boolean);
  $('rules-list').replaceChildren(...groups);
}
