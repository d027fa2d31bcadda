// Chart-ready summaries of the per-customer columns: the scatter sample, the CLV histogram and
// the top-CLV list. Pure functions (tested in Node), each one pass over the columns, so the
// first dashboard never waits for a sort of 350k values. The analysis worker computes them
// with every analysis (engine.js), so the page's main thread does not; the dashboard computes
// them itself only for data given with setData.

const MAX_SCATTER = 12000;

/**
 * A deterministic uniform sample of the projection, split per cluster: each cluster's points
 * as one flat Float32Array [x0, y0, x1, y1, …], which ECharts reads without parsing a point
 * per array (the scatter was the dashboard's longest main-thread step).
 */
export function scatterSample(cols, report) {
  const { px, py, cluster } = cols;
  const n = px?.length ?? 0;
  if (!n || py?.length !== n || !report.segments?.clusters?.length) return null;
  const m = Math.min(n, MAX_SCATTER);
  const pick = (s) => Math.floor((s * n) / m);
  const clusterOf = (i) => (cluster?.length === n ? cluster[i] : 0);
  const ok = (i) => Number.isFinite(px[i]) && Number.isFinite(py[i]);
  const sizes = new Map();
  for (let s = 0; s < m; s++) {
    const i = pick(s);
    if (ok(i)) sizes.set(clusterOf(i), (sizes.get(clusterOf(i)) ?? 0) + 1);
  }
  const points = new Map([...sizes].map(([c, k]) => [c, { xy: new Float32Array(2 * k), at: 0 }]));
  for (let s = 0; s < m; s++) {
    const i = pick(s);
    if (!ok(i)) continue;
    const p = points.get(clusterOf(i));
    p.xy[p.at++] = px[i];
    p.xy[p.at++] = py[i];
  }
  const shown = [...sizes.values()].reduce((a, b) => a + b, 0);
  return { total: n, shown, series: [...points].map(([c, p]) => [c, p.xy]).sort((a, b) => a[0] - b[0]) };
}

export function clvHistogram(cols) {
  const v = cols.clv;
  if (!v?.length) return null;
  // Finite values, their minimum and maximum, and the 99th percentile by selection: no sort
  // of 350k values on the way to the first dashboard.
  const finite = new Float64Array(v.length);
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    if (!Number.isFinite(x)) continue;
    finite[n++] = x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (!n) return null;
  const values = finite.subarray(0, n);
  const lo = Math.min(0, min);
  const hi = nth(values.slice(), Math.min(n - 1, Math.floor(n * 0.99)));
  const bins = 30;
  const width = (hi - lo) / bins || 1;
  const counts = new Array(bins).fill(0);
  let above = 0;
  for (const x of values) {
    if (x > hi) above++;
    else counts[Math.min(bins - 1, Math.floor((x - lo) / width))]++;
  }
  return { lo, width, counts, above, max };
}

/** The k-th smallest value of `a` (reordered in place; Hoare's selection, median-of-3). */
export function nth(a, k) {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const [x, y, z] = [a[lo], a[mid], a[hi]];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

export function topClv(cols, ids, count = 20) {
  const v = cols.clv;
  if (!v?.length) return null;
  // The `count` largest in one pass, in the order a stable descending sort gives (ties by
  // index): a value enters only if it beats the last kept one, after its equals.
  const top = [];
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x) || (top.length === count && x <= v[top[count - 1]])) continue;
    let at = top.length;
    while (at > 0 && v[top[at - 1]] < x) at--;
    top.splice(at, 0, i);
    if (top.length > count) top.pop();
  }
  return top.map((i) => ({
    index: i, id: ids.at(i), clv: v[i],
    low: cols.clvLow?.[i] ?? null, high: cols.clvHigh?.[i] ?? null, pAlive: cols.pAlive?.[i] ?? null,
  }));
}

/** Every summary the dashboard draws, for one analysis. */
export function summarise(cols, ids, report) {
  return { scatter: scatterSample(cols, report), clvHistogram: clvHistogram(cols), topClv: topClv(cols, ids) };
}
