// Orders from memory: records and Arrow tables become Columns (plain arrays and typed arrays,
// structured-clone friendly, so a page can post them to a worker), and Columns become the
// core's input for `Dataset.fromColumns` (src/wasm/memory.rs describes it). Pure JS: no
// Arrow code here is more than reading a table's vectors, and apache-arrow is never imported.

/** The roles a column can have, in the order the core reports them. */
export const ROLES = ['customer', 'date', 'amount', 'order', 'quantity', 'unitPrice'];

// Per-row kind codes of a mixed column (ingest::KIND_* in src/ingest/memory/cells.rs).
const TEXT = 0;
const NUMBER = 1;
const NULL = 2;
const UNDEFINED = 3;
const OTHER = 4;

const NUMERIC = new Set(['amount', 'quantity', 'unitPrice']);

function invalid(message, hint) {
  return { code: 'invalid_columns', message, hint };
}

function checkMapping(mapping, what) {
  if (mapping === null || typeof mapping !== 'object') {
    throw invalid(`${what}: the mapping must be an object such as { customer: 'id', date: 'day', amount: 'total' }`,
      'name the field (or Arrow column) of each role: customer, date, amount (or quantity and unitPrice), order');
  }
  for (const [role, field] of Object.entries(mapping)) {
    if (role === 'covariates') {
      if (field !== undefined && !(Array.isArray(field) && field.every((f) => typeof f === 'string'))) {
        throw invalid(`${what}: mapping.covariates must be an array of field names`, "e.g. { covariates: ['channel', 'country'] }");
      }
      continue;
    }
    if (!ROLES.includes(role)) {
      throw invalid(`${what}: unknown role "${role}" in the mapping`, `the roles are ${ROLES.join(', ')}`);
    }
    if (field !== undefined && typeof field !== 'string') {
      throw invalid(`${what}: mapping.${role} must be a field name (a string)`, `e.g. { ${role}: '${role}' }`);
    }
  }
  for (const role of ['customer', 'date']) {
    if (!mapping[role]) {
      throw invalid(`${what}: the mapping has no ${role} field`, `add ${role}: '<field name>' to the mapping`);
    }
  }
}

/**
 * Columns from an array of objects: `mapping` names each role's field. Pure JS; a page calls
 * it on the main thread and posts the result to the worker that opens it.
 *
 * Each field is read in a pass of its own (`readField`), which writes its values where the
 * core takes them from: a field of strings as UTF-8 bytes + offsets (a `TextColumn`), a field
 * of numbers (or of valid `Date`s, as epoch milliseconds) into a `Float64Array`; no array of
 * a million values is built in between. A field whose values are of several kinds becomes a
 * plain array of its values, converted as `openColumns` converts arrays. (One pass per field,
 * its property read always of one name, measured 2-4x faster than one pass reading every
 * field of a record: docs/performance.md.)
 */
export function columnsFromRecords(records, mapping) {
  const columns = { source: 'records', names: {} };
  const covariates = mapping?.covariates ?? [];
  if (covariates.length) columns.covariates = {};
  readRecords(records, mapping, 'columnsFromRecords', arraySink, (role, field, read) => {
    const column = read[read.kind];
    if (role === 'covariates') {
      columns.covariates[field] = column;
      return;
    }
    columns[role] = column;
    columns.names[role] = field;
  });
  return columns;
}

/**
 * The records written straight into the core's memory (a `ColumnsWriter` of its module):
 * what `openRecords` does, with no JS typed array and no second copy of the bytes (see
 * src/wasm/columns_writer.rs). A field of several kinds crosses as `wireInput` writes it.
 */
export function writeRecords(records, mapping, writer) {
  readRecords(records, mapping, 'openRecords', wasmSink(writer), (role, field, read) => {
    if (read.kind === 'text') writer.endText(role, field, read.used);
    else if (read.kind === 'numbers') writer.endNumbers(role, field);
    else writer.addColumn(role, wireColumn(read.values, role, field));
  });
}

/** Reads each field of `mapping` (the roles', then the covariates') in a pass of its own
 * into `sink`, and hands each to `put(role, field, read)`. */
function readRecords(records, mapping, what, sink, put) {
  checkMapping(mapping, what);
  if (records === null || typeof records !== 'object' || typeof records.length !== 'number') {
    throw invalid(`${what}: the records must be an array of objects`, 'pass an array such as [{ id: "c1", day: "2024-03-05", total: 12.5 }]');
  }
  const covariates = mapping.covariates ?? [];
  const fields = [...ROLES.filter((role) => mapping[role]).map((role) => [role, mapping[role]]),
    ...covariates.map((field) => ['covariates', field])];
  for (const [role, field] of fields) {
    const read = readField(records, field, role !== 'customer' && role !== 'order', role === 'date', sink);
    if (records.length > 0 && !read.seen) {
      const first = records.find((r) => r !== null && typeof r === 'object');
      throw invalid(`no record has the field "${field}" (mapping.${role})`,
        `the first record's fields are: ${first ? Object.keys(first).join(', ') : 'none'}`);
    }
    put(role, field, read);
  }
}

/** Where `readField` writes: fresh JS typed arrays (the `Columns` a page posts). */
const arraySink = {
  text: (n, size) => new Utf8Writer(n, size),
  numbers: (n) => new Float64Array(n),
};

/** Where `readField` writes for `writeRecords`: the writer's buffers in the wasm memory. A
 * view detaches when that memory grows, so each is taken after the call that may grow it. */
function wasmSink(writer) {
  return {
    text: (n, size) => new Utf8Writer(n, size, writer),
    numbers: () => writer.beginNumbers(),
  };
}

/** The value of `field` in record `r` (undefined for a null or missing record). */
const valueOf = (r, field) => (r === null || r === undefined ? undefined : r[field]);

/**
 * One field of every record (`read[read.kind]` is its column): `{ kind: 'text', text, used }` when every value is a string
 * (`text`: a TextColumn, `used`: its bytes), `{ kind: 'numbers', numbers }` when every value
 * is a number (and `numeric`: ids given as numbers are read as their text, by wireColumn) or
 * (`date`) a valid Date, else `{ kind: 'values', values }`, an Array of the values. `seen`:
 * some record has the field.
 */
function readField(records, field, numeric, date, sink) {
  const n = records.length;
  const first = n > 0 ? valueOf(records[0], field) : undefined;
  if (typeof first === 'string') {
    const text = sink.text(n, Math.ceil((first.length + 1) * n * 1.1) + 64);
    let i = 0;
    for (; i < n; i++) {
      const v = valueOf(records[i], field);
      if (typeof v !== 'string') break;
      text.push(v);
    }
    if (i === n) return { kind: 'text', text: text.done(), used: text.at, seen: true };
  } else if ((typeof first === 'number' && numeric) || (date && isDate(first))) {
    const numbers = sink.numbers(n);
    let i = 0;
    if (typeof first === 'number') {
      for (; i < n; i++) {
        const v = valueOf(records[i], field);
        if (typeof v !== 'number') break;
        numbers[i] = v;
      }
    } else {
      // Dates as epoch milliseconds; an invalid Date goes the way of mixed values (a skip
      // with its text).
      for (; i < n; i++) {
        const v = valueOf(records[i], field);
        const ms = v instanceof Date ? v.getTime() : NaN;
        if (Number.isNaN(ms)) break;
        numbers[i] = ms;
      }
    }
    if (i === n) return { kind: 'numbers', numbers: attached(numbers, n), seen: true };
  }
  // Values of several kinds (or none): the field as a plain array.
  const values = [];
  let seen = false;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const v = valueOf(r, field);
    values.push(v);
    if (!seen) seen = v !== undefined || (r !== null && typeof r === 'object' && field in r);
  }
  return { kind: 'values', values, seen };
}

/** `view`, checked to be still attached: a write into a view of a wasm memory that grew
 * meanwhile would be lost without a word. */
function attached(view, n) {
  if (n > 0 && view.length === 0) {
    throw { code: 'internal', message: 'a column was lost while it was written into the engine', hint: 'report this as a bug' };
  }
  return view;
}

// Arrow type ids (the Arrow format's Type enum; stable across apache-arrow versions).
const ARROW_INT = 2;
const ARROW_FLOAT = 3;
const ARROW_UTF8 = 5;
const ARROW_DECIMAL = 7;

/** An Arrow string vector as a TextColumn: its chunks' UTF-8 bytes and offsets copied into
 * one buffer each, without a JS string per value (and without decoding them at all). */
function arrowText(vector) {
  const n = vector.length;
  let total = 0;
  for (const d of vector.data) total += d.valueOffsets[d.offset + d.length] - d.valueOffsets[d.offset];
  const utf8 = new Uint8Array(total);
  const offsets = new Uint32Array(n + 1);
  const nulls = vector.nullCount > 0 ? new Uint8Array(n) : undefined;
  let row = 0;
  let at = 0;
  for (const d of vector.data) {
    const o = d.valueOffsets;
    const first = o[d.offset];
    const last = o[d.offset + d.length];
    utf8.set(d.values.subarray(first, last), at);
    const shift = at - first;
    const bitmap = nulls && d.nullBitmap && d.nullBitmap.length > 0 ? d.nullBitmap : null;
    for (let j = 0; j < d.length; j++, row++) {
      offsets[row + 1] = o[d.offset + j + 1] + shift;
      if (bitmap) {
        const bit = d.offset + j;
        if (!(bitmap[bit >> 3] & (1 << (bit & 7)))) nulls[row] = 1;
      }
    }
    at += last - first;
  }
  if (row !== n) return null;
  return nulls ? { utf8, offsets, nulls } : { utf8, offsets };
}

/** One Arrow vector as a column: typed arrays where the values allow, else plain values. */
function arrowValues(vector, role) {
  const type = vector.type;
  if (type.typeId === ARROW_DECIMAL) {
    // Values are unscaled integers (e.g. cents); their text is exact.
    const scale = 10 ** type.scale;
    return Array.from(vector, (v) => (v === null ? null : Number(String(v)) / scale));
  }
  if (type.typeId === ARROW_UTF8) {
    const text = arrowText(vector);
    if (text) return text;
  }
  const numeric = type.typeId === ARROW_FLOAT || (type.typeId === ARROW_INT && type.bitWidth <= 32);
  if (numeric && vector.nullCount === 0 && (NUMERIC.has(role) || role === 'date' || role === 'covariates')) {
    return Float64Array.from(vector.toArray());
  }
  // get(): strings (dictionaries decoded), numbers, bigints, dates and timestamps as epoch
  // milliseconds, null for a null.
  return Array.from(vector);
}

/** Columns from an apache-arrow `Table` (e.g. a DuckDB-wasm query result), read through its
 * column vectors; `mapping` names each role's column. */
export function columnsFromArrow(table, mapping) {
  checkMapping(mapping, 'columnsFromArrow');
  if (table === null || typeof table !== 'object' || typeof table.getChild !== 'function') {
    throw invalid('columnsFromArrow: expected an apache-arrow Table', 'pass the Table itself (e.g. the result of a DuckDB-wasm query)');
  }
  const columns = { source: 'arrow', names: {} };
  const vector = (field, role) => {
    const v = table.getChild(field);
    if (!v) {
      const names = table.schema?.fields?.map((f) => f.name).join(', ') ?? '?';
      throw invalid(`the Arrow table has no column "${field}" (mapping.${role})`, `its columns are: ${names}`);
    }
    return arrowValues(v, role);
  };
  for (const role of ROLES) {
    const field = mapping[role];
    if (!field) continue;
    columns[role] = vector(field, role);
    columns.names[role] = field;
  }
  if (mapping.covariates?.length) {
    columns.covariates = {};
    for (const field of mapping.covariates) columns.covariates[field] = vector(field, 'covariates');
  }
  return columns;
}

function text(value) {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

const isDate = (v) => v instanceof Date || Object.prototype.toString.call(v) === '[object Date]';

/** A column of the core's input (src/wasm/memory.rs). */
function wireColumn(values, role, name) {
  const ids = role === 'customer' || role === 'order';
  if (values instanceof Float64Array && !ids) return { name, numbers: values };
  if (values instanceof Int32Array && role === 'date') return { name, days: values };
  if (isTextColumn(values)) return textColumn(values, name);
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw invalid(`column ${role} must be an array or a typed array`, `e.g. ${role}: [...] with one value per order`);
  }
  const n = values.length;
  // The common cases without a per-value kind: all strings, or (amounts, dates) all numbers.
  let i = 0;
  while (i < n && typeof values[i] === 'string') i++;
  if (i === n) return { name, ...(coded(values) ?? utf8Text(values)) };
  if (!ids) {
    i = 0;
    while (i < n && typeof values[i] === 'number') i++;
    if (i === n) return { name, numbers: Float64Array.from(values) };
  }
  const kinds = new Uint8Array(n);
  const numbers = new Float64Array(n);
  const texts = new Array(n);
  let mask = 0; // which kinds occur, one bit each
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let k = OTHER;
    let t = '';
    if (typeof v === 'string') {
      k = TEXT;
      t = v;
    } else if (typeof v === 'number') {
      // Ids as their text (what a file holds); NaN and ±Infinity are no id.
      if (!ids) {
        k = NUMBER;
        numbers[i] = v;
      } else {
        k = Number.isFinite(v) ? TEXT : OTHER;
        t = String(v);
      }
    } else if (v === null) {
      k = NULL;
    } else if (v === undefined) {
      k = UNDEFINED;
    } else if (typeof v === 'bigint') {
      if (ids) {
        k = TEXT;
        t = String(v);
      } else {
        k = NUMBER;
        numbers[i] = Number(v);
      }
    } else if (role === 'date' && isDate(v)) {
      const ms = v.getTime();
      if (Number.isNaN(ms)) {
        t = 'Invalid Date';
      } else {
        k = NUMBER;
        numbers[i] = ms;
      }
    } else {
      t = text(v);
    }
    kinds[i] = k;
    texts[i] = t;
    mask |= 1 << k;
  }
  if (mask === 1 << TEXT) return { name, ...utf8Text(texts) };
  if (mask === 1 << NUMBER) return { name, numbers };
  const column = { name, kinds };
  if (mask & (1 << NUMBER)) column.numbers = numbers;
  if (mask & ((1 << TEXT) | (1 << OTHER))) Object.assign(column, utf8Text(texts));
  return column;
}

const encoder = new TextEncoder();
const MAX_TEXT = 0xffff_ffff; // offsets are u32

/** Strings as the core takes them: their UTF-8 bytes back to back and n + 1 offsets (string
 * `i` is `utf8[offsets[i]..offsets[i + 1]]`). Neither a joined JS string nor one per value
 * crosses into the core: the bytes are copied into it once. */
function utf8Text(strings) {
  const n = strings.length;
  let sample = 0;
  const probe = Math.min(n, 1024);
  for (let i = 0; i < probe; i++) sample += strings[i].length;
  const w = new Utf8Writer(n, Math.ceil(((sample + 1) / (probe + 1)) * n * 1.1) + 64);
  for (let i = 0; i < n; i++) w.push(strings[i]);
  return w.done();
}

/** Appends strings as UTF-8: ASCII written directly, only a string with other characters
 * through TextEncoder. `size` is the first guess of the bytes (grown as needed). With a
 * `ColumnsWriter`, into its buffers in the wasm memory, else into JS typed arrays. */
class Utf8Writer {
  constructor(n, size, writer) {
    this.writer = writer;
    this.n = n;
    this.bytes = writer ? writer.beginText(Math.min(MAX_TEXT, size)) : new Uint8Array(size);
    this.offsets = writer ? writer.textOffsets() : new Uint32Array(n + 1);
    this.at = 0; // bytes written
    this.count = 0; // strings written
  }

  push(s) {
    const len = s.length;
    let p = this.at;
    if (p + 3 * len > this.bytes.length) this.grow(p + 3 * len);
    const utf8 = this.bytes;
    let j = 0;
    for (; j < len; j++) {
      const c = s.charCodeAt(j);
      if (c > 0x7f) break;
      utf8[p + j] = c;
    }
    p += j < len ? j + encoder.encodeInto(s.slice(j), utf8.subarray(p + j)).written : len;
    this.at = p;
    this.offsets[++this.count] = p;
  }

  grow(need) {
    if (!this.writer) {
      this.bytes = grown(this.bytes, this.at, need);
      return;
    }
    checkSize(need);
    this.bytes = this.writer.growText(Math.min(MAX_TEXT, Math.max(need, this.bytes.length * 2)));
    this.offsets = this.writer.textOffsets();
  }

  /** The TextColumn written. */
  done() {
    attached(this.offsets, this.n + 1);
    return { utf8: this.bytes.subarray(0, this.at), offsets: this.offsets };
  }
}

function checkSize(need) {
  if (need > MAX_TEXT) {
    throw { code: 'input_too_large', message: 'a text column holds more than 4 GiB', hint: 'analyse the orders in parts, or pass ids as numbers' };
  }
}

function grown(bytes, used, need) {
  checkSize(need);
  const next = new Uint8Array(Math.min(MAX_TEXT, Math.max(need, bytes.length * 2)));
  next.set(bytes.subarray(0, used));
  return next;
}

/** Strings of few distinct values (dates, channels) as those values and a code per row:
 * each distinct string crosses (and is parsed) once. null when the first rows show many. */
function coded(strings) {
  const n = strings.length;
  const probe = Math.min(n, 4096);
  if (new Set(Array.prototype.slice.call(strings, 0, probe)).size > probe / 8) return null;
  const index = new Map();
  const values = [];
  const codes = new Uint32Array(n);
  // Exports sorted by date repeat a value row after row: no lookup for those.
  let last = null;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const s = strings[i];
    if (s !== last) {
      c = index.get(s);
      if (c === undefined) {
        c = values.length;
        index.set(s, c);
        values.push(s);
      }
      last = s;
    }
    codes[i] = c;
  }
  return { codes, ...utf8Text(values) };
}

export const isTextColumn = (v) => v !== null && typeof v === 'object' && v.utf8 instanceof Uint8Array && v.offsets instanceof Uint32Array;

/** A TextColumn (what columnsFromArrow makes of an Arrow string vector): passed through (the
 * core checks every offset and that the bytes are UTF-8). */
function textColumn(c, name) {
  const n = c.offsets.length - 1;
  if (n < 0 || c.offsets[n] !== c.utf8.length || (c.nulls !== undefined && !(c.nulls instanceof Uint8Array && c.nulls.length === n))) {
    throw invalid(`text column ${name}: its offsets do not fit its bytes`, 'pass what columnsFromArrow returns unchanged');
  }
  if (!c.nulls) return { name, utf8: c.utf8, offsets: c.offsets };
  const kinds = new Uint8Array(n);
  for (let i = 0; i < n; i++) kinds[i] = c.nulls[i] ? NULL : TEXT;
  return { name, kinds, utf8: c.utf8, offsets: c.offsets };
}

/** The core's input for `Dataset.fromColumns` from Columns (checked here, and again there). */
export function wireInput(columns) {
  if (columns === null || typeof columns !== 'object') {
    throw invalid('the columns must be an object { customer, date, amount, order?, quantity?, unitPrice? }',
      'pass one array (or typed array) per role');
  }
  for (const key of Object.keys(columns)) {
    if (!ROLES.includes(key) && !['names', 'source', 'covariates'].includes(key)) {
      throw invalid(`the columns have an unknown key "${key}"`, `the roles are ${ROLES.join(', ')} (plus covariates, names and source)`);
    }
  }
  const source = columns.source ?? 'columns';
  const names = columns.names ?? {};
  const input = { source };
  for (const role of ROLES) {
    const values = columns[role];
    if (values === undefined || values === null) continue;
    input[role] = wireColumn(values, role, names[role] ?? role);
  }
  for (const role of ['customer', 'date']) {
    if (!input[role]) throw invalid(`the columns have no ${role}`, `add ${role}: [...] with one value per order`);
  }
  const covariates = columns.covariates;
  if (covariates !== undefined && covariates !== null) {
    if (typeof covariates !== 'object' || Array.isArray(covariates) || ArrayBuffer.isView(covariates)) {
      throw invalid('columns.covariates must be an object of columns by name', "e.g. covariates: { channel: ['web', 'store', ...] }");
    }
    input.covariates = Object.entries(covariates).map(([name, values]) => wireColumn(values, 'covariates', name));
  }
  return input;
}
