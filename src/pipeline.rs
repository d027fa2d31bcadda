//! The one pipeline every caller runs: bytes → ingest → customer table → analyses → Report.
//!
//! [`Dataset`] keeps the ingested transactions, so a caller can re-run the analyses with other
//! options (another k, horizon or as-of date) without reading the file again.
use crate::clv::{self, ClvColumns, ClvInput, ClvReport, HoldoutInput};
use crate::customers::CustomerTable;
use crate::dates::{format_day, parse_iso};
use crate::error::{Error, Result};
use crate::ingest::{
    self, Detected, IngestReport, Ingested, RowAccount, SkipReason, SummaryTable, Transactions,
};
use crate::kpis::{self, KpisReport};
use crate::lifecycle::{self, Stage};
use crate::options::Options;
use crate::report::{Report, Warning, SCHEMA_VERSION};
use crate::rfm::{self, RfmColumns};
use crate::segment::{self, SegmentColumns, SegmentInput};

/// Share of skipped rows above which the Report warns that a guess is probably wrong.
const SKIP_WARNING_SHARE: f64 = 0.05;

/// What the file held, kept for re-analysis.
#[derive(Debug, Clone)]
enum Source {
    Transactions(Transactions),
    Summary(SummaryTable),
}

#[derive(Debug, Clone)]
pub struct Dataset {
    source: Source,
    account: RowAccount,
    detected: Detected,
    ingest_options: ingest::IngestOptions,
}

/// Everything one run computed: the Report and the per-customer columns behind it.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub report: Report,
    pub customers: CustomerTable,
    pub rfm: RfmColumns,
    pub stages: Vec<Stage>,
    pub segments: SegmentColumns,
    pub clv: ClvColumns,
}

impl Dataset {
    /// Reads the file once. Fails only when nothing usable can be read.
    pub fn from_bytes(bytes: &[u8], opts: &Options) -> Result<Dataset> {
        opts.validate()?;
        let (source, account, detected) = match ingest::ingest(bytes, &opts.ingest)? {
            Ingested::Transactions(tx, acc, det) => (Source::Transactions(tx), acc, det),
            Ingested::Summary(s, acc, det) => (Source::Summary(s), acc, det),
        };
        Ok(Dataset {
            source,
            account,
            detected,
            ingest_options: opts.ingest.clone(),
        })
    }

    pub fn detected(&self) -> &Detected {
        &self.detected
    }

    /// Rows ingest used (before any `asOf` cut).
    pub fn rows_used(&self) -> u64 {
        self.account.rows_used
    }

    /// Runs every analysis with `opts`. Ingest options are those the dataset was read with.
    pub fn analyze(&self, opts: &Options) -> Result<Analysis> {
        opts.validate()?;
        let mut warnings = Vec::new();
        let mut account = self.account.clone();
        let (customers, as_of, first_day, last_day) = match &self.source {
            Source::Transactions(tx) => self.customers_from_transactions(tx, opts, &mut account)?,
            Source::Summary(s) => {
                let as_of = opts.as_of_day().unwrap_or(0);
                (
                    CustomerTable::from_summary(s, as_of, opts.time_unit),
                    as_of,
                    None,
                    None,
                )
            }
        };
        if customers.is_empty() {
            return Err(no_rows_error(&account, &self.detected));
        }
        warnings.extend(ingest_warnings(&account, &self.detected));

        let (rfm_report, rfm_cols) = rfm::run(&customers, &opts.rfm);
        let th = lifecycle::thresholds::derive(&customers, &opts.lifecycle);
        if th.source == "fallback" {
            warnings.push(Warning::new(
                "lifecycle_fallback_thresholds",
                "no repeat buyers: lifecycle windows use 30/180-day defaults; set lifecycle.newWindowDays and churnWindowDays",
            ));
        }
        let kpis: KpisReport = kpis::compute(&customers, as_of, th.churn_window_days, &opts.kpis);
        let has_days = matches!(self.source, Source::Transactions(_));
        let (clv_report, clv_cols, clv_warnings) =
            clv_for(&customers, as_of, kpis.retention_rate, opts, has_days);
        warnings.extend(clv_warnings);
        // With a BTYD model, At Risk also means "probably gone"; the earlier snapshot is scored
        // by the same model so that transitions compare like with like.
        let p_alive = clv_cols.model.as_ref().map(|_| clv_cols.p_alive.as_slice());
        let stages = lifecycle::assign(&customers, &th, p_alive);
        let before = as_of - opts.lifecycle.compare_days as i32;
        let earlier = has_days.then(|| {
            let (t0, rows) = customers.until(before, opts.time_unit);
            let p0 = clv_cols.model.as_ref().map(|(kind, params)| {
                clv::palive::p_alive_of(*kind, params, &t0.frequency, &t0.recency, &t0.t)
            });
            let s0 = lifecycle::assign(&t0, &th, p0.as_deref());
            (rows, s0, format_day(before))
        });
        let lifecycle_report = lifecycle::report(
            &customers,
            &stages,
            th,
            &opts.lifecycle.prospects,
            earlier,
            p_alive.is_some(),
        );
        let frequency: Vec<f64> = customers.transactions.iter().map(|&x| x as f64).collect();
        let seg_input = SegmentInput {
            recency_days: &customers.recency_days,
            frequency: &frequency,
            monetary: &customers.revenue,
            tenure_days: &customers.tenure_days,
            clv: Some(&clv_cols.clv),
        };
        let rfm_names: Vec<String> = rfm_report.segments.iter().map(|s| s.name.clone()).collect();
        let (segments_report, segment_cols, seg_warnings) = segment::run(
            &seg_input,
            &opts.segments,
            Some((&rfm_cols.segment, &rfm_names)),
        );
        warnings.extend(seg_warnings);

        let report = Report {
            schema_version: SCHEMA_VERSION,
            as_of: format_day(as_of),
            time_unit: opts.time_unit,
            ingest: IngestReport {
                rows_read: account.rows_read,
                rows_used: account.rows_used,
                rows_skipped: account.skipped_by_key(),
                examples: account.examples.clone(),
                detected: self.detected.clone(),
                first_date: first_day.map(format_day),
                last_date: last_day.map(format_day),
                returns: self.ingest_options.returns,
                return_lines: match &self.source {
                    Source::Transactions(tx) => (0..tx.len())
                        .filter(|&i| tx.is_return(i) && tx.day[i] <= as_of)
                        .count() as u64,
                    Source::Summary(_) => 0,
                },
            },
            kpis,
            rfm: rfm_report,
            lifecycle: lifecycle_report,
            segments: segments_report,
            clv: clv_report,
            warnings,
        };
        Ok(Analysis {
            report,
            customers,
            rfm: rfm_cols,
            stages,
            segments: segment_cols,
            clv: clv_cols,
        })
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
                tx.line[i] as u64,
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
            account.unuse(
                SkipReason::NoPurchaseInPeriod,
                tx.line[i] as u64,
                &cust_col,
                name,
            );
        }
        let used = || {
            (0..tx.len())
                .filter(|&i| tx.day[i] <= as_of)
                .map(|i| tx.day[i])
        };
        Ok((table, as_of, used().min(), used().max()))
    }
}

/// Holdout length in days: the option, else a quarter of the period (28..=365 days) when the
/// period spans at least 8 weeks, else none.
fn holdout_days(customers: &CustomerTable, as_of: i32, opts: &Options) -> i32 {
    let span = customers.first_day.iter().min().map_or(0, |f| as_of - f);
    match opts.clv.holdout_days {
        Some(d) => (d as i32).min(span - 1).max(0),
        None if span >= 56 => (span / 4).clamp(28, 365),
        None => 0,
    }
}

/// CLV on the customer table, with a calibration/holdout split cut from the day lists. Public so
/// that `benches/clv.rs` times exactly the CLV stage `analyze` runs.
pub fn clv_for(
    customers: &CustomerTable,
    as_of: i32,
    retention: Option<f64>,
    opts: &Options,
    has_days: bool,
) -> (ClvReport, ClvColumns, Vec<Warning>) {
    let days = if has_days {
        holdout_days(customers, as_of, opts)
    } else {
        0
    };
    let holdout = (days > 0).then(|| {
        let cutoff = as_of - days;
        let (cal, rows) = customers.until(cutoff, opts.time_unit);
        // Repeat purchases in the holdout: purchase days after the cutoff (lifetimes'
        // `frequency_holdout`).
        let actual: Vec<f64> = rows
            .iter()
            .map(|&c| {
                let r = customers.day_range(c as usize);
                r.filter(|&j| customers.day_purchase[j] && customers.days[j] > cutoff)
                    .count() as f64
            })
            .collect();
        (cal, actual, days as f64 / opts.time_unit.days())
    });
    let t = customers;
    let input = ClvInput {
        x: &t.frequency,
        t_x: &t.recency,
        t: &t.t,
        monetary: &t.monetary_value,
        total_spend: &t.revenue,
        tenure_days: &t.tenure_days,
        time_unit: opts.time_unit,
        measured_monthly_retention: retention,
        holdout: holdout
            .as_ref()
            .map(|(cal, actual, duration)| HoldoutInput {
                x: &cal.frequency,
                t_x: &cal.recency,
                t: &cal.t,
                actual,
                duration: *duration,
            }),
    };
    clv::run(&input, &opts.clv)
}

fn no_rows_error(account: &RowAccount, detected: &Detected) -> Error {
    let top = account
        .skipped
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(r, n)| format!("{n} rows {}", r.key()));
    Error::new(
        "no_usable_rows",
        format!(
            "no usable rows: {} read, {} skipped ({}); detected columns {:?}, date format {:?}",
            account.rows_read,
            account.skipped_total(),
            top.unwrap_or_else(|| "none".into()),
            detected.columns,
            detected.date_format
        ),
    )
    .with_hint(hint_for(account, detected))
}

/// The option that most likely fixes the dominant skip reason.
fn hint_for(account: &RowAccount, d: &Detected) -> String {
    let top = account
        .skipped
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(r, _)| *r);
    match top {
        Some(SkipReason::UnparseableDate) => {
            format!("--date-format (detected {:?}) or --date-col", d.date_format)
        }
        Some(SkipReason::NonNumericAmount) => format!(
            "--decimal (detected {:?}) or --amount-col",
            d.decimal_separator
        ),
        Some(SkipReason::WrongFieldCount) => format!("--delimiter (detected {:?})", d.delimiter),
        Some(SkipReason::MissingCustomerId) => "--customer-col".to_string(),
        Some(SkipReason::AfterAsOf) => "--as-of (a later date)".to_string(),
        _ => "check the column mapping (--customer-col, --date-col, --amount-col)".to_string(),
    }
}

fn ingest_warnings(account: &RowAccount, d: &Detected) -> Vec<Warning> {
    let mut w = Vec::new();
    let skipped = account.skipped_total()
        - account
            .skipped
            .get(&SkipReason::AfterAsOf)
            .copied()
            .unwrap_or(0);
    if account.rows_read > 0 && skipped as f64 > SKIP_WARNING_SHARE * account.rows_read as f64 {
        w.push(Warning::new(
            "many_rows_skipped",
            format!(
                "{skipped} of {} rows ({:.1}%) were skipped; likely fix: {}",
                account.rows_read,
                100.0 * skipped as f64 / account.rows_read as f64,
                hint_for(account, d)
            ),
        ));
    }
    if let Some(other) = &d.date_format_ambiguous_with {
        w.push(Warning::new(
            "ambiguous_date_format",
            format!(
                "every date reads both as {:?} and as {other:?}; we used {:?}. Set --date-format if that is wrong",
                d.date_format, d.date_format
            ),
        ));
    }
    w
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
