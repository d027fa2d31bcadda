// The ingest panel: rows read/used/skipped, the skipped rows by reason with examples, and the
// warnings (translated by code; the core's own English words alongside or under Details).
import { el } from '../dom.js';
import { fixOption } from '../fixes.js';
import { skippedTotal } from './adapters.js';

/**
 * The "Fix:" note of a warning: with the element's `fixes` attribute, a button that asks the
 * host (event `crm-lens-fix`) to show the option that fixes it.
 */
function fixNode(ctx, code, text) {
  const option = fixOption(code, text);
  if (!option || !ctx.fixes) return null;
  const p = el('span', `${ctx.t('fix.label')} `, 'fix');
  const b = el('button', ctx.t(`fixfield.${option}`), 'link');
  b.type = 'button';
  b.dataset.field = option;
  b.addEventListener('click', () => ctx.emit('crm-lens-fix', { option, code }));
  p.append(b);
  return p;
}

export function renderIngest(ctx) {
  const { report: r, t, fmt, $ } = ctx;
  const g = r.ingest;
  $('rows-read').textContent = fmt.int(g.rowsRead);
  $('rows-used').textContent = fmt.int(g.rowsUsed);
  $('rows-skipped').textContent = fmt.int(skippedTotal(g));
  $('period').textContent = `${fmt.date(g.firstDate)} – ${fmt.date(r.asOf)}`;
  const parts = Object.entries(g.rowsSkipped).filter(([, n]) => n > 0).map(([k, n]) => `${t(`skip.${k}`, null, k)} ${fmt.int(n)}`);
  $('skipped-by').textContent = parts.length ? t('ingest.skippedBy', { list: parts.join(', ') }) : '';
  const ul = $('warnings');
  ul.replaceChildren(...r.warnings.map((w) => {
    const li = el('li');
    li.dataset.code = w.code;
    li.append(el('strong', t(`code.${w.code}`, null, w.message)));
    const fx = fixNode(ctx, w.code, w.message);
    if (fx) li.append(' ', fx);
    // The core's own words (English, with the counts and the CLI spelling of the fix): inline
    // in English, under Details in the other languages.
    if (ctx.lang === 'en') li.append(' ', el('span', w.message, 'note'));
    else {
      const d = el('details');
      d.append(el('summary', t('error.details')), el('span', w.message, 'note'));
      li.append(' ', d);
    }
    return li;
  }));
  for (const ex of g.examples.slice(0, 6)) {
    ul.append(el('li', `${t(`skip.${ex.reason}`, null, ex.reason)}: ${t('ingest.example', ex)}`, 'note'));
  }
  $('ingest').hidden = false;
}
