// crm-lens: the npm package's entry point (copied into pkg/ by scripts/build.sh).
//
// The package holds two WebAssembly modules built from one crate: the core (crm_lens.js,
// every analysis; reads UTF-8 text) and the formats module (crm_lens_formats.js: legacy code
// pages such as GBK/GB18030 and Windows-1251, and .xlsx/.xls/.ods workbooks). A page pays for
// the formats module only when a file needs it: `openDataset` tries the core first and loads
// the formats module on the core's `needs_formats` answer.
import init, { Dataset } from './crm_lens.js';
import { columnsFromArrow, columnsFromRecords, wireInput } from './memory.js';

export * from './crm_lens.js';
export { columnsFromArrow, columnsFromRecords };
export default init;

let formats = null; // Promise of the initialised formats module, made on first need
let formatsWasm; // what its init receives; default: the .wasm next to crm_lens_formats.js

/** Where the formats module's .wasm is (a URL, Response, bytes or WebAssembly.Module, or a
 * function that returns one on first need), for bundlers that rename assets. Call before the
 * first `openDataset` that needs it. */
export function setFormatsWasm(input) {
  formatsWasm = input;
  formats = null;
}

function loadFormats() {
  formats ??= import('./crm_lens_formats.js').then(async (m) => {
    const input = typeof formatsWasm === 'function' ? formatsWasm() : formatsWasm;
    await m.default(input === undefined ? undefined : { module_or_path: input });
    return m;
  });
  formats.catch(() => { formats = null; });
  return formats;
}

/** Reads a file's bytes once into a `Dataset` (then `analyze(options)` as often as needed).
 * Rejects with `{ code, message, hint }`, as the core's errors are. */
export async function openDataset(bytes, options = {}) {
  try {
    return new Dataset(bytes, options);
  } catch (e) {
    if (e?.code !== 'needs_formats') throw e;
  }
  const f = await loadFormats();
  let decoded;
  try {
    decoded = f.decode(bytes, options);
  } catch (e) {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    // The module trapped (out of memory on a damaged workbook): its instance is unusable in
    // this realm, the core is unaffected. A page recovers by starting a fresh worker.
    throw {
      code: 'formats_failed',
      message: `the file could not be read: the formats module stopped (${e.message})`,
      hint: 'save the sheet as CSV (UTF-8) and load that',
    };
  }
  return Dataset.fromDecoded(decoded.bytes, decoded.info, options);
}

/** One call from file bytes to the Report. */
export async function analyzeFile(bytes, options = {}) {
  const ds = await openDataset(bytes, options);
  try {
    return ds.analyze(options);
  } finally {
    ds.free();
  }
}

/** Reads orders a program holds as columns ({ customer, date, amount, order?, quantity?,
 * unitPrice? }: arrays or typed arrays, one value per order), with a file's guarantees: every
 * value is used or counted in `ingest.rowsSkipped`. Rejects with `{ code, message, hint }`. */
export async function openColumns(columns, options = {}) {
  return Dataset.fromColumns(wireInput(columns), options);
}

/** Reads an array of objects; `mapping` names each role's field ({ customer: 'id', ... }). */
export async function openRecords(records, mapping, options = {}) {
  return Dataset.fromColumns(wireInput(columnsFromRecords(records, mapping)), options);
}

/** Reads an apache-arrow `Table` through its column vectors; `mapping` names the columns. */
export async function openArrow(table, mapping, options = {}) {
  return Dataset.fromColumns(wireInput(columnsFromArrow(table, mapping)), options);
}
