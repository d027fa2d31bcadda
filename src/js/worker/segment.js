// The segment worker: runs the k-means segmentation for its sibling, the analysis worker
// (engine.js), while that one fits the CLV models, so the two longest stages share a 2-core
// machine instead of queueing on one core; then, on large data, blocks of CLV's bootstrap.
// The client (index.js) hands both the compiled core module and the two ends of a
// MessageChannel. It keeps nothing between jobs: a job carries its inputs ({job}:
// Dataset.segmentJob's columns and options; {intervals}: Dataset.intervalJob's bytes), the
// answer goes back to Dataset.provideSegments or Dataset.provideIntervals.
//
// The segmentation's k-means jobs (one per k of the scan, `SegmentScan`) are shared: this
// worker runs them from the largest k down and deals the smallest ones out to the analysis
// worker when it asks, once its own stages are done (kmeans-deal.js: no job runs twice); it
// combines the answers in job order, never arrival order, so the segmentation is the same
// bits whoever ran which job.
//
// The bootstrap's blocks are shared too (`IntervalRun`): this worker runs them from the last
// down ({id, startedBlock: b}), the analysis worker from the first up ({id, claimBlock: b},
// Dataset.runIntervalBlock), each block in its own Dataset's memo or this worker's answer;
// whichever ran a block, it is the same bits.
import init, { IntervalRun, SegmentScan } from '../crm_lens.js';
import { Dealer } from './kmeans-deal.js';
import { turn } from './turn.js';

let dealer = null;

// The bootstrap blocks the analysis worker claimed, by interval job id (the same rules).
const blockClaims = new Map();
let finishedIntervals = 0;
function claimedBlocks(id) {
  if (!blockClaims.has(id)) blockClaims.set(id, new Set());
  return blockClaims.get(id);
}

self.onmessage = ({ data }) => {
  if (data.type !== 'init') return;
  const ready = init({ module_or_path: data.module });
  const port = data.port;
  dealer = new Dealer((msg) => port.postMessage(msg));
  // Jobs one after another (k-means before the bootstrap share); the analysis worker's
  // requests and answers on a scan at once.
  let queue = Promise.resolve();
  port.onmessage = ({ data: msg }) => {
    if (msg.claimBlock != null) {
      if (msg.id > finishedIntervals) claimedBlocks(msg.id).add(msg.claimBlock);
    } else if (msg.want != null || msg.fit != null) dealer.note(msg);
    else queue = queue.then(() => handle(port, ready, msg));
  };
};

async function handle(port, ready, msg) {
  try {
    await ready;
    // `ms`: how long the job ran here, for the analysis worker's timing (the critical path).
    const t0 = performance.now();
    if (msg.intervals) {
      const { result, here } = await intervals(port, msg);
      port.postMessage({ id: msg.id, result, ms: performance.now() - t0, here }, [result.buffer]);
      return;
    }
    const { result, here } = await segment(msg);
    port.postMessage({ id: msg.id, result, ms: performance.now() - t0, here }, [result.cluster.buffer, result.x.buffer, result.y.buffer]);
  } catch (e) {
    port.postMessage({ id: msg.id, error: String(e?.message ?? e?.code ?? e) });
  } finally {
    if (msg.job) dealer.end(msg.id);
  }
}

/** The blocks of the interval job `msg.intervals` the analysis worker has not claimed, from
 * the last down; the answer holds those run here (`here`: how many). */
async function intervals(port, msg) {
  let run;
  try {
    run = new IntervalRun(msg.intervals);
    const claimed = claimedBlocks(msg.id);
    let here = 0;
    for (let b = run.end() - 1; b >= run.first(); b--) {
      await turn();
      // The analysis worker takes them from the first up: the ones below are its too.
      if (claimed.has(b)) break;
      port.postMessage({ id: msg.id, startedBlock: b });
      run.runBlock(b);
      here++;
    }
    return { result: run.answer(), here };
  } finally {
    finishedIntervals = Math.max(finishedIntervals, msg.id);
    blockClaims.delete(msg.id);
    run?.free();
  }
}

/** The segmentation of `msg.job`, its k-means jobs shared; `here`: the jobs run here. */
async function segment(msg) {
  const scan = new SegmentScan(msg.job);
  try {
    const { fits, here } = await dealer.run(msg.id, scan.jobs(), (i) => scan.runJob(i));
    return { result: scan.finish(fits), here };
  } finally {
    scan.free();
  }
}
