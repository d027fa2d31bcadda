// Errors and warnings: the translated message by code, and a button to the field that fixes it.
import { $, el } from './dom.js';
import { t } from './i18n/index.js';
import { hideProgress } from './progress.js';

/** CLI flags the core names in hints and messages, and the page field each one maps to. */
export const FIX_FIELDS = {
  '--customer-col': 'customerCol', '--date-col': 'dateCol', '--amount-col': 'amountCol', '--order-col': 'orderCol',
  '--date-format': 'dateFormat', '--decimal': 'decimal', '--encoding': 'encoding', '--delimiter': 'delimiter',
  '--has-header': 'hasHeader', '--as-of': 'asOf',
};
const CODE_FIELDS = {
  no_customer_column: 'customerCol', no_date_column: 'dateCol', no_amount_column: 'amountCol',
  unparseable_dates: 'dateFormat', ambiguous_date_format: 'dateFormat', binary_file: 'encoding',
  amounts_other_decimal: 'decimal', ambiguous_amounts: 'decimal', amounts_out_of_range: 'amountCol',
  invalid_utf8: 'encoding', dates_out_of_range: 'dateCol', invalid_customer_ids: 'customerCol',
};

/**
 * Which page field most likely fixes an error or warning. The core names the likeliest fix
 * first ("--date-format (detected …) or --date-col"), so the earliest flag in the text wins.
 */
export function fixField(code, text) {
  if (CODE_FIELDS[code]) return CODE_FIELDS[code];
  let best = null;
  let at = Infinity;
  for (const [flag, field] of Object.entries(FIX_FIELDS)) {
    // A flag followed by a letter or '-' is another flag (--date-col is not --date-column).
    const m = new RegExp(`${flag}(?![\\w-])`).exec(text ?? '');
    if (m && m.index < at) { at = m.index; best = field; }
  }
  if (best) return best;
  if (code === 'invalid_option') return 'controls';
  return null;
}

/** The form control a fix points to (mapping fields, else analysis settings). */
function fixTarget(field) {
  if (field === 'controls') return $('settings').elements[0];
  return $('mapping').elements[field] ?? $('settings').elements[field] ?? null;
}

export function fixNode(field, hint) {
  if (!field && !hint) return null;
  const p = el('span', `${t('fix.label')} `, 'fix');
  if (field) {
    const b = el('button', t(`fixfield.${field}`), 'link');
    b.type = 'button';
    b.dataset.field = field;
    b.addEventListener('click', () => {
      const target = fixTarget(field);
      for (let sec = target?.closest('section'); sec; sec = sec.parentElement?.closest('section')) sec.hidden = false;
      target?.focus();
    });
    p.append(b);
  }
  if (hint) p.append(el('code', ` ${hint}`));
  return p;
}

export function showError(e, { fatal = true } = {}) {
  hideProgress();
  const box = $('error');
  box.hidden = false;
  $('error-title').textContent = fatal ? t('error.title') : '';
  $('error-text').textContent = t(`code.${e.code}`, null, e.message);
  $('error-fix').replaceChildren(...[fixNode(fixField(e.code, `${e.hint ?? ''} ${e.message ?? ''}`), null)].filter(Boolean));
  // The core's own words (CLI spelling of the fix) stay available under Details.
  $('error-detail').textContent = `${e.code}: ${e.message ?? ''}${e.hint ? `\nhint: ${e.hint}` : ''}`;
  box.dataset.code = e.code;
  document.body.dataset.state = fatal ? 'error' : 'done';
}
export function clearError() { $('error').hidden = true; }
