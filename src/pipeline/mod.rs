//! The one pipeline every caller runs: bytes → ingest → customer table → analyses → Report.
//!
//! [`Dataset`] keeps the ingested transactions, so a caller can re-run the analyses with other
//! options (another k, horizon or as-of date) without reading the file again;
//! [`Dataset::reanalyze`] also keeps each stage's last result and re-runs only the stages
//! whose inputs changed (see [`memo`]). Both run the same code below, so a re-run Report is
//! the Report a fresh run gives (tested).
mod clv_input;
mod diagnose;
mod memo;
mod offload;
mod row_notes;
mod subscriptions;
mod summary_export;
mod summary_input;

use std::sync::Arc;

use crate::churn::{self, ChurnColumns, ChurnOptions, ChurnReport};
use crate::clv::{self, ClvColumns, ClvOptions, ClvReport};
use crate::customers::CustomerTable;
use crate::dates::{format_day, parse_iso};
use crate::error::{Error, Result};
use crate::explain::{self, ExplainReport};
use crate::ingest::{
    self, Detected, IngestReport, Ingested, RowAccount, SkipReason, SubscriptionTable,
    SummaryTable, SurvivalTable, Transactions,
};
use crate::insights::{self, InsightsReport};
use crate::kpis::{self, KpiOptions, KpisReport};
use crate::lifecycle::{self, LifecycleOptions, LifecycleReport, Stage, Thresholds};
use crate::options::Options;
use crate::report::{Report, Warning, SCHEMA_VERSION};
use crate::rfm::{self, RfmColumns, RfmOptions, RfmReport};
use crate::segment::{self, Feature, SegmentColumns, SegmentOptions, SegmentsReport};
use crate::units::TimeUnit;
pub use clv_input::{clv_for, covariate_inputs, holdout_split, Split};
use clv_input::{clv_for_job, clv_with};
pub(crate) use diagnose::{by_design as by_design_skip, dominant as dominant_skip};
use diagnose::{ingest_warnings, no_rows_error};
use memo::Memo;
pub use offload::{run_interval_job, SegmentFeatures, SegmentJob, SegmentResult};
pub use summary_export::SUMMARY_COLUMNS;

/// The sections of a Report that exist after the cheap stages (customer table, RFM, KPIs),
/// before any model is fitted: the "first results" the page shows while CLV and the segments
/// are computed. Each equals the same section of the Report that follows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FirstResults {
    pub kpis: KpisReport,
    pub rfm: RfmReport,
}

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

/// The stages in the order they run, each keyed by what it reads.
#[derive(Debug, Clone, Default)]
struct Stages {
    /// Key: the analysis date in effect (an `asOf` equal to the default is the same key),
    /// time unit.
    table: Memo<(Option<i32>, TimeUnit), TableStage>,
    /// Key: table generation, RFM options.
    rfm: Memo<(u64, RfmOptions), RfmStage>,
    /// Key: table generation, lifecycle and KPI options.
    kpis: Memo<(u64, LifecycleOptions, KpiOptions), KpiStage>,
    /// Key: table generation, measured retention (bits), CLV options.
    clv: Memo<ClvKey, ClvStage>,
    /// Key: table, KPI (thresholds) and CLV (P(alive)) generations, lifecycle options.
    lifecycle: Memo<(u64, u64, u64, LifecycleOptions), LifecycleStage>,
    /// Key: table generation, CLV generation when CLV is a feature (else 0), options.
    segments: Memo<(u64, u64, SegmentOptions), SegmentStage>,
    /// Key: table and CLV generations (the holdout split is a CLV option), churn options.
    churn: Memo<(u64, u64, ChurnOptions), ChurnStage>,
    /// The blocks of a deferred bootstrap evaluated so far, with the CLV generation they are of
    /// (`offload`).
    boot_parts: Option<(u64, Vec<clv::uncertainty::boot_eval::BootPart>)>,
    /// Key: table, lifecycle, segments and churn generations.
    explain: Memo<(u64, u64, u64, u64), ExplainReport>,
}

/// What [`Dataset::model_stages`] computed, with the generations downstream keys use.
struct Models {
    clv: ClvStage,
    clv_gen: u64,
    life: LifecycleStage,
    life_gen: u64,
    churn: ChurnStage,
    churn_gen: u64,
}

#[derive(Debug, Clone)]
struct ChurnStage {
    report: ChurnReport,
    cols: Arc<ChurnColumns>,
    warnings: Vec<Warning>,
}

/// The results of [`Dataset::cheap_stages`], with the generations downstream keys use.
struct Cheap {
    table: TableStage,
    table_gen: u64,
    rfm: RfmStage,
    kpi: KpiStage,
    kpi_gen: u64,
}

#[derive(Debug, Clone)]
struct TableStage {
    customers: Arc<CustomerTable>,
    as_of: i32,
    first_day: Option<i32>,
    last_day: Option<i32>,
    /// The row account with the rows this `asOf` leaves out.
    account: RowAccount,
    /// What reading a summary found worth saying (reconstructed columns, no as-of date).
    warnings: Vec<Warning>,
}

#[derive(Debug, Clone)]
struct RfmStage {
    report: RfmReport,
    cols: Arc<RfmColumns>,
}

#[derive(Debug, Clone)]
struct KpiStage {
    th: Thresholds,
    kpis: KpisReport,
    warnings: Vec<Warning>,
}

#[derive(Debug, Clone)]
struct ClvStage {
    report: ClvReport,
    cols: Arc<ClvColumns>,
    warnings: Vec<Warning>,
    /// A bootstrap not evaluated yet (`offload`): the intervals are the point estimate until
    /// `offload::complete`. Nothing downstream but the Report and the columns reads them.
    pending: Option<Arc<offload::Deferred>>,
}

/// What the CLV stage's memo key holds: the table generation, the measured retention (bits),
/// the CLV options.
type ClvKey = (u64, Option<u64>, ClvOptions);

#[derive(Debug, Clone)]
struct LifecycleStage {
    stages: Arc<Vec<Stage>>,
    report: LifecycleReport,
}

#[derive(Debug, Clone)]
struct SegmentStage {
    report: SegmentsReport,
    cols: Arc<SegmentColumns>,
    warnings: Vec<Warning>,
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
        let mut stages = Stages::default();
        self.run(opts, &mut stages, &mut Vec::new())
    }

    /// Like [`Dataset::analyze`], but re-runs only the stages whose inputs changed since the
    /// last call ([`Dataset::stages_run`] names them): changing k re-runs k-means only.
    pub fn reanalyze(&mut self, opts: &Options) -> Result<Analysis> {
        let mut stages = std::mem::take(&mut self.stages);
        let mut ran = std::mem::take(&mut self.prepared);
        let out = self.run(opts, &mut stages, &mut ran);
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

    /// Runs the cheap stages (customer table, RFM, KPIs) for `opts` into the stage memo, so
    /// the `reanalyze` that follows with the same options only fits the models (CLV,
    /// lifecycle, k-means). It lets the page report "fitting" between the two calls; the
    /// Report is the one `reanalyze` alone gives (tests/reanalyze.rs).
    /// Returns the first results (KPIs and RFM, the Report's sections as `reanalyze` will
    /// give them), which the page shows while the models are fitted; `None` for subscription
    /// input (no customer stages).
    pub fn prepare(&mut self, opts: &Options) -> Result<Option<FirstResults>> {
        opts.validate()?;
        if self.is_subscription_input() {
            return Ok(None);
        }
        self.with_stages(|ds, stages, ran| {
            let c = ds.cheap_stages(opts, stages, ran)?;
            Ok(Some(FirstResults {
                kpis: c.kpi.kpis.clone(),
                rfm: c.rfm.report.clone(),
            }))
        })
    }

    /// Runs `f` on the stage memo, collecting the stages it computed for the next
    /// `reanalyze`'s `stagesRun` (as `prepare` does).
    fn with_stages<T>(
        &mut self,
        f: impl FnOnce(&Dataset, &mut Stages, &mut Vec<&'static str>) -> Result<T>,
    ) -> Result<T> {
        let mut stages = std::mem::take(&mut self.stages);
        let mut ran = std::mem::take(&mut self.prepared);
        let out = f(self, &mut stages, &mut ran);
        self.stages = stages;
        self.prepared = ran;
        out
    }

    /// The stages the last [`Dataset::reanalyze`] computed (the others were remembered):
    /// `customers`, `rfm`, `kpis`, `clv`, `lifecycle`, `segments`.
    pub fn stages_run(&self) -> &[&'static str] {
        &self.ran
    }

    fn run(
        &self,
        opts: &Options,
        stages: &mut Stages,
        ran: &mut Vec<&'static str>,
    ) -> Result<Analysis> {
        opts.validate()?;
        if self.is_subscription_input() {
            return self.run_subscriptions(opts, ran);
        }
        let Cheap {
            table,
            table_gen,
            rfm,
            kpi,
            kpi_gen,
        } = self.cheap_stages(opts, stages, ran)?;
        let customers = &table.customers;
        let as_of = table.as_of;
        let mut warnings = ingest_warnings(&table.account, &self.detected);
        warnings.extend(row_notes::row_notes(&table.account, &self.detected));
        warnings.extend(table.warnings.iter().cloned());
        warnings.extend(kpi.warnings.iter().cloned());
        let Models {
            clv,
            clv_gen,
            life,
            life_gen,
            churn,
            churn_gen,
        } = self.model_stages(opts, stages, ran, &table, table_gen, &kpi, kpi_gen)?;
        let clv = offload::complete(stages, clv, clv_gen);
        warnings.extend(clv.warnings.iter().cloned());
        warnings.extend(churn.warnings.iter().cloned());
        let uses_clv = opts.segments.features.contains(&Feature::Clv);
        let seg_key = (
            table_gen,
            if uses_clv { clv_gen } else { 0 },
            opts.segments.clone(),
        );
        let (seg, seg_gen) = stages.segments.get(seg_key, "segments", ran, || {
            let features = SegmentFeatures::of(customers);
            // Only a CLV feature makes the fit depend on CLV; profiles get it below.
            let clv_feature = uses_clv.then_some(clv.cols.clv.as_slice());
            let (report, cols, warnings) =
                segment::run(&features.input(clv_feature), &opts.segments, None);
            Ok(SegmentStage {
                report,
                cols: Arc::new(cols),
                warnings,
            })
        })?;
        // The crosstab joins two stages' results, so it is made here, every run (cheap).
        let mut segments_report = seg.report;
        if !uses_clv {
            segment::add_clv(
                &mut segments_report.clusters,
                &seg.cols.cluster,
                &clv.cols.clv,
            );
        }
        warnings.extend(seg.warnings.iter().cloned());
        let rfm_names: Vec<String> = rfm.report.segments.iter().map(|s| s.name.clone()).collect();
        segments_report.crosstab = Some(segment::crosstab(
            &seg.cols.cluster,
            segments_report.k,
            (&rfm.cols.segment, &rfm_names),
            &mut warnings,
        ));

        // Rules for clusters, stages and churn risk: they read three stages' columns.
        let explain_key = (table_gen, life_gen, seg_gen, churn_gen);
        let (explain, _) = stages.explain.get(explain_key, "explain", ran, || {
            let targets = explain::Targets {
                clusters: &seg.cols.cluster,
                stages: &life.stages,
                churn_risk: &churn.cols.risk,
            };
            Ok(explain::run(customers, &targets))
        })?;

        // CLV per RFM segment: another join of two stages' columns, every run (O(n)).
        let mut clv_report = clv.report;
        clv_report.rfm_segments =
            clv::by_segment::by_segment(&rfm.cols.segment, &rfm_names, &clv.cols);
        clv_report.windows = Some(windows(
            &clv.cols.windows,
            (&rfm.cols.segment, &rfm_names),
            &life.stages,
            (&seg.cols.cluster, &segments_report),
        ));

        let account = &table.account;
        let mut report = Report {
            schema_version: SCHEMA_VERSION,
            as_of: format_day(as_of),
            time_unit: opts.time_unit,
            ingest: IngestReport {
                rows_read: account.rows_read,
                rows_used: account.rows_used,
                rows_skipped: account.skipped_by_key(),
                examples: account.examples.clone(),
                repairs: account.repaired_by_key(),
                repair_examples: account.repair_examples.clone(),
                detected: self.detected.clone(),
                first_date: table.first_day.map(format_day),
                last_date: table.last_day.map(format_day),
                returns: self.ingest_options.returns,
                return_lines: match &self.source {
                    Source::Transactions(tx) => (0..tx.len())
                        .filter(|&i| tx.is_return(i) && tx.day[i] <= as_of)
                        .count() as u64,
                    _ => 0,
                },
            },
            kpis: kpi.kpis,
            rfm: rfm.report,
            lifecycle: life.report,
            segments: segments_report,
            clv: clv_report,
            retention: crate::retention::RetentionReport::none(opts.time_unit.days()),
            insights: InsightsReport::default(),
            churn: churn.report,
            explain,
            warnings,
        };
        // Findings read every section and the per-customer columns: made last, every run (O(n)).
        report.insights = insights::findings(&insights::Inputs {
            report: &report,
            account,
            customers: &table.customers,
            rfm_segment: &rfm.cols.segment,
            stages: &life.stages,
            p_alive: &clv.cols.p_alive,
            clv: &clv.cols.clv,
        });
        Ok(Analysis {
            report,
            customers: table.customers,
            rfm: rfm.cols,
            stages: life.stages,
            segments: seg.cols,
            clv: clv.cols,
            churn: churn.cols,
        })
    }

    /// The churn comparison on the CLV holdout, and each customer's churn risk.
    fn churn(
        &self,
        customers: &CustomerTable,
        as_of: i32,
        clv: &ClvColumns,
        opts: &Options,
    ) -> ChurnStage {
        let has_days = matches!(self.source, Source::Transactions(_));
        let split = clv_input::holdout_split(customers, as_of, opts, has_days);
        let input = churn::ChurnInput {
            customers,
            holdout: split.as_ref().map(|s| churn::Holdout {
                cutoff: s.cutoff,
                days: s.days,
                cal: &s.cal,
                rows: &s.rows,
                actual: &s.actual,
            }),
            model: clv.model.as_ref().map(|(k, p)| (*k, p.as_slice())),
            calibration_model: clv
                .calibration_model
                .as_ref()
                .map(|(k, p)| (*k, p.as_slice())),
            p_alive: clv.model.as_ref().map(|_| clv.p_alive.as_slice()),
        };
        let (report, cols, warnings) = churn::run(&input, &opts.churn);
        ChurnStage {
            report,
            cols: Arc::new(cols),
            warnings,
        }
    }

    /// The cheap stages every run starts with: customer table, RFM scores, lifecycle
    /// thresholds and KPIs (shared by [`Dataset::prepare`] and every run).
    fn cheap_stages(
        &self,
        opts: &Options,
        stages: &mut Stages,
        ran: &mut Vec<&'static str>,
    ) -> Result<Cheap> {
        let (table, table_gen) = stages.table.get(
            (opts.as_of_day().or(self.last_day), opts.time_unit),
            "customers",
            ran,
            || self.table(opts),
        )?;
        let customers = &table.customers;
        let as_of = table.as_of;
        if customers.is_empty() {
            return Err(no_rows_error(&table.account, &self.detected));
        }
        let (rfm, _) = stages
            .rfm
            .get((table_gen, opts.rfm.clone()), "rfm", ran, || {
                let (report, cols) = rfm::run(customers, &opts.rfm);
                Ok(RfmStage {
                    report,
                    cols: Arc::new(cols),
                })
            })?;
        let kpi_key = (table_gen, opts.lifecycle.clone(), opts.kpis.clone());
        let (kpi, kpi_gen) = stages.kpis.get(kpi_key, "kpis", ran, || {
            let th = lifecycle::thresholds::derive(customers, &opts.lifecycle);
            let mut warnings = Vec::new();
            if th.source == "fallback" {
                warnings.push(Warning::new(
                    "lifecycle_fallback_thresholds",
                    "no repeat buyers: lifecycle windows use 30/180-day defaults; set lifecycle.newWindowDays and churnWindowDays",
                ));
            }
            let mut kpis = kpis::compute(customers, as_of, th.churn_window_days, &opts.kpis);
            if let Source::Summary(_) = self.source {
                summary_input::limit_kpis(&mut kpis, &mut warnings);
            }
            Ok(KpiStage { th, kpis, warnings })
        })?;
        Ok(Cheap {
            table,
            table_gen,
            rfm,
            kpi,
            kpi_gen,
        })
    }

    /// CLV, then the lifecycle stages (At Risk reads P(alive)) and churn, after the cheap
    /// stages.
    #[allow(clippy::too_many_arguments)]
    fn model_stages(
        &self,
        opts: &Options,
        stages: &mut Stages,
        ran: &mut Vec<&'static str>,
        table: &TableStage,
        table_gen: u64,
        kpi: &KpiStage,
        kpi_gen: u64,
    ) -> Result<Models> {
        let (customers, as_of) = (&table.customers, table.as_of);
        let (clv, clv_gen) = self.clv_stage(opts, stages, ran, table, table_gen, kpi, false)?;
        let life_key = (table_gen, kpi_gen, clv_gen, opts.lifecycle.clone());
        let (life, life_gen) = stages.lifecycle.get(life_key, "lifecycle", ran, || {
            Ok(self.lifecycle(customers, as_of, &kpi.th, &clv.cols, opts))
        })?;
        // Churn reads the CLV model and its holdout split.
        let churn_key = (table_gen, clv_gen, opts.churn.clone());
        let (churn, churn_gen) = stages.churn.get(churn_key, "churn", ran, || {
            Ok(self.churn(customers, as_of, &clv.cols, opts))
        })?;
        Ok(Models {
            clv,
            clv_gen,
            life,
            life_gen,
            churn,
            churn_gen,
        })
    }

    /// The CLV stage's memo key for these options and cheap stages.
    fn clv_key(opts: &Options, table_gen: u64, kpi: &KpiStage) -> ClvKey {
        // Monthly whatever `kpis.period` is: the simple CLV is a monthly formula.
        let retention = kpi.kpis.monthly_retention_rate;
        (table_gen, retention.map(f64::to_bits), opts.clv.clone())
    }

    /// The CLV stage (remembered or computed); with `defer`, a large bootstrap is left as a job
    /// (`offload`).
    #[allow(clippy::too_many_arguments)]
    fn clv_stage(
        &self,
        opts: &Options,
        stages: &mut Stages,
        ran: &mut Vec<&'static str>,
        table: &TableStage,
        table_gen: u64,
        kpi: &KpiStage,
        defer: bool,
    ) -> Result<(ClvStage, u64)> {
        let (customers, as_of) = (&table.customers, table.as_of);
        if let Some(date) = opts.clv.p_alive_date.as_deref() {
            if parse_iso(date).is_some_and(|d| d < as_of) {
                return Err(Error::option(format!(
                    "clv.pAliveDate {date} is before the analysis date {}",
                    format_day(as_of)
                ))
                .with_hint("a date on or after asOf"));
            }
        }
        let retention = kpi.kpis.monthly_retention_rate;
        let clv_key = Self::clv_key(opts, table_gen, kpi);
        stages.clv.get(clv_key, "clv", ran, || {
            let (mut report, mut cols, warnings, job) = match &self.source {
                Source::Transactions(_) => {
                    clv_for_job(customers, as_of, retention, opts, true, defer)
                }
                Source::Summary(s) => {
                    let days = opts.clv.holdout_days;
                    let holdout = summary_input::SummaryHoldout::of(s, days);
                    let mut out = clv_with(
                        customers,
                        retention,
                        opts,
                        holdout.as_ref().map(|h| h.input()),
                        defer,
                    );
                    out.2
                        .extend(summary_input::holdout_warning(s, days, opts.time_unit));
                    out
                }
                // Subscription input never reaches the customer stages (`run_subscriptions`).
                Source::Survival(_) | Source::Subscriptions(_) => {
                    clv_with(customers, retention, opts, None, defer)
                }
            };
            clv_input::add_p_alive_at(&mut report, &mut cols, customers, as_of, opts);
            Ok(ClvStage {
                report,
                cols: Arc::new(cols),
                warnings,
                pending: job.map(|j| Arc::new(offload::Deferred::new(j))),
            })
        })
    }

    /// The customer table as of `opts.asOf`, and the row account with the rows it leaves out.
    fn table(&self, opts: &Options) -> Result<TableStage> {
        let mut account = self.account.clone();
        let mut warnings = Vec::new();
        let (customers, as_of, first_day, last_day) = match &self.source {
            Source::Transactions(tx) => self.customers_from_transactions(tx, opts, &mut account)?,
            Source::Summary(_) if !crate::EXTRA_INPUTS => {
                // Ingest refused it (`ingest::needs_full`); compiled out of the core module.
                return Err(crate::ingest::needs_full("a per-customer summary"));
            }
            Source::Summary(s) => {
                let (as_of, w) = summary_input::as_of(s, opts.as_of_day(), opts.time_unit)?;
                warnings = w;
                let table = CustomerTable::from_summary(s, as_of, opts.time_unit);
                let dates = s.first_day.is_some() && !table.is_empty();
                let first = dates
                    .then(|| table.first_day.iter().copied().min())
                    .flatten();
                let last = dates
                    .then(|| table.last_day.iter().copied().max())
                    .flatten();
                (table, as_of, first, last)
            }
            // Subscription input has no customer table (see `run_subscriptions`).
            Source::Survival(_) | Source::Subscriptions(_) => (
                CustomerTable::default(),
                opts.as_of_day().unwrap_or(0),
                None,
                None,
            ),
        };
        Ok(TableStage {
            customers: Arc::new(customers),
            as_of,
            first_day,
            last_day,
            account,
            warnings,
        })
    }

    /// Stages per customer, and the transitions since `asOf − compareDays`. With a BTYD
    /// model, At Risk also means "probably gone"; the earlier snapshot is scored by the same
    /// model so that transitions compare like with like.
    fn lifecycle(
        &self,
        customers: &CustomerTable,
        as_of: i32,
        th: &Thresholds,
        clv: &ClvColumns,
        opts: &Options,
    ) -> LifecycleStage {
        let p_alive = (clv.model.is_some() || clv.bgbb.is_some()).then_some(clv.p_alive.as_slice());
        let stages = lifecycle::assign(customers, th, p_alive);
        let before = as_of - opts.lifecycle.compare_days as i32;
        let earlier = matches!(self.source, Source::Transactions(_)).then(|| {
            let (t0, rows) = customers.until(before, opts.time_unit);
            let p0 = clv.model.as_ref().map(|(kind, params)| {
                clv::prediction::palive::p_alive_of(
                    *kind,
                    params,
                    &t0.frequency,
                    &t0.recency,
                    &t0.t,
                )
            });
            let s0 = lifecycle::assign(&t0, th, p0.as_deref());
            (rows, s0, format_day(before))
        });
        let report = lifecycle::report(
            customers,
            &stages,
            th.clone(),
            &opts.lifecycle.prospects,
            earlier,
            p_alive.is_some(),
        );
        LifecycleStage {
            stages: Arc::new(stages),
            report,
        }
    }

    fn customers_from_transactions(
        &self,
        tx: &Transactions,
        opts: &Options,
        account: &mut RowAccount,
    ) -> Result<(CustomerTable, i32, Option<i32>, Option<i32>)> {
        let last = tx
            .day
            .iter()
            .copied()
            .max()
            .ok_or_else(|| no_rows_error(account, &self.detected))?;
        let as_of = opts.as_of_day().unwrap_or(last);
        let (table, excluded) =
            CustomerTable::build(tx, as_of, opts.time_unit, self.ingest_options.returns);
        let date_col = self.detected.columns.date.clone().unwrap_or_default();
        for &i in &excluded.after_as_of {
            account.unuse(
                SkipReason::AfterAsOf,
                tx.line(i),
                &date_col,
                &format_day(tx.day[i]),
            );
        }
        let cust_col = self
            .detected
            .columns
            .customer_id
            .clone()
            .unwrap_or_default();
        for &i in &excluded.no_purchase {
            let name = tx
                .customer_names
                .get(tx.customer[i] as usize)
                .unwrap_or_default();
            account.unuse(SkipReason::NoPurchaseInPeriod, tx.line(i), &cust_col, name);
        }
        let used = || {
            (0..tx.len())
                .filter(|&i| tx.day[i] <= as_of)
                .map(|i| tx.day[i])
        };
        Ok((table, as_of, used().min(), used().max()))
    }
}

/// CLV by month per RFM segment, lifecycle stage and k-means cluster (largest cluster first,
/// named by id): a join of three stages' columns, every run (O(12 n)).
fn windows(
    w: &clv::prediction::windows::Windows,
    (segment, segment_names): (&[u16], &[String]),
    stages: &[Stage],
    (cluster, segments): (&[u32], &SegmentsReport),
) -> clv::prediction::windows::WindowsReport {
    use clv::prediction::windows::{WindowsReport, MONTHS};
    let stage_names: Vec<String> = lifecycle::STAGES
        .iter()
        .map(|s| s.key().to_string())
        .collect();
    let ids: Vec<u32> = segments.clusters.iter().map(|c| c.id).collect();
    let cluster_names: Vec<String> = ids.iter().map(u32::to_string).collect();
    let all = w.by_group(&["all".to_string()], |_| Some(0));
    WindowsReport {
        months: (1..=MONTHS as u32).collect(),
        source: w.source.clone(),
        total: all.into_iter().next().map(|g| g.total).unwrap_or_default(),
        by_rfm_segment: w.by_group(segment_names, |c| segment.get(c).map(|&s| s as usize)),
        by_stage: w.by_group(&stage_names, |c| {
            stages
                .get(c)
                .and_then(|s| lifecycle::STAGES.iter().position(|x| x == s))
        }),
        by_cluster: w.by_group(&cluster_names, |c| {
            cluster
                .get(c)
                .and_then(|k| ids.iter().position(|id| id == k))
        }),
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
