// The segment worker: runs the k-means segmentation for its sibling, the analysis worker
// (engine.js), while that one fits the CLV models, so the two longest stages share a 2-core
// machine instead of queueing on one core; then, on large data, blocks of CLV's bootstrap.
// The client (index.js) hands both the compiled core module and the two ends of a
// MessageChannel. It keeps nothing between jobs: a job carries its inputs ({job}:
// Dataset.segmentJob's columns and options; {intervals}: Dataset.intervalJob's bytes), the
// answer goes back to Dataset.provideSegments or Dataset.provideIntervals.
//
// The segmentation's k-means jobs (one per k of the scan, `SegmentScan`) are shared: this
// worker runs them from the largest k down and says so ({id, started: i, of}); the analysis
// worker, once its own stages are done, takes them from the smallest k up ({id, claim: i},
// then {id, fit: i, bytes} or {id, fit: i, error}). Between two jobs this worker reads those
// notes and skips what was claimed; at the end it waits for the claimed jobs' answers (a
// failed one runs here) and combines the answers in job order, never arrival order: the
// segmentation is the same bits whoever ran which job.
//
// The bootstrap's blocks are shared the same way (`IntervalRun`): this worker runs them from
// the last down ({id, startedBlock: b}), the analysis worker from the first up
// ({id, claimBlock: b}, Dataset.runIntervalBlock), each block in its own Dataset's memo or
// this worker's answer; whichever ran a block, it is the same bits.
import init, { IntervalRun, SegmentScan } from '../crm_lens.js';
import { turn } from './turn.js';

// What the analysis worker claimed and answered, by scan (job id): kept from its first note,
// which may come before this worker has begun the scan; ids only grow, so a note for a scan
// already finished (a job both ran) is dropped.
const scans = new Map();
let finished = 0;
function notes(id) {
  if (!scans.has(id)) scans.set(id, { claimed: new Set(), failed: new Set(), fits: [], wake: null });
  return scans.get(id);
}

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
  // Jobs one after another (k-means before the bootstrap share); notes on a scan at once.
  let queue = Promise.resolve();
  port.onmessage = ({ data: msg }) => {
    if (msg.claimBlock != null) {
      if (msg.id > finishedIntervals) claimedBlocks(msg.id).add(msg.claimBlock);
    } else if (msg.claim != null || msg.fit != null) note(msg);
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
    const { result, here } = await segment(port, msg);
    port.postMessage({ id: msg.id, result, ms: performance.now() - t0, here }, [result.cluster.buffer, result.x.buffer, result.y.buffer]);
  } catch (e) {
    port.postMessage({ id: msg.id, error: String(e?.message ?? e?.code ?? e) });
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

/** A note of the analysis worker on scan `msg.id`: a job it claimed, or its answer. */
function note(msg) {
  if (msg.id <= finished) return;
  const s = notes(msg.id);
  if (msg.claim != null) s.claimed.add(msg.claim);
  else if (msg.bytes) s.fits[msg.fit] ??= msg.bytes;
  else s.failed.add(msg.fit);
  s.wake?.();
}

/** The segmentation of `msg.job`, its k-means jobs shared; `here`: the jobs run here. */
async function segment(port, msg) {
  let scan;
  try {
    scan = new SegmentScan(msg.job);
    const n = scan.jobs();
    const s = notes(msg.id);
    let here = 0;
    for (let i = n - 1; i >= 0; i--) {
      await turn();
      if (s.claimed.has(i)) continue;
      port.postMessage({ id: msg.id, started: i, of: n });
      s.fits[i] = scan.runJob(i);
      here++;
    }
    for (let i = 0; i < n; i++) {
      while (!s.fits[i]) {
        if (s.failed.has(i)) {
          s.fits[i] = scan.runJob(i);
          here++;
        } else await new Promise((resolve) => { s.wake = resolve; });
      }
    }
    return { result: scan.finish(s.fits.slice(0, n)), here };
  } finally {
    finished = Math.max(finished, msg.id);
    scans.delete(msg.id);
    scan?.free();
  }
}
