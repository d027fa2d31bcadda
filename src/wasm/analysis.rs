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

/// Analyses file bytes in one call and returns the Report.
#[wasm_bindgen]
pub fn analyze(bytes: &[u8], opts: JsValue) -> Result<JsValue, JsValue> {
    let opts: Options = options(opts)?;
    let report = pipeline::analyze(bytes, &opts).map_err(js_error)?;
    to_js(&report)
}

/// The Report of `analyze` as JSON text, byte-identical to the CLI's output.
#[wasm_bindgen(js_name = analyzeJson)]
pub fn analyze_json(bytes: &[u8], opts: JsValue) -> Result<String, JsValue> {
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

fn set(obj: &Object, key: &str, value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(obj, &JsValue::from_str(key), value).map(|_| ())
}

#[wasm_bindgen]
impl Dataset {
    /// Reads a file. A file only the formats module can read (legacy code page, workbook)
    /// fails with code `needs_formats`: the package's `openDataset` then decodes it with the
    /// formats module and calls [`Dataset::from_decoded`].
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8], opts: JsValue) -> Result<Dataset, JsValue> {
        let opts: Options = options(opts)?;
        let inner = pipeline::Dataset::from_bytes(bytes, &opts).map_err(js_error)?;
        Ok(Dataset { inner, last: None })
    }

    /// Reads what the formats module's `decode` returned (`info` = its `info` object).
    #[wasm_bindgen(js_name = fromDecoded)]
    pub fn from_decoded(bytes: &[u8], info: JsValue, opts: JsValue) -> Result<Dataset, JsValue> {
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
    pub fn prepare(&mut self, opts: JsValue) -> Result<JsValue, JsValue> {
        let opts: Options = options(opts)?;
        match self.inner.prepare(&opts).map_err(js_error)? {
            Some(first) => to_js(&first),
            None => Ok(JsValue::NULL),
        }
    }

    /// Runs the analyses with `opts` (ingest options are those the dataset was read with).
    pub fn analyze(&mut self, opts: JsValue) -> Result<JsValue, JsValue> {
        let opts: Options = options(opts)?;
        let a = self.inner.reanalyze(&opts).map_err(js_error)?;
        let out = to_js(&a.report);
        self.last = Some(a);
        out
    }

    /// The stages the last `analyze` re-ran (`customers`, `rfm`, `kpis`, `clv`, `lifecycle`,
    /// `segments`); the others were unchanged by the new options and kept.
    #[wasm_bindgen(js_name = stagesRun)]
    pub fn stages_run(&self) -> Array {
        self.inner
            .stages_run()
            .iter()
            .map(|s| JsValue::from_str(s))
            .collect()
    }

    /// What ingest detected (encoding, delimiter, columns ...), for the mapping editor.
    pub fn detected(&self) -> Result<JsValue, JsValue> {
        to_js(self.inner.detected())
    }

    /// Customer ids of the last analysis as UTF-8 `bytes` and `offsets` (id `i` is
    /// `bytes[offsets[i]..offsets[i + 1]]`): two typed arrays instead of 350k JS strings.
    #[wasm_bindgen(js_name = customerIds)]
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
    #[wasm_bindgen(js_name = customerColumns)]
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
        opts: JsValue,
    ) -> Result<Vec<u8>, JsValue> {
        let a = self
            .last
            .as_ref()
            .ok_or_else(|| js_error(Error::new("no_analysis", "call analyze() first")))?;
        let opts: crate::export::ExportOptions = if opts.is_undefined() || opts.is_null() {
            Default::default()
        } else {
            serde_wasm_bindgen::from_value(opts)
                .map_err(|e| js_error(Error::option(format!("export options: {e}"))))?
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
