// After an analysis the data, mapping and settings sections fold into one line (file, rows,
// what was detected, Edit), so the dashboard starts at the top with its summary. Edit opens
// them again; an error or a fix button opens them too.
import { $ } from './dom.js';
import { t, locale } from './i18n/index.js';
import { state } from './state.js';
import { detectedText } from './preview.js';

/** Folds the sections into the line (after a file was analysed). */
export function fold() {
  $('setup').hidden = true;
  $('fold').hidden = false;
  renderFold();
}

/** Opens the sections (Edit, an error, a fix). */
export function unfold() {
  $('setup').hidden = false;
  renderFold();
}

/** The line's text and button, in the page's language. */
export function renderFold() {
  const s = state.status;
  if (!s) { $('fold').hidden = true; return; }
  const open = !$('setup').hidden;
  $('edit').textContent = t(open ? 'fold.hide' : 'fold.edit');
  $('edit').setAttribute('aria-expanded', String(open));
  const rows = new Intl.NumberFormat(locale()).format(s.rows);
  $('fold-text').textContent = t('fold.text', { name: s.name, rows, detected: detectedText(state.detected) });
}
