// The ingest panel: the status line, rows read/used/skipped, warnings with their fix.
import { $, el } from '../dom.js';
import { fmt } from '../format.js';
import { t, language } from '../i18n/index.js';
import { state } from '../state.js';
import { setStatus } from '../progress.js';
import { fixField, fixNode } from '../errors.js';
import { renderPreview } from '../preview.js';
import { skippedTotal } from './adapters.js';

export function renderIngest(r) {
  const g = r.ingest;
  if (state.status) {
    const s = state.status;
    const all = s.stagesRun.length >= 6 || s.stagesRun.includes('customers');
    // After a Cancel the data of the dashboard were read again: say so, not "analysed".
    const text = s.restored
      ? t('load.restored')
      : all
      ? t('status.done', { ...s, rows: fmt.int(s.rows) })
      : t('status.rerun', { secs: s.secs, stages: s.stagesRun.length ? s.stagesRun.map((x) => t(`stageRun.${x}`)).join(', ') : t('stageRun.none') });
    setStatus(text);
    $('status').dataset.stagesRun = s.stagesRun.join(' ');
  }
  const skipped = skippedTotal(g);
  $('rows-read').textContent = fmt.int(g.rowsRead);
  $('rows-used').textContent = fmt.int(g.rowsUsed);
  $('rows-skipped').textContent = fmt.int(skipped);
  $('period').textContent = `${fmt.date(g.firstDate)} – ${fmt.date(r.asOf)}`;
  const parts = Object.entries(g.rowsSkipped).filter(([, n]) => n > 0).map(([k, n]) => `${t(`skip.${k}`, null, k)} ${fmt.int(n)}`);
  $('skipped-by').textContent = parts.length ? t('ingest.skippedBy', { list: parts.join(', ') }) : '';
  const ul = $('warnings');
  ul.replaceChildren(...r.warnings.map((w) => {
    const li = el('li');
    li.dataset.code = w.code;
    li.append(el('strong', t(`code.${w.code}`, null, w.message)));
    const fx = fixNode(fixField(w.code, w.message), null);
    if (fx) li.append(' ', fx);
    // The core's own words (English, with the counts and the CLI spelling of the fix): inline
    // in English, under Details in the other languages.
    if (language() === 'en') li.append(' ', el('span', w.message, 'note'));
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
  renderPreview(g.detected);
}
