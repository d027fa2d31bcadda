//! Lifecycle thresholds, derived from the data's own rhythm unless the user sets them.
//!
//! A shop whose customers buy weekly and one whose customers buy yearly need different
//! definitions of "new" and "lost". We read the rhythm from repeat buyers' usual gap (their
//! mean days between purchase days) and take:
//! - new window  = median usual gap, clamped to 14..=180 days;
//! - churn window = 90th percentile of usual gaps, clamped to 60..=730 days;
//! - loyal       = at least max(3, 75th percentile of repeaters' transactions) transactions
//!   and a tenure of at least the churn window.
//!
//! Without repeat buyers the rhythm is unknown: 30 / 180 days are used and a warning says so.
use serde::Serialize;

use super::LifecycleOptions;
use crate::customers::CustomerTable;
use crate::rfm::quantile::quantile_sorted;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Thresholds {
    pub new_window_days: u32,
    pub churn_window_days: u32,
    pub at_risk_factor: f64,
    pub loyal_min_transactions: u32,
    pub loyal_min_tenure_days: u32,
    /// P(alive) under which an active customer is at risk (used once CLV gives P(alive)).
    pub p_alive_threshold: f64,
    /// Median of repeat buyers' usual gap (days); the one-time buyers' yardstick.
    pub typical_gap_days: f64,
    /// `data` (derived), `options` (all set by the user), or `fallback` (no repeat buyers).
    pub source: &'static str,
}

/// A repeat buyer's usual gap: mean days between purchase days.
pub fn usual_gap(t: &CustomerTable, i: usize) -> Option<f64> {
    (t.frequency[i] > 0.0).then(|| (t.last_day[i] - t.first_day[i]) as f64 / t.frequency[i])
}

pub fn derive(t: &CustomerTable, o: &LifecycleOptions) -> Thresholds {
    let mut gaps: Vec<f64> = (0..t.len()).filter_map(|i| usual_gap(t, i)).collect();
    crate::sort::floats(&mut gaps);
    let mut repeat_tx: Vec<f64> = (0..t.len())
        .filter(|&i| t.frequency[i] > 0.0)
        .map(|i| t.transactions[i] as f64)
        .collect();
    crate::sort::floats(&mut repeat_tx);
    let from_data = !gaps.is_empty();
    let (median_gap, p90_gap, p75_tx) = if from_data {
        (
            quantile_sorted(&gaps, 0.5),
            quantile_sorted(&gaps, 0.9),
            quantile_sorted(&repeat_tx, 0.75),
        )
    } else {
        (30.0, 180.0, 3.0)
    };
    let new_window = o
        .new_window_days
        .unwrap_or(median_gap.round().clamp(14.0, 180.0) as u32);
    let churn = o
        .churn_window_days
        .unwrap_or(p90_gap.round().clamp(60.0, 730.0) as u32);
    let all_set = o.new_window_days.is_some()
        && o.churn_window_days.is_some()
        && o.loyal_min_transactions.is_some()
        && o.loyal_min_tenure_days.is_some();
    Thresholds {
        new_window_days: new_window,
        churn_window_days: churn.max(new_window),
        at_risk_factor: o.at_risk_factor,
        loyal_min_transactions: o
            .loyal_min_transactions
            .unwrap_or((p75_tx.ceil() as u32).max(3)),
        loyal_min_tenure_days: o.loyal_min_tenure_days.unwrap_or(churn),
        p_alive_threshold: o.p_alive_threshold,
        typical_gap_days: median_gap,
        source: if all_set {
            "options"
        } else if from_data {
            "data"
        } else {
            "fallback"
        },
    }
}
