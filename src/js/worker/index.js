// crm-lens/worker: the engine in a module Web Worker, behind an async API (createAnalyzer).
//
// Two workers per opened source: the analysis worker (engine.js) holds the Dataset and the
// per-customer columns; its sibling, the segment worker (segment.js), runs k-means while the
// first fits CLV; on large data both then share CLV's bootstrap block by block. They talk
// over a MessageChannel, so neither waits for the other's thread to start. Both receive the core module compiled once here: no compile per worker, and V8's
// optimised code is shared. Every open starts fresh workers (wasm memory never shrinks, and a
// trapped module is unusable), and cancel is terminating them.
//
// URLs resolve with `new URL(…, import.meta.url)`: bundlers (Vite) see and emit the workers and
// the .wasm files; without a bundler the browser loads them next to this file. No `blob:`
// workers, so a CSP of `script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'` suffices.
import * as core from '../index.js';
import { CustomerIds } from './ids.js';
import { sourceOf } from './sources.js';
import { cancelled, disposed } from './cancel.js';

export { CustomerIds };
const noData = () => ({ code: 'no_analysis', message: 'nothing is opened', hint: 'call open(), openColumns(), openRecords() or openArrow() first' });

// The share of a call done when each stage starts (the core reports no progress inside one).
const FRACTION = { reading: 0, parsing: 0.5, aggregating: 0, fitting: 1 / 3, preparing: 2 / 3 };

export function createAnalyzer(options = {}) {
  return new Analyzer(options);
}

export class Analyzer extends EventTarget {
  #opts;
  #compiled = null; // Promise<WebAssembly.Module>
  #workers = null; // { engine, helper, ready }
  #epoch = 0; // bumped whenever the workers stop: async steps of an older epoch give up
  #seq = 0;
  #pending = new Map(); // request id → { resolve, reject, onProgress }
  #opened = null; // { source, options }: what the workers hold
  #served = false; // the workers hold the columns of `analysis` (query and export work)
  #good = null; // { source, openOptions, options } behind `analysis`
  #analysis = null;
  #restoring = null;
  #disposed = false;

  constructor(options = {}) {
    super();
    this.#opts = options;
  }

  /** The last analysis (`{ report, columns, ids, summaries, stagesRun, options }`), or null. */
  get analysis() { return this.#analysis; }

  /**
   * While the analyzer re-reads its source after a cancel (so the shown analysis stays
   * queryable), the promise of that: true when the workers serve `analysis` again.
   */
  get restoring() { return this.#restoring; }

  /** Reads a file (bytes, ArrayBuffer, Blob or File) into fresh workers. */
  open(file, options = {}, control = {}) {
    return this.#open(sourceOf('bytes', file), options, control);
  }

  /** Columns from memory (`{ customer, date, amount, order?, quantity? }`), copied to the worker. */
  openColumns(columns, options = {}, control = {}) {
    return this.#open(sourceOf('columns', columns), options, control);
  }

  /** An array of objects with a field mapping, converted here and transferred. */
  openRecords(records, mapping, options = {}, control = {}) {
    return this.#open(sourceOf('records', records, mapping, core.columnsFromRecords), options, control);
  }

  /** An apache-arrow Table with a column mapping, converted here and transferred. */
  openArrow(table, mapping, options = {}, control = {}) {
    return this.#open(sourceOf('arrow', table, mapping, core.columnsFromArrow), options, control);
  }

  /**
   * Runs the analyses on what is open. `control.signal` cancels (rejects with `{ code:
   * 'cancelled' }`), `control.onProgress({ stage, fraction })` follows the stages.
   */
  analyze(options = {}, control = {}) {
    return this.#guard(control, async () => {
      while (this.#restoring) await this.#restoring;
      // The workers were replaced (a crash, a cancel): read the source of the shown analysis again.
      let epoch = this.#epoch;
      if (!this.#opened) {
        if (!this.#good) throw noData();
        ({ epoch } = await this.#openInto(this.#good.source, this.#good.openOptions, control));
      }
      const wasServed = this.#served;
      let m;
      try {
        m = await this.#call({ type: 'analyze', options }, [], control, epoch);
      } catch (e) {
        // The engine refused (the workers live on): a failed re-run leaves the workers' last
        // analysis in place, but a failed first analysis of an open leaves nothing to serve
        // the shown one. (A cancel or a crash replaced the workers: #interrupt decided.)
        if (epoch === this.#epoch && !wasServed) this.#setAnalysis(null);
        throw e;
      }
      if (epoch !== this.#epoch) throw cancelled();
      const ids = m.ids ? new CustomerIds(m.ids.bytes, m.ids.offsets) : this.#analysis?.ids;
      const analysis = { report: m.report, columns: m.columns, ids, summaries: m.summaries, stagesRun: m.stagesRun, options };
      this.#good = { source: this.#opened.source, openOptions: this.#opened.options, options };
      this.#served = true;
      this.#setAnalysis(analysis);
      return analysis;
    });
  }

  /** Row indices of the last analysis' customers that match, in order (filter, search, sort). */
  async query(q = {}) {
    await this.#ready();
    const m = await this.#call({ type: 'query', query: { search: '', segment: '', stage: '', cluster: '', ...q } });
    return m.index;
  }

  /**
   * The per-customer CSV of the last analysis (UTF-8 with BOM), as the CLI writes it; with a
   * query (as `query()` takes), only the customers it selects, in its order, same columns.
   * Text cells a spreadsheet would run as formulas get a leading `'` unless `{ raw: true }`.
   */
  async exportCsv(q, options = {}) {
    await this.#ready();
    const query = q ? { search: '', segment: '', stage: '', cluster: '', ...q } : undefined;
    return (await this.#call({ type: 'export', query, options })).bytes;
  }

  /** Waits for a restore in flight; true when the workers serve the current analysis. */
  async settled() {
    while (this.#restoring) await this.#restoring;
    return this.#served && this.#analysis != null;
  }

  /**
   * Stops whatever runs. A call in flight rejects with `cancelled` and the shown analysis is
   * restored in the background; a restore in flight is stopped and the analysis dropped.
   */
  cancel() {
    this.#interrupt(cancelled());
  }

  /** Ends the workers for good; every later call rejects with `disposed`. */
  dispose() {
    this.#disposed = true;
    this.#restoring = null;
    this.#stop(disposed());
    this.#setAnalysis(null);
  }

  async #ready() {
    if (this.#disposed) throw disposed();
    if (!(await this.settled())) throw { code: 'no_analysis', message: 'nothing is analysed', hint: 'call analyze() first' };
  }

  #open(source, options, control) {
    return this.#guard(control, async () => {
      // Another source: the shown analysis is of data about to be replaced.
      if (this.#good && this.#good.source.key !== source.key) this.#setAnalysis(null);
      this.#restoring = null;
      try {
        const { detected } = await this.#openInto(source, options, control);
        return { detected };
      } catch (e) {
        // The read failed: the workers hold nothing of the shown analysis. (After a cancel or a
        // crash, #interrupt restores it instead.)
        if (e?.code !== 'cancelled' && e?.code !== 'worker_crashed') this.#setAnalysis(null);
        throw e;
      }
    });
  }

  /** Fresh workers holding `source`: their epoch and what ingest detected. */
  async #openInto(source, options, control) {
    const epoch = this.#restart();
    control.onProgress?.({ stage: 'reading', fraction: FRACTION.reading });
    const { message, transfer } = await source.make();
    if (epoch !== this.#epoch) throw cancelled();
    const m = await this.#call({ type: 'open', ...message, options }, transfer, control, epoch);
    this.#opened = { source, options };
    return { epoch, detected: m.detected };
  }

  /** Runs `fn()` with `control.signal` wired to cancel it. */
  async #guard(control, fn) {
    if (this.#disposed) throw disposed();
    const { signal } = control;
    if (signal?.aborted) throw cancelled();
    const onAbort = () => this.#interrupt(cancelled());
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  #call(msg, transfer = [], control = {}, epoch = this.#epoch) {
    if (this.#disposed) return Promise.reject(disposed());
    const w = this.#workers;
    if (!w || epoch !== this.#epoch) return Promise.reject(this.#workers ? cancelled() : noData());
    return w.ready.then(() => new Promise((resolve, reject) => {
      // Ended (cancel, a new open) while the init was pending: as for a request in flight then.
      if (this.#workers !== w) { reject(cancelled()); return; }
      const id = ++this.#seq;
      this.#pending.set(id, { resolve, reject, onProgress: control.onProgress });
      w.engine.postMessage({ ...msg, id }, transfer);
    }));
  }

  #onMessage(w, { data: m }) {
    if (this.#workers !== w) return;
    const p = this.#pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') { p.onProgress?.({ stage: m.stage, fraction: FRACTION[m.stage] ?? 0, ...(m.first ? { first: m.first } : {}) }); return; }
    if (m.type === 'timing') return; // stage times for the benchmark harness
    this.#pending.delete(m.id);
    if (m.type === 'error') p.reject(m.error);
    else p.resolve(m);
  }

  /** Stops the workers after a cancel or a crash; restores the shown analysis if there is one. */
  #interrupt(error) {
    if (!this.#workers) return;
    const wasRestoring = this.#restoring;
    this.#restoring = null;
    this.#stop(error);
    if (wasRestoring || !this.#analysis || !this.#good) {
      if (wasRestoring) this.#setAnalysis(null);
      return;
    }
    this.#restore();
  }

  /** Reads the shown analysis' source again, with its options, into fresh workers. */
  #restore() {
    const good = this.#good;
    const p = (async () => {
      try {
        const { epoch } = await this.#openInto(good.source, good.openOptions, {});
        await this.#call({ type: 'analyze', options: good.options, restore: true }, [], {}, epoch);
        if (epoch !== this.#epoch) return false;
        this.#served = true;
        return true;
      } catch {
        return false;
      }
    })();
    this.#restoring = p;
    p.then((ok) => {
      if (this.#restoring !== p) return;
      this.#restoring = null;
      if (!ok) this.#setAnalysis(null);
    });
  }

  #setAnalysis(a) {
    if (a === this.#analysis) return;
    this.#analysis = a;
    if (!a) {
      this.#served = false;
      this.#good = null;
    }
    this.dispatchEvent(new CustomEvent('analysis', { detail: a }));
  }

  #stop(error) {
    this.#epoch++;
    if (this.#workers) {
      this.#workers.engine.terminate();
      this.#workers.helper.terminate();
      this.#workers = null;
    }
    this.#opened = null;
    this.#served = false;
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }

  #restart() {
    this.#stop(cancelled());
    const engine = new Worker(new URL('./engine.js', import.meta.url), { type: 'module', name: 'crm-lens' });
    const helper = new Worker(new URL('./segment.js', import.meta.url), { type: 'module', name: 'crm-lens k-means' });
    const channel = new MessageChannel();
    const w = { engine, helper, ready: null };
    engine.onmessage = (ev) => this.#onMessage(w, ev);
    const crashed = (e) => {
      e.preventDefault?.();
      if (this.#workers === w) this.#interrupt({ code: 'worker_crashed', message: String(e.message ?? 'the analysis worker stopped'), hint: '' });
    };
    engine.onerror = crashed;
    helper.onerror = crashed;
    w.ready = this.#compile().then((module) => {
      const url = (u) => (u == null ? undefined : String(u));
      const [formatsWasm, fullWasm] = [url(this.#opts.formatsWasmUrl), url(this.#opts.fullWasmUrl)];
      engine.postMessage({ type: 'init', module, formatsWasm, fullWasm, port: channel.port1 }, [channel.port1]);
      helper.postMessage({ type: 'init', module, port: channel.port2 }, [channel.port2]);
    });
    w.ready.catch(() => {}); // a call awaiting it gets the failure; no call, no unhandled rejection
    this.#workers = w;
    return this.#epoch;
  }

  /** The core module, compiled once for every worker this analyzer starts. */
  #compile() {
    const url = this.#opts.wasmUrl ?? new URL('../crm_lens_bg.wasm', import.meta.url);
    this.#compiled ??= (async () => {
      const res = await fetch(url);
      if (!res.ok) throw { code: 'io', message: `${url}: HTTP ${res.status}`, hint: 'serve crm_lens_bg.wasm or pass wasmUrl' };
      // compileStreaming needs the application/wasm type; a server without it still works.
      if (res.headers.get('content-type')?.startsWith('application/wasm')) return WebAssembly.compileStreaming(res);
      return WebAssembly.compile(await res.arrayBuffer());
    })();
    this.#compiled.catch(() => { this.#compiled = null; });
    return this.#compiled;
  }
}
