// The page: a thin shell around <crm-lens-dashboard> and the analyzer, the same two an
// embedder uses (crm-lens/dashboard, crm-lens/worker). Here: the language, the file drop, the
// preview and mapping editor, the settings, the status line. Text from files is only ever set
// as textContent.
import 'crm-lens/dashboard';
import { $, el } from './dom.js';
import { LANGS, setLanguage, language, pickLanguage, t, elementMessages } from './i18n/index.js';
import { state } from './state.js';
import { analyzer, loadFile, reanalyse, cancel, resetMapping, loadSample, renderStatus, renderRemembered } from './load.js';
import { unfold, fold, renderFold } from './fold.js';
import { remembering, setRemembering, forget, remember } from './remember.js';
import { mappingOptions, renderPreview } from './preview.js';
import { renderControls } from './settings.js';
import { showError, focusOption } from './errors.js';

const dashboard = $('dashboard');

function applyStaticLabels() {
  document.documentElement.lang = { en: 'en', zh: 'zh-CN', ru: 'ru' }[language()];
  document.title = t('app.title');
  for (const n of document.querySelectorAll('[data-i18n]')) n.textContent = t(n.dataset.i18n);
  dashboard.setAttribute('lang', language());
}

function initLanguage() {
  const sel = $('lang');
  sel.replaceChildren(...Object.entries(LANGS).map(([k, v]) => {
    const o = el('option', v);
    o.value = k;
    o.lang = k;
    return o;
  }));
  let saved = null;
  try { saved = localStorage.getItem('crm-lens.lang'); } catch { /* storage may be off */ }
  setLanguage(saved ?? pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]));
  sel.value = language();
  sel.addEventListener('change', () => {
    setLanguage(sel.value);
    try { localStorage.setItem('crm-lens.lang', sel.value); } catch { /* ignore */ }
    applyStaticLabels(); // the element re-renders on its new lang attribute
    renderStatus();
    renderFold();
    renderRemembered();
    if (analyzer.analysis) {
      renderControls(analyzer.analysis.report);
      renderPreview(state.detected);
    }
  });
  applyStaticLabels();
}

function wire() {
  $('file').addEventListener('change', (ev) => {
    const f = ev.target.files?.[0];
    if (f) { resetMapping(); loadFile(f, f.name, {}, { opened: true }); }
    ev.target.value = '';
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files?.[0];
    if (f) { resetMapping(); loadFile(f, f.name, {}, { opened: true }); }
  });
  $('load-sample').addEventListener('click', () => { resetMapping(); loadSample(); });
  $('cancel').addEventListener('click', cancel);
  $('edit').addEventListener('click', () => {
    if ($('setup').hidden) {
      unfold();
      $('setup').querySelector('h2').focus();
    } else fold();
  });
  const rememberBox = $('remember');
  rememberBox.checked = remembering();
  rememberBox.addEventListener('change', () => {
    setRemembering(rememberBox.checked);
    if (rememberBox.checked && state.status) remember(state.sig, { ingest: state.ingest, settings: state.goodSettings });
    state.restored = false;
    renderRemembered();
  });
  $('forget').addEventListener('click', () => {
    forget(state.sig);
    state.restored = false;
    renderRemembered();
  });
  const mapping = $('mapping');
  mapping.addEventListener('submit', (e) => {
    e.preventDefault();
    if (state.file) loadFile(state.file, state.name, mappingOptions());
  });
  for (const name of ['encoding', 'delimiter', 'hasHeader']) {
    mapping.elements[name].addEventListener('change', () => renderPreview(state.detected));
  }
  const settings = $('settings');
  settings.addEventListener('submit', (e) => e.preventDefault());
  settings.addEventListener('change', (e) => {
    if (e.target.name !== 'currency') { reanalyse(); return; }
    if (e.target.value) dashboard.setAttribute('currency', e.target.value);
    else dashboard.removeAttribute('currency');
  });

  // The element renders the analyzer's analyses; the page is done when it has drawn one.
  dashboard.messages = elementMessages();
  dashboard.analyzer = analyzer;
  dashboard.addEventListener('crm-lens-render', () => {
    if (!state.run && !analyzer.restoring) document.body.dataset.state = 'done';
  });
  dashboard.addEventListener('crm-lens-fix', (e) => focusOption(e.detail.option));
  dashboard.addEventListener('crm-lens-error', (e) => {
    e.preventDefault();
    showError(e.detail, { fatal: false });
  });
}

initLanguage();
wire();
if (!new URLSearchParams(location.search).has('empty')) loadSample();
else document.body.dataset.state = 'idle';
