// How big a file the tab can analyse, and what to do past that: the scale path (docs/scale.md).
// wasm32 gives the core at most 4 GiB of linear memory; a transaction log needs about 1.9× its
// size in wasm memory to read and ~200 bytes per line to analyse, so the tab fails around the
// size measured in docs/scale.md ("The page knows its limit"). A file above TAB_LIMIT_BYTES is
// refused before it is read (a minute of work that would end in an out-of-memory trap), and a
// trap or allocation failure near the limit gives the same error.

/** Largest transaction log the tab analyses (measured: docs/scale.md). */
export const TAB_LIMIT_BYTES = 800 * 1024 * 1024;

/** wasm memory above which a trap is taken for an allocation failure (max is 4 GiB). */
export const OOM_MEMORY_BYTES = 3 * 1024 ** 3;

/** The error for a file too big for the tab; `detail` says what was seen. */
export function tooBigForTab(detail) {
  return {
    code: 'too_big_for_tab',
    message: `too big for a browser tab (${detail})`,
    hint: 'summarise it per customer where it lives: crm-lens sql summary --engine duckdb|spark (docs/scale.md), then open the summary here with --summary ("Per-customer summary" ticked)',
  };
}

/** The error to show before reading `size` bytes, or null. Summaries are never refused here. */
export function preflight(size, ingest = {}) {
  if (ingest.summary || size <= TAB_LIMIT_BYTES) return null;
  const mb = (n) => `${Math.round(n / 2 ** 20)} MB`;
  return tooBigForTab(`${mb(size)}; the tab analyses logs up to ${mb(TAB_LIMIT_BYTES)}`);
}

/** An exception from the core or the engine as the page's error. */
export function fromException(e, wasmMemoryBytes = 0) {
  if (e && typeof e === 'object' && 'code' in e) return { code: e.code, message: e.message, hint: e.hint };
  const text = String(e?.message ?? e);
  // The core never panics on input; a trap with most of the 4 GiB in use is an allocation that
  // failed, and a RangeError is an ArrayBuffer the engine would not allocate.
  if (e instanceof RangeError || (e instanceof WebAssembly.RuntimeError && wasmMemoryBytes >= OOM_MEMORY_BYTES)) {
    return tooBigForTab(`${text}; wasm memory ${Math.round(wasmMemoryBytes / 2 ** 20)} MB`);
  }
  return { code: 'internal', message: text };
}
