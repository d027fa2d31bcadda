// Types of crm-lens/dashboard (src/js/dashboard/index.js): the <crm-lens-dashboard> element.
import type { Report } from '../types.js';
import type { Analyzer, CustomerColumns, FirstResults } from '../worker/index.js';

/** The dashboard's languages. */
export type Lang = 'en' | 'zh' | 'ru';

/** `crm-lens-customer`: a customer row (or a top-CLV bar) was activated. */
export interface CustomerEventDetail {
  /** The customer id as in the data. */
  id: string;
  /** The customer's row in the analysis' columns. */
  index: number;
}

/** `crm-lens-segment`: the customers of a segment, lifecycle stage or cluster, to build a list. */
export interface SegmentEventDetail {
  /** `rfm`: an RFM segment (key = its rule name); `stage`: a lifecycle stage (key = stage key); `cluster`: a k-means cluster (key = its id). */
  kind: 'rfm' | 'stage' | 'cluster';
  key: string | number;
  /** The name shown, in the element's language. */
  label: string;
  ids: string[];
  /** Their rows in the analysis' columns. */
  index: Uint32Array;
}

/** `crm-lens-fix` (with the `fixes` attribute): the option a warning's fix button names. */
export interface FixEventDetail {
  /** `ingest.<option>` (customerCol, dateCol, amountCol, orderCol, dateFormat, decimal, encoding, delimiter, hasHeader), `asOf`, or `controls` (some analysis option). */
  option: string;
  code: string;
}

/** `crm-lens-error` (cancelable: call preventDefault() to show it yourself). */
export interface DashboardError {
  code: string;
  message: string;
  hint?: string;
}

export interface DashboardEventMap {
  'crm-lens-customer': CustomEvent<CustomerEventDetail>;
  'crm-lens-segment': CustomEvent<SegmentEventDetail>;
  'crm-lens-render': CustomEvent<{ report: Report }>;
  /** The first results are on screen (showFirst), before the analysis they belong to. */
  'crm-lens-first': CustomEvent<FirstResults>;
  'crm-lens-fix': CustomEvent<FixEventDetail>;
  'crm-lens-error': CustomEvent<DashboardError>;
}

/** Overrides of the element's strings, by language and key (see i18n/en.js for the keys). */
export type Messages = Partial<Record<Lang, Record<string, string>>>;

/** Customer ids: an array of strings, anything with `length` and `at(i)`, or Dataset.customerIds(). */
export type IdList = { readonly length: number; at(i: number): string | undefined } | { bytes: Uint8Array; offsets: Uint32Array };

/**
 * `<crm-lens-dashboard lang="en|zh|ru" currency="EUR" fixes>`. Attributes: `lang` (else the
 * nearest `lang` of the page), `currency` (ISO 4217 code for money), `fixes` (warnings get a
 * button that fires `crm-lens-fix`).
 */
export declare class CrmLensDashboard extends HTMLElement {
  /** Shows this analyzer's analysis and every later one; null detaches and empties. */
  analyzer: Analyzer | null;
  /** Shows a Report with its per-customer columns (without an analyzer: no per-customer CSV export). */
  setData(report: Report, columns: Partial<CustomerColumns>, ids: IdList): void;
  /** Empties the element and detaches its analyzer. */
  clear(): void;
  /** The Report shown, or null. */
  readonly report: Report | null;
  messages: Messages;
  /** Renders again; resolves when every panel is drawn. */
  render(): Promise<void>;
  /**
   * Shows the first results of an analysis still running (the `first` of the analyzer's
   * `fitting` progress) as the KPI cards; the analysis replaces them when it arrives. Ignored
   * while an analysis is shown.
   */
  showFirst(first: FirstResults): void;
  addEventListener<K extends keyof DashboardEventMap>(type: K, listener: (this: CrmLensDashboard, ev: DashboardEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener<K extends keyof HTMLElementEventMap>(type: K, listener: (this: CrmLensDashboard, ev: HTMLElementEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof DashboardEventMap>(type: K, listener: (this: CrmLensDashboard, ev: DashboardEventMap[K]) => void, options?: boolean | EventListenerOptions): void;
  removeEventListener<K extends keyof HTMLElementEventMap>(type: K, listener: (this: CrmLensDashboard, ev: HTMLElementEventMap[K]) => void, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** The element's text for `key` in `lang` (what a host page shows beside it, e.g. error messages by code). */
export declare function translate(lang: Lang | string, key: string, vars?: Record<string, string | number> | null, fallback?: string): string;
/** The first supported language among BCP 47 tags, else `en`. */
export declare function pickLanguage(candidates: readonly string[]): Lang;
export declare const LANGS: Record<Lang, string>;
/** Which option most likely fixes an error or warning (see FixEventDetail.option), or null. */
export declare function fixOption(code: string, text?: string): string | null;

declare global {
  interface HTMLElementTagNameMap {
    'crm-lens-dashboard': CrmLensDashboard;
  }
  interface DocumentEventMap {
    'crm-lens-customer': CustomEvent<CustomerEventDetail>;
    'crm-lens-segment': CustomEvent<SegmentEventDetail>;
  }
}
