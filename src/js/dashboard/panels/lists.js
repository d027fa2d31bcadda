// Customer lists: a segment, stage or cluster handed to the embedder as its customers' ids
// (event `crm-lens-segment`), e.g. to build a campaign list in the CRM.
import { el } from '../dom.js';

/**
 * A "Customer list" button for one group. `filter` is the table query that selects it
 * (`{ segment }`, `{ stage }` or `{ cluster }`); `kind` and `key` name it in the event.
 */
export function listButton(ctx, { kind, key, label, filter }) {
  const b = el('button', ctx.t('list.button'), 'small');
  b.type = 'button';
  b.dataset.list = `${kind}:${key}`;
  b.setAttribute('aria-label', ctx.t('list.label', { name: label }));
  b.addEventListener('click', () => emitList(ctx, { kind, key, label, filter }));
  return b;
}

export async function emitList(ctx, { kind, key, label, filter }) {
  const { view } = ctx;
  try {
    const index = await view.query({ search: '', segment: '', stage: '', cluster: '', ...filter });
    if (!ctx.showing(view)) return; // another analysis arrived meanwhile
    const ids = Array.from(index, (i) => view.ids.at(i));
    ctx.emit('crm-lens-segment', { kind, key, label, ids, index });
  } catch (e) {
    ctx.fail(e);
  }
}
