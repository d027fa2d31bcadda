//! The CLV stage's input: the customer table's BTYD columns plus a calibration/holdout split
//! and the per-day counts of the tracking series, cut from the per-day lists.
use crate::clv::covariates::design::CovariateInput;
use crate::clv::validation::tracking::TrackingInput;
use crate::clv::{self, ClvColumns, ClvInput, ClvReport, HoldoutInput};
use crate::customers::CustomerTable;
use crate::options::Options;
use crate::report::Warning;

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

/// Per-day counts of the tracking series since the first purchase in the table, through
/// `as_of`: (day 0, new customers per day, repeat purchase days per day). One pass over the
/// per-day lists.
fn day_counts(customers: &CustomerTable, as_of: i32) -> (i32, Vec<f64>, Vec<f64>) {
    let start = customers.first_day.iter().copied().min().unwrap_or(as_of);
    let len = (as_of - start + 1).max(0) as usize;
    let (mut new, mut repeats) = (vec![0.0; len], vec![0.0; len]);
    let slot = |day: i32| usize::try_from(day - start).ok();
    for c in 0..customers.len() {
        let first = customers.first_day[c];
        if let Some(v) = slot(first).and_then(|i| new.get_mut(i)) {
            *v += 1.0;
        }
        for j in customers.day_range(c) {
            let day = customers.days[j];
            if customers.day_purchase[j] && day > first {
                if let Some(v) = slot(day).and_then(|i| repeats.get_mut(i)) {
                    *v += 1.0;
                }
            }
        }
    }
    (start, new, repeats)
}

/// The calibration/holdout split of the CLV validation (and of the churn comparison): the
/// table as of `cutoff = asOf - days`, the full table's row of each calibration customer, and
/// their repeat purchase days in the holdout (lifetimes' `frequency_holdout`).
pub struct Split {
    pub cutoff: i32,
    pub days: i32,
    pub cal: CustomerTable,
    pub rows: Vec<u32>,
    pub actual: Vec<f64>,
}

/// The split for these options; None without per-day data or a holdout.
pub fn holdout_split(
    customers: &CustomerTable,
    as_of: i32,
    opts: &Options,
    has_days: bool,
) -> Option<Split> {
    let days = if has_days {
        holdout_days(customers, as_of, opts)
    } else {
        0
    };
    (days > 0).then(|| {
        let cutoff = as_of - days;
        let (cal, rows) = customers.until(cutoff, opts.time_unit);
        let actual: Vec<f64> = rows
            .iter()
            .map(|&c| {
                let r = customers.day_range(c as usize);
                r.filter(|&j| customers.day_purchase[j] && customers.days[j] > cutoff)
                    .count() as f64
            })
            .collect();
        Split {
            cutoff,
            days,
            cal,
            rows,
            actual,
        }
    })
}

/// The customer table's covariates as the CLV models read them.
pub fn covariate_inputs(customers: &CustomerTable) -> Vec<CovariateInput<'_>> {
    customers
        .covariates
        .iter()
        .map(|c| CovariateInput {
            name: &c.name,
            kind: c.kind,
            levels: &c.levels,
            value: &c.value,
            differing: c.differing,
        })
        .collect()
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
    let split = holdout_split(customers, as_of, opts, has_days);
    let counts = split.as_ref().map(|_| day_counts(customers, as_of));
    let holdout = split.as_ref().map(|sp| HoldoutInput {
        x: &sp.cal.frequency,
        t_x: &sp.cal.recency,
        t: &sp.cal.t,
        actual: &sp.actual,
        duration: sp.days as f64 / opts.time_unit.days(),
        weights: None,
        tracking: counts.as_ref().map(|(start, new, repeats)| TrackingInput {
            start_day: *start,
            new_by_day: new,
            repeats_by_day: repeats,
            calibration_days: (as_of - sp.days - start + 1).max(0) as usize,
            unit_days: opts.time_unit.days(),
        }),
    });
    clv_with(customers, retention, opts, holdout)
}

/// CLV on the table with a given holdout input (a summary's own holdout columns, or none).
pub(super) fn clv_with(
    t: &CustomerTable,
    retention: Option<f64>,
    opts: &Options,
    holdout: Option<HoldoutInput>,
) -> (ClvReport, ClvColumns, Vec<Warning>) {
    let covariates = covariate_inputs(t);
    let input = ClvInput {
        x: &t.frequency,
        t_x: &t.recency,
        t: &t.t,
        monetary: &t.monetary_value,
        total_spend: &t.revenue,
        tenure_days: &t.tenure_days,
        time_unit: opts.time_unit,
        measured_monthly_retention: retention,
        // BG/BB has no holdout validation (its summary columns are for continuous time).
        holdout: holdout.filter(|_| !t.discrete),
        discrete: t.discrete,
        covariates: &covariates,
        weights: None,
    };
    clv::run(&input, &opts.clv)
}

/// P(alive) on `clv.pAliveDate` (validated not before `as_of`) if no purchase is made before
/// it, under the model that scored the customers: the `pAliveAtDate` column and its section.
pub(super) fn add_p_alive_at(
    report: &mut ClvReport,
    cols: &mut ClvColumns,
    t: &CustomerTable,
    as_of: i32,
    opts: &Options,
) {
    let Some(date) = opts.clv.p_alive_date.as_deref() else {
        return;
    };
    let day = crate::dates::parse_iso(date).unwrap_or(as_of);
    let days = day - as_of;
    let units = days as f64 / opts.time_unit.days();
    // Opportunities are whole: those that have come by the date.
    let later = if t.discrete { units.floor() } else { units };
    cols.p_alive_at_date =
        clv::prediction::palive::p_alive_later(cols, &t.frequency, &t.recency, &t.t, later);
    let n = cols.p_alive_at_date.len().max(1) as f64;
    report.p_alive_at_date = Some(clv::document::PAliveAtDate {
        date: date.to_string(),
        days,
        units: later,
        model: report.chosen_model.clone(),
        mean: cols.p_alive_at_date.iter().sum::<f64>() / n,
    });
}
