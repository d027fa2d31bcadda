// <crm-lens-dashboard>: the whole dashboard in one custom element (shadow DOM). Feed it an
// analyzer (`el.analyzer = a`: it shows the analyzer's analysis and every later one) or a
// Report with its columns (`el.setData(report, columns, ids)`). It tells the host what the
// user picked with composed, bubbling events: `crm-lens-customer` (a customer row),
// `crm-lens-segment` (the customers of a segment, stage or cluster), and also `crm-lens-render`
// (a render finished), `crm-lens-fix` (with the `fixes` attribute: the option a warning
// names) and `crm-lens-error` (cancelable; otherwise the element shows the message itself).
import css from './style.css?inline';
import { markup } from './template.js';
import { translator, pickLanguage } from './i18n/index.js';
import { formatter } from './format.js';
import { ChartSet, themeOf } from './charts.js';
import { VirtualTable } from './table.js';
import { renderPanels, applyStaticLabels } from './render.js';
import { renderKpis } from './panels/kpis.js';
import { analyzerView, localView } from './data.js';
import { emptyQuery, runQuery } from './panels/customers.js';
import { downloadList, copyIds } from './panels/lists.js';
import { download, downloadBlob } from './download.js';
import { printLayout } from './print.js';
import { CustomerIds } from '../worker/ids.js';

let sheet = null;
/** One constructable stylesheet for every instance (CSP's style-src does not apply to it). */
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
  }
  return sheet;
}

/** A currency code Intl accepts, or none (a wrong attribute value must not break the render). */
function currencyOf(code) {
  if (!code) return undefined;
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return code;
  } catch {
    return undefined;
  }
}

export class CrmLensDashboard extends HTMLElement {
  static observedAttributes = ['lang', 'currency', 'fixes', 'source-name'];

  #root;
  #charts;
  #table;
  #analyzer = null;
  #onAnalysis = null;
  #view = null;
  #ctx = null;
  #token = 0;
  #messages = {};
  #toastTimer = 0;
  #print = null;
  // What the element remembers across renders of the same data: the table's query, the last
  // k scan (kept while k is fixed), the sequence of table queries.
  #memory = { tableQuery: emptyQuery(), lastScan: null, querySeq: 0 };

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    this.#root.adoptedStyleSheets = [styles()];
    this.#root.append(markup());
    const $ = (id) => this.#root.getElementById(id);
    this.#charts = new ChartSet(this.#root, (name, chart) => download(this.#root,
      chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: this.#ctx?.theme.surface ?? '#fff' }), `crm-lens-${name}.png`));
    this.#table = new VirtualTable({
      grid: $('vtable'), head: $('vhead'), body: $('vbody'), spacer: $('vspacer'),
      onSort: ({ key, dir }) => this.#query({ sortKey: key, sortDir: dir }),
      onActivate: (i) => this.#ctx?.activate(i),
    });
    const filters = $('filters');
    filters.addEventListener('submit', (e) => e.preventDefault());
    let timer = null;
    filters.addEventListener('input', (e) => {
      if (e.target.name !== 'search') return;
      // Read now: after dispatch, an event from a shadow tree no longer has a target.
      const search = e.target.value;
      clearTimeout(timer);
      timer = setTimeout(() => this.#query({ search }), 200);
    });
    filters.addEventListener('change', (e) => {
      if (e.target.name !== 'search') this.#query({ [e.target.name]: e.target.value });
    });
    $('export-csv').addEventListener('click', () => this.#exportCsv());
    // The table's current filter (and sort) as a list: the same CSV and ids as a segment's.
    const filtered = () => ({ kind: 'table', key: 'filtered', label: this.#ctx?.t('table.title'), filter: { ...this.#memory.tableQuery } });
    $('export-filtered').addEventListener('click', () => { if (this.#ctx) downloadList(this.#ctx, filtered()); });
    $('copy-filtered').addEventListener('click', () => { if (this.#ctx) copyIds(this.#ctx, filtered()); });
    $('print').addEventListener('click', () => window.print());
    $('export-json').addEventListener('click', () => {
      if (this.#view) downloadBlob(this.#root, new Blob([JSON.stringify(this.#view.report, null, 2)], { type: 'application/json' }), 'crm-lens-report.json');
    });
  }

  connectedCallback() {
    this.#print ??= printLayout(this.#charts);
    if (this.#view) this.render();
    else this.#labels();
  }

  disconnectedCallback() {
    this.#print?.off();
    this.#print = null;
  }

  attributeChangedCallback(name, before, after) {
    if (before === after || !this.isConnected) return;
    if (this.#view) this.render();
    else this.#labels();
  }

  /** The fixed texts in the element's language, before any data (or without any). */
  #labels() {
    applyStaticLabels(this.#root, translator(this.#lang(), this.#messages));
  }

  /** The analyzer whose analyses the element shows (createAnalyzer from crm-lens/worker). */
  get analyzer() { return this.#analyzer; }
  set analyzer(a) {
    if (this.#analyzer && this.#onAnalysis) this.#analyzer.removeEventListener('analysis', this.#onAnalysis);
    this.#analyzer = a ?? null;
    this.#onAnalysis = null;
    if (!a) { this.#show(null); return; }
    this.#onAnalysis = (e) => this.#show(e.detail ? analyzerView(a, e.detail) : null);
    a.addEventListener('analysis', this.#onAnalysis);
    this.#show(a.analysis ? analyzerView(a, a.analysis) : null);
  }

  /**
   * Shows a Report with its per-customer columns and ids (`string[]`, or the `{ bytes,
   * offsets }` of Dataset.customerIds()), without an analyzer.
   */
  setData(report, columns, ids) {
    this.analyzer = null;
    const list = typeof ids?.at === 'function' ? ids : new CustomerIds(ids.bytes, ids.offsets);
    this.#show(localView(report, columns, list));
  }

  /** Empties the dashboard (and lets go of the analyzer). */
  clear() {
    this.analyzer = null;
  }

  /** The Report shown, or null. */
  get report() { return this.#view?.report ?? null; }

  /** Overrides of the element's strings: `{ en: { key: text }, zh: {…}, ru: {…} }`. */
  get messages() { return this.#messages; }
  set messages(m) {
    this.#messages = m ?? {};
    if (this.#view) this.render();
    else if (this.isConnected) this.#labels();
  }

  /** Renders the shown data again; resolves when every panel is drawn. */
  render() {
    const view = this.#view;
    if (!view || !this.isConnected) return Promise.resolve();
    const token = ++this.#token;
    const i18n = translator(this.#lang(), this.#messages);
    const theme = themeOf(this);
    this.#charts.setTheme(theme);
    const ctx = {
      ...i18n, report: view.report, view, theme,
      fmt: formatter(i18n.locale, currencyOf(this.getAttribute('currency'))),
      $: (id) => this.#root.getElementById(id),
      charts: this.#charts, table: this.#table, memory: this.#memory, fixes: this.hasAttribute('fixes'),
      emit: (type, detail) => this.#emit(type, detail),
      fail: (e) => this.#fail(e, i18n.t),
      activate: (i) => this.#emit('crm-lens-customer', { id: view.ids.at(i), index: i }),
      showing: (v) => this.#view === v,
      sourceName: this.getAttribute('source-name') ?? '',
      download: (blob, name) => downloadBlob(this.#root, blob, name),
      say: (text) => this.#say(text),
      showInTable: (filter) => this.#showInTable(filter),
    };
    this.#ctx = ctx;
    const $ = ctx.$;
    $('notice').textContent = '';
    $('toolbar').hidden = false;
    $('export-csv').hidden = !view.exportCsv;
    $('export-filtered').hidden = !view.exportCsv;
    $('list-bar').hidden = true;
    delete this.#root.querySelector('.dashboard').dataset.phase;
    applyStaticLabels(this.#root, ctx);
    return renderPanels(ctx, () => token === this.#token).then((done) => {
      if (!done) return;
      applyStaticLabels(this.#root, ctx);
      this.#emit('crm-lens-render', { report: view.report });
    });
  }

  /**
   * The first results of an analysis still running (`{ kpis, rfm }`, the `first` of the
   * analyzer's `fitting` progress): the KPI cards, on screen while CLV and the segments are
   * fitted; the analysis replaces them. Ignored while an analysis is shown (a re-run keeps the
   * whole dashboard until its own Report arrives).
   */
  showFirst(first) {
    if (this.#view || !first?.kpis || !this.isConnected) return;
    const i18n = translator(this.#lang(), this.#messages);
    const ctx = {
      ...i18n, report: { kpis: first.kpis, rfm: first.rfm }, charts: this.#charts,
      fmt: formatter(i18n.locale, currencyOf(this.getAttribute('currency'))),
      $: (id) => this.#root.getElementById(id),
    };
    applyStaticLabels(this.#root, ctx);
    // The cards only (the panel's first step): the chart by period comes with the analysis —
    // a page's first chart can block the main thread for long, and the figure may still hold a
    // previous file's chart, which must not show beside these cards.
    renderKpis(ctx).next();
    this.#charts.figure('periods').hidden = true;
    this.#root.querySelector('.dashboard').dataset.phase = 'first';
    this.#emit('crm-lens-first', first);
  }

  /** The `lang` attribute (en, zh, ru; `zh-CN` counts as zh), else the page's language. */
  #lang() {
    const own = this.getAttribute('lang') ?? this.closest('[lang]')?.getAttribute('lang') ?? document.documentElement.lang;
    return pickLanguage([own || 'en']);
  }

  /** Shows a view; null empties the element (and forgets the table's query and the k scan). */
  #show(view) {
    this.#view = view;
    if (view) { this.render(); return; }
    this.#token++;
    this.#ctx = null;
    this.#memory = { tableQuery: emptyQuery(), lastScan: null, querySeq: this.#memory.querySeq + 1 };
    this.#root.getElementById('filters').reset();
    for (const s of this.#root.querySelectorAll('section, #toolbar, #list-bar')) s.hidden = true;
    this.#table.sort = { key: null, dir: 'asc' };
    this.#table.setIndex(new Uint32Array(0));
  }

  #query(change) {
    Object.assign(this.#memory.tableQuery, change);
    if (this.#ctx) runQuery(this.#ctx);
  }

  /** Shows a list in the customer table: its filter alone, then the table itself. */
  #showInTable(filter) {
    const f = this.#root.getElementById('filters');
    f.reset();
    const q = { ...emptyQuery(), sortKey: this.#memory.tableQuery.sortKey, sortDir: this.#memory.tableQuery.sortDir };
    for (const [k, v] of Object.entries(filter)) {
      q[k] = String(v);
      if (f.elements[k]) f.elements[k].value = String(v);
    }
    this.#memory.tableQuery = q;
    if (this.#ctx) runQuery(this.#ctx);
    const h = this.#root.getElementById('customers-title');
    h.scrollIntoView({ block: 'start' });
    h.focus({ preventScroll: true });
  }

  /** A short message (a copy done) in the element's live region; it fades after a while. */
  #say(text) {
    const toast = this.#root.getElementById('toast');
    toast.textContent = text;
    clearTimeout(this.#toastTimer);
    this.#toastTimer = setTimeout(() => { toast.textContent = ''; }, 6000);
  }

  async #exportCsv() {
    const view = this.#view;
    if (!view?.exportCsv) return;
    try {
      const bytes = await view.exportCsv();
      downloadBlob(this.#root, new Blob([bytes], { type: 'text/csv;charset=utf-8' }), 'crm-lens-customers.csv');
    } catch (e) {
      this.#ctx?.fail(e);
    }
  }

  #emit(type, detail, cancelable = false) {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }

  /** A failure of a query or an export: the host may take it (crm-lens-error), else it shows here. */
  #fail(e, t) {
    if (e?.code === 'cancelled') return;
    const error = typeof e?.code === 'string' ? e : { code: 'internal', message: String(e?.message ?? e) };
    if (this.#emit('crm-lens-error', error, true)) this.#root.getElementById('notice').textContent = t(`code.${error.code}`, null, error.message);
  }
}
