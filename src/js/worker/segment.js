// The segment worker: runs the k-means segmentation for its sibling, the analysis worker
// (engine.js), while that one fits the CLV models, so the two longest stages share a 2-core
// machine instead of queueing on one core. The client (index.js) hands both the compiled core
// module and the two ends of a MessageChannel. It keeps nothing between jobs: a job carries
// its columns and options (Dataset.segmentJob), the answer goes back to Dataset.provideSegments.
import init, { runSegments } from '../crm_lens.js';

self.onmessage = ({ data }) => {
  if (data.type !== 'init') return;
  const ready = init({ module_or_path: data.module });
  data.port.onmessage = async ({ data: msg }) => {
    try {
      await ready;
      const result = runSegments(msg.job);
      data.port.postMessage({ id: msg.id, result }, [result.cluster.buffer, result.x.buffer, result.y.buffer]);
    } catch (e) {
      data.port.postMessage({ id: msg.id, error: String(e?.message ?? e?.code ?? e) });
    }
  };
};
