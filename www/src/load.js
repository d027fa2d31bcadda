// Loading a file and (re-)analysing it through the worker; Cancel.
import { $ } from './dom.js';
import { t } from './i18n/index.js';
import { state } from './state.js';
import { client, startWorker, stopWorker, call } from './worker-client.js';
import { showProgress, hideProgress, setStatus } from './progress.js';
import { showError, clearError } from './errors.js';
import { analysisOptions, snapshotSettings, restoreSettings } from './settings.js';
import { renderPreview } from './preview.js';
import { renderAll } from './render.js';

const DASHBOARD = ['controls', 'ingest', 'kpis', 'lifecycle', 'rfm', 'cohorts', 'kmeans', 'clv', 'churn', 'covariates', 'rules', 'customers'];
/** Forgets the shown results, so nothing of another file (or a failed read) stays on screen. */
export function hideDashboard() {
  state.renderToken++;
  state.report = null;
  state.table = null;
  state.derived = null;
  state.status = null;
  state.lastScan = null;
  for (const id of DASHBOARD) $(id).hidden = true;
}

/**
 * Reads `file` in a fresh worker and analyses it. `restoring`: the read that brings back the
 * data behind a dashboard whose worker a Cancel ended (see `cancel`).
 */
export async function loadFile(file, name, ingest = {}, { restoring = false } = {}) {
  clearError();
  if (file !== state.file) hideDashboard();
  state.file = file;
  state.name = name;
  state.ingest = ingest;
  state.restoring = restoring;
  state.started = performance.now();
  showProgress('reading');
  setStatus('');
  const w = startWorker(showProgress);
  const reading = (async () => {
    try {
      // Both reads are asynchronous (off the main thread); the bytes are transferred, not copied.
      state.head = await file.slice(0, 65536).arrayBuffer();
      renderPreview(null);
      const copy = await file.arrayBuffer();
      if (client.worker !== w) return; // cancelled (or replaced) while reading
      const m = await call({ type: 'load', bytes: copy, options: { ...analysisOptions(), ingest } }, [copy]);
      client.loaded = true;
      state.restoring = false;
      await accept(m, restoring);
    } catch (err) {
      const e = typeof err?.code === 'string' ? err : { code: 'io', message: String(err?.message ?? err) };
      if (e.code === 'cancelled') return;
      hideDashboard();
      renderPreview(null);
      showError(e);
    }
  })();
  client.reading = reading;
  await reading;
  if (client.reading === reading) client.reading = null;
}

export async function reanalyse() {
  if (!state.file) return;
  if (!client.worker || !client.loaded) return loadFile(state.file, state.name, state.ingest);
  clearError();
  state.started = performance.now();
  showProgress('aggregating');
  try {
    const m = await call({ type: 'analyze', options: analysisOptions() });
    await accept(m);
  } catch (e) {
    if (e?.code === 'cancelled') return;
    // The dashboard keeps the last good run; the controls go back to the values it used.
    if (state.report) restoreSettings(state.goodSettings);
    showError(e, { fatal: !state.report });
  }
}

async function accept(m, restored = false) {
  state.goodSettings = snapshotSettings();
  state.goodIngest = state.ingest;
  state.report = m.report;
  // Ids come only when the customer list changed; otherwise the previous ones still hold.
  state.table = m.table.idBytes ? m.table : { ...m.table, idBytes: state.table.idBytes, idOffsets: state.table.idOffsets };
  state.derived = m.derived;
  hideProgress();
  const secs = ((performance.now() - state.started) / 1000).toFixed(1);
  state.status = { rows: m.report.ingest.rowsRead, name: state.name, secs, stagesRun: m.stagesRun ?? [], restored };
  await renderAll();
}

/**
 * Ends the worker, and with it the data behind the dashboard. A dashboard on screen must stay
 * usable (search, filters, export), so the file is read again, with the settings the dashboard
 * was made with; cancelling that read too clears the dashboard. Either way the page never shows
 * results it cannot serve.
 */
export function cancel() {
  const wasRestoring = state.restoring;
  stopWorker();
  state.restoring = false;
  hideProgress();
  if (state.report && state.file && !wasRestoring) {
    restoreSettings(state.goodSettings);
    loadFile(state.file, state.name, state.goodIngest ?? {}, { restoring: true });
    setStatus(t('load.restoring'));
    return;
  }
  if (wasRestoring) hideDashboard();
  setStatus(t('load.cancelled'));
  document.body.dataset.state = 'idle';
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
    await loadFile(await res.blob(), 'sample.csv', { covariateCols: ['channel'] });
  } catch (e) {
    showError({ code: 'io', message: String(e.message ?? e) });
  }
}
