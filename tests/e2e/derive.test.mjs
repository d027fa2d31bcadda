// The per-customer computations, in Node: the charts' summaries (src/js/worker/
// summaries.js: the scatter sample, the CLV histogram, the top-CLV list) and the table's
// filter/search/sort (src/js/worker/query.js, run in the analyzer's worker).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scatterSample, clvHistogram, topClv, nth } from '../../src/js/worker/summaries.js';
import { query } from '../../src/js/worker/query.js';

test('summaries and query: scatter sample, CLV histogram, top CLV and table queries', () => {
  const n = 50_000;
  const cols = {
    px: new Float32Array(n).map((_, i) => Math.sin(i)), py: new Float32Array(n).map((_, i) => Math.cos(i)),
    cluster: new Uint32Array(n).map((_, i) => i % 3), clv: new Float64Array(n).map((_, i) => i % 1000),
    rfmSegment: new Uint16Array(n).map((_, i) => i % 4), stage: new Uint8Array(n).map((_, i) => i % 6),
    monetary: new Float64Array(n).map((_, i) => (i * 7) % 101),
  };
  const ids = Array.from({ length: n }, (_, i) => `c${i}`);
  const sc = scatterSample(cols, { segments: { clusters: [{}, {}, {}] } });
  assert.ok(sc.shown <= 12_000 && sc.shown > 10_000);
  assert.equal(sc.series.length, 3);
  // Each cluster's points as a flat [x, y, …] Float32Array of the sampled customers, in order.
  assert.equal(sc.series.reduce((a, [, xy]) => a + xy.length / 2, 0), sc.shown);
  assert.deepEqual(sc.series.map(([c]) => c), [0, 1, 2]);
  const [, xy1] = sc.series[1];
  const sampled = Array.from({ length: 12_000 }, (_, k) => Math.floor((k * n) / 12_000));
  const firstOf1 = sampled.find((i) => cols.cluster[i] === 1);
  assert.ok(xy1 instanceof Float32Array);
  assert.deepEqual([xy1[0], xy1[1]], [cols.px[firstOf1], cols.py[firstOf1]]);
  assert.equal(scatterSample({ px: new Float32Array(0) }, { segments: { clusters: [] } }), null);
  const h = clvHistogram(cols);
  assert.equal(h.counts.reduce((a, b) => a + b, 0) + h.above, n);
  const top = topClv(cols, ids);
  assert.equal(top.length, 20);
  assert.equal(top[0].clv, 999);
  const idx = query(cols, ids, ids, { search: 'c4999', segment: '', stage: '', cluster: '' });
  assert.deepEqual([...idx].map((i) => ids[i]), ['c4999', 'c49990', 'c49991', 'c49992', 'c49993', 'c49994', 'c49995', 'c49996', 'c49997', 'c49998', 'c49999']);
  const bySpend = query(cols, ids, null, { segment: '1', stage: '', cluster: '2', sortKey: 'monetary', sortDir: 'desc' });
  assert.ok(bySpend.length > 0);
  for (const i of bySpend) assert.ok(cols.rfmSegment[i] === 1 && cols.cluster[i] === 2);
  for (let j = 1; j < bySpend.length; j++) assert.ok(cols.monetary[bySpend[j - 1]] >= cols.monetary[bySpend[j]]);
});

// The first dashboard must not wait for a sort of every customer's CLV: the histogram selects
// its 99th percentile and the top list keeps 20 in one pass. Both must give what the sorts gave.
test('summaries: CLV histogram and top list equal their sort-based definitions', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const n of [1, 2, 25, 1000, 20_011]) {
    const clv = new Float64Array(n).map(() => (rand() < 0.05 ? NaN : Math.round(rand() * 50) * (rand() < 0.1 ? -1 : 10)));
    const cols = { clv, clvLow: clv.map((x) => x - 1), clvHigh: clv.map((x) => x + 1), pAlive: clv.map(() => 0.5) };
    const ids = { at: (i) => `c${i}` };
    // Reference: the former implementation (full sorts).
    const sorted = Float64Array.from(clv).filter(Number.isFinite).sort();
    const lo = Math.min(0, sorted[0]);
    const hi = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
    const h = clvHistogram(cols);
    assert.equal(h.lo, lo);
    assert.equal(h.max, sorted[sorted.length - 1]);
    assert.equal(h.width, (hi - lo) / 30 || 1);
    assert.equal(h.counts.reduce((a, b) => a + b, 0) + h.above, sorted.length);
    assert.equal(h.above, sorted.filter((x) => x > hi).length);
    const idx = Array.from({ length: n }, (_, i) => i).filter((i) => Number.isFinite(clv[i]));
    idx.sort((a, b) => clv[b] - clv[a]);
    assert.deepEqual(topClv(cols, ids).map((r) => r.id), idx.slice(0, 20).map((i) => `c${i}`));
    for (const k of [0, Math.floor(sorted.length / 2), sorted.length - 1]) {
      assert.equal(nth(Float64Array.from(clv).filter(Number.isFinite), k), sorted[k]);
    }
  }
});
