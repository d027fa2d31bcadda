// Per-customer computations for the page, run in the worker (pure functions, tested in Node).

const MAX_SCATTER = 12000;

/** A deterministic uniform sample of the projection, split per cluster. */
export function scatterSample(cols, report) {
  const { px, py, cluster } = cols;
  const n = px?.length ?? 0;
  if (!n || py?.length !== n || !report.segments?.clusters?.length) return null;
  const m = Math.min(n, MAX_SCATTER);
  const byCluster = new Map();
  let shown = 0;
  for (let s = 0; s < m; s++) {
    const i = Math.floor((s * n) / m);
    const c = cluster?.length === n ? cluster[i] : 0;
    if (!Number.isFinite(px[i]) || !Number.isFinite(py[i])) continue;
    if (!byCluster.has(c)) byCluster.set(c, []);
    byCluster.get(c).push([px[i], py[i]]);
    shown++;
  }
  return { total: n, shown, series: [...byCluster.entries()].sort((a, b) => a[0] - b[0]) };
}

export function clvHistogram(cols) {
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

/**
 * Customer ids as the core hands them over: UTF-8 `bytes` + `offsets`. An id is decoded only
 * when something reads it (top customers, search, sort by id), not 350k at a time per run.
 * Like an Array of strings, it has `length` and `at(i)`.
 */
export class Ids {
  constructor(bytes, offsets) {
    this.bytes = bytes;
    this.offsets = offsets;
    this.length = Math.max(0, offsets.length - 1);
    this.decoder = new TextDecoder();
    this.lowerCache = null;
  }
  at(i) {
    return this.decoder.decode(this.bytes.subarray(this.offsets[i], this.offsets[i + 1]));
  }
  /** Every id in lower case, for search (made once per table). */
  lower() {
    this.lowerCache ??= Array.from({ length: this.length }, (_, i) => this.at(i).toLowerCase());
    return this.lowerCache;
  }
}

export function topClv(cols, ids) {
  const v = cols.clv;
  if (!v?.length) return null;
  const idx = Array.from({ length: v.length }, (_, i) => i).filter((i) => Number.isFinite(v[i]));
  idx.sort((a, b) => v[b] - v[a]);
  return idx.slice(0, 20).map((i) => ({
    id: ids.at(i), clv: v[i],
    low: cols.clvLow?.[i] ?? null, high: cols.clvHigh?.[i] ?? null, pAlive: cols.pAlive?.[i] ?? null,
  }));
}

/** Filter + search + sort: returns the row indices to show, in order. */
export function query(cols, ids, idsLower, q) {
  const n = ids?.length ?? 0;
  const out = new Uint32Array(n);
  let m = 0;
  const needle = (q.search ?? '').trim().toLowerCase();
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
      const text = new Map(Array.from(index, (i) => [i, ids.at(i)]));
      index.sort((a, b) => dir * coll.compare(text.get(a), text.get(b)));
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

