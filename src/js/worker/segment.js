// The segment worker: runs the k-means segmentation for its sibling, the analysis worker
// (engine.js), while that one fits the CLV models, so the two longest stages share a 2-core
// machine instead of queueing on one core; then, on large data, its share of CLV's bootstrap.
// The client (index.js) hands both the compiled core module and the two ends of a
// MessageChannel. It keeps nothing between jobs: a job carries its inputs ({job}:
// Dataset.segmentJob's columns and options; {intervals}: Dataset.intervalJob's bytes), the
// answer goes back to Dataset.provideSegments or Dataset.provideIntervals.
import init, { runIntervals, runSegments } from '../crm_lens.js';

self.onmessage = ({ data }) => {
  if (data.type !== 'init') return;
  const ready = init({ module_or_path: data.module });
  data.port.onmessage = async ({ data: msg }) => {
    try {
      await ready;
      // `ms`: how long the job ran here, for the analysis worker's timing (the critical path).
      const t0 = performance.now();
      if (msg.intervals) {
        const result = runIntervals(msg.intervals);
        data.port.postMessage({ id: msg.id, result, ms: performance.now() - t0 }, [result.buffer]);
        return;
      }
      const result = runSegments(msg.job);
      data.port.postMessage({ id: msg.id, result, ms: performance.now() - t0 }, [result.cluster.buffer, result.x.buffer, result.y.buffer]);
    } catch (e) {
      data.port.postMessage({ id: msg.id, error: String(e?.message ?? e?.code ?? e) });
    }
  };
};
