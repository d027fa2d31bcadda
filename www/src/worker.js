// The analysis runs here, off the main thread: the page never freezes, and Cancel is
// simply terminating this worker. Everything that touches every customer (filter, sort,
// search, histograms, scatter sampling) also runs here; the page only renders.
import init, { Dataset } from '../../pkg/crm_lens.js';
import wasmUrl from '../../pkg/crm_lens_bg.wasm?url';

let ready = null;
let dataset = null;
let cols = null; // per-customer columns of the last analysis (worker's own copy)
let ids = null; // customer ids as strings
let idsLower = null;

const progress = (stage) => self.postMessage({ type: 'progress', stage });

self.onmessage = async (ev) => {
  const msg = ev.data;
  try {
    ready ??= init({ module_or_path: wasmUrl });
    await ready;
    if (msg.type === 'load') {
      progress('parsing');
      dataset?.free();
      dataset = null;
      cols = null;
      dataset = new Dataset(new Uint8Array(msg.bytes), msg.options ?? {});
      runAnalysis(msg);
    } else if (msg.type === 'analyze') {
      if (!dataset) throw { code: 'no_analysis', message: 'load a file first' };
      runAnalysis(msg);
    } else if (msg.type === 'query') {
      const index = query(msg.query);
      self.postMessage({ type: 'query', id: msg.id, index }, [index.buffer]);
    } else if (msg.type === 'export') {
      if (!dataset) throw { code: 'no_analysis', message: 'load a file first' };
      const bytes = dataset.exportCustomersCsv();
      self.postMessage({ type: 'export', id: msg.id, bytes }, [bytes.buffer]);
    }
  } catch (error) {
    self.postMessage({ type: 'error', id: msg.id, error: normaliseError(error) });
  }
};

function runAnalysis(msg) {
  progress('aggregating');
  const report = dataset.analyze(msg.options ?? {});
  progress('preparing');
  cols = dataset.customerColumns();
  ids = cols.customerId;
  idsLower = null;
  const n = ids.length;
  // Ids cross as one UTF-8 buffer + offsets (transferable), not 350k JS strings.
  const enc = new TextEncoder();
  let buf = new Uint8Array(Math.max(16, n * 8));
  const offsets = new Uint32Array(n + 1);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const s = ids[i];
    if (buf.length - pos < s.length * 3) {
      const nb = new Uint8Array(Math.max(buf.length * 2, pos + s.length * 3));
      nb.set(buf.subarray(0, pos));
      buf = nb;
    }
    pos += enc.encodeInto(s, buf.subarray(pos)).written;
    offsets[i + 1] = pos;
  }
  const idBytes = buf.slice(0, pos);
  const table = { n, idBytes, idOffsets: offsets };
  const transfer = [idBytes.buffer, offsets.buffer];
  for (const k of ['recencyDays', 'frequency', 'monetary', 'rScore', 'fScore', 'mScore', 'rfmSegment', 'stage',
    'cluster', 'pAlive', 'clv', 'clvLow', 'clvHigh', 'expectedPurchases']) {
    const a = cols[k];
    if (a && a.length === n && n > 0) {
      const copy = a.slice();
      table[k] = copy;
      transfer.push(copy.buffer);
    }
  }
  const derived = { scatter: scatterSample(report), clvHistogram: clvHistogram(), topClv: topClv() };
  self.postMessage({ type: 'report', id: msg.id, report, table, derived }, transfer);
}

const MAX_SCATTER = 12000;

/** A deterministic uniform sample of the projection, split per cluster. */
function scatterSample(report) {
  const { px, py, cluster } = cols;
  const n = px?.length ?? 0;
  if (!n || py?.length !== n || !report.segments?.clusters?.length) return null;
  const step = Math.max(1, n / MAX_SCATTER);
  const byCluster = new Map();
  let shown = 0;
  for (let j = 0; j < n; j += step) {
    const i = Math.floor(j);
    const c = cluster?.length === n ? cluster[i] : 0;
    if (!Number.isFinite(px[i]) || !Number.isFinite(py[i])) continue;
    if (!byCluster.has(c)) byCluster.set(c, []);
    byCluster.get(c).push([px[i], py[i]]);
    shown++;
  }
  return { total: n, shown, series: [...byCluster.entries()].sort((a, b) => a[0] - b[0]) };
}

function clvHistogram() {
  const v = cols.clv;
  if (!v?.length) return null;
  const sorted = Float64Array.from(v).filter(Number.isFinite).sort();
  if (!sorted.length) return null;
  const lo = Math.min(0, sorted[0]);
  const hi = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
  const bins = 30;
  const width = (hi - lo) / bins || 1;
  const counts = new Array(bins).fill(0);
  let above = 0;
  for (const x of sorted) {
    if (x > hi) above++;
    else counts[Math.min(bins - 1, Math.floor((x - lo) / width))]++;
  }
  return { lo, width, counts, above, max: sorted[sorted.length - 1] };
}

function topClv() {
  const v = cols.clv;
  if (!v?.length) return null;
  const idx = Array.from({ length: v.length }, (_, i) => i).filter((i) => Number.isFinite(v[i]));
  idx.sort((a, b) => v[b] - v[a]);
  return idx.slice(0, 20).map((i) => ({
    id: ids[i], clv: v[i],
    low: cols.clvLow?.[i] ?? null, high: cols.clvHigh?.[i] ?? null, pAlive: cols.pAlive?.[i] ?? null,
  }));
}

/** Filter + search + sort: returns the row indices to show, in order. */
function query(q) {
  const n = ids?.length ?? 0;
  const out = new Uint32Array(n);
  let m = 0;
  const needle = (q.search ?? '').trim().toLowerCase();
  if (needle && !idsLower) idsLower = ids.map((s) => s.toLowerCase());
  const seg = q.segment === '' || q.segment == null ? -1 : Number(q.segment);
  const stage = q.stage === '' || q.stage == null ? -1 : Number(q.stage);
  const cl = q.cluster === '' || q.cluster == null ? -1 : Number(q.cluster);
  for (let i = 0; i < n; i++) {
    if (seg >= 0 && cols.rfmSegment[i] !== seg) continue;
    if (stage >= 0 && cols.stage[i] !== stage) continue;
    if (cl >= 0 && cols.cluster?.[i] !== cl) continue;
    if (needle && !idsLower[i].includes(needle)) continue;
    out[m++] = i;
  }
  const index = out.slice(0, m);
  const key = q.sortKey;
  if (key) {
    const dir = q.sortDir === 'desc' ? -1 : 1;
    if (key === 'customerId') {
      const coll = new Intl.Collator(undefined, { numeric: true });
      index.sort((a, b) => dir * coll.compare(ids[a], ids[b]));
    } else if (key === 'rfm') {
      const s = (i) => cols.rScore[i] * 100 + cols.fScore[i] * 10 + cols.mScore[i];
      index.sort((a, b) => dir * (s(a) - s(b)) || a - b);
    } else {
      const col = cols[key === 'segment' ? 'rfmSegment' : key];
      if (col) index.sort((a, b) => dir * ((col[a] ?? 0) - (col[b] ?? 0)) || a - b);
    }
  }
  return index;
}

function normaliseError(e) {
  if (e && typeof e === 'object' && 'code' in e) return { code: e.code, message: e.message, hint: e.hint };
  return { code: 'internal', message: String(e?.message ?? e) };
}
