// How the two workers share a segmentation's k-means jobs (src/js/worker/kmeans-deal.js), in
// Node: the segment worker's Dealer in a worker thread and the analysis worker's Taker on
// this one, over a real MessageChannel, with jobs that block their thread as a wasm call does,
// the analysis worker arriving at any moment and messages delivered late (in order, as a port
// does). Every job runs exactly once, and the answers are in job order whoever ran which job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { Dealer, Taker } from '../../src/js/worker/kmeans-deal.js';

const DEAL = new URL('../../src/js/worker/kmeans-deal.js', import.meta.url).href;

// Shared by both sides (the worker thread gets it as source): a seeded uniform [0, 1), a job
// that blocks for `ms`, a sender whose messages arrive up to `lag` ms late in the order sent.
const helpers = `
function rng(seed) {
  let s = (seed * 0x9e3779b9) >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}
function busy(ms) { const end = performance.now() + ms; while (performance.now() < end); }
function lagging(port, random, lag) {
  let last = 0;
  return (msg, transfer) => {
    last = Math.max(last, performance.now() + random() * lag);
    setTimeout(() => port.postMessage(msg, transfer), last - performance.now());
  };
}`;
const { rng, busy, lagging } = new Function(`${helpers}; return { rng, busy, lagging };`)();

// The segment worker: its Dealer runs the scan's jobs; answers {fits, here, ran}.
const segmentWorker = `
const { workerData, parentPort } = require('node:worker_threads');
${helpers}
(async () => {
  const { Dealer } = await import(workerData.deal);
  const { port, n, cost, seed, lag, id } = workerData;
  const dealer = new Dealer(lagging(port, rng(seed), lag));
  port.onmessage = ({ data }) => dealer.note(data);
  const ran = [];
  const { fits, here } = await dealer.run(id, n, (i) => { ran.push(i); busy(cost[i]); return new Uint8Array([i, 7]); });
  dealer.end(id);
  parentPort.postMessage({ fits: fits.map((f) => [...f]), here, ran });
  port.close();
})();`;

/**
 * One segmentation of `n` jobs: the segment worker starts at once, the analysis worker after
 * `late` ms busy with its own stages; `fail(i)` says which jobs throw in the analysis worker.
 */
async function share({ n, seed, late, lag = 2, fail = () => false, id = 1, early = false }) {
  const random = rng(seed);
  const cost = Array.from({ length: n }, () => 1 + random() * 5);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(segmentWorker, {
    eval: true,
    workerData: { deal: DEAL, port: port1, n, cost, seed: seed + 1, lag, id },
    transferList: [port1],
  });
  const segment = new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const taker = new Taker(lagging(port2, random, lag));
  port2.onmessage = ({ data }) => taker.note(data);
  const there = [];
  const runner = {
    runJob(i) {
      there.push(i);
      busy(cost[i]);
      if (fail(i)) throw new Error(`job ${i} failed`);
      return new Uint8Array([i, 7]);
    },
  };
  // `early`: the first job asked for before the analysis worker's own stages (engine.js).
  if (early) taker.ask(id);
  await new Promise((resolve) => setTimeout(resolve, late));
  busy(random() * 3);
  const taken = await taker.run(id, () => runner, segment);
  const { fits, here, ran } = await segment;
  port2.close();
  await worker.terminate();
  return { fits, here, ran, there, taken };
}

const answers = (n) => Array.from({ length: n }, (_, i) => [i, 7]);

test('every job runs exactly once, whenever the analysis worker comes and however late messages arrive', async () => {
  let shared = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const n = [1, 2, 3, 9, 9][seed % 5];
    const late = [0, 5, 20, 60][seed % 4];
    const { fits, here, ran, there, taken } = await share({ n, seed, late, lag: seed % 3 === 0 ? 8 : 1, early: seed % 2 === 0 });
    assert.deepEqual(fits, answers(n), `seed ${seed}`);
    const all = [...ran, ...there].sort((a, b) => a - b);
    assert.deepEqual(all, [...Array(n).keys()], `seed ${seed}: here ${ran}, there ${there}`);
    assert.equal(here, ran.length);
    assert.equal(taken, there.length);
    // The analysis worker's jobs are the smallest ones, the segment worker's the largest.
    assert.deepEqual(there, [...Array(there.length).keys()], `seed ${seed}: there ${there}`);
    if (taken > 0) shared++;
  }
  assert.ok(shared >= 10, `the analysis worker took jobs in ${shared} of 60 segmentations`);
});

test('a job that fails in the analysis worker, and the one it was dealt next, run in the segment worker', async () => {
  for (let seed = 1; seed <= 10; seed++) {
    const { fits, here, ran, there, taken } = await share({ n: 9, seed, late: 0, fail: () => true });
    assert.deepEqual(fits, answers(9));
    assert.equal(taken, 0, 'no job succeeded there');
    // At most the one that failed ran on both sides; a declined grant ran here only.
    assert.ok(there.length <= 1 && there.every((i) => ran.includes(i)), `seed ${seed}: here ${ran}, there ${there}`);
    assert.deepEqual([...new Set(ran)].sort((a, b) => a - b), [...Array(9).keys()]);
    assert.equal(here, 9);
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
  // Asked early, then given up (its own stages failed): the grant runs there.
  const gaveUp = [];
  const quitter = new Taker((m) => gaveUp.push(m));
  quitter.ask(7);
  quitter.note({ id: 7, grant: 0 });
  quitter.drop(7);
  quitter.note({ id: 7, grant: 1 });
  assert.deepEqual(gaveUp, [{ id: 7, want: true }, { id: 7, fit: 0, error: 'declined' }, { id: 7, fit: 1, error: 'declined' }]);
  // The segmentation's answer came (or it failed) before any grant: nothing runs here.
  const asked = [];
  const alone = new Taker((m) => asked.push(m));
  assert.equal(await alone.run(6, () => assert.fail('no job was dealt'), Promise.resolve()), 0);
  assert.deepEqual(asked, [{ id: 6, want: true }]);
});
