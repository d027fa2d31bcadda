//! The CLV stage's input: the customer table's BTYD columns plus a calibration/holdout split
//! and the per-day counts of the tracking series, cut from the per-day lists.
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
    let counts = holdout.as_ref().map(|_| day_counts(customers, as_of));
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
                tracking: counts.as_ref().map(|(start, new, repeats)| TrackingInput {
                    start_day: *start,
                    new_by_day: new,
                    repeats_by_day: repeats,
                    calibration_days: (as_of - days - start + 1).max(0) as usize,
                    unit_days: opts.time_unit.days(),
                }),
            }),
    };
    clv::run(&input, &opts.clv)
}
