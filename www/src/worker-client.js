// The page's side of the worker protocol (docs/page.md): one worker per file read, requests
// matched to replies by id, progress forwarded. Cancel is terminating the worker.
//
// Each worker gets a sibling, the segment worker, which runs the k-means segmentation while the
// worker fits CLV; they talk over a MessageChannel, so neither waits for the other's thread to
// start up. Both receive the core module compiled once here: no compile per worker, and V8's
// optimised code for it is shared by every worker of the page.
import wasmUrl from '../../pkg/crm_lens_bg.wasm?url';

let compiled = null; // Promise<WebAssembly.Module | null>

function compileOnce() {
  compiled ??= WebAssembly.compileStreaming(fetch(wasmUrl)).catch(() => null);
  return compiled;
}

export const client = {
  worker: null,
  helper: null, // the segment worker
  ready: null, // resolves once both workers have their module and channel
  loaded: false, // the worker holds a Dataset of the current file
  reading: null, // the promise of a file read in flight
  seq: 0,
  pending: new Map(),
};

function rejectPending(error) {
  for (const p of client.pending.values()) p.reject(error);
  client.pending.clear();
}

/** Ends the worker (if any); pending requests fail with `cancelled`. */
export function stopWorker() {
  client.worker?.terminate();
  client.helper?.terminate();
  client.worker = null;
  client.helper = null;
  client.loaded = false;
  rejectPending({ code: 'cancelled' });
}

/** A fresh worker; `onProgress(stage)` gets its progress messages. */
export function startWorker(onProgress) {
  stopWorker();
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  w.onmessage = (ev) => {
    const m = ev.data;
    if (m.type === 'progress') return onProgress(m.stage);
    if (m.type === 'timing') return; // stage times for the benchmark harness, not a reply
    const p = client.pending.get(m.id);
    if (!p) return;
    client.pending.delete(m.id);
    if (m.type === 'error') p.reject(m.error);
    else p.resolve(m);
  };
  w.onerror = (e) => {
    e.preventDefault?.();
    rejectPending({ code: 'worker_crashed', message: String(e.message ?? '') });
    client.worker = null;
    client.loaded = false;
  };
  client.worker = w;
  const helper = new Worker(new URL('./segment-worker.js', import.meta.url), { type: 'module' });
  client.helper = helper;
  const channel = new MessageChannel();
  client.ready = compileOnce().then((module) => {
    w.postMessage({ type: 'init', module, port: channel.port1 }, [channel.port1]);
    helper.postMessage({ type: 'init', module, port: channel.port2 }, [channel.port2]);
  });
  return w;
}

/** Sends a request to the worker; resolves with its reply, rejects with its error. */
export async function call(msg, transfer = []) {
  const id = ++client.seq;
  const w = client.worker;
  if (!w) throw { code: 'no_analysis', message: 'no file is loaded' };
  await client.ready; // the init message goes first
  return new Promise((resolve, reject) => {
    // Ended (Cancel, a new file) while waiting: as for a request in flight when that happens.
    if (client.worker !== w) { reject({ code: 'cancelled' }); return; }
    client.pending.set(id, { resolve, reject });
    w.postMessage({ ...msg, id }, transfer);
  });
}

/** Waits for any file read in flight; true when the worker then holds the shown data. */
export async function settled() {
  for (let p = client.reading; p && !(client.loaded && client.worker); p = client.reading) {
    await p;
    if (client.reading === p) break;
  }
  return Boolean(client.loaded && client.worker);
}
