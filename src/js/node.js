// The package's entry point under Node (the `node` condition of the exports map): the core
// module is instantiated from the file next to this one with `initSync`, so a Node ESM
// script imports and calls without `init()` and without fetching. The formats module's
// bytes are read on its first use, as in the browser.
import { readFileSync } from 'node:fs';
import { initSync } from './crm_lens.js';
import { setFormatsWasm } from './index.js';

initSync({ module: readFileSync(new URL('./crm_lens_bg.wasm', import.meta.url)) });
setFormatsWasm(() => readFileSync(new URL('./crm_lens_formats_bg.wasm', import.meta.url)));

export * from './index.js';
export { default } from './index.js';
