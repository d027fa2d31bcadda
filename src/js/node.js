// The package's entry point under Node (the `node` condition of the exports map): the core
// module is instantiated from the file next to this one with `initSync`, so a Node ESM
// script imports and calls without `init()` and without fetching. The full and formats
// modules' bytes are read on their first use, as in the browser.
import { readFileSync } from 'node:fs';
import { initSync } from './crm_lens.js';
import { setFormatsWasm, setFullWasm } from './index.js';

const file = (name) => () => readFileSync(new URL(name, import.meta.url));
initSync({ module: file('./crm_lens_bg.wasm')() });
setFormatsWasm(file('./crm_lens_formats_bg.wasm'));
setFullWasm(file('./crm_lens_full_bg.wasm'));

export * from './index.js';
export { default } from './index.js';
