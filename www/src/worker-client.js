// The page's side of the worker protocol (docs/page.md): one worker per file read, requests
// matched to replies by id, progress forwarded. Cancel is terminating the worker.
export const client = {
  worker: null,
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
  client.worker = null;
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
  return w;
}

/** Sends a request to the worker; resolves with its reply, rejects with its error. */
export function call(msg, transfer = []) {
  const id = ++client.seq;
  return new Promise((resolve, reject) => {
    if (!client.worker) { reject({ code: 'no_analysis', message: 'no file is loaded' }); return; }
    client.pending.set(id, { resolve, reject });
    client.worker.postMessage({ ...msg, id }, transfer);
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
