// The customer table's query: filter by RFM segment, lifecycle stage and cluster, search the
// ids, sort. Runs where the columns are: in the analysis worker (createAnalyzer), or on the main
// thread for a dashboard given a Report and columns directly.

const wanted = (v) => (v === '' || v == null ? -1 : Number(v));

/**
 * The row indices to show, in order. `ids`: `{ length, at(i) }`; `idsLower`: every id in
 * lower case (needed only when `q.search` is set).
 */
export function query(cols, ids, idsLower, q) {
  const n = ids?.length ?? 0;
  const out = new Uint32Array(n);
  let m = 0;
  const needle = (q.search ?? '').trim().toLowerCase();
  const seg = wanted(q.segment);
  const stage = wanted(q.stage);
  const cl = wanted(q.cluster);
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
