// Reading a file and (re-)analysing it through the analyzer (crm-lens/worker), exactly as an
// embedder does; Cancel; the status line.
import { createAnalyzer } from 'crm-lens/worker';
import { $ } from './dom.js';
import { t, locale } from './i18n/index.js';
import { state } from './state.js';
import { showProgress, hideProgress, setStatus } from './progress.js';
import { showError, clearError } from './errors.js';
import { analysisOptions, snapshotSettings, restoreSettings, renderControls } from './settings.js';
import { renderPreview, applyMapping } from './preview.js';
import { preflight } from './limits.js';
import { fold, unfold, renderFold } from './fold.js';
import { signature, recall, remember } from './remember.js';

export const analyzer = createAnalyzer();

// The shown analysis went away (another file, a failed read, a cancelled restore): so do the
// settings that belong to it.
analyzer.addEventListener('analysis', (e) => {
  if (e.detail) return;
  $('controls').hidden = true;
  state.status = null;
  unfold();
});

/** A new run: its AbortController (Cancel aborts it) and the control object for the analyzer. */
function startRun() {
  const run = new AbortController();
  state.run = run;
  const control = {
    signal: run.signal,
    onProgress: ({ stage, first }) => {
      if (state.run !== run) return;
      showProgress(stage);
      // The KPI cards while the models are fitted (a first analysis of this file only).
      if (first) $('dashboard').showFirst(first);
    },
  };
  return { run, control };
}

/**
 * Reads `file` into the analyzer (fresh workers) and analyses it. A file opened anew
 * (`opened`: picked, dropped, the sample) gets the mapping and settings remembered for it, if
 * any, and folds the setup away once analysed.
 */
export async function loadFile(file, name, ingest = {}, { opened = false } = {}) {
  clearError();
  state.sig = await signature(file).catch(() => null);
  state.restored = false;
  if (opened) {
    const saved = recall(state.sig);
    if (saved) {
      applyMapping(saved.ingest);
      restoreSettings(saved.settings);
      ingest = saved.ingest;
      state.restored = true;
    }
    state.foldNext = true;
  }
  const refused = preflight(file.size, ingest);
  if (refused) {
    // Past the tab's limit: said before reading (docs/scale.md). The first rows still show,
    // so a summary can be recognised and ticked as one.
    state.file = file;
    state.name = name;
    state.head = await file.slice(0, 65536).arrayBuffer();
    renderPreview(null);
    showError(refused);
    return;
  }
  state.file = file;
  state.name = name;
  state.ingest = ingest;
  state.started = performance.now();
  const { run, control } = startRun();
  showProgress('reading');
  setStatus('');
  try {
    // Opening first: a different file's dashboard goes at once; the preview reads its head meanwhile.
    const opening = analyzer.open(file, { ...analysisOptions(), ingest }, control);
    opening.catch(() => {}); // awaited below
    state.head = await file.slice(0, 65536).arrayBuffer();
    if (state.run === run) renderPreview(null);
    await opening;
    accept(await analyzer.analyze(analysisOptions(), control), run);
  } catch (err) {
    fail(err, run);
  }
}

/** Re-runs the analysis with the settings (the analyzer keeps the data read). */
export async function reanalyse() {
  if (!state.file) return;
  if (!analyzer.analysis) { loadFile(state.file, state.name, state.ingest); return; }
  clearError();
  state.started = performance.now();
  const { run, control } = startRun();
  showProgress('aggregating');
  try {
    accept(await analyzer.analyze(analysisOptions(), control), run);
  } catch (err) {
    fail(err, run);
  }
}

function accept(a, run) {
  if (state.run === run) state.run = null;
  state.goodSettings = snapshotSettings();
  state.detected = a.report.ingest.detected;
  const secs = ((performance.now() - state.started) / 1000).toFixed(1);
  state.status = { rows: a.report.ingest.rowsRead, name: state.name, secs, stagesRun: a.stagesRun };
  hideProgress();
  renderStatus();
  renderControls(a.report);
  renderPreview(state.detected);
  remember(state.sig, { ingest: state.ingest, settings: state.goodSettings });
  renderRemembered();
  document.querySelector('crm-lens-dashboard').setAttribute('source-name', state.name);
  if (state.foldNext) fold();
  else renderFold();
  state.foldNext = false;
  // The dashboard element renders the analysis itself (it listens to the analyzer); the page
  // is done when it says so (crm-lens-render, main.js).
}

function fail(err, run) {
  const e = typeof err?.code === 'string' ? err : { code: 'io', message: String(err?.message ?? err) };
  if (e.code === 'cancelled') return;
  if (state.run === run) state.run = null;
  state.foldNext = false;
  unfold();
  if (analyzer.analysis) {
    // A re-run the core refused: the dashboard keeps the last good run, the settings go back to it.
    restoreSettings(state.goodSettings);
    showError(e, { fatal: false });
  } else {
    renderPreview(null);
    showError(e);
  }
}

/** The status line for the shown analysis, in the page's language. */
export function renderStatus() {
  const s = state.status;
  if (!s) return;
  // Subscription input has one stage, run whole every time.
  const all = s.stagesRun.includes('customers') || s.stagesRun.includes('retention');
  const rows = new Intl.NumberFormat(locale()).format(s.rows);
  const stages = s.stagesRun.length ? s.stagesRun.map((x) => t(`stageRun.${x}`)).join(', ') : t('stageRun.none');
  setStatus(s.restored ? t('load.restored') : all ? t('status.done', { ...s, rows }) : t('status.rerun', { secs: s.secs, stages }));
  $('status').dataset.stagesRun = s.stagesRun.join(' ');
}

/**
 * Cancel. A run in flight stops (the analyzer ends its workers); the dashboard on screen stays,
 * with the settings it was made with, while the analyzer reads its data again so search,
 * filters and export keep working. Cancelling that read too clears the dashboard.
 */
export function cancel() {
  const token = ++state.cancelToken;
  hideProgress();
  if (analyzer.restoring) {
    analyzer.cancel();
    setStatus(t('load.cancelled'));
    document.body.dataset.state = 'idle';
    return;
  }
  const run = state.run;
  state.run = null;
  run?.abort();
  if (!analyzer.analysis) {
    setStatus(t('load.cancelled'));
    document.body.dataset.state = 'idle';
    return;
  }
  restoreSettings(state.goodSettings);
  const restored = () => {
    if (token !== state.cancelToken) return;
    state.status = { ...state.status, restored: true };
    renderStatus();
    document.body.dataset.state = 'done';
  };
  if (!analyzer.restoring) { restored(); return; }
  setStatus(t('load.restoring'));
  analyzer.restoring.then((ok) => { if (ok) restored(); });
}

/** The note beside "Remember": whether this file's mapping and settings were restored. */
export function renderRemembered() {
  $('remember-note').textContent = state.restored ? t('remember.restored') : '';
  $('forget').hidden = !state.restored;
}

export function resetMapping() {
  $('mapping').reset();
  $('settings').elements.asOf.value = '';
}

export async function loadSample() {
  try {
    const res = await fetch('./sample.csv');
    if (!res.ok) throw new Error(`sample.csv: HTTP ${res.status}`);
    // The sample's `channel` column describes how each customer came: a covariate.
    await loadFile(await res.blob(), 'sample.csv', { covariateCols: ['channel'] }, { opened: true });
  } catch (e) {
    showError({ code: 'io', message: String(e.message ?? e) });
  }
}
