// What an analyzer opens, as a recipe it can run again: after a cancel the analyzer re-reads
// the source of the shown analysis into fresh workers (index.js, restore). The analyzer keeps
// a reference to what it was given, never a second copy of it.
const unsupported = (what) => ({
  code: 'unsupported', message: `this build of crm-lens has no ${what}`, hint: 'update the crm-lens package',
});

/**
 * `key` is the object the caller passed (the same object opened again with other options is
 * the same source); `make()` gives the worker's open message and the buffers to transfer.
 */
export function sourceOf(kind, data, mapping, convert) {
  if (kind === 'bytes') return { key: data, make: () => bytesMessage(data) };
  if (kind === 'columns') return { key: data, make: async () => ({ message: { columns: data }, transfer: [] }) };
  return {
    key: data,
    make: async () => {
      if (typeof convert !== 'function') throw unsupported(kind === 'arrow' ? 'columnsFromArrow' : 'columnsFromRecords');
      const columns = convert(data, mapping);
      // Only buffers the conversion made are transferred: a typed array that is a view of the
      // caller's data (an Arrow column's values) is copied by postMessage instead.
      const foreign = kind === 'arrow' ? arrowBuffers(data) : new Set();
      return { message: { columns }, transfer: ownedBuffers(columns, foreign) };
    },
  };
}

async function bytesMessage(file) {
  let bytes;
  if (typeof Blob !== 'undefined' && file instanceof Blob) bytes = await file.arrayBuffer();
  else if (file instanceof ArrayBuffer) bytes = file.slice(0);
  else if (ArrayBuffer.isView(file)) bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength).slice().buffer;
  else throw { code: 'invalid_option', message: 'open() takes a Blob, File, ArrayBuffer or Uint8Array', hint: 'for data in memory use openColumns, openRecords or openArrow' };
  return { message: { bytes }, transfer: [bytes] };
}

function ownedBuffers(columns, foreign) {
  const out = new Set();
  for (const v of [...Object.values(columns ?? {}), ...Object.values(columns?.covariates ?? {})]) {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && !foreign.has(v.buffer)) out.add(v.buffer);
  }
  return [...out];
}

/** Every ArrayBuffer an apache-arrow Table's column data lives in. */
function arrowBuffers(table) {
  const seen = new Set();
  const visit = (data) => {
    if (!data || typeof data !== 'object') return;
    for (const k of ['values', 'valueOffsets', 'nullBitmap', 'typeIds']) {
      const a = data[k];
      if (ArrayBuffer.isView(a)) seen.add(a.buffer);
    }
    for (const c of data.children ?? []) visit(c);
    for (const d of data.dictionary?.data ?? []) visit(d);
  };
  for (const d of table?.data ?? []) visit(d);
  return seen;
}
