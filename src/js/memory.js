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

/** Packs an array that holds only numbers into a Float64Array (transferable to a worker). */
function packNumbers(values) {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'number') return values;
  return Float64Array.from(values);
}

/**
 * Columns from an array of objects: `mapping` names each role's field. Pure JS; a page calls
 * it on the main thread and posts the result to the worker that opens it.
 */
export function columnsFromRecords(records, mapping) {
  checkMapping(mapping, 'columnsFromRecords');
  if (records === null || typeof records !== 'object' || typeof records.length !== 'number') {
    throw invalid('columnsFromRecords: the records must be an array of objects', 'pass an array such as [{ id: "c1", day: "2024-03-05", total: 12.5 }]');
  }
  const n = records.length;
  // The roles' fields, then the covariates' (reported under their field names).
  const covariates = mapping.covariates ?? [];
  const roles = [...ROLES.filter((role) => mapping[role]), ...covariates.map(() => 'covariates')];
  const fields = [...roles.slice(0, roles.length - covariates.length).map((role) => mapping[role]), ...covariates];
  const values = roles.map(() => new Array(n));
  const seen = roles.map(() => false);
  // One pass over the records (each object is loaded once), all mapped fields at a time.
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (r === null || r === undefined) continue;
    for (let k = 0; k < fields.length; k++) {
      const v = r[fields[k]];
      values[k][i] = v;
      if (!seen[k]) seen[k] = v !== undefined || (typeof r === 'object' && fields[k] in r);
    }
  }
  const columns = { source: 'records', names: {} };
  if (covariates.length) columns.covariates = {};
  roles.forEach((role, k) => {
    if (n > 0 && !seen[k]) {
      const first = records.find((r) => r !== null && typeof r === 'object');
      throw invalid(`no record has the field "${fields[k]}" (mapping.${role})`,
        `the first record's fields are: ${first ? Object.keys(first).join(', ') : 'none'}`);
    }
    if (role === 'covariates') {
      columns.covariates[fields[k]] = values[k];
      return;
    }
    columns[role] = NUMERIC.has(role) ? packNumbers(values[k]) : values[k];
    columns.names[role] = fields[k];
  });
  return columns;
}

// Arrow type ids (the Arrow format's Type enum; stable across apache-arrow versions).
const ARROW_INT = 2;
const ARROW_FLOAT = 3;
const ARROW_UTF8 = 5;
const ARROW_DECIMAL = 7;

const utf8 = new TextDecoder();

/** An Arrow string vector as a TextColumn, decoded chunk by chunk without a JS string per
 * value; null when a chunk is not ASCII (then lengths in UTF-16 units need each value). */
function arrowText(vector) {
  const n = vector.length;
  const lengths = new Uint32Array(n);
  const nulls = vector.nullCount > 0 ? new Uint8Array(n) : undefined;
  const parts = [];
  let row = 0;
  for (const d of vector.data) {
    const offsets = d.valueOffsets;
    const first = offsets[d.offset];
    const last = offsets[d.offset + d.length];
    const part = utf8.decode(d.values.subarray(first, last));
    if (part.length !== last - first) return null;
    parts.push(part);
    for (let j = 0; j < d.length; j++, row++) {
      lengths[row] = offsets[d.offset + j + 1] - offsets[d.offset + j];
      if (nulls && d.nullBitmap && d.nullBitmap.length > 0) {
        const bit = d.offset + j;
        if (!(d.nullBitmap[bit >> 3] & (1 << (bit & 7)))) nulls[row] = 1;
      }
    }
  }
  if (row !== n) return null;
  return nulls ? { text: parts.join(''), lengths, nulls } : { text: parts.join(''), lengths };
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
  if (i === n) return { name, ...(coded(values) ?? joinText(values)) };
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
  if (mask === 1 << TEXT) return { name, ...joinText(texts) };
  if (mask === 1 << NUMBER) return { name, numbers };
  const column = { name, kinds };
  if (mask & (1 << NUMBER)) column.numbers = numbers;
  if (mask & ((1 << TEXT) | (1 << OTHER))) Object.assign(column, joinText(texts));
  return column;
}

/** Strings as the core takes them: joined, with each one's length in UTF-16 units. */
function joinText(strings) {
  const n = strings.length;
  const lengths = new Uint32Array(n);
  for (let i = 0; i < n; i++) lengths[i] = strings[i].length;
  return { text: Array.prototype.join.call(strings, ''), lengths };
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
  for (let i = 0; i < n; i++) {
    const s = strings[i];
    let c = index.get(s);
    if (c === undefined) {
      c = values.length;
      index.set(s, c);
      values.push(s);
    }
    codes[i] = c;
  }
  return { codes, ...joinText(values) };
}

const isTextColumn = (v) => v !== null && typeof v === 'object' && typeof v.text === 'string' && v.lengths instanceof Uint32Array;

/** A TextColumn (what columnsFromArrow makes of an Arrow string vector): passed through. */
function textColumn(c, name) {
  const n = c.lengths.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += c.lengths[i];
  if (total !== c.text.length || (c.nulls !== undefined && !(c.nulls instanceof Uint8Array && c.nulls.length === n))) {
    throw invalid(`text column ${name}: its lengths do not add up to its text`, 'pass what columnsFromArrow returns unchanged');
  }
  if (!c.nulls) return { name, text: c.text, lengths: c.lengths };
  const kinds = new Uint8Array(n);
  for (let i = 0; i < n; i++) kinds[i] = c.nulls[i] ? NULL : TEXT;
  return { name, kinds, text: c.text, lengths: c.lengths };
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
