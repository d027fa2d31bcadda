// The worker's per-customer computations (www/src/derive.js), in Node: the scatter sample,
// the CLV histogram, the top-CLV list, and the table's filter/search/sort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scatterSample, clvHistogram, topClv, query } from '../../www/src/derive.js';

test('derive.js: scatter sample, CLV histogram, top CLV and table queries', () => {
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
