// How the two workers share a segmentation's k-means jobs (src/js/worker/kmeans-deal.js), in
// Node: the segment worker's Dealer and the analysis worker's Taker over a real MessageChannel,
// with jobs that block the thread as a wasm call does, the analysis worker arriving at any
// moment and messages delivered late (in order, as a port does). Every job runs exactly once,
// and the answers are in job order whoever ran which job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dealer, Taker } from '../../src/js/worker/kmeans-deal.js';

/** Seeded uniform [0, 1) (xorshift), so a failing case can be replayed. */
function rng(seed) {
  let s = (seed * 0x9e3779b9) >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Blocks the thread for `ms` (a job is a synchronous wasm call). */
function busy(ms) {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** A sender over `port` whose messages arrive up to `lag` ms late, in the order sent. */
function lagging(port, random, lag) {
  let last = 0;
  return (msg, transfer) => {
    last = Math.max(last, performance.now() + random() * lag);
    setTimeout(() => port.postMessage(msg, transfer), last - performance.now());
  };
}

/**
 * One segmentation of `n` jobs: the segment worker starts at once, the analysis worker after
 * `late` ms busy with its own stages; `fail(i)` says which jobs throw in the analysis worker.
 */
async function share({ n, seed, late, lag = 2, fail = () => false, id = 1 }) {
  const random = rng(seed);
  const cost = Array.from({ length: n }, () => random() * 4);
  const ran = Array.from({ length: n }, () => []);
  const { port1, port2 } = new MessageChannel();
  const dealer = new Dealer(lagging(port1, random, lag));
  const taker = new Taker(lagging(port2, random, lag));
  port1.onmessage = ({ data }) => dealer.note(data);
  port2.onmessage = ({ data }) => taker.note(data);
  const job = (side) => (i) => {
    ran[i].push(side);
    busy(cost[i]);
    if (side === 'analysis' && fail(i)) throw new Error(`job ${i} failed`);
    return new Uint8Array([i, 7]);
  };
  const segment = dealer.run(id, n, job('segment')).finally(() => dealer.end(id));
  const analysis = new Promise((resolve) => setTimeout(resolve, late)).then(() => {
    busy(random() * 3);
    return taker.run(id, () => ({ runJob: job('analysis'), free() {} }), segment);
  });
  const [{ fits, here }, there] = await Promise.all([segment, analysis]);
  port1.close();
  port2.close();
  return { fits, here, there, ran };
}

test('every job runs exactly once, whenever the analysis worker comes and however late messages arrive', async () => {
  let shared = 0;
  for (let seed = 1; seed <= 120; seed++) {
    const n = [1, 2, 3, 9][seed % 4];
    const late = [0, 1, 5, 15, 40][seed % 5];
    const { fits, here, there, ran } = await share({ n, seed, late, lag: seed % 3 === 0 ? 8 : 2 });
    assert.deepEqual(fits.map((f) => [...f]), Array.from({ length: n }, (_, i) => [i, 7]), `seed ${seed}`);
    for (const [i, sides] of ran.entries()) assert.equal(sides.length, 1, `seed ${seed}: job ${i} ran on ${sides}`);
    assert.equal(here + there, n, `seed ${seed}`);
    // The analysis worker's jobs are the smallest ones, the segment worker's the largest.
    const mine = ran.map((s) => s[0] === 'analysis');
    assert.deepEqual(mine, mine.map((_, i) => i < there), `seed ${seed}: ${ran}`);
    if (there > 0) shared++;
  }
  assert.ok(shared >= 30, `the analysis worker took jobs in ${shared} of 120 segmentations`);
});

test('a job that fails in the analysis worker, and the one it was dealt next, run in the segment worker', async () => {
  for (let seed = 1; seed <= 40; seed++) {
    const { fits, here, there, ran } = await share({ n: 9, seed, late: 0, fail: () => true });
    assert.deepEqual(fits.map((f) => [...f]), Array.from({ length: 9 }, (_, i) => [i, 7]));
    assert.equal(there, 0, 'no job succeeded there');
    // At most the failed one ran twice (there, then here); declined grants ran here only.
    const twice = ran.filter((s) => s.length === 2);
    assert.ok(twice.length <= 1 && twice.every((s) => s.join() === 'analysis,segment'), `seed ${seed}: ${ran}`);
    assert.equal(here, 9, `seed ${seed}`);
  }
});

test('a request on a segmentation already ended gets "none"; a grant nobody waits for is declined', async () => {
  const sent = [];
  const dealer = new Dealer((m) => sent.push(m));
  const done = await dealer.run(3, 2, (i) => new Uint8Array([i]));
  dealer.end(3);
  assert.equal(done.here, 2);
  dealer.note({ id: 3, want: true });
  dealer.note({ id: 2, want: true });
  assert.deepEqual(sent, [{ id: 3, grant: -1 }, { id: 2, grant: -1 }]);
  const back = [];
  const taker = new Taker((m) => back.push(m));
  taker.note({ id: 5, grant: 4 });
  taker.note({ id: 5, grant: -1 });
  assert.deepEqual(back, [{ id: 5, fit: 4, error: 'declined' }]);
  // The segmentation's answer came (or it failed) before any grant: nothing runs here.
  const asked = [];
  const alone = new Taker((m) => asked.push(m));
  assert.equal(await alone.run(6, () => assert.fail('no job was dealt'), Promise.resolve()), 0);
  assert.deepEqual(asked, [{ id: 6, want: true }]);
});
