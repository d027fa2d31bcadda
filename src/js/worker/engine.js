// The analysis worker of createAnalyzer (index.js): holds the wasm Dataset and the per-customer
// columns of its last analysis. Everything that touches every customer runs here (the table's
// filter, search and sort; the charts' summaries), so the page never freezes; cancel is
// terminating this worker.
//
// The client's first message hands over the core module, compiled once on the main thread,
// and this worker's end of a MessageChannel to its sibling, the segment worker (segment.js),
// which runs the k-means segmentation while this one fits CLV, the lifecycle and churn, and
// then, on large data, blocks of CLV's bootstrap. Jobs to it: {id, job} (a segmentJob) and
// {id, intervals} (an intervalJob's bytes); answers {id, result} or {id, error}. Once its own
// stages are done, this worker takes k-means jobs of the segmentation too (`shareKmeans`),
// then bootstrap blocks (`shareIntervals`); the notes between the two are in segment.js.
//
// Protocol (client → worker; every reply carries the request's id):
//   {type:'init', module, formatsWasm?, fullWasm?, port}
//   {type:'open', id, bytes | columns, options}          → {type:'opened', id, detected}
//   {type:'analyze', id, options, restore?}              → {type:'analysis', id, report, columns, ids?, summaries, stagesRun}
//     (its 'fitting' progress carries `first`: the Report's kpis and rfm, ready before the models)
//   {type:'query', id, query}                            → {type:'query', id, index}
//   {type:'export', id, query?, options?: {raw}}        → {type:'export', id, bytes}
// and, while a request runs, {type:'progress', id, stage}; a failure is {type:'error', id, error}.
import init, * as core from '../index.js';
import { CustomerIds } from './ids.js';
import { query } from './query.js';
import { summarise } from './summaries.js';
import { turn } from './turn.js';

let ready = null;
let dataset = null;
let cols = null; // per-customer columns of the last analysis (this worker's own copy)
let ids = null; // a CustomerIds
let openTiming = null; // init and ingest times of the open, reported with the first analysis
let wasmExports = null; // the core module's exports: its linear memory's size after each phase
const memoryBytes = () => wasmExports?.memory.buffer.byteLength ?? 0;

// Requests are handled one at a time: an analysis awaits the segment worker, and a request
// arriving meanwhile must not run on a half-updated Dataset.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  if (data.type === 'init') start(data);
  else queue = queue.then(() => handle(data));
};

let helperPort = null;
function start({ module, formatsWasm, fullWasm, port }) {
  ready = init({ module_or_path: module });
  if (formatsWasm != null) core.setFormatsWasm(formatsWasm);
  if (fullWasm != null) core.setFullWasm(fullWasm);
  helperPort = port;
  port.onmessage = ({ data }) => {
    if (data.startedBlock != null) {
      if (!blocksStarted.has(data.id)) blocksStarted.set(data.id, new Set());
      blocksStarted.get(data.id).add(data.startedBlock);
      return;
    }
    if (data.started != null) {
      const seen = helperStarted.get(data.id) ?? { of: data.of, started: new Set() };
      seen.started.add(data.started);
      helperStarted.set(data.id, seen);
      return;
    }
    const p = helperPending.get(data.id);
    helperPending.delete(data.id);
    if (data.error) p?.reject(new Error(data.error));
    else {
      if (p && data.ms != null) p.ms(data.ms, data.here);
      p?.resolve(data.result);
    }
  };
}

async function handle(msg) {
  const progress = (stage, first) => self.postMessage({ type: 'progress', id: msg.id, stage, ...(first ? { first } : {}) });
  try {
    if (msg.type === 'open') {
      const t0 = performance.now();
      const wasm = await ready;
      const t1 = performance.now();
      progress('parsing');
      dataset?.free();
      dataset = null;
      cols = null;
      ids = null;
      dataset = msg.columns ? await openColumns(msg.columns, msg.options) : await core.openDataset(new Uint8Array(msg.bytes), msg.options ?? {});
      wasmExports = wasm;
      openTiming = { initMs: t1 - t0, ingestMs: performance.now() - t1, wasm, memory: { open: memoryBytes() } };
      self.postMessage({ type: 'opened', id: msg.id, detected: dataset.detected() });
    } else if (msg.type === 'analyze') {
      if (!dataset) throw { code: 'no_analysis', message: 'open a file or columns first' };
      await runAnalysis(msg, progress);
    } else if (msg.type === 'query') {
      if (!cols) throw { code: 'no_analysis', message: 'analyze first' };
      const lower = (msg.query.search ?? '').trim() ? ids.lower() : null;
      const index = query(cols, ids, lower, msg.query);
      self.postMessage({ type: 'query', id: msg.id, index }, [index.buffer]);
    } else if (msg.type === 'export') {
      if (!cols) throw { code: 'no_analysis', message: 'analyze first' };
      // A list (segment, stage, cluster, the table's filter): the engine's export of exactly
      // the rows the query selects, in its order, so the columns are the full export's.
      const rows = msg.query ? query(cols, ids, (msg.query.search ?? '').trim() ? ids.lower() : null, msg.query) : undefined;
      const bytes = dataset.exportCustomersCsv(rows, msg.options ?? {});
      self.postMessage({ type: 'export', id: msg.id, bytes }, [bytes.buffer]);
    }
  } catch (error) {
    self.postMessage({ type: 'error', id: msg.id, error: await normaliseError(error) });
  }
}

/** Columns from memory (the package's `openColumns`, converted on the main thread). */
async function openColumns(columns, options) {
  if (typeof core.openColumns !== 'function') {
    throw { code: 'unsupported', message: 'this build of crm-lens has no openColumns', hint: 'update the crm-lens package' };
  }
  return core.openColumns(columns, options ?? {});
}

// Jobs for the segment worker, by id (its answers come back on `helperPort`), and the k-means
// jobs of a segmentation it has started ({of, started}, by the segmentation's id).
let helperSeq = 0;
const helperPending = new Map();
const helperStarted = new Map();
// The blocks of an interval job the segment worker has started, by its id.
const blocksStarted = new Map();

/** Posts a job to the segment worker: `{id, answer}`; `ms(t)` receives how long it ran there. */
function elsewhere(msg, transfer, ms = () => {}) {
  if (!helperPort) return { id: 0, answer: Promise.reject(new Error('no segment worker')) };
  const id = ++helperSeq;
  const answer = new Promise((resolve, reject) => {
    helperPending.set(id, { resolve, reject, ms });
    helperPort.postMessage({ id, ...msg }, transfer);
  });
  return { id, answer };
}

/**
 * This worker's share of the segmentation `id` the segment worker is running: its k-means jobs
 * (one per k) from the smallest k up, each claimed before it runs and answered after, until
 * it meets the jobs the segment worker started (from the largest k down). Both cores on
 * k-means once this worker's own stages are done; the segment worker combines the answers in
 * job order, so the Report is the same bits. Returns the number of jobs run here.
 */
async function shareKmeans(options, id) {
  await turn(); // the segment worker's notes posted while this worker fitted the models
  const taken = () => helperStarted.get(id)?.started;
  const seen = helperStarted.get(id);
  if (seen && seen.started.size >= seen.of) return 0;
  const job = dataset.segmentJob(options);
  if (!job) return 0;
  const scan = new core.SegmentScan(job);
  let ran = 0;
  try {
    for (let i = 0; i < scan.jobs(); i++) {
      if (i > 0) await turn();
      // Stop one job short of the segment worker's: the notes cross with a delay (on a busy
      // machine tens of ms), and a job both take runs twice.
      const started = taken();
      if (started?.has(i) || started?.has(i + 1) || i + 1 >= scan.jobs() || !helperPending.has(id)) break;
      helperPort.postMessage({ id, claim: i });
      let bytes;
      try {
        bytes = scan.runJob(i);
      } catch (e) {
        helperPort.postMessage({ id, fit: i, error: String(e?.message ?? e) });
        break;
      }
      helperPort.postMessage({ id, fit: i, bytes }, [bytes.buffer]);
      ran++;
    }
  } finally {
    scan.free();
  }
  return ran;
}

/**
 * This worker's share of the bootstrap blocks of interval job `id` (every block of the
 * deferred bootstrap is in it): from the first block up, each claimed before it runs here
 * (`runIntervalBlock`, into this Dataset's memo), until it meets the blocks the segment
 * worker started (from the last down) or the end. Returns the number of blocks run here.
 */
async function shareIntervals(options, id) {
  let ran = 0;
  for (let b = 0; ; b++) {
    await turn(); // the segment worker's notes
    // One block short of the segment worker's next (its notes cross with a delay); nothing
    // once its answer is in (it ran every block it did not see claimed).
    const started = blocksStarted.get(id);
    if (started?.has(b) || started?.has(b + 1) || !helperPending.has(id)) break;
    helperPort.postMessage({ id, claimBlock: b });
    if (!dataset.runIntervalBlock(options, b)) break;
    ran++;
  }
  return ran;
}

async function runAnalysis(msg, progress) {
  const options = msg.options ?? {};
  progress('aggregating');
  const t2 = performance.now();
  const phases = {};
  // Linear memory after each phase (it only grows: where the peak was reached).
  const memory = { ...openTiming?.memory };
  let t = t2;
  const phase = (name) => { const now = performance.now(); phases[name] = now - t; t = now; memory[name] = memoryBytes(); };
  // k-means in the segment worker while this one fits CLV; if that fails, analyze() below
  // segments here (the Report is the same either way). It needs the customer table only, so
  // it goes out first: the segment worker starts while this one scores RFM and the KPIs.
  const job = dataset.segmentJob(options);
  const arrays = job ? [job.recencyDays, job.frequency, job.monetary, job.tenureDays] : [];
  // The segment worker's own run times (`helper*`), beside this worker's phases: together they
  // say which worker waited for which.
  const helperMs = (name) => (ms, jobs) => {
    phases[name] = ms;
    if (jobs != null) phases[`${name}Jobs`] = jobs;
  };
  const sent = job ? elsewhere({ job }, arrays.map((a) => a.buffer), helperMs('helperKmeans')) : null;
  const segments = sent?.answer.catch(() => null);
  phase('segmentJob');
  // RFM and KPIs (memo hits for analyze below): the first results, shown while the models are
  // fitted.
  const first = dataset.prepare(options);
  phase('prepare');
  progress('fitting', first);
  // CLV up to its bootstrap; a large one is split in fixed blocks, every one of them handed to
  // the segment worker for after its k-means, and shared block by block (shareIntervals).
  // Whatever does not come back, analyze() evaluates here: the Report is the same bits however
  // the blocks were shared.
  const intervals = dataset.intervalJob(options);
  const boot = intervals ? elsewhere({ intervals }, [intervals.buffer], helperMs('helperIntervals')) : null;
  const bootstrap = boot?.answer.catch(() => null);
  phase('clv');
  // The lifecycle and churn.
  dataset.prepareModels(options);
  phase('models');
  // Done with its own stages: this worker takes k-means jobs the segment worker has not begun
  // (they come first: the segmentation's serial finish waits for all of them), then bootstrap
  // blocks, while the segment worker finishes its k-means.
  if (sent) phases.kmeansJobs = await shareKmeans(options, sent.id).catch(() => 0);
  phase('kmeansHere');
  if (boot) phases.bootBlocks = await shareIntervals(options, boot.id).catch(() => 0);
  phase('bootHere');
  const answer = segments && (await segments);
  helperStarted.delete(sent?.id);
  phase('awaitSegments');
  if (answer) {
    try { dataset.provideSegments(options, answer); } catch { /* analyze() segments here */ }
  }
  const blocks = bootstrap && (await bootstrap);
  blocksStarted.delete(boot?.id);
  phase('awaitIntervals');
  if (blocks) {
    try { dataset.provideIntervals(options, blocks); } catch { /* analyze() evaluates them here */ }
  }
  phase('provide');
  const report = dataset.analyze(options);
  phase('assemble');
  // The stages the new options made the core re-run (the rest it kept); the customer list
  // itself changes only when `customers` re-ran, and is then sent again.
  const stagesRun = dataset.stagesRun();
  if (openTiming) {
    // Stage times for the benchmark harness (benches/chromium.mjs); the client ignores them.
    self.postMessage({
      type: 'timing', id: msg.id, initMs: openTiming.initMs, ingestMs: openTiming.ingestMs,
      analyzeMs: performance.now() - t2, wasmMemoryBytes: openTiming.wasm.memory.buffer.byteLength, phases, memory,
    });
    openTiming = null;
  }
  progress('preparing');
  cols = dataset.customerColumns(false);
  const reply = { type: 'analysis', id: msg.id, report, stagesRun };
  const transfer = [];
  if (!ids || stagesRun.includes('customers')) {
    const { bytes, offsets } = dataset.customerIds();
    ids = new CustomerIds(bytes, offsets);
    if (!msg.restore) {
      reply.ids = { bytes: bytes.slice(), offsets: offsets.slice() };
      transfer.push(reply.ids.bytes.buffer, reply.ids.offsets.buffer);
    }
  }
  // A restore (after a cancel) rebuilds this worker's state for an analysis the client already
  // has: nothing goes back but the acknowledgement.
  if (!msg.restore) {
    reply.summaries = summarise(cols, ids, report);
    reply.columns = {};
    for (const [k, a] of Object.entries(cols)) {
      if (!ArrayBuffer.isView(a) || a.length !== ids.length) continue;
      const copy = a.slice();
      reply.columns[k] = copy;
      transfer.push(copy.buffer);
    }
  }
  self.postMessage(reply, transfer);
}

/** wasm memory above which a trap is taken for an allocation failure (wasm32's max is 4 GiB). */
const OOM_MEMORY_BYTES = 3 * 1024 ** 3;

async function normaliseError(e) {
  if (e && typeof e === 'object' && 'code' in e) return { code: e.code, message: e.message, hint: e.hint };
  const text = String(e?.message ?? e);
  // The core never panics on input: a trap with most of the 4 GiB in use is an allocation that
  // failed (measured: a 24M-line log, docs/scale.md), a RangeError an ArrayBuffer refused.
  const coreBytes = ready ? await ready.then((w) => w.memory.buffer.byteLength).catch(() => 0) : 0;
  const memory = Math.max(coreBytes, core.fullWasmMemoryBytes()); // a Dataset may live in the full module
  if (e instanceof RangeError || (e instanceof WebAssembly.RuntimeError && memory >= OOM_MEMORY_BYTES)) {
    return {
      code: 'too_big_for_tab',
      message: `too big for a browser tab (${text}; wasm memory ${Math.round(memory / 2 ** 20)} MB)`,
      hint: 'summarise it per customer where it lives: crm-lens sql summary --engine duckdb|spark (docs/scale.md), then open the summary with ingest.summary (the page: "Per-customer summary" ticked)',
    };
  }
  return { code: 'internal', message: text };
}
