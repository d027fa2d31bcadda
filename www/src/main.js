// The dashboard. The worker (worker.js) holds the wasm Dataset and every per-customer column;
// this thread only renders, in small steps, so it never blocks for long.
// Text from files (customer ids, headers, messages) is only ever set as textContent.
import { chart, figure, describe, resizeAll, OKABE_ITO, SEQUENTIAL } from './charts.js';
import { VirtualTable } from './table.js';
import { LANGS, t, setLanguage, language, locale, pickLanguage, segmentName, stageName } from './i18n.js';

const $ = (id) => document.getElementById(id);
const STAGES = ['prospect', 'new', 'active', 'loyal', 'atRisk', 'lost'];
// Stages the worker reports, in order: the bar's value is the stage's position.
const PROGRESS = ['reading', 'parsing', 'aggregating', 'fitting', 'preparing'];

const state = {
  worker: null,
  file: null, // the File/Blob, kept so a Cancel or a new mapping can re-read it without asking again
  head: null, // its first 64 KiB, for the preview
  name: '',
  ingest: {}, // ingest options of the current dataset
  report: null,
  table: null,
  derived: null,
  started: 0,
  seq: 0,
  pending: new Map(),
  loaded: false, // the worker holds a Dataset of state.file
  renderToken: 0,
};

// ---------- formatting (Intl, per UI language) ----------
const fmt = {
  int: (n) => (n == null ? '–' : new Intl.NumberFormat(locale()).format(Math.round(n))),
  num: (n, d = 2) => (n == null ? '–' : new Intl.NumberFormat(locale(), { maximumFractionDigits: d }).format(n)),
  pct: (x, d = 1) => (x == null ? '–' : new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: d }).format(x)),
  money: (x, d = 2) => {
    if (x == null) return '–';
    const cur = $('settings').elements.currency.value;
    const o = cur ? { style: 'currency', currency: cur, minimumFractionDigits: d, maximumFractionDigits: d }
      : { minimumFractionDigits: d, maximumFractionDigits: d };
    return new Intl.NumberFormat(locale(), o).format(x);
  },
  compact: (x) => new Intl.NumberFormat(locale(), { notation: 'compact', maximumFractionDigits: 1 }).format(x),
  month: (ym) => {
    const d = new Date(`${ym}-01T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? ym : new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
  },
  date: (iso) => {
    if (!iso) return '–';
    const d = new Date(`${iso}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
  },
};

const el = (tag, text, cls) => {
  const e = document.createElement(tag);
  if (text != null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};
const nonEmpty = (v) => v != null && !(Array.isArray(v) && v.length === 0) &&
  !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
// One rendering step per frame: ECharts paints on the next animation frame, so yielding only to
// the task queue would let several charts paint in one long frame.
const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

// ---------- language ----------
function applyStaticLabels() {
  document.documentElement.lang = { en: 'en', zh: 'zh-CN', ru: 'ru' }[language()];
  document.title = t('app.title');
  for (const n of document.querySelectorAll('[data-i18n]')) n.textContent = t(n.dataset.i18n);
  for (const b of document.querySelectorAll('button.png')) {
    b.textContent = t('export.png');
    b.setAttribute('aria-label', `${t('export.pngLabel')}: ${b.closest('figure').querySelector('figcaption')?.textContent ?? ''}`);
  }
  for (const f of document.querySelectorAll('figure[data-chart]')) {
    const c = f.querySelector('.chart');
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', f.querySelector('figcaption')?.textContent ?? f.closest('section').querySelector('h2').textContent);
  }
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
  sel.addEventListener('change', async () => {
    setLanguage(sel.value);
    try { localStorage.setItem('crm-lens.lang', sel.value); } catch { /* ignore */ }
    applyStaticLabels();
    if (state.report) await renderAll();
    else applyStaticLabels();
  });
  applyStaticLabels();
}

// ---------- worker ----------
function rejectPending(error) {
  for (const p of state.pending.values()) p.reject(error);
  state.pending.clear();
}

function startWorker() {
  state.worker?.terminate();
  rejectPending({ code: 'cancelled' });
  state.loaded = false;
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  w.onmessage = (ev) => {
    const m = ev.data;
    if (m.type === 'progress') return showProgress(m.stage);
    if (m.type === 'timing') return; // stage times for the benchmark harness, not a reply
    const p = state.pending.get(m.id);
    if (!p) return;
    state.pending.delete(m.id);
    if (m.type === 'error') p.reject(m.error);
    else p.resolve(m);
  };
  w.onerror = (e) => {
    e.preventDefault?.();
    rejectPending({ code: 'worker_crashed', message: String(e.message ?? '') });
    state.worker = null;
    state.loaded = false;
  };
  state.worker = w;
  return w;
}

function call(msg, transfer = []) {
  const id = ++state.seq;
  return new Promise((resolve, reject) => {
    if (!state.worker) { reject({ code: 'no_analysis', message: 'no file is loaded' }); return; }
    state.pending.set(id, { resolve, reject });
    state.worker.postMessage({ ...msg, id }, transfer);
  });
}

// ---------- progress / status / errors ----------
function showProgress(stage) {
  $('progress-box').hidden = false;
  $('progress').value = PROGRESS.indexOf(stage) + 1;
  $('progress-stage').textContent = t(`stage.${stage}`) + '…';
  document.body.dataset.state = 'busy';
}
function hideProgress() { $('progress-box').hidden = true; }
function setStatus(text) { $('status').textContent = text; }

/** CLI flags the core names in hints and messages, and the page field each one maps to. */
const FIX_FIELDS = {
  '--customer-col': 'customerCol', '--date-col': 'dateCol', '--amount-col': 'amountCol', '--order-col': 'orderCol',
  '--date-format': 'dateFormat', '--decimal': 'decimal', '--encoding': 'encoding', '--delimiter': 'delimiter',
  '--has-header': 'hasHeader', '--as-of': 'asOf',
};
const CODE_FIELDS = {
  no_customer_column: 'customerCol', no_date_column: 'dateCol', no_amount_column: 'amountCol',
  unparseable_dates: 'dateFormat', ambiguous_date_format: 'dateFormat', binary_file: 'encoding',
};

/**
 * Which page field most likely fixes an error or warning. The core names the likeliest fix
 * first ("--date-format (detected …) or --date-col"), so the earliest flag in the text wins.
 */
function fixField(code, text) {
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

function fixNode(field, hint) {
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

function showError(e, { fatal = true } = {}) {
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
function clearError() { $('error').hidden = true; }

// ---------- loading ----------
/** Reads `file` (a File or Blob, kept so Cancel or a new mapping can read it again) in a fresh worker. */
const DASHBOARD = ['controls', 'ingest', 'kpis', 'lifecycle', 'rfm', 'cohorts', 'kmeans', 'clv', 'customers'];
/** Forgets the shown results, so nothing of another file (or a failed read) stays on screen. */
function hideDashboard() {
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
async function loadFile(file, name, ingest = {}, { restoring = false } = {}) {
  clearError();
  if (file !== state.file) hideDashboard();
  state.file = file;
  state.name = name;
  state.ingest = ingest;
  state.restoring = restoring;
  state.started = performance.now();
  showProgress('reading');
  setStatus('');
  const w = startWorker();
  const reading = (async () => {
    try {
      // Both reads are asynchronous (off the main thread); the bytes are transferred, not copied.
      state.head = await file.slice(0, 65536).arrayBuffer();
      renderPreview(null);
      const copy = await file.arrayBuffer();
      if (state.worker !== w) return; // cancelled (or replaced) while reading
      const m = await call({ type: 'load', bytes: copy, options: { ...analysisOptions(), ingest } }, [copy]);
      state.loaded = true;
      state.restoring = false;
      await accept(m);
      if (restoring) setStatus(t('load.restored'));
    } catch (err) {
      const e = typeof err?.code === 'string' ? err : { code: 'io', message: String(err?.message ?? err) };
      if (e.code === 'cancelled') return;
      hideDashboard();
      renderPreview(null);
      showError(e);
    }
  })();
  state.reading = reading;
  await reading;
  if (state.reading === reading) state.reading = null;
}

/** Waits for any file read in flight; true when the worker then holds the shown data. */
async function settled() {
  for (let p = state.reading; p && !(state.loaded && state.worker); p = state.reading) {
    await p;
    if (state.reading === p) break;
  }
  return Boolean(state.loaded && state.worker);
}

async function reanalyse() {
  if (!state.file) return;
  if (!state.worker || !state.loaded) return loadFile(state.file, state.name, state.ingest);
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

function snapshotSettings() {
  return Object.fromEntries([...$('settings').elements].filter((x) => x.name).map((x) => [x.name, x.value]));
}
/** Puts the settings form back to a snapshot (the options of the last good run). */
function restoreSettings(snap) {
  const f = $('settings').elements;
  for (const [k, v] of Object.entries(snap)) if (f[k]) f[k].value = v;
}

async function accept(m) {
  state.goodSettings = snapshotSettings();
  state.goodIngest = state.ingest;
  state.report = m.report;
  // Ids come only when the customer list changed; otherwise the previous ones still hold.
  state.table = m.table.idBytes ? m.table : { ...m.table, idBytes: state.table.idBytes, idOffsets: state.table.idOffsets };
  state.derived = m.derived;
  hideProgress();
  const secs = ((performance.now() - state.started) / 1000).toFixed(1);
  state.status = { rows: m.report.ingest.rowsRead, name: state.name, secs, stagesRun: m.stagesRun ?? [] };
  await renderAll();
}

/**
 * Ends the worker, and with it the data behind the dashboard. A dashboard on screen must stay
 * usable (search, filters, export), so the file is read again, with the settings the dashboard
 * was made with; cancelling that read too clears the dashboard. Either way the page never shows
 * results it cannot serve.
 */
function cancel() {
  const wasRestoring = state.restoring;
  state.worker?.terminate();
  state.worker = null;
  state.loaded = false;
  state.restoring = false;
  rejectPending({ code: 'cancelled' });
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

// ---------- options ----------
function analysisOptions() {
  const f = $('settings').elements;
  const o = {};
  if (f.asOf.value) o.asOf = f.asOf.value;
  if (f.bins.value !== '5') o.rfm = { bins: Number(f.bins.value) };
  if (f.k.value) o.segments = { k: Number(f.k.value) };
  const clv = {};
  if (f.horizonMonths.value) clv.horizonMonths = Number(f.horizonMonths.value);
  if (f.discountRate.value) clv.discountRate = monthlyRate(Number(f.discountRate.value));
  if (f.marginRate.value) clv.marginRate = Number(f.marginRate.value);
  if (f.model.value) clv.model = f.model.value;
  if (Object.keys(clv).length) o.clv = clv;
  return o;
}

/**
 * The core discounts month by month (`clv.discountRate` is a monthly rate, lifetimes'
 * `discount_rate`); analysts think in annual rates. The control holds the annual rate a and
 * sends the equivalent monthly rate (1 + a)^(1/12) − 1, which compounds to the same year.
 */
export const monthlyRate = (annual) => Math.pow(1 + annual, 1 / 12) - 1;
export const annualRate = (monthly) => Math.pow(1 + monthly, 12) - 1;

function mappingOptions() {
  const f = $('mapping').elements;
  const o = {};
  for (const k of ['customerCol', 'dateCol', 'amountCol', 'orderCol', 'dateFormat', 'decimal', 'encoding', 'delimiter']) {
    const v = f[k].value.trim();
    if (v) o[k] = v;
  }
  if (f.hasHeader.value) o.hasHeader = f.hasHeader.value === 'true';
  return o;
}

// ---------- preview (decoded here from the first 64 KiB; workbooks show the header only) ----------
function splitLine(line, delim) {
  const out = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = false; else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === delim) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

function previewRows(detected) {
  const head = new Uint8Array(state.head);
  if ((head[0] === 0x50 && head[1] === 0x4b) || (head[0] === 0xd0 && head[1] === 0xcf)) return []; // xlsx / xls
  const f = $('mapping').elements;
  let text = null;
  const label = f.encoding.value || (detected?.encoding !== 'n/a' && detected?.encoding);
  if (label) {
    try { text = new TextDecoder(label).decode(head); } catch { /* unknown label: guess below */ }
  }
  if (text == null) {
    // Nothing detected (the read failed): UTF-8 if valid, else the UI language's usual legacy encoding.
    try { text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true }); } catch {
      text = new TextDecoder({ zh: 'gb18030', ru: 'windows-1251' }[language()] ?? 'windows-1252').decode(head);
    }
  }
  const lines = text.split(/\r?\n/).filter((l) => l.length).slice(0, 11);
  let d = f.delimiter.value || detected?.delimiter;
  if (d === 'tab' || d === '\\t') d = '\t';
  if (!d) {
    const first = lines[0] ?? '';
    d = [',', ';', '\t', '|'].map((c) => [c, first.split(c).length]).sort((a, b) => b[1] - a[1])[0][0];
  }
  return lines.map((l) => splitLine(l, d));
}

function renderPreview(detected) {
  const sec = $('preview');
  if (!state.head) { sec.hidden = true; return; }
  sec.hidden = false;
  const rows = previewRows(detected);
  const forced = $('mapping').elements.hasHeader.value;
  const hasHeader = forced ? forced === 'true' : detected ? detected.hasHeader : true;
  const header = !forced && detected?.header?.length ? detected.header
    : (hasHeader ? rows[0] ?? [] : (rows[0] ?? []).map((_, i) => `#${i + 1}`));
  const body = hasHeader ? rows.slice(1) : rows;
  const cols = detected?.columns ?? {};
  const role = { [cols.customerId]: t('map.customerCol'), [cols.date]: t('map.dateCol'), [cols.amount]: t('map.amountCol'), [cols.orderId]: t('map.orderCol') };
  const table = $('preview-table');
  const thead = el('thead');
  const tr = el('tr');
  header.forEach((h) => {
    const th = el('th');
    th.scope = 'col';
    th.append(el('span', h));
    if (role[h]) th.append(el('small', role[h], 'role'));
    tr.append(th);
  });
  thead.append(tr);
  const tbody = el('tbody');
  for (const r of body.slice(0, 10)) {
    const row = el('tr');
    for (let i = 0; i < Math.max(header.length, r.length); i++) row.append(el('td', r[i] ?? ''));
    tbody.append(row);
  }
  table.replaceChildren(thead, tbody);

  // Mapping selects: keep the user's choice, else "(detected)".
  const f = $('mapping').elements;
  for (const k of ['customerCol', 'dateCol', 'amountCol', 'orderCol']) {
    const sel = f[k];
    const keep = sel.value;
    const opts = [new Option(t('map.auto'), '')];
    header.forEach((h, i) => opts.push(new Option(h, hasHeader ? h : String(i + 1))));
    sel.replaceChildren(...opts);
    sel.value = [...sel.options].some((o) => o.value === keep) ? keep : '';
  }
  if (!f.dateFormat.value && detected?.dateFormat) f.dateFormat.placeholder = detected.dateFormat;
  const workbook = detected && detected.delimiter === 'n/a';
  $('detected').textContent = detected ? t(workbook ? 'map.detectedWorkbook' : 'map.detected', {
    source: detected.source, encoding: detected.encoding,
    delimiter: detected.delimiter === '\\t' ? t('map.tab') : detected.delimiter, decimal: detected.decimalSeparator, dateFormat: detected.dateFormat,
  }) + (detected.dateFormatAmbiguousWith ? ` (≠ ${detected.dateFormatAmbiguousWith})` : '') : '';
}

// ---------- rendering ----------
async function renderAll() {
  const token = ++state.renderToken;
  const r = state.report;
  const steps = [renderIngest, renderControls, renderKpis, renderLifecycle, renderRfm, renderCohorts, renderKmeans, renderClv, renderTable];
  applyStaticLabels();
  // A step is a function, or a generator that yields between its charts: one chart per frame.
  for (const step of steps) {
    if (token !== state.renderToken) return;
    let t0 = performance.now();
    const it = step(r, state.derived);
    for (let part = 0; ; part++, t0 = performance.now()) {
      if (token !== state.renderToken) return;
      const done = it?.next ? it.next().done : true;
      performance.measure(`crm-lens:${step.name}.${part}`, { start: t0 });
      await nextFrame();
      if (done) break;
    }
  }
  applyStaticLabels();
  document.body.dataset.state = 'done';
}

function renderIngest(r) {
  const g = r.ingest;
  if (state.status) {
    const s = state.status;
    const all = s.stagesRun.length >= 6 || s.stagesRun.includes('customers');
    const text = all
      ? t('status.done', { ...s, rows: fmt.int(s.rows) })
      : t('status.rerun', { secs: s.secs, stages: s.stagesRun.length ? s.stagesRun.map((x) => t(`stageRun.${x}`)).join(', ') : t('stageRun.none') });
    setStatus(text);
    $('status').dataset.stagesRun = s.stagesRun.join(' ');
  }
  const skipped = Object.values(g.rowsSkipped).reduce((a, b) => a + b, 0);
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

function renderControls(r) {
  const f = $('settings').elements;
  f.asOf.min = r.ingest.firstDate ?? '';
  if (!f.asOf.value) f.asOf.value = r.asOf;
  // CLV settings appear with the CLV section (they change nothing before the core computes CLV).
  const clv = r.clv ?? {};
  const hasClv = ['simple', 'bgnbd', 'paretoNbd', 'mbgnbd', 'gammaGamma'].some((k) => nonEmpty(clv[k]));
  for (const n of document.querySelectorAll('.clv-control')) n.hidden = !hasClv && !n.querySelector('input, select').value;
  // The monthly rate the core used (from the Report), and its annual equivalent as placeholder.
  const used = clv.units?.discountRate;
  f.discountRate.placeholder = used == null ? '' : String(Math.round(annualRate(used) * 1e4) / 1e4);
  $('discount-monthly').textContent = used == null ? '' : t('controls.discountMonthly', { rate: fmt.pct(used, 3) });
  $('controls').hidden = false;
}

function* renderKpis(r) {
  const k = r.kpis;
  const cards = [
    ['customers', fmt.int(k.customers)], ['activeCustomers', fmt.int(k.activeCustomers)],
    ['transactions', fmt.int(k.transactions)], ['revenue', fmt.money(k.revenue, 0)],
    ['averageOrderValue', fmt.money(k.averageOrderValue)], ['purchaseFrequency', fmt.num(k.purchaseFrequency)],
    ['repeatPurchaseRate', fmt.pct(k.repeatPurchaseRate)], ['revenuePerCustomer', fmt.money(k.revenuePerCustomer)],
    ['retentionRate', k.retentionRate == null ? null : fmt.pct(k.retentionRate)],
    ['churnRate', k.churnRate == null ? null : fmt.pct(k.churnRate)],
    ['cac', k.cac == null ? null : fmt.money(k.cac)], ['nps', k.nps == null ? null : fmt.num(k.nps, 1)],
    ['csat', k.csat == null ? null : fmt.pct(k.csat / 100)],
  ].filter(([, v]) => v != null);
  $('kpi-cards').replaceChildren(...cards.map(([key, v]) => {
    const d = el('div');
    const dd = el('dd', v);
    dd.dataset.testid = key === 'customers' ? 'customers-count' : `kpi-${key}`;
    d.append(el('dt', t(`kpi.${key}`)), dd);
    return d;
  }));
  $('kpis').hidden = false;
  yield;
  const per = k.periods ?? [];
  figure('periods').hidden = per.length < 2;
  if (per.length >= 2) {
    chart('periods', png).setOption({
      ...baseOption(),
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 60, right: 60, top: 35, bottom: 30 },
      xAxis: { type: 'category', data: per.map((p) => fmt.month(p.period)) },
      yAxis: [
        { type: 'value', axisLabel: { formatter: fmt.compact } },
        { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v) => fmt.pct(v, 0) }, splitLine: { show: false } },
      ],
      series: [
        { type: 'bar', name: t('kpi.revenue'), data: per.map((p) => p.revenue), tooltip: { valueFormatter: (v) => fmt.money(v, 0) } },
        { type: 'line', name: t('kpi.retentionRate'), yAxisIndex: 1, data: per.map((p) => p.retentionRate), symbolSize: 6,
          tooltip: { valueFormatter: (v) => (v == null ? '–' : fmt.pct(v)) } },
      ],
    }, true);
    describe('periods', per.map((p) => `${fmt.month(p.period)}: ${t('alt.revenue')} ${fmt.money(p.revenue, 0)}, ${t('alt.retention')} ${p.retentionRate == null ? '–' : fmt.pct(p.retentionRate)}`).join('; '));
  }
}

const baseOption = () => ({
  color: OKABE_ITO,
  textStyle: { fontFamily: 'system-ui, sans-serif' },
  animation: false,
});

function* renderLifecycle(r) {
  const lc = r.lifecycle;
  const stages = (lc.stages ?? []).filter((s) => s.customers > 0);
  $('lifecycle').hidden = !stages.length;
  if (!stages.length) return;
  chart('funnel', png).setOption({
    ...baseOption(),
    tooltip: { trigger: 'item', formatter: (p) => `${p.name}: ${fmt.int(p.value)} (${fmt.pct(p.value / r.kpis.customers)})` },
    series: [{
      type: 'funnel', sort: 'none', left: '5%', width: '70%', minSize: '12%', gap: 2,
      label: { position: 'right', formatter: (p) => `${p.name}  ${fmt.int(p.value)}` },
      data: stages.map((s) => ({ name: stageName(s.stage), value: s.customers, itemStyle: { color: OKABE_ITO[STAGES.indexOf(s.stage) % 8] } })),
    }],
  }, true);
  describe('funnel', stages.map((s) => `${stageName(s.stage)}: ${fmt.int(s.customers)} (${fmt.pct(s.customers / r.kpis.customers)})`).join('; '));
  const th = lc.thresholds;
  $('thresholds').textContent = th ? `${t('lifecycle.thresholds', {
    newWindowDays: fmt.int(th.newWindowDays), churnWindowDays: fmt.int(th.churnWindowDays), atRiskFactor: fmt.num(th.atRiskFactor, 2),
    loyalMinTransactions: fmt.int(th.loyalMinTransactions), loyalMinTenureDays: fmt.int(th.loyalMinTenureDays),
  })} ${t(`lifecycle.source.${th.source}`, null, '')}` : '';
  yield;
  const tr = (lc.transitions ?? []).filter((x) => x.customers > 0);
  figure('transitions').hidden = !tr.length;
  $('transitions-caption').textContent = t('lifecycle.transitions', { date: fmt.date(lc.comparedTo) });
  if (tr.length) {
    const then = (s) => `${s === 'none' ? t('stage.none') : stageName(s)} · ${t('lifecycle.before')}`;
    const now = (s) => `${stageName(s)} · ${t('lifecycle.now')}`;
    const names = new Map();
    const colour = (st) => (st === 'none' ? '#999999' : OKABE_ITO[STAGES.indexOf(st) % 8]);
    for (const x of tr) { names.set(then(x.from), colour(x.from)); names.set(now(x.to), colour(x.to)); }
    chart('transitions', png).setOption({
      ...baseOption(),
      tooltip: { trigger: 'item', formatter: (p) => (p.dataType === 'edge' ? `${p.data.source} → ${p.data.target}: ${fmt.int(p.value)}` : `${p.name}: ${fmt.int(p.value)}`) },
      series: [{
        type: 'sankey', left: 10, right: 130, nodeGap: 8, emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', opacity: 0.35 },
        data: [...names].map(([name, color]) => ({ name, itemStyle: { color } })),
        links: tr.map((x) => ({ source: then(x.from), target: now(x.to), value: x.customers })),
      }],
    }, true);
    describe('transitions', tr.map((x) => `${then(x.from)} → ${now(x.to)}: ${fmt.int(x.customers)}`).join('; '));
  }
}

/** Colour at position x in [0, 1] along a ramp of hex colours. */
function ramp(colors, x) {
  const p = Math.max(0, Math.min(1, x)) * (colors.length - 1);
  const i = Math.min(colors.length - 2, Math.floor(p));
  const f = p - i;
  const rgb = (h) => [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16));
  const a = rgb(colors[i]);
  const b = rgb(colors[i + 1]);
  return `rgb(${a.map((v, k) => Math.round(v + (b[k] - v) * f)).join(',')})`;
}

function* renderRfm(r) {
  const segs = (r.rfm.segments ?? []).filter((s) => s.customers > 0);
  $('rfm').hidden = !segs.length;
  if (!segs.length) return;
  const revs = segs.map((s) => s.revenue);
  const vmin = Math.min(...revs);
  const vmax = Math.max(...revs);
  // The treemap keeps its old labels across setOption(notMerge): clear it first.
  chart('treemap', png).clear();
  chart('treemap', png).setOption({
    ...baseOption(),
    tooltip: { formatter: (p) => `${p.name}<br>${t('rfm.customers')}: ${fmt.int(p.value[0])}<br>${t('kpi.revenue')}: ${fmt.money(p.value[1], 0)}` },
    series: [{
      type: 'treemap', roam: false, nodeClick: false, breadcrumb: { show: false }, left: 0, top: 0, right: 0, bottom: 0,
      itemStyle: { borderColor: '#fff', borderWidth: 2, gapWidth: 2 },
      label: { formatter: (p) => `${p.name}\n${fmt.int(p.value[0])}`, color: '#fff', fontWeight: 600, lineHeight: 17, textShadowColor: 'rgba(0,0,0,0.9)', textShadowBlur: 3 },
      data: segs.map((s) => ({
        name: segmentName(s.name), value: [s.customers, s.revenue],
        itemStyle: { color: ramp(SEQUENTIAL.slice(1), vmax > vmin ? (s.revenue - vmin) / (vmax - vmin) : 1) },
      })),
    }],
  }, true);
  describe('treemap', segs.map((s) => `${segmentName(s.name)}: ${fmt.int(s.customers)} ${t('rfm.customers')}, ${t('kpi.revenue')} ${fmt.money(s.revenue, 0)}`).join('; '));
  yield;
  const grid = r.rfm.grid ?? [];
  figure('rfgrid').hidden = !grid.length;
  if (grid.length) {
    const bins = grid.length;
    const data = [];
    let max = 1;
    grid.forEach((row, ri) => row.forEach((v, fi) => { data.push([fi, ri, v]); max = Math.max(max, v); }));
    const labels = Array.from({ length: bins }, (_, i) => String(i + 1));
    chart('rfgrid', png).setOption({
      ...baseOption(),
      tooltip: { formatter: (p) => `R ${p.value[1] + 1}, F ${p.value[0] + 1}: ${fmt.int(p.value[2])}${r.rfm.gridMonetary ? ` · ${t('rfm.meanMonetary')} ${fmt.money(r.rfm.gridMonetary[p.value[1]][p.value[0]], 0)}` : ''}` },
      grid: { left: 50, right: 20, top: 10, bottom: 70 },
      xAxis: { type: 'category', data: labels, name: t('axis.f'), nameLocation: 'middle', nameGap: 25 },
      yAxis: { type: 'category', data: labels, name: t('axis.r'), nameLocation: 'middle', nameGap: 30 },
      visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: SEQUENTIAL } },
      series: [{ type: 'heatmap', data, label: { show: bins <= 6, formatter: (p) => fmt.int(p.value[2]) } }],
    }, true);
    describe('rfgrid', data.map(([fi, ri, v]) => `R ${ri + 1}, F ${fi + 1}: ${fmt.int(v)}`).join('; '));
  }
  yield;
  const table = $('segment-table');
  const head = el('tr');
  for (const k of ['rfm.segment', 'rfm.customers', 'kmeans.share', 'rfm.revenueShare', 'rfm.meanRecency', 'rfm.meanFrequency', 'rfm.meanMonetary', 'rfm.action']) {
    const th = el('th', t(k));
    th.scope = 'col';
    head.append(th);
  }
  const rows = segs.map((s) => {
    const tr = el('tr');
    tr.append(el('th', segmentName(s.name)), el('td', fmt.int(s.customers), 'num'), el('td', fmt.pct(s.share), 'num'),
      el('td', fmt.pct(s.revenueShare), 'num'), el('td', fmt.num(s.meanRecency, 0), 'num'), el('td', fmt.num(s.meanFrequency, 1), 'num'),
      el('td', fmt.money(s.meanMonetary, 0), 'num'), el('td', t(s.action, null, '')));
    tr.firstChild.scope = 'row';
    return tr;
  });
  table.replaceChildren(el('thead'), el('tbody'));
  table.tHead.append(head);
  table.tBodies[0].append(...rows);
}

function renderCohorts(r) {
  const c = r.kpis.cohorts;
  const ok = c?.months?.length && c.customers?.length;
  $('cohorts').hidden = !ok;
  if (!ok) return;
  const width = Math.max(...c.customers.map((row) => row.length));
  const data = [];
  // Month 0 is 100% by definition: the colour scale spans the later months, so they stay readable.
  let top = 1;
  c.customers.forEach((row) => row.forEach((v, k) => { if (k > 0 && v != null) top = Math.max(top, v * 100); }));
  c.customers.forEach((row, i) => row.forEach((v, k) => {
    if (v != null) data.push([k, i, Math.round(v * 1000) / 10, Math.min(top, v * 100)]);
  }));
  const ylabels = c.months.map((m, i) => `${fmt.month(m)} (${fmt.int(c.size[i])})`);
  const el2 = figure('cohorts').querySelector('.chart');
  el2.style.height = `${Math.max(300, Math.min(900, 80 + c.months.length * 18))}px`;
  chart('cohorts', png).resize();
  chart('cohorts', png).setOption({
    ...baseOption(),
    tooltip: { formatter: (p) => `${fmt.month(c.months[p.value[1]])} +${p.value[0]}: ${fmt.pct(p.value[2] / 100)}` },
    grid: { left: 120, right: 20, top: 10, bottom: 80 },
    xAxis: { type: 'category', data: Array.from({ length: width }, (_, i) => String(i)), name: t('cohort.axisMonth'), nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'category', data: ylabels, inverse: true, axisLabel: { fontSize: 10 }, name: t('cohort.axisCohort'), nameLocation: 'start' },
    visualMap: { min: 0, max: Math.ceil(top), dimension: 3, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 160,
      text: [`≥ ${Math.ceil(top)}%`, '0%'], inRange: { color: SEQUENTIAL } },
    series: [{ type: 'heatmap', data, progressive: 0, label: { show: width <= 13 && c.months.length <= 24, fontSize: 9, formatter: (p) => `${Math.round(p.value[2])}` } }],
  }, true);
  const at = (row, k) => (row[k] == null ? '–' : fmt.pct(row[k]));
  describe('cohorts', c.customers.map((row, i) => t('alt.cohort', { month: fmt.month(c.months[i]), size: fmt.int(c.size[i]), m1: at(row, 1), m3: at(row, 3) })).join('; '));
}

function humanKey(k) {
  const last = String(k).split('.').pop();
  return last.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (s) => s.toUpperCase());
}

/** A principal axis' name with the variance it explains. */
const pcName = (n, share) => `${t('axis.component', { n })}${share != null ? ` (${fmt.pct(share)})` : ''}`;

function* renderKmeans(r, d) {
  const s = r.segments ?? {};
  const clusters = s.clusters ?? [];
  $('kmeans').hidden = !clusters.length;
  if (!clusters.length) return;
  const rec = s.recommendation;
  const why = rec?.reason ? ` — ${t('kmeans.recommended', { reason: t(`kmeans.reason.${rec.reason}`, {
    k: rec.k, bestK: rec.bestSilhouetteK ?? '–', elbowK: rec.elbowK ?? '–', tolerance: fmt.num(rec.silhouetteTolerance, 3),
  }, rec.reason) })}` : '';
  $('kmeans-summary').textContent = t('kmeans.summary', { k: s.k ?? clusters.length, silhouette: fmt.num(s.silhouette, 3) }) + why;
  // With k fixed the core runs no scan: keep the last scan this data had, marked as such.
  if (s.scan?.length) state.lastScan = s.scan;
  else if (state.status?.stagesRun.includes('customers')) state.lastScan = null;
  const kept = !s.scan?.length && state.lastScan != null;
  const scan = s.scan?.length ? s.scan : state.lastScan ?? [];
  $('elbow-note').textContent = kept ? t('kmeans.scanKept', { k: s.k }) : '';
  figure('elbow').hidden = !scan.length;
  figure('elbow').dataset.kept = String(kept);
  if (scan.length) {
    chart('elbow', png).setOption({
      ...baseOption(),
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 60, right: 60, top: 30, bottom: 35 },
      xAxis: { type: 'category', data: scan.map((p) => String(p.k)), name: t('axis.k'), nameLocation: 'middle', nameGap: 25 },
      yAxis: [{ type: 'value', name: t('kmeans.inertia'), axisLabel: { formatter: fmt.compact } }, { type: 'value', name: t('kmeans.silhouette'), min: 0, max: 1, splitLine: { show: false } }],
      series: [
        { type: 'line', name: t('kmeans.inertia'), data: scan.map((p) => p.inertia), symbolSize: 7,
          markPoint: s.k ? { symbol: 'pin', data: [{ coord: [String(s.k), scan.find((p) => p.k === s.k)?.inertia ?? 0], value: `k=${s.k}` }] } : undefined },
        { type: 'line', name: t('kmeans.silhouette'), yAxisIndex: 1, data: scan.map((p) => p.silhouette), symbol: 'diamond', symbolSize: 8, lineStyle: { type: 'dashed' } },
      ],
    }, true);
    describe('elbow', (kept ? `${$('elbow-note').textContent} ` : '') + scan.map((p) => `k = ${p.k}: ${t('kmeans.inertia')} ${fmt.num(p.inertia, 1)}, ${t('kmeans.silhouette')} ${fmt.num(p.silhouette, 3)}`).join('; '));
  }
  yield;
  const sc = d?.scatter;
  figure('scatter').hidden = !sc;
  if (sc) {
    const ev = s.projection?.explainedVariance;
    chart('scatter', png).setOption({
      ...baseOption(),
      tooltip: { trigger: 'item', formatter: (p) => `${t('kmeans.cluster')} ${p.seriesName}` },
      legend: { top: 0 },
      grid: { left: 45, right: 15, top: 30, bottom: 35 },
      xAxis: { type: 'value', scale: true, name: pcName(1, ev?.[0]), nameLocation: 'middle', nameGap: 22 },
      yAxis: { type: 'value', scale: true, name: pcName(2, ev?.[1]) },
      series: sc.series.map(([c, pts]) => ({
        type: 'scatter', name: String(c), data: pts, symbolSize: 3, large: true, largeThreshold: 2000,
        itemStyle: { color: OKABE_ITO[c % 8], opacity: 0.6 },
      })),
    }, true);
    $('scatter-note').textContent = t('kmeans.scatterNote', { shown: fmt.int(sc.shown), total: fmt.int(sc.total) });
    describe('scatter', `${$('scatter-note').textContent} ${sc.series.map(([c, pts]) => `${t('kmeans.cluster')} ${c}: ${fmt.int(pts.length)}`).join('; ')}`);
  }
  yield;
  const table = $('cluster-table');
  const cols = [['kmeans.cluster', (c) => String(c.id)], ['kmeans.label', (c) => (c.label ?? []).map((k) => t(`cluster.${k}`, null, humanKey(k))).join(', ')],
    ['kmeans.size', (c) => fmt.int(c.size)], ['kmeans.share', (c) => fmt.pct(c.share)], ['kmeans.revenueShare', (c) => fmt.pct(c.revenueShare)],
    ['kmeans.medianRecency', (c) => fmt.num(c.recencyDays?.median, 0)], ['kmeans.medianFrequency', (c) => fmt.num(c.frequency?.median, 1)],
    ['kmeans.medianMonetary', (c) => fmt.money(c.monetary?.median, 0)]];
  const head = el('tr');
  for (const [k] of cols) { const th = el('th', t(k)); th.scope = 'col'; head.append(th); }
  table.replaceChildren(el('thead'), el('tbody'));
  table.tHead.append(head);
  table.tBodies[0].append(...clusters.map((c) => {
    const tr = el('tr');
    cols.forEach(([, get], i) => tr.append(el('td', get(c), i >= 2 ? 'num' : undefined)));
    return tr;
  }));
}

/** The P(alive) matrix of the Report (`clv.pAliveMatrix`): `values[i][j]` for `recencies[i]`, `frequencies[j]`. */
function pAliveGrid(m) {
  if (!m?.values?.length || !m.values[0]?.length) return null;
  const num = (v) => (Number.isInteger(v) ? String(v) : Number(v).toFixed(1));
  return { values: m.values, xlab: m.frequencies.map(num), ylab: m.recencies.map(num) };
}

/** Calibration vs holdout purchases by calibration frequency (`clv.holdout.byFrequency`). */
function holdoutSeries(h) {
  const rows = h?.byFrequency;
  if (!rows?.length) return null;
  return { labels: rows.map((x) => x.frequency), actual: rows.map((x) => x.actual), predicted: rows.map((x) => x.predicted) };
}

function* renderClv(r, d) {
  const c = r.clv ?? {};
  const any = ['simple', 'bgnbd', 'paretoNbd', 'mbgnbd', 'gammaGamma'].some((k) => nonEmpty(c[k]));
  const hist = d?.clvHistogram;
  const top = d?.topClv;
  const pa = pAliveGrid(c.pAliveMatrix);
  const ho = holdoutSeries(c.holdout);
  const show = any && (hist || top?.length || pa || ho);
  $('clv').hidden = !show;
  if (!show) return;
  $('clv-model').textContent = c.chosenModel ? t('clv.model', { model: t(`model.${c.chosenModel}`, null, c.chosenModel) }) : '';
  figure('clvhist').hidden = !hist;
  if (hist) {
    const labels = hist.counts.map((_, i) => fmt.compact(hist.lo + i * hist.width));
    chart('clvhist', png).setOption({
      ...baseOption(),
      tooltip: { trigger: 'axis', formatter: (ps) => `${fmt.money(hist.lo + ps[0].dataIndex * hist.width, 0)} – ${fmt.money(hist.lo + (ps[0].dataIndex + 1) * hist.width, 0)}: ${fmt.int(ps[0].value)}` },
      grid: { left: 55, right: 15, top: 15, bottom: 35 },
      xAxis: { type: 'category', data: labels, name: t('axis.clv'), nameLocation: 'middle', nameGap: 22 },
      yAxis: { type: 'value', name: t('axis.customers'), axisLabel: { formatter: fmt.compact } },
      series: [{ type: 'bar', data: hist.counts, barCategoryGap: '5%' }],
    }, true);
    describe('clvhist', hist.counts.map((n, i) => [n, i]).filter(([n]) => n > 0)
      .map(([n, i]) => `${fmt.money(hist.lo + i * hist.width, 0)} – ${fmt.money(hist.lo + (i + 1) * hist.width, 0)}: ${fmt.int(n)}`).join('; '));
  }
  yield;
  figure('clvtop').hidden = !top?.length;
  if (top?.length) {
    const hasIv = top.some((x) => x.low != null && x.high != null);
    const names = top.map((x) => x.id);
    chart('clvtop', png).setOption({
      ...baseOption(),
      // Customer ids come from the file: the tooltip is plain text drawn on the canvas, never HTML.
      tooltip: { trigger: 'axis', renderMode: 'richText', formatter: (ps) => {
        const x = top[ps[0].dataIndex];
        return `${x.id}\nCLV ${fmt.money(x.clv, 0)}${hasIv ? `\n${t('clv.interval')} ${fmt.money(x.low, 0)} – ${fmt.money(x.high, 0)}` : ''}${x.pAlive != null ? `\nP(alive) ${fmt.pct(x.pAlive)}` : ''}`;
      } },
      grid: { left: 110, right: 20, top: 10, bottom: 30 },
      xAxis: { type: 'value', axisLabel: { formatter: fmt.compact } },
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { fontSize: 10, width: 100, overflow: 'truncate' } },
      series: [
        ...(hasIv ? [
          { type: 'bar', stack: 'iv', data: top.map((x) => x.low ?? 0), itemStyle: { color: 'transparent' }, barWidth: 6, silent: true, tooltip: { show: false } },
          { type: 'bar', stack: 'iv', name: t('clv.interval'), data: top.map((x) => (x.high ?? 0) - (x.low ?? 0)), itemStyle: { color: '#56B4E9' }, barWidth: 6 },
        ] : [{ type: 'bar', data: top.map((x) => x.clv), itemStyle: { color: '#56B4E9' }, barWidth: 8 }]),
        { type: 'scatter', name: 'CLV', data: top.map((x) => x.clv), symbol: 'diamond', symbolSize: 10, itemStyle: { color: '#D55E00' } },
      ],
    }, true);
    describe('clvtop', top.map((x) => `${x.id}: CLV ${fmt.money(x.clv, 0)}${hasIv ? ` (${t('clv.interval')} ${fmt.money(x.low, 0)} – ${fmt.money(x.high, 0)})` : ''}`).join('; '));
  }
  yield;
  figure('palive').hidden = !pa;
  if (pa) {
    const data = [];
    pa.values.forEach((row, i) => row.forEach((v, j) => { if (v != null) data.push([j, i, v]); }));
    chart('palive', png).setOption({
      ...baseOption(),
      tooltip: { formatter: (p) => `${t('clv.frequency')} ${pa.xlab[p.value[0]]}, ${t('clv.recency')} ${pa.ylab[p.value[1]]}: ${fmt.pct(p.value[2])}` },
      grid: { left: 55, right: 15, top: 10, bottom: 75 },
      xAxis: { type: 'category', data: pa.xlab, name: t('clv.frequency'), nameLocation: 'middle', nameGap: 25 },
      yAxis: { type: 'category', data: pa.ylab, name: t('clv.recency') },
      visualMap: { min: 0, max: 1, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 140, inRange: { color: SEQUENTIAL } },
      series: [{ type: 'heatmap', data, progressive: 0 }],
    }, true);
    const at = (i, j) => `${t('clv.frequency')} ${pa.xlab[j]}, ${t('clv.recency')} ${pa.ylab[i]}: ${fmt.pct(pa.values[i]?.[j])}`;
    const last = pa.values.length - 1;
    describe('palive', [at(0, 0), at(last, 0), at(last, pa.xlab.length - 1), at(0, pa.xlab.length - 1)].join('; '));
  }
  yield;
  figure('holdout').hidden = !ho;
  if (ho) {
    chart('holdout', png).setOption({
      ...baseOption(),
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 50, right: 15, top: 30, bottom: 45 },
      xAxis: { type: 'category', data: ho.labels, name: t('axis.holdoutFrequency'), nameLocation: 'middle', nameGap: 25 },
      yAxis: { type: 'value', name: t('axis.holdoutPurchases') },
      series: [
        { type: 'bar', name: t('clv.actual'), data: ho.actual },
        { type: 'bar', name: t('clv.predicted'), data: ho.predicted },
      ],
    }, true);
    describe('holdout', ho.labels.map((l, i) => `${t('clv.frequency')} ${l}: ${t('clv.actual')} ${fmt.num(ho.actual[i])}, ${t('clv.predicted')} ${fmt.num(ho.predicted[i])}`).join('; '));
  }
}

// ---------- customer table ----------
let vtable = null;
const idDecoder = new TextDecoder();
const tableQuery = { search: '', segment: '', stage: '', cluster: '', sortKey: null, sortDir: 'asc' };
let querySeq = 0;

function customerId(i) {
  const tb = state.table;
  return idDecoder.decode(tb.idBytes.subarray(tb.idOffsets[i], tb.idOffsets[i + 1]));
}

function renderTable(r) {
  const tb = state.table;
  $('customers').hidden = !tb?.n;
  if (!tb?.n) return;
  vtable ??= new VirtualTable({
    head: $('vhead'), body: $('vbody'), spacer: $('vspacer'),
    onSort: ({ key, dir }) => { tableQuery.sortKey = key; tableQuery.sortDir = dir; runQuery(); },
  });
  const segs = r.rfm.segments ?? [];
  const cols = [
    { key: 'customerId', label: t('col.customerId'), get: customerId },
    { key: 'recencyDays', label: t('col.recencyDays'), numeric: true, get: (i) => fmt.int(tb.recencyDays[i]) },
    { key: 'frequency', label: t('col.frequency'), numeric: true, get: (i) => fmt.int(tb.frequency[i]) },
    { key: 'monetary', label: t('col.monetary'), numeric: true, get: (i) => fmt.money(tb.monetary[i]) },
    { key: 'rfm', label: t('col.rfm'), numeric: true, get: (i) => `${tb.rScore[i]}${tb.fScore[i]}${tb.mScore[i]}` },
    { key: 'segment', label: t('col.segment'), get: (i) => segmentName(segs[tb.rfmSegment[i]]?.name ?? '') },
    { key: 'stage', label: t('col.stage'), get: (i) => stageName(STAGES[tb.stage[i]] ?? '') },
  ];
  if (tb.cluster && r.segments?.clusters?.length) cols.push({ key: 'cluster', label: t('col.cluster'), numeric: true, get: (i) => String(tb.cluster[i]) });
  if (tb.pAlive) cols.push({ key: 'pAlive', label: t('col.pAlive'), numeric: true, get: (i) => fmt.pct(tb.pAlive[i]) });
  if (tb.clv) cols.push({ key: 'clv', label: t('col.clv'), numeric: true, get: (i) => fmt.money(tb.clv[i], 0) });
  vtable.setColumns(cols);

  const f = $('filters').elements;
  const fill = (sel, items) => {
    const keep = sel.value;
    sel.replaceChildren(new Option(t('table.all'), ''), ...items.map(([v, label]) => new Option(label, String(v))));
    sel.value = [...sel.options].some((o) => o.value === keep) ? keep : '';
  };
  fill(f.segment, segs.map((s, i) => [i, `${segmentName(s.name)} (${fmt.int(s.customers)})`]).filter((_, i) => segs[i].customers > 0));
  fill(f.stage, (r.lifecycle.stages ?? []).filter((s) => s.customers > 0).map((s) => [STAGES.indexOf(s.stage), `${stageName(s.stage)} (${fmt.int(s.customers)})`]));
  const clusters = r.segments?.clusters ?? [];
  $('cluster-filter').hidden = !clusters.length;
  fill(f.cluster, clusters.map((c) => [c.id, `${c.id} (${fmt.int(c.size)})`]));
  tableQuery.segment = f.segment.value;
  tableQuery.stage = f.stage.value;
  tableQuery.cluster = f.cluster.value;
  runQuery();
}

async function runQuery() {
  const seq = ++querySeq;
  if (!(await settled()) || !state.table || seq !== querySeq) return;
  try {
    const m = await call({ type: 'query', query: { ...tableQuery } });
    if (seq !== querySeq) return;
    vtable.setIndex(m.index);
    $('table-count').textContent = t('table.count', { shown: fmt.int(m.index.length), total: fmt.int(state.table.n) });
  } catch (e) {
    if (e?.code !== 'cancelled') showError(e, { fatal: false });
  }
}

// ---------- export ----------
function download(href, filename) {
  const a = el('a');
  a.href = href;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
}
function downloadBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  download(url, filename);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
function png(name, c) {
  download(c.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }), `crm-lens-${name}.png`);
}

// ---------- events ----------
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
  $('export-csv').addEventListener('click', async () => {
    try {
      if (!(await settled())) throw { code: 'no_analysis', message: 'no analysis is loaded' };
      const m = await call({ type: 'export' });
      downloadBlob(new Blob([m.bytes], { type: 'text/csv;charset=utf-8' }), 'crm-lens-customers.csv');
    } catch (e) { showError(e, { fatal: false }); }
  });
  $('export-json').addEventListener('click', () => {
    downloadBlob(new Blob([JSON.stringify(state.report, null, 2)], { type: 'application/json' }), 'crm-lens-report.json');
  });
  let rt = null;
  window.addEventListener('resize', () => { clearTimeout(rt); rt = setTimeout(resizeAll, 150); });
}

function resetMapping() {
  $('mapping').reset();
  $('settings').elements.asOf.value = '';
}

async function loadSample() {
  try {
    const res = await fetch('./sample.csv');
    if (!res.ok) throw new Error(`sample.csv: HTTP ${res.status}`);
    await loadFile(await res.blob(), 'sample.csv');
  } catch (e) {
    showError({ code: 'io', message: String(e.message ?? e) });
  }
}

initLanguage();
wire();
if (!new URLSearchParams(location.search).has('empty')) loadSample();
else document.body.dataset.state = 'idle';
