// The page's error box: the translated message by code (the dashboard element's messages), a
// button to the field that fixes it, and the core's own words under Details.
import { fixOption } from 'crm-lens/dashboard';
import { $, el } from './dom.js';
import { t } from './i18n/index.js';
import { hideProgress } from './progress.js';
import { unfold } from './fold.js';

/** The form control for an option a fix names (mapping fields, else analysis settings). */
function fixTarget(option) {
  if (option === 'controls') return $('settings').elements[0];
  return $('mapping').elements[option] ?? $('settings').elements[option] ?? null;
}

/** Shows and focuses the field of an option (from the error box or a warning's fix button). */
export function focusOption(option) {
  unfold();
  const target = fixTarget(option);
  for (let sec = target?.closest('section'); sec; sec = sec.parentElement?.closest('section')) sec.hidden = false;
  target?.focus();
}

function fixNode(option) {
  if (!option) return null;
  const p = el('span', `${t('fix.label')} `, 'fix');
  const b = el('button', t(`fixfield.${option}`), 'link');
  b.type = 'button';
  b.dataset.field = option;
  b.addEventListener('click', () => focusOption(option));
  p.append(b);
  return p;
}

export function showError(e, { fatal = true } = {}) {
  hideProgress();
  const box = $('error');
  box.hidden = false;
  $('error-title').textContent = fatal ? t('error.title') : '';
  $('error-text').textContent = t(`code.${e.code}`, null, e.message);
  $('error-fix').replaceChildren(...[fixNode(fixOption(e.code, `${e.hint ?? ''} ${e.message ?? ''}`))].filter(Boolean));
  // The core's own words (CLI spelling of the fix) stay available under Details.
  $('error-detail').textContent = `${e.code}: ${e.message ?? ''}${e.hint ? `\nhint: ${e.hint}` : ''}`;
  box.dataset.code = e.code;
  unfold();
  document.body.dataset.state = fatal ? 'error' : 'done';
}
export function clearError() { $('error').hidden = true; }
