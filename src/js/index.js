// crm-lens: the npm package's entry point (copied into pkg/ by scripts/build.sh).
//
// The package holds three WebAssembly modules built from one crate: the core (crm_lens.js:
// order logs in UTF-8 text, every analysis they get), the full module (crm_lens_full.js: the
// core's API plus per-customer summaries, survival tables and subscription lists, with the
// models only they run: BG/BB, sBG) and the formats
// module (crm_lens_formats.js: legacy code pages such as GBK/GB18030 and Windows-1251, and
// .xlsx/.xls/.ods workbooks). A page pays for the other two only when an input needs them:
// `openDataset` tries the core first, opens the input in the full module on the core's
// `needs_full` answer, and decodes the file with the formats module on a `needs_formats`
// answer. A Dataset of the full module has the core's methods and gives the same Report.
import init, * as core from './crm_lens.js';
import { columnsFromArrow, columnsFromRecords, wireInput, writeRecords } from './memory.js';

export * from './crm_lens.js';
export { columnsFromArrow, columnsFromRecords };
export default init;

/** A module loaded on first need: `import()` of its JS, then its init with the .wasm set by
 * `setWasm` (a URL, Response, bytes or WebAssembly.Module, or a function that returns one;
 * default: the .wasm next to its JS). A failed load is retried on the next need. */
function lazyModule(load) {
  let loaded = null;
  let wasm;
  return {
    exports: null, // the instance's exports once loaded (its `memory`)
    setWasm(input) { wasm = input; loaded = null; },
    get() {
      loaded ??= load().then(async (m) => {
        const input = typeof wasm === 'function' ? wasm() : wasm;
        this.exports = await m.default(input === undefined ? undefined : { module_or_path: input });
        return m;
      });
      loaded.catch(() => { loaded = null; });
      return loaded;
    },
  };
}

const formats = lazyModule(() => import('./crm_lens_formats.js'));
const full = lazyModule(() => import('./crm_lens_full.js'));

/** Where the formats module's .wasm is, for bundlers that rename assets. Call before the
 * first `openDataset` that needs it. */
export function setFormatsWasm(input) {
  formats.setWasm(input);
}

/** Where the full module's .wasm is (summaries, subscriptions), for bundlers that
 * rename assets. Call before the first open that needs it. */
export function setFullWasm(input) {
  full.setWasm(input);
}

/** The linear memory, in bytes, of the full module once it is loaded (0 before): a worker
 * judges a trap of a Dataset opened there by it, as it judges the core's by the core's. */
export function fullWasmMemoryBytes() {
  return full.exports?.memory.buffer.byteLength ?? 0;
}

/** `open(module)` with the core module, or with the full module when the core answers
 * `needs_full` (an input only the full module reads). */
async function inCoreOrFull(open) {
  try {
    return await open(core);
  } catch (e) {
    if (e?.code !== 'needs_full') throw e;
  }
  return open(await full.get());
}

/** Reads a file's bytes once into a `Dataset` (then `analyze(options)` as often as needed).
 * Rejects with `{ code, message, hint }`, as the core's errors are. */
export async function openDataset(bytes, options = {}) {
  return inCoreOrFull((m) => readFile(m.Dataset, bytes, options));
}

async function readFile(D, bytes, options) {
  try {
    return new D(bytes, options);
  } catch (e) {
    if (e?.code !== 'needs_formats') throw e;
  }
  const f = await formats.get();
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
  return D.fromDecoded(decoded.bytes, decoded.info, options);
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
  const wire = wireInput(columns);
  return inCoreOrFull((m) => m.Dataset.fromColumns(wire, options));
}

/** Reads an array of objects; `mapping` names each role's field ({ customer: 'id', ... }).
 * The fields are written straight into the module's memory (`writeRecords`), not into
 * `Columns` first: the same input, without the JS typed arrays and a copy of every byte. */
export async function openRecords(records, mapping, options = {}) {
  return inCoreOrFull((m) => {
    const writer = new m.ColumnsWriter('records', records?.length >>> 0);
    try {
      writeRecords(records, mapping, writer);
    } catch (e) {
      writer.free();
      throw e;
    }
    return m.Dataset.fromWriter(writer, options);
  });
}

/** Reads an apache-arrow `Table` through its column vectors; `mapping` names the columns. */
export async function openArrow(table, mapping, options = {}) {
  return openColumns(columnsFromArrow(table, mapping), options);
}
