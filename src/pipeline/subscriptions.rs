//! The pipeline of subscription input (a survival table, or one row per subscription): the
//! `retention` section is the analysis; the customer sections keep their shape, computed on no
//! customers, so a consumer reads every section as always.
use std::sync::Arc;

use super::diagnose::{ingest_warnings, no_rows_error};
use super::{Analysis, Dataset, Source};
use crate::customers::CustomerTable;
use crate::dates::format_day;
use crate::error::Result;
use crate::ingest::SkipReason;
use crate::lifecycle;
use crate::options::Options;
use crate::report::{Report, Warning, SCHEMA_VERSION};
use crate::retention::{self, RetentionData};
use crate::segment;
use crate::{churn, explain};
use crate::{kpis, rfm};

impl Dataset {
    /// The Report of subscription input.
    pub(super) fn run_subscriptions(
        &self,
        opts: &Options,
        ran: &mut Vec<&'static str>,
    ) -> Result<Analysis> {
        if !crate::EXTRA_INPUTS {
            // Ingest refused it (`ingest::needs_full`); compiled out of the core module.
            return Err(crate::ingest::needs_full("subscription input"));
        }
        let mut account = self.account.clone();
        let (data, as_of, span) = match &self.source {
            Source::Survival(t) => (
                RetentionData::from_table(t),
                opts.as_of_day().unwrap_or(0),
                None,
            ),
            Source::Subscriptions(t) => {
                let as_of = opts.as_of_day().or(self.last_day).unwrap_or(0);
                let (data, after) = RetentionData::from_subscriptions(t, as_of, opts.time_unit);
                let column = self.detected.columns.date.clone().unwrap_or_default();
                for i in after {
                    account.unuse(
                        SkipReason::AfterAsOf,
                        t.line[i],
                        &column,
                        &format_day(t.start[i]),
                    );
                }
                // First and last day used: starts and ends up to asOf.
                let days = (0..t.start.len())
                    .filter(|&i| t.start[i] <= as_of)
                    .flat_map(|i| [Some(t.start[i]), t.end[i].filter(|&e| e <= as_of)])
                    .flatten();
                let span = days.fold(None, |s: Option<(i32, i32)>, d| {
                    Some(s.map_or((d, d), |(a, b)| (a.min(d), b.max(d))))
                });
                (data, as_of, span)
            }
            _ => unreachable!("run_subscriptions is called for subscription input only"),
        };
        if data.cells.subscribers() <= 0.0 {
            return Err(no_rows_error(&account, &self.detected));
        }
        ran.push("retention");
        let (retention, retention_warnings) = retention::run(
            &data,
            &opts.retention,
            opts.time_unit,
            opts.clv.discount_rate,
        );
        let mut warnings = ingest_warnings(&account, &self.detected);
        warnings.push(Warning::new(
            "no_customer_analyses",
            "the input is subscription data (no purchases): the customer sections (kpis, rfm, \
             lifecycle, segments, clv, churn, explain) are empty; see retention",
        ));
        warnings.extend(retention_warnings);
        let customers = Arc::new(CustomerTable::default());
        let (rfm_report, rfm_cols) = rfm::run(&customers, &opts.rfm);
        let th = lifecycle::thresholds::derive(&customers, &opts.lifecycle);
        let kpis = kpis::compute(&customers, as_of, th.churn_window_days, &opts.kpis);
        let stages = lifecycle::assign(&customers, &th, None);
        let life = lifecycle::report(
            &customers,
            &stages,
            th,
            &opts.lifecycle.prospects,
            None,
            false,
        );
        let features = super::SegmentFeatures::of(&customers);
        let (segments, segment_cols, _) = segment::run(&features.input(None), &opts.segments, None);
        let (clv, clv_cols, _) = super::clv_for(&customers, as_of, None, opts, false);
        let churn_input = churn::ChurnInput {
            customers: &customers,
            holdout: None,
            model: None,
            calibration_model: None,
            p_alive: None,
        };
        let (churn, churn_cols, _) = churn::run(&churn_input, &opts.churn);
        let targets = explain::Targets {
            clusters: &segment_cols.cluster,
            stages: &stages,
            churn_risk: &churn_cols.risk,
        };
        let explain = explain::run(&customers, &targets);
        let report = Report {
            schema_version: SCHEMA_VERSION,
            as_of: format_day(as_of),
            time_unit: opts.time_unit,
            ingest: account.report(&self.detected, span, self.ingest_options.returns, 0),
            kpis,
            rfm: rfm_report,
            lifecycle: life,
            segments,
            clv,
            retention,
            // The findings' rules read purchase analyses; a subscription run has none yet.
            insights: Default::default(),
            churn,
            explain,
            warnings,
        };
        Ok(Analysis {
            report,
            customers,
            rfm: Arc::new(rfm_cols),
            stages: Arc::new(stages),
            segments: Arc::new(segment_cols),
            clv: Arc::new(clv_cols),
            churn: Arc::new(churn_cols),
        })
    }
}
