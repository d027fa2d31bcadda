// The second worker: runs the k-means segmentation for the page's worker (worker.js) while
// that one fits the CLV models, so the two longest stages share a 2-core machine instead of
// queueing on one core. It keeps nothing between jobs: a job carries its columns and options
// (Dataset.segmentJob), the answer goes back to Dataset.provideSegments.
import init, { runSegments } from '../../pkg/crm_lens.js';
import wasmUrl from '../../pkg/crm_lens_bg.wasm?url';

let ready = null;

self.onmessage = async ({ data }) => {
  try {
    ready ??= init({ module_or_path: wasmUrl });
    await ready;
    const result = runSegments(data.job);
    self.postMessage({ id: data.id, result }, [result.cluster.buffer, result.x.buffer, result.y.buffer]);
  } catch (e) {
    self.postMessage({ id: data.id, error: String(e?.message ?? e?.code ?? e) });
  }
};
