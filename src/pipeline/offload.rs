//! Stages another thread can run. The k-means segmentation and the CLV models read the same
//! customer table but not each other (unless CLV is a segmentation feature), so the page's
//! worker fits CLV while a second worker segments: on 2 cores the slower of the two, not
//! their sum, is what the user waits for.
//!
//! The protocol: [`Dataset::segment_job`] hands out the segmentation's input (owned columns
//! and options, tagged with the customer table's generation), the other thread runs
//! [`SegmentJob::run`] (which is `segment::run`, the function `reanalyze` calls), and
//! [`Dataset::provide_segments`] remembers the result in the stage memo; the `reanalyze`
//! that follows finds it there. A job for another table, or other options, is refused, so
//! a late answer can never enter a Report it does not belong to.
use std::sync::Arc;

use super::{Dataset, SegmentStage};
use crate::customers::CustomerTable;
use crate::error::{Error, Result};
use crate::options::Options;
use crate::report::Warning;
use crate::segment::{self, Feature, SegmentColumns, SegmentInput, SegmentOptions, SegmentsReport};

/// The customer columns the segmentation reads (frequency as a real number, as k-means
/// wants it).
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentFeatures {
    pub recency_days: Vec<f64>,
    pub frequency: Vec<f64>,
    pub monetary: Vec<f64>,
    pub tenure_days: Vec<f64>,
}

impl SegmentFeatures {
    pub fn of(customers: &CustomerTable) -> Self {
        SegmentFeatures {
            recency_days: customers.recency_days.clone(),
            frequency: customers.transactions.iter().map(|&x| x as f64).collect(),
            monetary: customers.revenue.clone(),
            tenure_days: customers.tenure_days.clone(),
        }
    }

    pub fn input<'a>(&'a self, clv: Option<&'a [f64]>) -> SegmentInput<'a> {
        SegmentInput {
            recency_days: &self.recency_days,
            frequency: &self.frequency,
            monetary: &self.monetary,
            tenure_days: &self.tenure_days,
            clv,
        }
    }
}

/// A segmentation to run elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentJob {
    /// The customer table's generation: [`Dataset::provide_segments`] checks it.
    pub token: u64,
    pub options: SegmentOptions,
    pub features: SegmentFeatures,
}

/// What the segmentation of a job gave, to hand back to [`Dataset::provide_segments`].
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentResult {
    pub token: u64,
    pub options: SegmentOptions,
    pub report: SegmentsReport,
    pub columns: SegmentColumns,
    pub warnings: Vec<Warning>,
}

impl SegmentJob {
    /// Runs the segmentation, as `reanalyze` would.
    pub fn run(&self) -> SegmentResult {
        let (report, columns, warnings) =
            segment::run(&self.features.input(None), &self.options, None);
        SegmentResult {
            token: self.token,
            options: self.options.clone(),
            report,
            columns,
            warnings,
        }
    }
}

impl Dataset {
    /// Runs the cheap stages, CLV and the lifecycle stages for `opts` into the stage memo:
    /// everything but the segmentation, which another thread may be running meanwhile.
    pub fn prepare_models(&mut self, opts: &Options) -> Result<()> {
        opts.validate()?;
        if self.is_subscription_input() {
            return Ok(());
        }
        self.with_stages(|ds, stages, ran| {
            let c = ds.cheap_stages(opts, stages, ran)?;
            ds.model_stages(opts, stages, ran, &c.table, c.table_gen, &c.kpi, c.kpi_gen)?;
            Ok(())
        })
    }

    /// The segmentation's input for `opts`, when it has to run and can run elsewhere: `None`
    /// when its result for these options is remembered, or when it reads CLV (then
    /// `reanalyze` runs it after CLV).
    pub fn segment_job(&mut self, opts: &Options) -> Result<Option<SegmentJob>> {
        opts.validate()?;
        // Subscription input has no customers to segment.
        if opts.segments.features.contains(&Feature::Clv) || self.is_subscription_input() {
            return Ok(None);
        }
        self.with_stages(|ds, stages, ran| {
            let c = ds.cheap_stages(opts, stages, ran)?;
            if stages
                .segments
                .holds(&(c.table_gen, 0, opts.segments.clone()))
            {
                return Ok(None);
            }
            Ok(Some(SegmentJob {
                token: c.table_gen,
                options: opts.segments.clone(),
                features: SegmentFeatures::of(&c.table.customers),
            }))
        })
    }

    /// Remembers a segmentation run elsewhere from [`Dataset::segment_job`]`(opts)`, for the
    /// `reanalyze(opts)` that follows. Refused when it is not for this customer table and
    /// these options.
    pub fn provide_segments(&mut self, opts: &Options, r: SegmentResult) -> Result<()> {
        opts.validate()?;
        self.with_stages(|ds, stages, ran| {
            let c = ds.cheap_stages(opts, stages, ran)?;
            let n = c.table.customers.len();
            if r.token != c.table_gen || r.options != opts.segments || r.columns.cluster.len() != n {
                return Err(Error::new(
                    "stale_segments",
                    "the segmentation handed back is for another file, as-of date or set of options",
                )
                .with_hint("run segmentJob() again for the current options and hand back its result"));
            }
            let stage = SegmentStage {
                report: r.report,
                cols: Arc::new(r.columns),
                warnings: r.warnings,
            };
            stages.segments.put((c.table_gen, 0, opts.segments.clone()), stage, "segments", ran);
            Ok(())
        })
    }
}
