// The analysis runs here, off the main thread: the page never freezes, and Cancel is
// simply terminating this worker. Everything that touches every customer (filter, sort,
// search, histograms, scatter sampling) also runs here; the page only renders.
import init, { openDataset, setFormatsWasm } from '../../pkg/index.js';
import wasmUrl from '../../pkg/crm_lens_bg.wasm?url';
// The formats module (legacy encodings, workbooks) is fetched only when a file needs it.
import formatsUrl from '../../pkg/crm_lens_formats_bg.wasm?url';
import { Ids, scatterSample, clvHistogram, topClv, query as runQuery } from './derive.js';
import { fromException } from './limits.js';

setFormatsWasm(formatsUrl);

let ready = null;
let dataset = null;
let cols = null; // per-customer columns of the last analysis (worker's own copy)
let ids = null; // customer ids (an Ids: UTF-8 bytes + offsets, decoded on demand)

const progress = (stage) => self.postMessage({ type: 'progress', stage });

// Messages are handled one at a time: an analysis awaits the second worker, and a message
// arriving meanwhile must not run on a half-updated Dataset.
let queue = Promise.resolve();
self.onmessage = (ev) => {
  if (ev.data.type === 'init') return start(ev.data);
  queue = queue.then(() => handle(ev.data));
};

// The page's first message: the compiled core module (shared with the segment worker) and
// this worker's end of the channel to the segment worker.
let helperPort = null;
function start({ module, port }) {
  ready ??= init({ module_or_path: module ?? wasmUrl });
  helperPort = port;
  port.onmessage = ({ data }) => {
    const p = helperPending.get(data.id);
    helperPending.delete(data.id);
    if (data.error) p?.reject(new Error(data.error));
    else p?.resolve(data.result);
  };
}

async function handle(msg) {
  try {
    const t0 = performance.now();
    ready ??= init({ module_or_path: wasmUrl });
    const wasm = await ready;
    const t1 = performance.now();
    if (msg.type === 'load') {
      progress('parsing');
      dataset?.free();
      dataset = null;
      cols = null;
      ids = null;
      dataset = await openDataset(new Uint8Array(msg.bytes), msg.options ?? {});
      const t2 = performance.now();
      await runAnalysis(msg, { initMs: t1 - t0, ingestMs: t2 - t1, wasm });
    } else if (msg.type === 'analyze') {
      if (!dataset) throw { code: 'no_analysis', message: 'load a file first' };
      await runAnalysis(msg);
    } else if (msg.type === 'query') {
      const lower = (msg.query.search ?? '').trim() ? ids.lower() : null;
      const index = runQuery(cols, ids, lower, msg.query);
      self.postMessage({ type: 'query', id: msg.id, index }, [index.buffer]);
    } else if (msg.type === 'export') {
      if (!dataset) throw { code: 'no_analysis', message: 'load a file first' };
      const bytes = dataset.exportCustomersCsv();
      self.postMessage({ type: 'export', id: msg.id, bytes }, [bytes.buffer]);
    }
  } catch (error) {
    const memory = ready ? await ready.then((w) => w.memory.buffer.byteLength).catch(() => 0) : 0;
    self.postMessage({ type: 'error', id: msg.id, error: fromException(error, memory) });
  }
}

// Jobs for the segment worker, by id (its answers come back on `helperPort`).
let helperSeq = 0;
const helperPending = new Map();

function segmentElsewhere(job) {
  if (!helperPort) return Promise.reject(new Error('no segment worker'));
  const id = ++helperSeq;
  return new Promise((resolve, reject) => {
    helperPending.set(id, { resolve, reject });
    const arrays = [job.recencyDays, job.frequency, job.monetary, job.tenureDays];
    helperPort.postMessage({ id, job }, arrays.map((a) => a.buffer));
  });
}

async function runAnalysis(msg, timing) {
  const options = msg.options ?? {};
  progress('aggregating');
  const t2 = performance.now();
  const phases = {};
  const phase = (name, t) => { phases[name] = performance.now() - t; return performance.now(); };
  let t = t2;
  dataset.prepare(options); // customer table, RFM, KPIs: memo hits for analyze below
  t = phase('prepare', t);
  // k-means in the second worker while this one fits CLV; if that fails, analyze() below
  // segments here (the Report is the same either way).
  const job = dataset.segmentJob(options);
  const elsewhere = job ? segmentElsewhere(job).catch(() => null) : null;
  t = phase('segmentJob', t);
  progress('fitting');
  dataset.prepareModels(options);
  t = phase('models', t);
  const answer = elsewhere && (await elsewhere);
  t = phase('awaitSegments', t);
  if (answer) {
    try { dataset.provideSegments(options, answer); } catch { /* analyze() segments here */ }
  }
  t = phase('provide', t);
  const report = dataset.analyze(options);
  phase('assemble', t);
  // The stages the new options made the core re-run (the rest it kept); the customer list
  // itself changes only when `customers` re-ran, and is then sent again.
  const stagesRun = dataset.stagesRun();
  if (timing) {
    // Stage times for the benchmark harness (benches/chromium.mjs); the page ignores them.
    self.postMessage({
      type: 'timing', id: msg.id, initMs: timing.initMs, ingestMs: timing.ingestMs,
      analyzeMs: performance.now() - t2, wasmMemoryBytes: timing.wasm.memory.buffer.byteLength, phases,
    });
  }
  progress('preparing');
  cols = dataset.customerColumns(false);
  const table = { n: 0 };
  const transfer = [];
  if (!ids || stagesRun.includes('customers')) {
    // Ids cross as one UTF-8 buffer + offsets (the core's own layout), not 350k JS strings.
    const { bytes, offsets } = dataset.customerIds();
    ids = new Ids(bytes, offsets);
    table.idBytes = bytes.slice();
    table.idOffsets = offsets.slice();
    transfer.push(table.idBytes.buffer, table.idOffsets.buffer);
  }
  const n = ids.length;
  table.n = n;
  for (const k of ['recencyDays', 'frequency', 'monetary', 'rScore', 'fScore', 'mScore', 'rfmSegment', 'stage',
    'cluster', 'pAlive', 'clv', 'clvLow', 'clvHigh', 'expectedPurchases']) {
    const a = cols[k];
    if (a && a.length === n && n > 0) {
      const copy = a.slice();
      table[k] = copy;
      transfer.push(copy.buffer);
    }
  }
  const derived = { scatter: scatterSample(cols, report), clvHistogram: clvHistogram(cols), topClv: topClv(cols, ids) };
  self.postMessage({ type: 'report', id: msg.id, report, table, derived, stagesRun }, transfer);
}
