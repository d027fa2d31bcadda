// The dashboard's entry point: language, event wiring, and the sample on open. The worker
// (worker.js) holds the wasm Dataset and every per-customer column; this thread only renders,
// in small steps, so it never blocks for long. Text from files is only ever set as textContent.
import { $, el } from './dom.js';
import { LANGS, setLanguage, language, pickLanguage } from './i18n/index.js';
import { state } from './state.js';
import { resizeAll } from './charts.js';
import { applyStaticLabels, renderAll } from './render.js';
import { loadFile, reanalyse, cancel, resetMapping, loadSample } from './load.js';
import { mappingOptions, renderPreview } from './preview.js';
import { tableQuery, runQuery } from './panels/customers.js';
import { exportCsv, exportJson } from './export.js';

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
  sel.addEventListener('change', async () => {
    setLanguage(sel.value);
    try { localStorage.setItem('crm-lens.lang', sel.value); } catch { /* ignore */ }
    applyStaticLabels();
    if (state.report) await renderAll();
    else applyStaticLabels();
  });
  applyStaticLabels();
}

function wire() {
  $('file').addEventListener('change', async (ev) => {
    const f = ev.target.files?.[0];
    if (f) { resetMapping(); loadFile(f, f.name); }
    ev.target.value = '';
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files?.[0];
    if (f) { resetMapping(); loadFile(f, f.name); }
  });
  $('load-sample').addEventListener('click', () => { resetMapping(); loadSample(); });
  $('cancel').addEventListener('click', cancel);
  $('mapping').addEventListener('submit', (e) => {
    e.preventDefault();
    if (state.file) loadFile(state.file, state.name, mappingOptions());
  });
  $('mapping').elements.encoding.addEventListener('change', () => renderPreview(state.report?.ingest.detected ?? null));
  $('mapping').elements.delimiter.addEventListener('change', () => renderPreview(state.report?.ingest.detected ?? null));
  $('mapping').elements.hasHeader.addEventListener('change', () => renderPreview(state.report?.ingest.detected ?? null));
  const settings = $('settings');
  settings.addEventListener('submit', (e) => e.preventDefault());
  settings.addEventListener('change', (e) => {
    if (e.target.name === 'currency') { renderAll(); return; }
    reanalyse();
  });
  const filters = $('filters');
  filters.addEventListener('submit', (e) => e.preventDefault());
  let timer = null;
  filters.addEventListener('input', (e) => {
    if (e.target.name !== 'search') return;
    clearTimeout(timer);
    timer = setTimeout(() => { tableQuery.search = e.target.value; runQuery(); }, 200);
  });
  filters.addEventListener('change', (e) => {
    if (e.target.name === 'search') return;
    tableQuery[e.target.name] = e.target.value;
    runQuery();
  });
  $('export-csv').addEventListener('click', exportCsv);
  $('export-json').addEventListener('click', exportJson);
  let rt = null;
  window.addEventListener('resize', () => { clearTimeout(rt); rt = setTimeout(resizeAll, 150); });
}

initLanguage();
wire();
if (!new URLSearchParams(location.search).has('empty')) loadSample();
else document.body.dataset.state = 'idle';
