//! The segmentation in a second worker (feature `js-analysis`; see `pipeline::offload`). The
//! page's worker asks its `Dataset` for a `segmentJob`, posts it to a second worker that
//! runs it as a `SegmentScan`, fits CLV meanwhile (`prepareModels`), and hands the answer
//! back with `provideSegments` before `analyze`. Both workers may share the scan's k-means
//! jobs (one per k, each answer as bytes, combined in job order by the second worker).
//! Columns cross as typed arrays (transferable); the report crosses as a plain JS object
//! (numbers are f64 both sides: exact).
//!
//! A large CLV bootstrap goes the same way: `intervalJob` (bytes, every block) → an
//! `IntervalRun` in the second worker (or `runIntervals`, all blocks at once) →
//! `provideIntervals`, while the first worker takes blocks too (`runIntervalBlock`); the
//! core's codec (`clv::uncertainty::job`) keeps every f64's bits.
use js_sys::{Float32Array, Float64Array, Object, Reflect, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;

use super::analysis::Dataset;
use super::{js_error, options, to_js};
use crate::error::Error;
use crate::options::Options;
use crate::pipeline::{run_interval_job, SegmentFeatures, SegmentJob, SegmentResult};
use crate::segment::{Scan, SegmentColumns, SegmentOptions};

fn set(o: &Object, key: &str, v: &JsValue) -> Result<(), JsValue> {
    Reflect::set(o, &key.into(), v).map(|_| ())
}

fn get(o: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    Reflect::get(o, &key.into())
}

/// A malformed job or result (not what `segmentJob` / `SegmentScan` made).
fn bad(what: &str) -> JsValue {
    js_error(
        Error::new("invalid_segment_job", format!("the segmentation job or result is malformed: {what}"))
            .with_hint("pass segmentJob()'s object to new SegmentScan() and its finish() to provideSegments() unchanged"),
    )
}

fn f64s(o: &JsValue, key: &str) -> Result<Vec<f64>, JsValue> {
    get(o, key)?
        .dyn_into::<Float64Array>()
        .map(|a| a.to_vec())
        .map_err(|_| bad(key))
}

fn object<T: serde::de::DeserializeOwned>(o: &JsValue, key: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(get(o, key)?).map_err(|_| bad(key))
}

fn token(o: &JsValue) -> Result<u64, JsValue> {
    get(o, "token")?
        .as_f64()
        .filter(|t| t.fract() == 0.0 && *t >= 0.0)
        .map(|t| t as u64)
        .ok_or_else(|| bad("token"))
}

fn segment_options(o: &JsValue) -> Result<SegmentOptions, JsValue> {
    object(o, "options")
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
import type { SegmentOptions, SegmentsReport, Warning } from './types.js';

/** The k-means segmentation's input, for a `SegmentScan` in another worker (transferable). */
export interface SegmentJob {
  token: number;
  options: SegmentOptions;
  recencyDays: Float64Array;
  frequency: Float64Array;
  monetary: Float64Array;
  tenureDays: Float64Array;
}

/** What `SegmentScan.finish` answers, for `provideSegments`. */
export interface SegmentAnswer {
  token: number;
  options: SegmentOptions;
  report: SegmentsReport;
  warnings: Warning[];
  cluster: Uint32Array;
  x: Float32Array;
  y: Float32Array;
}
"#;

#[wasm_bindgen]
impl Dataset {
    /// Runs everything but the segmentation for `opts` (customer table, RFM, KPIs, CLV,
    /// lifecycle) into the stage memo.
    #[wasm_bindgen(js_name = prepareModels)]
    pub fn prepare_models(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Options")] opts: Option<JsValue>,
    ) -> Result<(), JsValue> {
        let opts: Options = options(opts)?;
        self.inner.prepare_models(&opts).map_err(js_error)
    }

    /// The segmentation's input for `opts` when it must run and may run in another worker
    /// (`SegmentScan`), else `null`.
    #[wasm_bindgen(js_name = segmentJob, unchecked_return_type = "SegmentJob | null")]
    pub fn segment_job(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Options")] opts: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let opts: Options = options(opts)?;
        let Some(job) = self.inner.segment_job(&opts).map_err(js_error)? else {
            return Ok(JsValue::NULL);
        };
        let o = Object::new();
        set(&o, "token", &JsValue::from_f64(job.token as f64))?;
        set(&o, "options", &to_js(&job.options)?)?;
        let f = &job.features;
        for (k, v) in [
            ("recencyDays", &f.recency_days),
            ("frequency", &f.frequency),
            ("monetary", &f.monetary),
            ("tenureDays", &f.tenure_days),
        ] {
            set(&o, k, &Float64Array::from(v.as_slice()).into())?;
        }
        Ok(o.into())
    }

    /// Runs the CLV stage for `opts` with a large bootstrap deferred; returns every block of it as
    /// bytes, for another worker (`runIntervals`, `IntervalRun`), or `undefined` when there is none.
    #[wasm_bindgen(js_name = intervalJob)]
    pub fn interval_job(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Options")] opts: Option<JsValue>,
    ) -> Result<Option<Vec<u8>>, JsValue> {
        let opts: Options = options(opts)?;
        self.inner.interval_job(&opts).map_err(js_error)
    }

    /// Evaluates block `block` of the bootstrap `intervalJob(opts)` deferred, here (this
    /// worker's share, block by block, while another worker runs others with an
    /// `IntervalRun`); false when there is no such block.
    #[wasm_bindgen(js_name = runIntervalBlock)]
    pub fn run_interval_block(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Options")] opts: JsValue,
        block: usize,
    ) -> Result<bool, JsValue> {
        let opts: Options = options(Some(opts))?;
        self.inner
            .run_interval_block(&opts, block)
            .map_err(js_error)
    }

    /// Remembers what `runIntervals` answered for this dataset's `intervalJob(opts)`.
    #[wasm_bindgen(js_name = provideIntervals)]
    pub fn provide_intervals(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Options")] opts: JsValue,
        answer: &[u8],
    ) -> Result<(), JsValue> {
        let opts: Options = options(Some(opts))?;
        self.inner
            .provide_intervals(&opts, answer)
            .map_err(js_error)
    }

    /// Remembers what `SegmentScan.finish` answered for this dataset's `segmentJob(opts)`.
    #[wasm_bindgen(js_name = provideSegments)]
    pub fn provide_segments(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Options")] opts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SegmentAnswer")] result: JsValue,
    ) -> Result<(), JsValue> {
        let opts: Options = options(Some(opts))?;
        let r = SegmentResult {
            token: token(&result)?,
            options: segment_options(&result)?,
            report: object(&result, "report")?,
            warnings: object(&result, "warnings")?,
            columns: SegmentColumns {
                cluster: get(&result, "cluster")?
                    .dyn_into::<Uint32Array>()
                    .map_err(|_| bad("cluster"))?
                    .to_vec(),
                x: get(&result, "x")?
                    .dyn_into::<Float32Array>()
                    .map_err(|_| bad("x"))?
                    .to_vec(),
                y: get(&result, "y")?
                    .dyn_into::<Float32Array>()
                    .map_err(|_| bad("y"))?
                    .to_vec(),
            },
        };
        self.inner.provide_segments(&opts, r).map_err(js_error)
    }
}

fn segment_job(job: &JsValue) -> Result<SegmentJob, JsValue> {
    Ok(SegmentJob {
        token: token(job)?,
        options: segment_options(job)?,
        features: SegmentFeatures {
            recency_days: f64s(job, "recencyDays")?,
            frequency: f64s(job, "frequency")?,
            monetary: f64s(job, "monetary")?,
            tenure_days: f64s(job, "tenureDays")?,
        },
    })
}

fn answer(r: SegmentResult) -> Result<Object, JsValue> {
    let o = Object::new();
    set(&o, "token", &JsValue::from_f64(r.token as f64))?;
    set(&o, "options", &to_js(&r.options)?)?;
    set(&o, "report", &to_js(&r.report)?)?;
    set(&o, "warnings", &to_js(&r.warnings)?)?;
    set(
        &o,
        "cluster",
        &Uint32Array::from(r.columns.cluster.as_slice()).into(),
    )?;
    set(&o, "x", &Float32Array::from(r.columns.x.as_slice()).into())?;
    set(&o, "y", &Float32Array::from(r.columns.y.as_slice()).into())?;
    Ok(o)
}

/// A `segmentJob` cut at its k-means jobs (one per k of the scan), for workers that share
/// them: each calls `runJob(i)` for the jobs it takes; one gathers every answer and calls
/// `finish` with them in job order. The answer is the same whoever ran which job.
#[wasm_bindgen]
pub struct SegmentScan {
    job: SegmentJob,
    scan: Option<Scan>,
}

#[wasm_bindgen]
impl SegmentScan {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SegmentJob")] job: JsValue,
    ) -> Result<SegmentScan, JsValue> {
        let job = segment_job(&job)?;
        let scan = Some(job.scan());
        Ok(SegmentScan { job, scan })
    }

    /// Number of k-means jobs (0 when nothing is to fit).
    pub fn jobs(&self) -> usize {
        self.scan.as_ref().map_or(0, Scan::jobs)
    }

    /// Runs k-means job `i`: its answer's bytes, for `finish` in any worker holding the same
    /// job.
    #[wasm_bindgen(js_name = runJob)]
    pub fn run_job(&self, i: usize) -> Result<Vec<u8>, JsValue> {
        let scan = self.scan.as_ref().ok_or_else(|| bad("finished"))?;
        Ok(scan.run_job(i).encode())
    }

    /// The answer for `provideSegments` from every job's bytes, job `i`'s at index `i`.
    #[wasm_bindgen(unchecked_return_type = "SegmentAnswer")]
    pub fn finish(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array[]")] fits: js_sys::Array,
    ) -> Result<Object, JsValue> {
        let scan = self.scan.take().ok_or_else(|| bad("finished"))?;
        if fits.length() as usize != scan.jobs() {
            return Err(bad("fits"));
        }
        let fits = fits
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let bytes = f.dyn_into::<Uint8Array>().map_err(|_| bad("fits"))?;
                scan.decode_fit(i, &bytes.to_vec())
                    .ok_or_else(|| bad("fits"))
            })
            .collect::<Result<Vec<_>, JsValue>>()?;
        answer(self.job.finish(scan, fits))
    }
}

/// Evaluates an `intervalJob` (in any worker that loaded this module): the answer for
/// `provideIntervals`.
#[wasm_bindgen(js_name = runIntervals)]
pub fn run_intervals(job: &[u8]) -> Result<Vec<u8>, JsValue> {
    run_interval_job(job).map_err(js_error)
}

/// An `intervalJob`'s blocks run one at a time (`runBlock`), in the order a worker chooses:
/// between two blocks it can leave those the `Dataset`'s worker took (`runIntervalBlock`).
/// `answer()` holds the blocks run here, for `provideIntervals`.
#[wasm_bindgen]
pub struct IntervalRun {
    inner: crate::pipeline::IntervalRun,
}

#[wasm_bindgen]
impl IntervalRun {
    #[wasm_bindgen(constructor)]
    pub fn new(job: &[u8]) -> Result<IntervalRun, JsValue> {
        crate::pipeline::IntervalRun::new(job)
            .map(|inner| IntervalRun { inner })
            .map_err(js_error)
    }

    /// The job's first block.
    pub fn first(&self) -> usize {
        self.inner.blocks().start
    }

    /// The end of the job's blocks (one past the last).
    pub fn end(&self) -> usize {
        self.inner.blocks().end
    }

    /// Evaluates block `block` (once; a block outside the job is an error).
    #[wasm_bindgen(js_name = runBlock)]
    pub fn run_block(&mut self, block: usize) -> Result<(), JsValue> {
        self.inner.run_block(block).map_err(js_error)
    }

    /// The answer for `provideIntervals`: the blocks run here.
    pub fn answer(&self) -> Vec<u8> {
        self.inner.answer()
    }
}
