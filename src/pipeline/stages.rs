//! The stages of a run, each remembered by what it reads (`memo`), and the context a run
//! passes through them ([`StageRun`]): customer table, RFM and KPIs ([`StageRun::cheap`]),
//! then CLV, the lifecycle stages and churn ([`StageRun::models`]). The segmentation, explain
//! and the joins between stages are the Report's assembly (`assemble`).
use std::sync::Arc;

use super::clv_input::{self, clv_for_job, clv_with};
use super::diagnose::no_rows_error;
use super::memo::Memo;
use super::{offload, summary_input, Dataset, Source};
use crate::churn::{self, ChurnColumns, ChurnOptions, ChurnReport};
use crate::clv::{self, ClvColumns, ClvOptions, ClvReport};
use crate::customers::CustomerTable;
use crate::dates::{format_day, parse_iso};
use crate::error::{Error, Result};
use crate::explain::ExplainReport;
use crate::ingest::{RowAccount, SkipReason, Transactions};
use crate::kpis::{self, KpiOptions, KpisReport};
use crate::lifecycle::{self, LifecycleOptions, LifecycleReport, Stage, Thresholds};
use crate::options::Options;
use crate::report::Warning;
use crate::rfm::{self, RfmColumns, RfmOptions, RfmReport};
use crate::segment::{SegmentColumns, SegmentOptions, SegmentsReport};
use crate::units::TimeUnit;

/// One pass over the stage memo: the dataset, the options in effect, the memo, and the names
/// of the stages computed (`stagesRun`). Every stage reads the same four.
pub(super) struct StageRun<'a> {
    pub(super) ds: &'a Dataset,
    pub(super) opts: &'a Options,
    pub(super) stages: &'a mut Stages,
    pub(super) ran: &'a mut Vec<&'static str>,
}

/// The stages in the order they run, each keyed by what it reads.
#[derive(Debug, Clone, Default)]
pub(super) struct Stages {
    /// Key: the analysis date in effect (an `asOf` equal to the default is the same key),
    /// time unit.
    pub(super) table: Memo<(Option<i32>, TimeUnit), TableStage>,
    /// Key: table generation, RFM options.
    pub(super) rfm: Memo<(u64, RfmOptions), RfmStage>,
    /// Key: table generation, lifecycle and KPI options.
    pub(super) kpis: Memo<(u64, LifecycleOptions, KpiOptions), KpiStage>,
    /// Key: table generation, measured retention (bits), CLV options.
    pub(super) clv: Memo<ClvKey, ClvStage>,
    /// Key: table, KPI (thresholds) and CLV (P(alive)) generations, lifecycle options.
    pub(super) lifecycle: Memo<(u64, u64, u64, LifecycleOptions), LifecycleStage>,
    /// Key: table generation, CLV generation when CLV is a feature (else 0), options.
    pub(super) segments: Memo<(u64, u64, SegmentOptions), SegmentStage>,
    /// Key: table and CLV generations (the holdout split is a CLV option), churn options.
    pub(super) churn: Memo<(u64, u64, ChurnOptions), ChurnStage>,
    /// The blocks of a deferred bootstrap evaluated so far, with the CLV generation they are of
    /// (`offload`).
    pub(super) boot_parts: Option<(u64, Vec<clv::uncertainty::boot_eval::BootPart>)>,
    /// Key: table, lifecycle, segments and churn generations.
    pub(super) explain: Memo<(u64, u64, u64, u64), ExplainReport>,
}

/// What [`StageRun::models`] computed, with the generations downstream keys use.
pub(super) struct Models {
    pub(super) clv: ClvStage,
    pub(super) clv_gen: u64,
    pub(super) life: LifecycleStage,
    pub(super) life_gen: u64,
    pub(super) churn: ChurnStage,
    pub(super) churn_gen: u64,
}

#[derive(Debug, Clone)]
pub(super) struct ChurnStage {
    pub(super) report: ChurnReport,
    pub(super) cols: Arc<ChurnColumns>,
    pub(super) warnings: Vec<Warning>,
}

/// The results of [`StageRun::cheap`], with the generations downstream keys use.
pub(super) struct Cheap {
    pub(super) table: TableStage,
    pub(super) table_gen: u64,
    pub(super) rfm: RfmStage,
    pub(super) kpi: KpiStage,
    pub(super) kpi_gen: u64,
}

#[derive(Debug, Clone)]
pub(super) struct TableStage {
    pub(super) customers: Arc<CustomerTable>,
    pub(super) as_of: i32,
    pub(super) first_day: Option<i32>,
    pub(super) last_day: Option<i32>,
    /// The row account with the rows this `asOf` leaves out.
    pub(super) account: RowAccount,
    /// What reading a summary found worth saying (reconstructed columns, no as-of date).
    pub(super) warnings: Vec<Warning>,
}

#[derive(Debug, Clone)]
pub(super) struct RfmStage {
    pub(super) report: RfmReport,
    pub(super) cols: Arc<RfmColumns>,
}

#[derive(Debug, Clone)]
pub(super) struct KpiStage {
    pub(super) th: Thresholds,
    pub(super) kpis: KpisReport,
    pub(super) warnings: Vec<Warning>,
}

#[derive(Debug, Clone)]
pub(super) struct ClvStage {
    pub(super) report: ClvReport,
    pub(super) cols: Arc<ClvColumns>,
    pub(super) warnings: Vec<Warning>,
    /// A bootstrap not evaluated yet (`offload`): the intervals are the point estimate until
    /// `offload::complete`. Nothing downstream but the Report and the columns reads them.
    pub(super) pending: Option<Arc<offload::Deferred>>,
}

/// What the CLV stage's memo key holds: the table generation, the measured retention (bits),
/// the CLV options.
pub(super) type ClvKey = (u64, Option<u64>, ClvOptions);

#[derive(Debug, Clone)]
pub(super) struct LifecycleStage {
    pub(super) stages: Arc<Vec<Stage>>,
    pub(super) report: LifecycleReport,
}

#[derive(Debug, Clone)]
pub(super) struct SegmentStage {
    pub(super) report: SegmentsReport,
    pub(super) cols: Arc<SegmentColumns>,
    pub(super) warnings: Vec<Warning>,
}

impl StageRun<'_> {
    /// The customer table (remembered or built) and its generation: the first stage, and all
    /// the segmentation reads (`offload`); an error when it holds no customer.
    pub(super) fn table(&mut self) -> Result<(TableStage, u64)> {
        let (ds, opts) = (self.ds, self.opts);
        let (table, table_gen) = self.stages.table.get(
            (opts.as_of_day().or(ds.last_day), opts.time_unit),
            "customers",
            self.ran,
            || ds.table(opts),
        )?;
        if table.customers.is_empty() {
            return Err(no_rows_error(&table.account, &ds.detected));
        }
        Ok((table, table_gen))
    }

    /// The cheap stages every run starts with: customer table, RFM scores, lifecycle
    /// thresholds and KPIs (shared by [`Dataset::prepare`] and every run).
    pub(super) fn cheap(&mut self) -> Result<Cheap> {
        let (table, table_gen) = self.table()?;
        let (ds, opts) = (self.ds, self.opts);
        let (stages, ran) = (&mut *self.stages, &mut *self.ran);
        let customers = &table.customers;
        let as_of = table.as_of;
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
            if let Source::Summary(_) = ds.source {
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
    pub(super) fn models(&mut self, c: &Cheap) -> Result<Models> {
        let (clv, clv_gen) = self.clv(c, false)?;
        let (ds, opts) = (self.ds, self.opts);
        let (stages, ran) = (&mut *self.stages, &mut *self.ran);
        let (table_gen, kpi, kpi_gen) = (c.table_gen, &c.kpi, c.kpi_gen);
        let (customers, as_of) = (&c.table.customers, c.table.as_of);
        let life_key = (table_gen, kpi_gen, clv_gen, opts.lifecycle.clone());
        let (life, life_gen) = stages.lifecycle.get(life_key, "lifecycle", ran, || {
            Ok(ds.lifecycle(customers, as_of, &kpi.th, &clv.cols, opts))
        })?;
        // Churn reads the CLV model and its holdout split.
        let churn_key = (table_gen, clv_gen, opts.churn.clone());
        let (churn, churn_gen) = stages.churn.get(churn_key, "churn", ran, || {
            Ok(ds.churn(customers, as_of, &clv.cols, opts))
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

    /// The CLV stage (remembered or computed); with `defer`, a large bootstrap is left as a job
    /// (`offload`).
    pub(super) fn clv(&mut self, c: &Cheap, defer: bool) -> Result<(ClvStage, u64)> {
        let (ds, opts) = (self.ds, self.opts);
        let (stages, ran) = (&mut *self.stages, &mut *self.ran);
        let (table_gen, kpi) = (c.table_gen, &c.kpi);
        let (customers, as_of) = (&c.table.customers, c.table.as_of);
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
        let clv_key = clv_key(opts, table_gen, kpi);
        stages.clv.get(clv_key, "clv", ran, || {
            let (mut report, mut cols, warnings, job) = match &ds.source {
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
}

/// The CLV stage's memo key for these options and cheap stages.
pub(super) fn clv_key(opts: &Options, table_gen: u64, kpi: &KpiStage) -> ClvKey {
    // Monthly whatever `kpis.period` is: the simple CLV is a monthly formula.
    let retention = kpi.kpis.monthly_retention_rate;
    (table_gen, retention.map(f64::to_bits), opts.clv.clone())
}

impl Dataset {
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
