// The segment worker: runs the k-means segmentation for its sibling, the analysis worker
// (engine.js), while that one fits the CLV models, so the two longest stages share a 2-core
// machine instead of queueing on one core; then, on large data, its share of CLV's bootstrap.
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
import init, { runIntervals, SegmentScan } from '../crm_lens.js';
import { turn } from './turn.js';

// The k-means scans running here, by job id: what the analysis worker claimed and answered.
const scans = new Map();

self.onmessage = ({ data }) => {
  if (data.type !== 'init') return;
  const ready = init({ module_or_path: data.module });
  const port = data.port;
  // Jobs one after another (k-means before the bootstrap share); notes on a scan at once.
  let queue = Promise.resolve();
  port.onmessage = ({ data: msg }) => {
    if (msg.claim != null || msg.fit != null) note(msg);
    else queue = queue.then(() => handle(port, ready, msg));
  };
};

async function handle(port, ready, msg) {
  try {
    await ready;
    // `ms`: how long the job ran here, for the analysis worker's timing (the critical path).
    const t0 = performance.now();
    if (msg.intervals) {
      const result = runIntervals(msg.intervals);
      port.postMessage({ id: msg.id, result, ms: performance.now() - t0 }, [result.buffer]);
      return;
    }
    const { result, here } = await segment(port, msg);
    port.postMessage({ id: msg.id, result, ms: performance.now() - t0, here }, [result.cluster.buffer, result.x.buffer, result.y.buffer]);
  } catch (e) {
    port.postMessage({ id: msg.id, error: String(e?.message ?? e?.code ?? e) });
  }
}

/** A note of the analysis worker on scan `msg.id`: a job it claimed, or its answer. */
function note(msg) {
  const s = scans.get(msg.id);
  if (!s) return;
  if (msg.claim != null) s.claimed.add(msg.claim);
  else if (msg.bytes) s.fits[msg.fit] ??= msg.bytes;
  else s.failed.add(msg.fit);
  s.wake?.();
}

/** The segmentation of `msg.job`, its k-means jobs shared; `here`: the jobs run here. */
async function segment(port, msg) {
  const scan = new SegmentScan(msg.job);
  const n = scan.jobs();
  const s = { claimed: new Set(), failed: new Set(), fits: new Array(n), wake: null };
  scans.set(msg.id, s);
  try {
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
    return { result: scan.finish(s.fits), here };
  } finally {
    scans.delete(msg.id);
    scan.free();
  }
}
