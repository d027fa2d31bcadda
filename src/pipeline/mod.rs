//! The one pipeline every caller runs: bytes → ingest → customer table → analyses → Report.
//!
//! [`Dataset`] keeps the ingested transactions, so a caller can re-run the analyses with other
//! options (another k, horizon or as-of date) without reading the file again;
//! [`Dataset::reanalyze`] also keeps each stage's last result and re-runs only the stages
//! whose inputs changed (see [`memo`]). Both run the same stages (`stages`) and assembly
//! (`assemble`), so a re-run Report is the Report a fresh run gives (tested).
mod assemble;
mod clv_input;
mod diagnose;
mod first_results;
mod memo;
mod offload;
mod row_notes;
mod stages;
mod subscriptions;
mod summary_export;
mod summary_input;

use std::sync::Arc;

use crate::churn::ChurnColumns;
use crate::clv::ClvColumns;
use crate::customers::CustomerTable;
use crate::dates::parse_iso;
use crate::error::{Error, Result};
use crate::ingest::{
    self, Detected, Ingested, RowAccount, SubscriptionTable, SummaryTable, SurvivalTable,
    Transactions,
};
use crate::lifecycle::Stage;
use crate::options::Options;
use crate::report::Report;
use crate::rfm::RfmColumns;
use crate::segment::SegmentColumns;
pub use clv_input::{clv_for, covariate_inputs, holdout_split, Split};
pub(crate) use diagnose::{by_design as by_design_skip, dominant as dominant_skip};
pub use first_results::FirstResults;
pub use offload::{run_interval_job, IntervalRun, SegmentFeatures, SegmentJob, SegmentResult};
use stages::{StageRun, Stages};
pub use summary_export::SUMMARY_COLUMNS;

/// What the file held, kept for re-analysis.
#[derive(Debug, Clone)]
enum Source {
    Transactions(Transactions),
    Summary(SummaryTable),
    Survival(SurvivalTable),
    Subscriptions(SubscriptionTable),
}

#[derive(Debug, Clone)]
pub struct Dataset {
    source: Source,
    account: RowAccount,
    detected: Detected,
    ingest_options: ingest::IngestOptions,
    /// Date of the last transaction: `asOf` when the options give none.
    last_day: Option<i32>,
    stages: Stages,
    ran: Vec<&'static str>,
    /// Stages a [`Dataset::prepare`] computed since the last `reanalyze`: that call reports
    /// them too, so prepare + reanalyze names what one reanalyze would.
    prepared: Vec<&'static str>,
}

/// Everything one run computed: the Report and the per-customer columns behind it. The
/// columns are shared with the stage cache, not copied.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub report: Report,
    pub customers: Arc<CustomerTable>,
    pub rfm: Arc<RfmColumns>,
    pub stages: Arc<Vec<Stage>>,
    pub segments: Arc<SegmentColumns>,
    pub clv: Arc<ClvColumns>,
    pub churn: Arc<ChurnColumns>,
}

impl Dataset {
    /// Reads the file once. Fails only when nothing usable can be read.
    pub fn from_bytes(bytes: &[u8], opts: &Options) -> Result<Dataset> {
        opts.validate()?;
        Ok(Self::from_ingested(
            ingest::ingest(bytes, &opts.ingest)?,
            opts,
        ))
    }

    /// Reads what the formats module's `ingest::decode` made of a file (legacy encodings,
    /// workbooks): the Dataset [`Dataset::from_bytes`] gives for the file itself.
    pub fn from_decoded(info: &ingest::Decoded, bytes: &[u8], opts: &Options) -> Result<Dataset> {
        opts.validate()?;
        let ingested = ingest::ingest_decoded(info, bytes, &opts.ingest)?;
        Ok(Self::from_ingested(ingested, opts))
    }

    /// Reads orders a program holds in memory, with a file's guarantees (`ingest::memory`).
    pub fn from_memory(input: &ingest::MemoryInput, opts: &Options) -> Result<Dataset> {
        opts.validate()?;
        let ingested = ingest::ingest_memory(input, &opts.ingest)?;
        Ok(Self::from_ingested(ingested, opts))
    }

    fn from_ingested(ingested: Ingested, opts: &Options) -> Dataset {
        let (source, account, detected) = match ingested {
            Ingested::Transactions(tx, acc, det) => (Source::Transactions(tx), acc, det),
            Ingested::Summary(s, acc, det) => (Source::Summary(s), acc, det),
            Ingested::Survival(s, acc, det) => (Source::Survival(s), acc, det),
            Ingested::Subscriptions(s, acc, det) => (Source::Subscriptions(s), acc, det),
        };
        let last_day = match &source {
            Source::Transactions(tx) => tx.day.iter().copied().max(),
            Source::Subscriptions(s) => s.start.iter().chain(s.end.iter().flatten()).max().copied(),
            Source::Summary(_) | Source::Survival(_) => None,
        };
        Dataset {
            last_day,
            source,
            account,
            detected,
            ingest_options: opts.ingest.clone(),
            stages: Stages::default(),
            ran: Vec::new(),
            prepared: Vec::new(),
        }
    }

    /// A survival table or a list of subscriptions: the Report is its `retention` section.
    pub fn is_subscription_input(&self) -> bool {
        matches!(self.source, Source::Survival(_) | Source::Subscriptions(_))
    }

    pub fn detected(&self) -> &Detected {
        &self.detected
    }

    /// Rows ingest used (before any `asOf` cut).
    pub fn rows_used(&self) -> u64 {
        self.account.rows_used
    }

    /// Runs every analysis with `opts`, from scratch. Ingest options are those the dataset
    /// was read with.
    pub fn analyze(&self, opts: &Options) -> Result<Analysis> {
        StageRun {
            ds: self,
            opts,
            stages: &mut Stages::default(),
            ran: &mut Vec::new(),
        }
        .analysis()
    }

    /// Like [`Dataset::analyze`], but re-runs only the stages whose inputs changed since the
    /// last call ([`Dataset::stages_run`] names them): changing k re-runs k-means only.
    pub fn reanalyze(&mut self, opts: &Options) -> Result<Analysis> {
        let mut stages = std::mem::take(&mut self.stages);
        let mut ran = std::mem::take(&mut self.prepared);
        let out = StageRun {
            ds: self,
            opts,
            stages: &mut stages,
            ran: &mut ran,
        }
        .analysis();
        self.stages = stages;
        // A stage prepared with other options and then recomputed is named once.
        let mut seen = Vec::with_capacity(ran.len());
        ran.retain(|s| {
            !seen.contains(s) && {
                seen.push(*s);
                true
            }
        });
        self.ran = ran;
        out
    }

    /// Runs `f` on the stage memo with `opts`, collecting the stages it computed for the next
    /// `reanalyze`'s `stagesRun` (the calls a worker makes before `reanalyze`: `prepare`,
    /// the jobs of `offload`).
    fn with_stages<T>(
        &mut self,
        opts: &Options,
        f: impl FnOnce(&mut StageRun) -> Result<T>,
    ) -> Result<T> {
        let mut stages = std::mem::take(&mut self.stages);
        let mut ran = std::mem::take(&mut self.prepared);
        let out = f(&mut StageRun {
            ds: self,
            opts,
            stages: &mut stages,
            ran: &mut ran,
        });
        self.stages = stages;
        self.prepared = ran;
        out
    }

    /// The stages the last [`Dataset::reanalyze`] computed (the others were remembered):
    /// `customers`, `rfm`, `kpis`, `clv`, `lifecycle`, `segments`.
    pub fn stages_run(&self) -> &[&'static str] {
        &self.ran
    }
}

/// One call from bytes to Report.
pub fn analyze(bytes: &[u8], opts: &Options) -> Result<Report> {
    Dataset::from_bytes(bytes, opts)?
        .analyze(opts)
        .map(|a| a.report)
}

/// Validates an `asOf`-style date option (shared by CLI parsing).
pub fn check_date(s: &str) -> Result<i32> {
    parse_iso(s).ok_or_else(|| Error::option(format!("{s:?} is not a YYYY-MM-DD date")))
}
