// How big a file the tab can analyse, and what to do past that: the scale path (docs/scale.md).
// wasm32 gives the core at most 4 GiB of linear memory, and the page's analysis in Chromium
// fills it at about 6× the log's size (~245 bytes a line): measured in headless Chromium, a
// 648 MB log (16M lines) completes at 3.64 GiB of wasm memory and an 810 MB one (20M lines)
// traps (docs/scale.md, "The page knows its limit"). A file above TAB_LIMIT_BYTES is
// refused before it is read (minutes of work that would end in an out-of-memory trap); a
// trap near 4 GiB gives the same error from the analyzer (src/js/worker/engine.js).

/** Largest transaction log the tab analyses (measured in Chromium: docs/scale.md). */
export const TAB_LIMIT_BYTES = 620 * 1024 * 1024;

/** The error for a file too big for the tab; `detail` says what was seen. */
export function tooBigForTab(detail) {
  return {
    code: 'too_big_for_tab',
    message: `too big for a browser tab (${detail})`,
    hint: 'summarise it per customer where it lives: crm-lens sql summary --engine duckdb|spark (docs/scale.md), then open the summary here with "Per-customer summary" ticked',
  };
}

/** The error to show before reading `size` bytes, or null. Summaries are never refused here. */
export function preflight(size, ingest = {}) {
  if (ingest.summary || size <= TAB_LIMIT_BYTES) return null;
  const mb = (n) => `${Math.round(n / 2 ** 20)} MB`;
  return tooBigForTab(`${mb(size)}; the tab analyses logs up to ${mb(TAB_LIMIT_BYTES)}`);
}
