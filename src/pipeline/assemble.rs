//! The Report's assembly: the stages' results joined (segments × RFM crosstab, CLV per
//! segment, stage and cluster, explain's rules over three stages' columns) into one Report,
//! insights last. The segmentation and explain are remembered like the other stages; the
//! joins are cheap and made every run.
use std::sync::Arc;

use super::diagnose::ingest_warnings;
use super::stages::{Cheap, Models, SegmentStage, StageRun};
use super::{offload, row_notes, Analysis, SegmentFeatures, Source};
use crate::clv;
use crate::dates::format_day;
use crate::error::Result;
use crate::explain;
use crate::insights::{self, InsightsReport};
use crate::lifecycle::{self, Stage};
use crate::report::{Report, SCHEMA_VERSION};
use crate::segment::{self, Feature, SegmentsReport};

impl StageRun<'_> {
    /// Every stage (remembered or computed), joined into the Report: what `analyze` and
    /// `reanalyze` return.
    pub(super) fn analysis(&mut self) -> Result<Analysis> {
        let (ds, opts) = (self.ds, self.opts);
        opts.validate()?;
        if ds.is_subscription_input() {
            return ds.run_subscriptions(opts, self.ran);
        }
        let cheap = self.cheap()?;
        let Models {
            clv,
            clv_gen,
            life,
            life_gen,
            churn,
            churn_gen,
        } = self.models(&cheap)?;
        let Cheap {
            table,
            table_gen,
            rfm,
            kpi,
            ..
        } = cheap;
        let (stages, ran) = (&mut *self.stages, &mut *self.ran);
        let customers = &table.customers;
        let as_of = table.as_of;
        let mut warnings = ingest_warnings(&table.account, &ds.detected);
        warnings.extend(row_notes::row_notes(&table.account, &ds.detected));
        warnings.extend(table.warnings.iter().cloned());
        warnings.extend(kpi.warnings.iter().cloned());
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
            ingest: account.report(
                &ds.detected,
                table.first_day.zip(table.last_day),
                ds.ingest_options.returns,
                match &ds.source {
                    Source::Transactions(tx) => (0..tx.len())
                        .filter(|&i| tx.is_return(i) && tx.day[i] <= as_of)
                        .count() as u64,
                    _ => 0,
                },
            ),
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
