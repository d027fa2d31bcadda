// Types of the package's entry point (src/js/index.js). The wasm exports' types come from
// crm_lens.d.ts (wasm-bindgen, typed in src/wasm/), the options' and the Report's from
// types.d.ts (generated from the Rust types by ts-rs, src/typescript.rs).
import init, { Dataset } from './crm_lens.js';
import type { Options, Report } from './types.js';

export * from './crm_lens.js';
export default init;

/** Where the formats module's .wasm is, for bundlers that rename assets (or a function
 * that returns it on first need). */
export type FormatsWasm = string | URL | Request | Response | BufferSource | WebAssembly.Module;
export function setFormatsWasm(input: FormatsWasm | (() => FormatsWasm)): void;

/** Where the full module's .wasm is (`crm_lens_full_bg.wasm`: summaries, survival tables,
 * subscription lists), for bundlers that rename assets. */
export function setFullWasm(input: FormatsWasm | (() => FormatsWasm)): void;

/** The linear memory, in bytes, of the full module once it is loaded (0 before). */
export function fullWasmMemoryBytes(): number;

/** Reads a file's bytes once; a legacy code page or a workbook loads the formats module, a
 * summary, survival table or subscription list (`options.ingest`) the full module. */
export function openDataset(bytes: Uint8Array, options?: Options): Promise<Dataset>;

/** One call from file bytes to the Report (docs/report.md). */
export function analyzeFile(bytes: Uint8Array, options?: Options): Promise<Report>;

/** The roles a column of orders can have. */
export type Role = 'customer' | 'date' | 'amount' | 'order' | 'quantity' | 'unitPrice';

/** A value any column may hold where it has none: counted like an empty field of a file. */
type Missing = null | undefined;

/** Strings as UTF-8 bytes back to back: string `i` is `utf8[offsets[i]..offsets[i + 1]]`
 * (`offsets` has one more entry than there are rows; `nulls[i]` = 1: row `i` is null). What
 * `columnsFromArrow` makes of an Arrow string vector, without a JS string per value; the
 * worker client transfers its buffers. */
export interface TextColumn {
  utf8: Uint8Array;
  offsets: Uint32Array;
  nulls?: Uint8Array;
}

/**
 * Orders from memory, one array (or typed array) per role and one value per order. Plain
 * arrays and typed arrays only: a page can post them to a worker (typed arrays transfer).
 * Strings go through the file path's date and number parsing; see docs/embedding.md.
 */
export interface Columns {
  /** Customer ids: strings, or numbers/bigints (read as their text). */
  customer: ArrayLike<string | number | bigint | Missing> | TextColumn;
  /** ISO (or any export's) date strings, `Date` objects, epoch milliseconds (UTC), or an
   * `Int32Array` of days since 1970-01-01. */
  date: ArrayLike<string | number | Date | Missing> | Int32Array | TextColumn;
  /** The line value: numbers (a `Float64Array`), or numeric strings. Required unless
   * `quantity` and `unitPrice` are given (amount = quantity × unit price). */
  amount?: ArrayLike<number | string | bigint | Missing> | Float64Array | TextColumn;
  /** Order ids: lines of one order on one day are one purchase. */
  order?: ArrayLike<string | number | bigint | Missing> | TextColumn;
  quantity?: ArrayLike<number | string | bigint | Missing> | Float64Array | TextColumn;
  unitPrice?: ArrayLike<number | string | bigint | Missing> | Float64Array | TextColumn;
  /** The customer's attributes (channel, country, age …), by name, one value per order: read
   * as a file's `ingest.covariateCols` (all of them, or those that option names) for the CLV
   * covariate models and churn; each customer gets the value of their first purchase day. */
  covariates?: Record<string, ArrayLike<string | number | bigint | boolean | Missing> | Float64Array | TextColumn>;
  /** The names the columns are reported under (`ingest.detected.columns`, examples);
   * default: the role. `columnsFromRecords` / `columnsFromArrow` set the field names. */
  names?: Partial<Record<Role, string>>;
  /** What the columns came from, reported as `ingest.detected.source`; default `columns`. */
  source?: 'columns' | 'records' | 'arrow';
}

/** Which field (or Arrow column) holds each role. */
export interface Mapping {
  customer: string;
  date: string;
  /** Required unless quantity and unitPrice are given. */
  amount?: string;
  order?: string;
  quantity?: string;
  unitPrice?: string;
  /** Fields with the customer's attributes (`Columns.covariates`, named by the field). */
  covariates?: string[];
}

/** A string field of record type `R`. */
type Field<R> = Extract<keyof R, string>;

/** `Mapping` for records of type `R`: a typo in a field name does not compile. */
export interface RecordMapping<R> {
  customer: Field<R>;
  date: Field<R>;
  /** Required unless quantity and unitPrice are given. */
  amount?: Field<R>;
  order?: Field<R>;
  quantity?: Field<R>;
  unitPrice?: Field<R>;
  /** Fields with the customer's attributes (`Columns.covariates`, named by the field). */
  covariates?: Field<R>[];
}

/** The parts of an apache-arrow `Table` the package reads (an optional peer dependency). */
export interface ArrowTableLike {
  getChild(name: string): ArrowVectorLike | null;
  readonly schema: { readonly fields: ReadonlyArray<{ readonly name: string }> };
}

export interface ArrowVectorLike extends Iterable<unknown> {
  readonly type: { readonly typeId: number; readonly bitWidth?: number; readonly scale?: number };
  readonly length: number;
  readonly nullCount: number;
  /** The chunks (string vectors are read from their buffers). */
  readonly data: ReadonlyArray<{
    readonly offset: number;
    readonly length: number;
    readonly values: ArrayLike<unknown>;
    readonly valueOffsets: ArrayLike<unknown>;
    readonly nullBitmap: ArrayLike<unknown> | undefined;
  }>;
  toArray(): ArrayLike<unknown>;
}

/** Reads orders from memory with a file's guarantees: every value is used or counted in
 * `ingest.rowsSkipped`, with examples whose `line` is the row's 0-based index. */
export function openColumns(columns: Columns, options?: Options): Promise<Dataset>;

/** Reads an array of objects (of any interface or type `R`); `mapping` names each role's
 * field of `R`. */
export function openRecords<R extends object>(
  records: ArrayLike<R | null | undefined>,
  mapping: RecordMapping<R>,
  options?: Options,
): Promise<Dataset>;

/** Reads an apache-arrow `Table` (e.g. a DuckDB-wasm query result) through its vectors. */
export function openArrow(table: ArrowTableLike, mapping: Mapping, options?: Options): Promise<Dataset>;

/** The Columns of an array of objects (pure JS: call it on the main thread, post the result
 * to a worker that calls `openColumns`). */
export function columnsFromRecords<R extends object>(
  records: ArrayLike<R | null | undefined>,
  mapping: RecordMapping<R>,
): Columns;

/** The Columns of an apache-arrow `Table` (pure JS, as `columnsFromRecords`). */
export function columnsFromArrow(table: ArrowTableLike, mapping: Mapping): Columns;
