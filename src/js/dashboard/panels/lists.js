// Customer lists to act on: a segment, stage or cluster (or the customer table's filter) as
// the embedder's event `crm-lens-segment` (its customers' ids, e.g. for a campaign in the CRM),
// as a CSV download (the engine's per-customer export of exactly those customers: same
// columns, UTF-8 with BOM) and as ids copied to the clipboard.
import { el } from '../dom.js';

/** A list: `{ kind, key, label, filter, count? }`; `filter` is the table query selecting it. */
const query = (filter) => ({ search: '', segment: '', stage: '', cluster: '', ...filter });

/** A file name part from a list's key (letters and digits of any script). */
const slug = (key) => String(key).normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'list';

/** The file name of a list's CSV. */
export const listFileName = (list) => `crm-lens-${list.kind}-${slug(list.key)}.csv`;

/**
 * A "Customer list" button for one group. `filter` is the table query that selects it
 * (`{ segment }`, `{ stage }` or `{ cluster }`); `kind` and `key` name it in the event.
 */
export function listButton(ctx, list) {
  const b = el('button', ctx.t('list.button'), 'small');
  b.type = 'button';
  b.dataset.list = `${list.kind}:${list.key}`;
  b.setAttribute('aria-label', ctx.t('list.label', { name: list.label }));
  b.addEventListener('click', () => emitList(ctx, list));
  return b;
}

/** The list's three actions: the event, the CSV (with an analyzer) and the ids copied. */
export function listActions(ctx, list) {
  const span = el('span', null, 'list-actions');
  span.append(listButton(ctx, list));
  const action = (text, label, attr, fn) => {
    const b = el('button', text, 'small');
    b.type = 'button';
    b.dataset[attr] = `${list.kind}:${list.key}`;
    b.setAttribute('aria-label', label);
    b.addEventListener('click', () => fn(ctx, list));
    span.append(b);
  };
  if (ctx.view.exportCsv) action(ctx.t('list.csv'), ctx.t('list.csvLabel', { name: list.label }), 'csv', downloadList);
  action(ctx.t('list.copy'), ctx.t('list.copyLabel', { name: list.label }), 'copy', copyIds);
  return span;
}

export async function emitList(ctx, { kind, key, label, filter }) {
  const { view } = ctx;
  try {
    const index = await view.query(query(filter));
    if (!ctx.showing(view)) return; // another analysis arrived meanwhile
    const ids = Array.from(index, (i) => view.ids.at(i));
    ctx.emit('crm-lens-segment', { kind, key, label, ids, index });
  } catch (e) {
    ctx.fail(e);
  }
}

/** Downloads the list as the engine's per-customer CSV of its members. */
export async function downloadList(ctx, list) {
  const { view } = ctx;
  if (!view.exportCsv) return;
  try {
    const bytes = await view.exportCsv(query(list.filter));
    if (!ctx.showing(view)) return;
    ctx.download(new Blob([bytes], { type: 'text/csv;charset=utf-8' }), listFileName(list));
  } catch (e) {
    ctx.fail(e);
  }
}

/** Copies the list's customer ids to the clipboard, one per line. */
export async function copyIds(ctx, list) {
  const { view, t, fmt } = ctx;
  try {
    const index = await view.query(query(list.filter));
    if (!ctx.showing(view)) return;
    const text = Array.from(index, (i) => view.ids.at(i)).join('\n');
    await navigator.clipboard.writeText(text);
    ctx.say(t('list.copied', { count: fmt.int(index.length), name: list.label }));
  } catch (e) {
    if (e?.code) ctx.fail(e);
    else ctx.say(t('list.copyFailed'));
  }
}

/**
 * The list bar: what a click on a chart (treemap tile, funnel step) picked, with its actions
 * and "Show in table". It stays at the bottom of the view until closed.
 */
export function showListBar(ctx, list) {
  const { t, fmt, $ } = ctx;
  const bar = $('list-bar');
  const text = el('strong', list.count == null ? list.label : t('list.bar', { name: list.label, count: fmt.int(list.count) }));
  text.id = 'list-bar-title';
  const show = el('button', t('list.show'), 'small');
  show.type = 'button';
  show.addEventListener('click', () => ctx.showInTable(list.filter));
  const close = el('button', t('list.close'), 'small');
  close.type = 'button';
  close.addEventListener('click', () => { bar.hidden = true; });
  bar.replaceChildren(text, listActions(ctx, list), show, close);
  bar.hidden = false;
}
