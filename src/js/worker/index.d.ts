// Types of crm-lens/worker (src/js/worker/index.js): the engine in a module Web Worker.
import type { Columns, Mapping, ArrowTableLike, RecordMapping } from '../index.js';
import type { CustomerColumns as CoreColumns, StageName } from '../crm_lens.js';
import type { ExportOptions, Options, Report } from '../types.js';

export type { RecordMapping };

/** Where the analyzer finds its WebAssembly; by default next to the package's files. */
export interface AnalyzerOptions {
  /** The core module (`crm_lens_bg.wasm`), for bundlers or CDNs that move assets. */
  wasmUrl?: string | URL;
  /** The formats module (`crm_lens_formats_bg.wasm`: legacy encodings, workbooks). */
  formatsWasmUrl?: string | URL;
  /** The full module (`crm_lens_full_bg.wasm`: summaries, subscriptions). */
  fullWasmUrl?: string | URL;
}

/** A stage of a call, in order: `reading`, `parsing` (open); `aggregating`, `fitting`, `preparing` (analyze). */
export type ProgressStage = 'reading' | 'parsing' | 'aggregating' | 'fitting' | 'preparing';

/** Progress of a call: its stage and the share of the call done when that stage began. */
export interface Progress {
  stage: ProgressStage;
  fraction: number;
  /**
   * With `fitting`: the first results of the analysis, the Report's `kpis` and `rfm` exactly as
   * `analyze` will resolve them, ready before the models (CLV, lifecycle, segments) are fitted.
   * A dashboard element shows them with `showFirst`.
   */
  first?: FirstResults;
}

/** The sections of a Report that exist before any model is fitted. */
export interface FirstResults {
  kpis: Report['kpis'];
  rfm: Report['rfm'];
}

export interface CallControl {
  /** Aborting it cancels the call (and every other call in flight): it rejects with `{ code: 'cancelled' }`. */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** The stages the core can re-run; the others kept their last result. */
export type StageRun = StageName;

/** The columns of a section a Report may lack (no segmentation, no CLV, no `clv.pAliveDate`,
 * no churn basis): the worker leaves them out when they are empty. */
type SectionColumns = 'cluster' | 'px' | 'py' | 'pAlive' | 'expectedPurchases' | 'expectedSpend' | 'clv'
  | 'clvLow' | 'clvHigh' | 'simpleClv' | 'pAliveAtDate' | 'churnRisk';

/**
 * Per-customer results: row `i` of every column is customer `ids.at(i)`. Each is its own
 * transferred buffer (post it on, or keep it). The core's `Dataset.customerColumns()` (one
 * declaration, in src/wasm/analysis.rs), without the ids (they come as `ids`) and without the
 * columns of a section the Report lacks.
 */
export interface CustomerColumns extends Omit<CoreColumns, 'customerId' | SectionColumns>, Partial<Pick<CoreColumns, SectionColumns>> {}

/** Customer ids as UTF-8 bytes + offsets, decoded on demand. */
export declare class CustomerIds implements Iterable<string> {
  constructor(bytes: Uint8Array, offsets: Uint32Array);
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  readonly length: number;
  /** The id of customer `i`. */
  at(i: number): string;
  toArray(): string[];
  [Symbol.iterator](): Iterator<string>;
}

/** Chart-ready summaries of the columns, made in the worker (what the dashboard draws). */
export interface Summaries {
  /** A uniform sample (≤ 12,000) of the k-means projection, per cluster: `[cluster, Float32Array [x0, y0, x1, y1, …]]`. */
  scatter: { total: number; shown: number; series: Array<[number, Float32Array]> } | null;
  /** CLV in 30 bins from min(0, lowest) to the 99th percentile; `above`: customers past it. */
  clvHistogram: { lo: number; width: number; counts: number[]; above: number; max: number } | null;
  /** The 20 highest CLVs (ties by row), with their interval and P(alive). */
  topClv: Array<{ index: number; id: string; clv: number; low: number | null; high: number | null; pAlive: number | null }> | null;
}

export interface Analysis {
  report: Report;
  columns: CustomerColumns;
  ids: CustomerIds;
  summaries: Summaries;
  /** What the core re-ran for these options (on a new open: all of them). */
  stagesRun: StageRun[];
  /** The options it was made with. */
  options: Options;
}

/** What ingest detected (encoding, delimiter, columns …): `Report['ingest']['detected']`. */
export type Detected = Report['ingest']['detected'];

/** The customer table's query (indices into the columns). */
export interface TableQuery {
  /** Part of the id, case-insensitive. */
  search?: string;
  /** Index into `report.rfm.segments`. */
  segment?: number | string;
  /** Stage code (see `CustomerColumns.stage`). */
  stage?: number | string;
  /** Cluster id. */
  cluster?: number | string;
  sortKey?: 'customerId' | 'rfm' | 'segment' | keyof CustomerColumns | null;
  sortDir?: 'asc' | 'desc';
}

/** An error of the engine or of the analyzer. */
export interface AnalyzerError {
  code: string;
  message: string;
  hint?: string;
  /** `AbortError` for a cancelled call. */
  name?: string;
}

export interface AnalyzerEventMap {
  /** A new analysis (or `null`: the shown one is gone, e.g. another source was opened). */
  analysis: CustomEvent<Analysis | null>;
}

export declare class Analyzer extends EventTarget {
  constructor(options?: AnalyzerOptions);
  /** The last analysis, or null. */
  readonly analysis: Analysis | null;
  /** After a cancel: the re-read that keeps `analysis` queryable (true when it succeeded). */
  readonly restoring: Promise<boolean> | null;
  /** Reads a file's bytes (CSV/TSV/TXT in any encoding, XLSX/XLS/ODS). */
  open(file: Blob | ArrayBuffer | Uint8Array, options?: Options, control?: CallControl): Promise<{ detected: Detected }>;
  /** Columns from memory (copied to the worker; your arrays stay yours). */
  openColumns(columns: Columns, options?: Options, control?: CallControl): Promise<{ detected: Detected }>;
  /** Records (an array of objects) and which field is which. */
  openRecords<R extends object>(records: ArrayLike<R | null | undefined>, mapping: RecordMapping<R>, options?: Options, control?: CallControl): Promise<{ detected: Detected }>;
  /** An apache-arrow Table (e.g. a DuckDB-wasm result) and which column is which. */
  openArrow(table: ArrowTableLike, mapping: Mapping, options?: Options, control?: CallControl): Promise<{ detected: Detected }>;
  /** Runs the analyses on what is open (re-runs only what the new options change). */
  analyze(options?: Options, control?: CallControl): Promise<Analysis>;
  /** Row indices of the current analysis' customers that match, in order. */
  query(q?: TableQuery): Promise<Uint32Array>;
  /**
   * The per-customer CSV (UTF-8 with BOM), as the CLI's --export-customers writes it; with a
   * query, only the customers it selects (a segment, stage, cluster or filtered table), in its
   * order, with the same columns. Text cells that a spreadsheet would run as formulas
   * (`= + - @`, tab, CR) get a leading `'`; `{ raw: true }` writes them as they are (for a
   * machine re-import).
   */
  exportCsv(q?: TableQuery, options?: ExportOptions): Promise<Uint8Array>;
  /** Waits for a restore; true when the workers serve `analysis`. */
  settled(): Promise<boolean>;
  /** Cancels what runs (a restore too, which drops the analysis). */
  cancel(): void;
  /** Ends the workers; every later call rejects with `{ code: 'disposed' }`. */
  dispose(): void;
  addEventListener<K extends keyof AnalyzerEventMap>(type: K, listener: (ev: AnalyzerEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof AnalyzerEventMap>(type: K, listener: (ev: AnalyzerEventMap[K]) => void, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/** Starts nothing yet: the workers start with the first open. */
export declare function createAnalyzer(options?: AnalyzerOptions): Analyzer;
