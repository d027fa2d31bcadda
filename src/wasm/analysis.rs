//! The analysis API (feature `js-analysis`): what the core module exports.
use js_sys::{
    Array, Float32Array, Float64Array, Object, Reflect, Uint16Array, Uint32Array, Uint8Array,
};
use wasm_bindgen::prelude::*;

use super::{js_error, options, to_js};
use crate::error::Error;
use crate::ingest::Decoded;
use crate::options::Options;
use crate::pipeline::{self, Analysis};

// The TypeScript of the objects this module hands to JS; `types.js` is generated from the
// Rust types (src/typescript.rs). wasm-bindgen moves this text into crm_lens.d.ts.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
import type { Decoded, Detected, ExportOptions, KpisReport, Options, Report, RfmReport } from './types.js';
export type * from './types.js';

/** A stage `stagesRun()` names. */
export type StageName = 'customers' | 'rfm' | 'kpis' | 'clv' | 'lifecycle' | 'churn' | 'segments' | 'explain' | 'retention';

/** Customer ids of the last analysis: id `i` is `bytes[offsets[i]..offsets[i + 1]]` (UTF-8). */
export interface CustomerIds {
  bytes: Uint8Array;
  offsets: Uint32Array;
}

/** Per-customer columns of the last analysis, one entry per customer in `customerIds()` order
 * (crm-lens/worker's `CustomerColumns` is this, without `customerId` and without the columns
 * of a section the Report lacks). */
export interface CustomerColumns {
  /** The ids as strings; absent when `customerColumns(false)` was called. */
  customerId?: string[];
  /** Days since the last purchase at `asOf`. */
  recencyDays: Float64Array;
  /** Transactions (purchase orders): RFM's F. */
  frequency: Uint32Array;
  /** Net spend: RFM's M. */
  monetary: Float64Array;
  averageSpend: Float64Array;
  tenureDays: Float64Array;
  /** Repeat purchases, the BTYD `frequency` (lifetimes' x). */
  x: Float64Array;
  /** Recency in the BTYD sense (time of the last repeat purchase), in `timeUnit`s. */
  tX: Float64Array;
  /** Age in `timeUnit`s. */
  T: Float64Array;
  monetaryValue: Float64Array;
  rScore: Uint8Array;
  fScore: Uint8Array;
  mScore: Uint8Array;
  /** Index into `report.rfm.segments`. */
  rfmSegment: Uint16Array;
  /** 0 Prospect, 1 New, 2 Active, 3 Loyal, 4 AtRisk, 5 Lost (`Stage` in that order). */
  stage: Uint8Array;
  /** Index into `report.segments.clusters` (empty without a segmentation). */
  cluster: Uint32Array;
  /** The customer on the segments' 2-D projection (principal axes). */
  px: Float32Array;
  py: Float32Array;
  /** CLV columns (empty when the Report has no CLV). */
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  expectedSpend: Float64Array;
  clv: Float64Array;
  clvLow: Float64Array;
  clvHigh: Float64Array;
  simpleClv: Float64Array;
  /** P(alive) on `clv.pAliveDate` if no purchase is made before it (empty without the option). */
  pAliveAtDate: Float64Array;
  /** Probability of no purchase in the churn horizon (`report.churn.riskBasis` says from what);
   * absent when no churn risk could be given. */
  churnRisk?: Float64Array;
}
"#;

/// Analyses file bytes in one call and returns the Report.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn analyze(
    bytes: &[u8],
    #[wasm_bindgen(unchecked_param_type = "Options")] opts: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let opts: Options = options(opts)?;
    let report = pipeline::analyze(bytes, &opts).map_err(js_error)?;
    to_js(&report)
}

/// The Report of `analyze` as JSON text, byte-identical to the CLI's output.
#[wasm_bindgen(js_name = analyzeJson)]
pub fn analyze_json(
    bytes: &[u8],
    #[wasm_bindgen(unchecked_param_type = "Options")] opts: Option<JsValue>,
) -> Result<String, JsValue> {
    let opts: Options = options(opts)?;
    let report = pipeline::analyze(bytes, &opts).map_err(js_error)?;
    serde_json::to_string(&report).map_err(|e| JsValue::from_str(&e.to_string()))
}

#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A file read once; analyses re-run on it with new options without re-reading the bytes.
#[wasm_bindgen]
pub struct Dataset {
    pub(super) inner: pipeline::Dataset,
    last: Option<Analysis>,
}

impl Dataset {
    pub(super) fn from_inner(inner: pipeline::Dataset) -> Dataset {
        Dataset { inner, last: None }
    }
}

fn set(obj: &Object, key: &str, value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(obj, &JsValue::from_str(key), value).map(|_| ())
}

#[wasm_bindgen]
impl Dataset {
    /// Reads a file. A file only the formats module can read (legacy code page, workbook)
    /// fails with code `needs_formats`: the package's `openDataset` then decodes it with the
    /// formats module and calls [`Dataset::from_decoded`].
    #[wasm_bindgen(constructor)]
    pub fn new(
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "Options")] opts: Option<JsValue>,
    ) -> Result<Dataset, JsValue> {
        let opts: Options = options(opts)?;
        let inner = pipeline::Dataset::from_bytes(bytes, &opts).map_err(js_error)?;
        Ok(Dataset { inner, last: None })
    }

    /// Reads what the formats module's `decode` returned (`info` = its `info` object).
    #[wasm_bindgen(js_name = fromDecoded)]
    pub fn from_decoded(
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "Decoded")] info: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Options")] opts: Option<JsValue>,
    ) -> Result<Dataset, JsValue> {
        let opts: Options = options(opts)?;
        let info: Decoded = serde_wasm_bindgen::from_value(info)
            .map_err(|e| js_error(Error::new("invalid_decoded", format!("decoded info: {e}"))))?;
        let inner = pipeline::Dataset::from_decoded(&info, bytes, &opts).map_err(js_error)?;
        Ok(Dataset { inner, last: None })
    }

    /// Runs the cheap stages (customer table, RFM, KPIs) for `opts`, so that the `analyze`
    /// with the same options that follows only fits the models: the page reports progress
    /// ("fitting") between the two calls and shows what this returns, the first results
    /// `{ kpis, rfm }` (the Report's sections as `analyze` will give them; `null` for
    /// subscription input). Optional; `analyze` alone gives the same Report.
    #[wasm_bindgen(unchecked_return_type = "{ kpis: KpisReport; rfm: RfmReport } | null")]
    pub fn prepare(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Options")] opts: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let opts: Options = options(opts)?;
        match self.inner.prepare(&opts).map_err(js_error)? {
            Some(first) => to_js(&first),
            None => Ok(JsValue::NULL),
        }
    }

    /// Runs the analyses with `opts` (ingest options are those the dataset was read with).
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn analyze(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Options")] opts: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let opts: Options = options(opts)?;
        let a = self.inner.reanalyze(&opts).map_err(js_error)?;
        let out = to_js(&a.report);
        self.last = Some(a);
        out
    }

    /// The stages the last `analyze` re-ran (`customers`, `rfm`, `kpis`, `clv`, `lifecycle`,
    /// `churn`, `segments`, `explain`, `retention`); the others were unchanged by the new options and kept.
    #[wasm_bindgen(js_name = stagesRun, unchecked_return_type = "StageName[]")]
    pub fn stages_run(&self) -> Array {
        self.inner
            .stages_run()
            .iter()
            .map(|s| JsValue::from_str(s))
            .collect()
    }

    /// What ingest detected (encoding, delimiter, columns ...), for the mapping editor.
    #[wasm_bindgen(unchecked_return_type = "Detected")]
    pub fn detected(&self) -> Result<JsValue, JsValue> {
        to_js(self.inner.detected())
    }

    /// Customer ids of the last analysis as UTF-8 `bytes` and `offsets` (id `i` is
    /// `bytes[offsets[i]..offsets[i + 1]]`): two typed arrays instead of 350k JS strings.
    #[wasm_bindgen(js_name = customerIds, unchecked_return_type = "CustomerIds")]
    pub fn customer_ids(&self) -> Result<Object, JsValue> {
        let a = self
            .last
            .as_ref()
            .ok_or_else(|| js_error(Error::new("no_analysis", "call analyze() first")))?;
        let o = Object::new();
        let ids = &a.customers.ids;
        set(&o, "bytes", &Uint8Array::from(ids.text().as_bytes()).into())?;
        set(
            &o,
            "offsets",
            &Uint32Array::from(ids.offsets().as_slice()).into(),
        )?;
        Ok(o)
    }

    /// Per-customer columns of the last analysis as typed arrays, and the ids as an Array of
    /// strings unless `withIds` is false (see `customerIds` for the cheap form).
    #[wasm_bindgen(js_name = customerColumns, unchecked_return_type = "CustomerColumns")]
    pub fn customer_columns(&self, with_ids: Option<bool>) -> Result<Object, JsValue> {
        let a = self
            .last
            .as_ref()
            .ok_or_else(|| js_error(Error::new("no_analysis", "call analyze() first")))?;
        let t = &a.customers;
        let o = Object::new();
        if with_ids.unwrap_or(true) {
            let ids = Array::new();
            for id in t.ids.iter() {
                ids.push(&JsValue::from_str(id));
            }
            set(&o, "customerId", &ids)?;
        }
        let f64s: [(&str, &[f64]); 8] = [
            ("recencyDays", &t.recency_days),
            ("monetary", &t.revenue),
            ("averageSpend", &t.average_spend),
            ("tenureDays", &t.tenure_days),
            ("x", &t.frequency),
            ("tX", &t.recency),
            ("T", &t.t),
            ("monetaryValue", &t.monetary_value),
        ];
        let clv: [(&str, &[f64]); 8] = [
            ("pAlive", &a.clv.p_alive),
            ("expectedPurchases", &a.clv.expected_purchases),
            ("expectedSpend", &a.clv.expected_spend),
            ("clv", &a.clv.clv),
            ("clvLow", &a.clv.clv_low),
            ("clvHigh", &a.clv.clv_high),
            ("simpleClv", &a.clv.simple_clv),
            // Empty without `clv.pAliveDate`.
            ("pAliveAtDate", &a.clv.p_alive_at_date),
        ];
        for (k, v) in f64s.into_iter().chain(clv) {
            set(&o, k, &Float64Array::from(v).into())?;
        }
        // Absent when no churn risk could be given (no holdout): see churn::ChurnReport.
        if !a.churn.risk.is_empty() {
            set(
                &o,
                "churnRisk",
                &Float64Array::from(a.churn.risk.as_slice()).into(),
            )?;
        }
        set(
            &o,
            "frequency",
            &Uint32Array::from(t.transactions.as_slice()).into(),
        )?;
        set(&o, "rScore", &Uint8Array::from(a.rfm.r.as_slice()).into())?;
        set(&o, "fScore", &Uint8Array::from(a.rfm.f.as_slice()).into())?;
        set(&o, "mScore", &Uint8Array::from(a.rfm.m.as_slice()).into())?;
        set(
            &o,
            "rfmSegment",
            &Uint16Array::from(a.rfm.segment.as_slice()).into(),
        )?;
        let stages: Vec<u8> = a.stages.iter().map(|s| *s as u8).collect();
        set(&o, "stage", &Uint8Array::from(stages.as_slice()).into())?;
        set(
            &o,
            "cluster",
            &Uint32Array::from(a.segments.cluster.as_slice()).into(),
        )?;
        set(
            &o,
            "px",
            &Float32Array::from(a.segments.x.as_slice()).into(),
        )?;
        set(
            &o,
            "py",
            &Float32Array::from(a.segments.y.as_slice()).into(),
        )?;
        Ok(o)
    }

    /// Per-customer results of the last analysis as CSV bytes (UTF-8 with BOM): every
    /// customer, or only the rows given (a `Uint32Array` of indices into the columns, in the
    /// order wanted), with the same columns. Text cells that a spreadsheet would run as
    /// formulas get a leading `'`; `{ raw: true }` writes them as they are (for a machine
    /// re-import).
    #[wasm_bindgen(js_name = exportCustomersCsv)]
    pub fn export_customers_csv(
        &self,
        rows: Option<Vec<u32>>,
        #[wasm_bindgen(unchecked_param_type = "ExportOptions")] opts: Option<JsValue>,
    ) -> Result<Vec<u8>, JsValue> {
        let a = self
            .last
            .as_ref()
            .ok_or_else(|| js_error(Error::new("no_analysis", "call analyze() first")))?;
        let opts: crate::export::ExportOptions = match opts.filter(|o| !o.is_null()) {
            None => Default::default(),
            Some(opts) => serde_wasm_bindgen::from_value(opts)
                .map_err(|e| js_error(Error::option(format!("export options: {e}"))))?,
        };
        match rows {
            None => crate::export::customers_csv_with(a, &opts),
            Some(r) => crate::export::customers_csv_rows(a, r.iter().map(|&i| i as usize), &opts),
        }
        .map_err(js_error)
    }
}

/// Benchmark hook (cargo feature `bench-exports`, never in the shipped build): runs only the
/// k-means segmentation on customer columns taken from `Dataset.customerColumns()`, so
/// benches/segment-wasm.mjs can time it apart from the other analyses. Returns what the native
/// bench prints (k, inertia, silhouette, scan), to compare native and wasm bit for bit.
#[cfg(feature = "bench-exports")]
#[wasm_bindgen(js_name = benchSegments)]
pub fn bench_segments(
    recency_days: &[f64],
    frequency: &[f64],
    monetary: &[f64],
    tenure_days: &[f64],
    opts: JsValue,
) -> Result<JsValue, JsValue> {
    let opts: crate::segment::SegmentOptions = if opts.is_undefined() || opts.is_null() {
        Default::default()
    } else {
        serde_wasm_bindgen::from_value(opts).map_err(|e| JsValue::from_str(&e.to_string()))?
    };
    let input = crate::segment::SegmentInput {
        recency_days,
        frequency,
        monetary,
        tenure_days,
        clv: None,
    };
    let (r, _, w) = crate::segment::run(&input, &opts, None);
    to_js(&serde_json::json!({
        "k": r.k,
        "inertia": r.inertia,
        "silhouette": r.silhouette,
        "scan": r.scan,
        "warnings": w.len(),
    }))
}
