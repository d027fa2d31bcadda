// The analysis runs here, off the main thread: the page never freezes, and Cancel is
// simply terminating this worker.
import init, { Dataset } from '../../pkg/crm_lens.js';
import wasmUrl from '../../pkg/crm_lens_bg.wasm?url';

let ready = null;
let dataset = null;

self.onmessage = async (ev) => {
  const msg = ev.data;
  try {
    const t0 = performance.now();
    ready ??= init({ module_or_path: wasmUrl });
    const wasm = await ready;
    const t1 = performance.now();
    if (msg.type === 'load') {
      self.postMessage({ type: 'progress', stage: 'parsing' });
      dataset?.free();
      dataset = null;
      dataset = new Dataset(new Uint8Array(msg.bytes), msg.options ?? {});
      const t2 = performance.now();
      self.postMessage({ type: 'progress', stage: 'analysing' });
      const report = dataset.analyze(msg.options ?? {});
      const t3 = performance.now();
      // Stage times for the benchmark harness (benches/chromium.mjs); the page ignores them.
      self.postMessage({
        type: 'timing', id: msg.id, initMs: t1 - t0, ingestMs: t2 - t1, analyzeMs: t3 - t2,
        wasmMemoryBytes: wasm.memory.buffer.byteLength,
      });
      self.postMessage({ type: 'report', id: msg.id, report });
    } else if (msg.type === 'analyze') {
      if (!dataset) throw { code: 'no_dataset', message: 'load a file first' };
      const report = dataset.analyze(msg.options ?? {});
      self.postMessage({ type: 'report', id: msg.id, report });
    }
  } catch (error) {
    self.postMessage({ type: 'error', id: msg.id, error: normaliseError(error) });
  }
};

function normaliseError(e) {
  if (e && typeof e === 'object' && 'code' in e) return { code: e.code, message: e.message, hint: e.hint };
  return { code: 'internal', message: String(e?.message ?? e) };
}
