//! Stages another thread can run. The k-means segmentation and the CLV models read the same
//! customer table but not each other (unless CLV is a segmentation feature), so the page's
//! worker fits CLV while a second worker segments: on 2 cores the slower of the two, not
//! their sum, is what the user waits for. On large data, once its k-means is done, that
//! worker also evaluates blocks of CLV's bootstrap (`interval_job`, below).
//!
//! The protocol: [`Dataset::segment_job`] hands out the segmentation's input (owned columns
//! and options, tagged with the customer table's generation; it needs the table only, so it
//! can go out before RFM and the KPIs), the other thread runs
//! [`SegmentJob::run`] (`segment::run`'s steps, the function `reanalyze` calls) — or both
//! threads share its k-means jobs ([`SegmentJob::scan`], `Scan::run_job`, fits combined in
//! job order by [`SegmentJob::finish`]: the same bits whoever ran which) —, and
//! [`Dataset::provide_segments`] remembers the result in the stage memo; the `reanalyze`
//! that follows finds it there. A job for another table, or other options, is refused, so
//! a late answer can never enter a Report it does not belong to.
//!
//! The bootstrap: [`Dataset::interval_job`] runs the CLV stage with a large bootstrap deferred
//! (`clv::run::run_deferred`) and hands out all its fixed blocks as bytes. Once their other
//! work is done, the two threads share them block by block, like the k-means jobs: the other
//! worker runs them from the last down ([`IntervalRun`]), this one from the first up
//! ([`Dataset::run_interval_block`]), each skipping what the other took, and
//! [`Dataset::provide_intervals`] takes the other's answer. The Report's assembly
//! (`complete`) evaluates whatever block is still missing (no answer, a failed worker) and
//! merges them: the blocks are fixed and summed in their order, so the Report is the same
//! bits however they were shared, and the same as `analyze`'s.
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::stages::{clv_key, ClvStage, SegmentStage, StageRun, Stages};
use super::Dataset;
use crate::clv::run::apply_intervals;
use crate::clv::uncertainty::boot_eval::{BootPart, BLOCKS};
use crate::clv::uncertainty::job::{decode_parts, encode_parts, BlockInputs, BootJob};
use crate::customers::CustomerTable;
use crate::error::{Error, Result};
use crate::options::Options;
use crate::report::Warning;
use crate::segment::{
    Feature, KmeansFit, Scan, SegmentColumns, SegmentInput, SegmentOptions, SegmentsReport,
};

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
        let scan = self.scan();
        let fits = (0..scan.jobs()).map(|i| scan.run_job(i)).collect();
        self.finish(scan, fits)
    }

    /// The segmentation cut at its k-means jobs, which several workers may share: each runs
    /// [`Scan::run_job`] for the jobs it takes, and one hands every fit, in job order, to
    /// [`SegmentJob::finish`].
    pub fn scan(&self) -> Scan {
        Scan::new(&self.features.input(None), &self.options)
    }

    /// The segmentation from `scan` and its jobs' fits (`fits[i]`: job `i`'s).
    pub fn finish(&self, scan: Scan, fits: Vec<KmeansFit>) -> SegmentResult {
        let (report, columns, warnings) = scan.finish(&self.features.input(None), None, fits);
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
    /// Runs the cheap stages, CLV, the lifecycle stages and churn for `opts` into the stage
    /// memo: everything but the segmentation, which another thread may be running meanwhile,
    /// and a deferred bootstrap's blocks, which the two threads share afterwards
    /// ([`Dataset::run_interval_block`], [`IntervalRun`]; the Report's assembly runs any
    /// block still missing).
    pub fn prepare_models(&mut self, opts: &Options) -> Result<()> {
        opts.validate()?;
        if self.is_subscription_input() {
            return Ok(());
        }
        self.with_stages(opts, |r| {
            let c = r.cheap()?;
            r.models(&c)?;
            Ok(())
        })
    }

    /// The segmentation's input for `opts`, when it has to run and can run elsewhere: `None`
    /// when its result for these options is remembered, or when it reads CLV (then
    /// `reanalyze` runs it after CLV). It needs the customer table only, so a worker hands it
    /// out before the other cheap stages (RFM, KPIs: `prepare`), and the other thread starts
    /// its k-means that much earlier.
    pub fn segment_job(&mut self, opts: &Options) -> Result<Option<SegmentJob>> {
        opts.validate()?;
        // Subscription input has no customers to segment.
        if opts.segments.features.contains(&Feature::Clv) || self.is_subscription_input() {
            return Ok(None);
        }
        self.with_stages(opts, |r| {
            let (table, table_gen) = r.table()?;
            if r.stages
                .segments
                .holds(&(table_gen, 0, opts.segments.clone()))
            {
                return Ok(None);
            }
            Ok(Some(SegmentJob {
                token: table_gen,
                options: opts.segments.clone(),
                features: SegmentFeatures::of(&table.customers),
            }))
        })
    }

    /// Remembers a segmentation run elsewhere from [`Dataset::segment_job`]`(opts)`, for the
    /// `reanalyze(opts)` that follows. Refused when it is not for this customer table and
    /// these options.
    pub fn provide_segments(&mut self, opts: &Options, r: SegmentResult) -> Result<()> {
        opts.validate()?;
        self.with_stages(opts, |run| {
            let (table, table_gen) = run.table()?;
            let n = table.customers.len();
            if r.token != table_gen || r.options != opts.segments || r.columns.cluster.len() != n {
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
            run.stages.segments.put((table_gen, 0, opts.segments.clone()), stage, "segments", run.ran);
            Ok(())
        })
    }
}

/// A bootstrap the CLV stage left for later (`clv::run::run_deferred`). Its job holds every
/// block: another worker may take any of them ([`IntervalRun`]) while this one takes others
/// ([`Dataset::run_interval_block`]); what every block reads is made once, on the first.
#[derive(Debug)]
pub(super) struct Deferred {
    job: BootJob,
    inputs: OnceLock<BlockInputs>,
}

impl Deferred {
    pub(super) fn new(job: BootJob) -> Deferred {
        Deferred {
            job,
            inputs: OnceLock::new(),
        }
    }

    /// The parts of `blocks`.
    fn run(&self, blocks: Range<usize>) -> Vec<BootPart> {
        let inputs = self.inputs.get_or_init(|| self.job.block_inputs());
        self.job.run_blocks_with(inputs, blocks)
    }
}

/// The parts evaluated so far of the deferred bootstrap of CLV generation `generation`.
fn parts_of(stages: &mut Stages, generation: u64) -> &mut Vec<BootPart> {
    if stages
        .boot_parts
        .as_ref()
        .is_none_or(|(g, _)| *g != generation)
    {
        stages.boot_parts = None;
    }
    &mut stages
        .boot_parts
        .get_or_insert_with(|| (generation, Vec::new()))
        .1
}

/// Evaluates the blocks of `want` that no part holds yet, in runs of consecutive blocks.
fn run_missing(stages: &mut Stages, generation: u64, d: &Deferred, want: &[usize]) {
    let parts = parts_of(stages, generation);
    let missing: Vec<usize> = want
        .iter()
        .copied()
        .filter(|b| !parts.iter().any(|p| p.block == *b))
        .collect();
    let mut i = 0;
    while i < missing.len() {
        let mut j = i + 1;
        while j < missing.len() && missing[j] == missing[j - 1] + 1 {
            j += 1;
        }
        parts.extend(d.run(missing[i]..missing[j - 1] + 1));
        i = j;
    }
}

/// The CLV stage with its intervals: a deferred bootstrap's blocks that are still missing run
/// here, and the merge of all of them enters the stage (in the memo too, same generation).
pub(super) fn complete(stages: &mut Stages, clv: ClvStage, generation: u64) -> ClvStage {
    let Some(d) = clv.pending.clone() else {
        return clv;
    };
    let all: Vec<usize> = (0..BLOCKS).collect();
    run_missing(stages, generation, &d, &all);
    let parts = stages.boot_parts.take().map(|(_, p)| p).unwrap_or_default();
    let out = d.job.finish(&parts);
    // The memo's reference goes first, so the columns are completed without a copy.
    if let Some(slot) = stages.clv.value_mut(generation) {
        slot.cols = Arc::default();
    }
    let mut cols = Arc::try_unwrap(clv.cols).unwrap_or_else(|shared| (*shared).clone());
    let mut report = clv.report;
    apply_intervals(&mut report, &mut cols, &out);
    let done = ClvStage {
        report,
        cols: Arc::new(cols),
        warnings: clv.warnings,
        pending: None,
    };
    if let Some(slot) = stages.clv.value_mut(generation) {
        *slot = done.clone();
    }
    done
}

/// A malformed interval job or answer (not what `interval_job` / `run_interval_job` made).
fn bad_intervals() -> Error {
    Error::new(
        "invalid_interval_job",
        "the interval job or its answer is malformed",
    )
    .with_hint("pass intervalJob()'s bytes to runIntervals() or an IntervalRun, and its answer to provideIntervals(), unchanged")
}

/// Evaluates every block of an [`Dataset::interval_job`] (in any worker): the answer for
/// [`Dataset::provide_intervals`].
pub fn run_interval_job(bytes: &[u8]) -> Result<Vec<u8>> {
    let (token, blocks, job) = BootJob::decode(bytes).ok_or_else(bad_intervals)?;
    Ok(encode_parts(token, &job.run_blocks(blocks)))
}

/// The blocks of an [`Dataset::interval_job`] run one at a time, in the order a worker
/// chooses: between two blocks it learns which ones the worker holding the `Dataset` took
/// ([`Dataset::run_interval_block`]) and leaves them. Its answer holds the blocks it ran.
#[derive(Debug)]
pub struct IntervalRun {
    token: u64,
    blocks: Range<usize>,
    job: BootJob,
    /// Made on the first block (`BootJob::block_inputs`).
    inputs: Option<BlockInputs>,
    parts: Vec<BootPart>,
}

impl IntervalRun {
    /// The job of [`Dataset::interval_job`]'s bytes.
    pub fn new(bytes: &[u8]) -> Result<IntervalRun> {
        let (token, blocks, job) = BootJob::decode(bytes).ok_or_else(bad_intervals)?;
        Ok(IntervalRun {
            token,
            blocks,
            job,
            inputs: None,
            parts: Vec::new(),
        })
    }

    /// The job's blocks.
    pub fn blocks(&self) -> Range<usize> {
        self.blocks.clone()
    }

    /// Evaluates block `block` (once); a block outside the job is an error.
    pub fn run_block(&mut self, block: usize) -> Result<()> {
        if !self.blocks.contains(&block) {
            return Err(bad_intervals());
        }
        if !self.parts.iter().any(|p| p.block == block) {
            let inputs = self.inputs.get_or_insert_with(|| self.job.block_inputs());
            let part = self.job.run_blocks_with(inputs, block..block + 1);
            self.parts.extend(part);
        }
        Ok(())
    }

    /// The answer for [`Dataset::provide_intervals`]: the blocks run here.
    pub fn answer(&self) -> Vec<u8> {
        encode_parts(self.token, &self.parts)
    }
}

/// The deferred bootstrap of the CLV stage `opts` give now (memo hits after `interval_job`),
/// and that stage's generation; None when it has none.
fn pending(r: &mut StageRun, opts: &Options) -> Result<Option<(Arc<Deferred>, u64)>> {
    let c = r.cheap()?;
    let key = clv_key(opts, c.table_gen, &c.kpi);
    Ok(r.stages
        .clv
        .peek(&key)
        .and_then(|(s, g)| Some((s.pending.clone()?, g))))
}

impl Dataset {
    /// Runs the CLV stage for `opts` with a large bootstrap deferred, and returns it as bytes
    /// for another worker (`run_interval_job`, [`IntervalRun`]), every block of it: the
    /// workers share them block by block ([`Dataset::run_interval_block`]). `None` when there
    /// is nothing to share (CLV remembered complete, a small bootstrap, no customers).
    pub fn interval_job(&mut self, opts: &Options) -> Result<Option<Vec<u8>>> {
        opts.validate()?;
        if self.is_subscription_input() {
            return Ok(None);
        }
        self.with_stages(opts, |r| {
            let c = r.cheap()?;
            let (clv, generation) = r.clv(&c, true)?;
            Ok(clv
                .pending
                .as_ref()
                .map(|d| d.job.encode(generation, 0..BLOCKS)))
        })
    }

    /// Evaluates block `block` of the deferred bootstrap of [`Dataset::interval_job`]`(opts)`
    /// here, unless it is done: this worker's share, taken block by block while another
    /// worker runs others of the same job. False when there is no such block (no deferred
    /// bootstrap for these options, or `block` past the last), so a caller can walk the
    /// blocks up until it meets the other worker's or the end.
    pub fn run_interval_block(&mut self, opts: &Options, block: usize) -> Result<bool> {
        opts.validate()?;
        if self.is_subscription_input() || block >= BLOCKS {
            return Ok(false);
        }
        self.with_stages(opts, |r| {
            let Some((d, generation)) = pending(r, opts)? else {
                return Ok(false);
            };
            run_missing(r.stages, generation, &d, &[block]);
            Ok(true)
        })
    }

    /// Remembers the blocks another worker evaluated for [`Dataset::interval_job`]`(opts)`.
    /// Refused when they are not for the CLV stage these options have now.
    pub fn provide_intervals(&mut self, opts: &Options, answer: &[u8]) -> Result<()> {
        opts.validate()?;
        let (token, parts) = decode_parts(answer).ok_or_else(bad_intervals)?;
        self.with_stages(opts, |r| {
            let (d, _) = pending(r, opts)?
                .filter(|(_, g)| *g == token)
                .ok_or_else(|| {
                    Error::new(
                        "stale_intervals",
                        "the intervals handed back are for another file, as-of date or set of options",
                    )
                    .with_hint("run intervalJob() again for the current options and hand back its answer")
                })?;
            let job = &d.job;
            let fits = |p: &BootPart| {
                p.totals.len() == job.draws && p.customers.iter().all(|&c| (c as usize) < job.x.len())
            };
            if !parts.iter().all(fits) {
                return Err(bad_intervals());
            }
            let have = parts_of(r.stages, token);
            for p in parts {
                if !have.iter().any(|q| q.block == p.block) {
                    have.push(p);
                }
            }
            Ok(())
        })
    }
}
