//! `crm-lens fit summary.csv --save-model model.json`: the models alone, on a summary too big
//! for `analyze --summary` (which keeps every customer's id and runs every analysis: 500–660
//! bytes a customer measured, ~20 GB at 35M customers). The summary is streamed; only the numbers
//! the CLV stage reads are kept — x, t_x, T, mean spend, net spend, tenure and the holdout
//! columns, about 200 bytes a customer (measured) — and the likelihoods run on the distinct (x, t_x, T)
//! rows as always (`clv::collapse`). No bootstrap: a card needs the point fit.
//!
//! A collapsed summary (`sql summary --collapsed`: distinct rows with a `weights` count) is
//! read too: each row enters the CLV stage once, with its weight (`ClvInput::weights`). The
//! stage collapses to distinct (x, t_x, T) and (x, m) rows with the summed weights and sorts
//! them, and its totals and holdout errors are exact weighted sums, so the card equals the
//! per-customer summary's to the bit (tests/engines, tests/scale.rs) while the memory is the
//! collapsed rows' (~100 bytes a row), whatever the customers: docs/scale.md section 6.
use std::io::Read;

use super::card::ModelCard;
use crate::clv::{self, HoldoutInput};
use crate::dates::format_day;
use crate::error::{Error, Result};
use crate::ingest::{Decimal, RowAccount, SkipReason, SummaryLayout};
use crate::options::Options;

/// What `fit_summary` read, and the fit's size.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FitAccount {
    pub rows_read: u64,
    pub customers: u64,
    pub rows_skipped: u64,
    pub unique_rows: usize,
}

#[derive(Default)]
struct Columns {
    x: Vec<f64>,
    tx: Vec<f64>,
    t: Vec<f64>,
    m: Vec<f64>,
    spend: Vec<f64>,
    tenure: Vec<f64>,
    cal: [Vec<f64>; 4],
    /// Customers per row (1 for a per-customer summary), and per calibration row.
    w: Vec<f64>,
    cal_w: Vec<f64>,
    duration: Option<f64>,
}

fn io(e: impl std::fmt::Display) -> Error {
    Error::new("io", e.to_string())
}

/// Fits the CLV models on the summary read from `input` with `opts` (time unit, CLV options)
/// and returns the model card.
pub fn fit_summary(
    input: impl Read,
    opts: &Options,
    dec: Decimal,
) -> Result<(ModelCard, FitAccount)> {
    opts.validate()?;
    let unit = opts.time_unit.days();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut rec = csv::StringRecord::new();
    if !rdr.read_record(&mut rec).map_err(io)? {
        return Err(Error::new("empty_file", "the summary is empty"));
    }
    let header: Vec<String> = rec
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let layout = SummaryLayout::from_header(&header)?.continuous_only(true)?;
    let mut c = Columns::default();
    let mut account = RowAccount::default();
    let mut as_of: Option<i32> = opts.as_of_day();
    let mut implied: Option<i32> = None;
    while rdr.read_record(&mut rec).map_err(io)? {
        account.read();
        let Some(row) = layout.parse(&rec, dec) else {
            account.skip(SkipReason::InvalidSummaryRow, 0, "", "");
            continue;
        };
        account.used();
        let m = row.monetary.unwrap_or(0.0);
        let (spend, tenure) = match row.crm {
            Some((first, _, _, revenue)) => {
                let here = first + (row.t * unit).round() as i32;
                if implied.is_some_and(|d| d != here) {
                    return Err(Error::new(
                        "summary_inconsistent",
                        format!(
                            "first purchase + T gives two as-of dates ({} and {})",
                            format_day(implied.unwrap_or(0)),
                            format_day(here)
                        ),
                    )
                    .with_hint("pass the --time-unit the summary was computed with"));
                }
                implied = Some(here);
                (revenue, (here - first) as f64)
            }
            None => (m * (row.frequency + 1.0), (row.t * unit).round()),
        };
        let w = row.weight as f64;
        c.x.push(row.frequency);
        c.tx.push(row.recency);
        c.t.push(row.t);
        c.m.push(m);
        c.spend.push(spend);
        c.tenure.push(tenure);
        c.w.push(w);
        if let Some((cal, duration)) = row.holdout {
            c.duration = Some(duration);
            if let Some(k) = cal {
                for (v, x) in
                    c.cal
                        .iter_mut()
                        .zip([k.frequency, k.recency, k.t, k.holdout_frequency])
                {
                    v.push(x);
                }
                c.cal_w.push(w);
            }
        }
    }
    if let (Some(o), Some(i)) = (as_of, implied) {
        if o != i {
            return Err(Error::new(
                "summary_inconsistent",
                format!(
                    "--as-of {} differs from the summary's as-of date {}",
                    format_day(o),
                    format_day(i)
                ),
            )
            .with_hint("drop --as-of"));
        }
    }
    as_of = as_of.or(implied);
    if c.x.is_empty() {
        return Err(Error::new("no_usable_rows", "the summary has no valid row")
            .with_hint("check the summary's frequency, recency and T columns"));
    }
    let mut clv_opts = opts.clv.clone();
    clv_opts.bootstrap_draws = 0;
    let holdout = c
        .duration
        .filter(|_| opts.clv.holdout_days != Some(0) && !c.cal[0].is_empty());
    let input = clv::ClvInput {
        x: &c.x,
        t_x: &c.tx,
        t: &c.t,
        monetary: &c.m,
        total_spend: &c.spend,
        tenure_days: &c.tenure,
        time_unit: opts.time_unit,
        measured_monthly_retention: None,
        holdout: holdout.map(|duration| HoldoutInput {
            x: &c.cal[0],
            t_x: &c.cal[1],
            t: &c.cal[2],
            actual: &c.cal[3],
            duration,
            weights: Some(&c.cal_w),
            tracking: None,
        }),
        discrete: false,
        // A summary carries no customer attributes: the plain models only.
        covariates: &[],
        weights: Some(&c.w),
    };
    let (report, cols, _) = clv::run(&input, &clv_opts);
    let as_of = as_of.map_or(String::new(), format_day);
    let card = ModelCard::from_clv(&report, &cols, &as_of, opts.time_unit)?;
    let skipped = account.skipped_total();
    Ok((
        card,
        FitAccount {
            rows_read: account.rows_read,
            customers: report.customers as u64,
            rows_skipped: skipped,
            unique_rows: report.unique_rows,
        },
    ))
}
