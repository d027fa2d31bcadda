//! Input types and sanitizing (never trust data-derived values).

use super::units::TimeUnit;
use crate::report::Warning;

/// Per-customer BTYD summary as `lifetimes.utils.summary_data_from_transaction_data` defines it.
pub struct ClvInput<'a> {
    /// Repeat purchase periods x.
    pub x: &'a [f64],
    /// Recency t_x (model units, first to last purchase).
    pub t_x: &'a [f64],
    /// Age T (model units, first purchase to end of observation).
    pub t: &'a [f64],
    /// Mean spend of repeat periods (0 if none).
    pub monetary: &'a [f64],
    /// Net total spend per customer (simple CLV).
    pub total_spend: &'a [f64],
    /// Days from first purchase to asOf (simple CLV).
    pub tenure_days: &'a [f64],
    pub time_unit: TimeUnit,
    /// Measured monthly retention from the KPIs; None if unknown.
    pub measured_monthly_retention: Option<f64>,
    /// Calibration summary + actual repeat purchases in a holdout period.
    pub holdout: Option<HoldoutInput<'a>>,
    /// Discrete time: x, t_x and T count transaction opportunities (a summary with a
    /// `periods` column), so the model is BG/BB (`clv::discrete`).
    pub discrete: bool,
    /// Customer-level covariates for the models with covariates (may be empty).
    pub covariates: &'a [super::covariates::design::CovariateInput<'a>],
    /// How many customers each entry stands for (a collapsed summary's `weights`); None: one
    /// each. The fit, the totals and the holdout errors are the expanded customers' to the
    /// bit; per-entry columns stay per entry. Continuous models only, no bootstrap (`fit`).
    pub weights: Option<&'a [f64]>,
}

/// Calibration/holdout split: summary of the calibration period and actual holdout repeats.
pub struct HoldoutInput<'a> {
    pub x: &'a [f64],
    pub t_x: &'a [f64],
    pub t: &'a [f64],
    /// Actual repeat purchases in the holdout period.
    pub actual: &'a [f64],
    /// Holdout length in model time units.
    pub duration: f64,
    /// Per-day counts for the cumulative tracking series (None: no series).
    pub tracking: Option<super::validation::tracking::TrackingInput<'a>>,
    /// Customers per entry, as [`ClvInput::weights`].
    pub weights: Option<&'a [f64]>,
}

/// Entry `i`'s weight (1 without weights).
pub fn weight(w: Option<&[f64]>, i: usize) -> f64 {
    w.map_or(1.0, |w| w[i])
}

/// The customers `n` entries stand for.
pub fn customers(w: Option<&[f64]>, n: usize) -> f64 {
    w.map_or(n as f64, |w| w.iter().sum())
}

/// Cleaned per-customer summary: every value finite, 0 <= t_x <= T, x >= 0.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub x: Vec<f64>,
    pub tx: Vec<f64>,
    pub t: Vec<f64>,
}

fn at(v: &[f64], i: usize) -> f64 {
    v.get(i).copied().unwrap_or(f64::NAN)
}

/// Cleans a summary of `n` customers; counts and reports repaired values under `code`.
pub fn clean_summary(
    n: usize,
    x: &[f64],
    tx: &[f64],
    t: &[f64],
    code: &str,
    warnings: &mut Vec<Warning>,
) -> Summary {
    let mut s = Summary {
        x: Vec::with_capacity(n),
        tx: Vec::with_capacity(n),
        t: Vec::with_capacity(n),
    };
    let mut repaired = 0usize;
    for i in 0..n {
        let (mut xi, mut txi, mut ti) = (at(x, i), at(tx, i), at(t, i));
        let orig = (xi, txi, ti);
        if !(xi.is_finite() && xi >= 0.0) {
            xi = 0.0;
        }
        if !(ti.is_finite() && ti >= 0.0) {
            ti = 0.0;
        }
        if !(txi.is_finite() && txi >= 0.0) {
            txi = 0.0;
        }
        if txi > ti {
            txi = ti;
        }
        if xi > 0.0 && txi <= 0.0 {
            // Repeat purchases need a positive recency; treat as a one-time buyer.
            xi = 0.0;
        }
        if xi == 0.0 {
            txi = 0.0;
        }
        // Normalise -0.0 to 0.0 (rows are keyed by bit patterns).
        xi += 0.0;
        txi += 0.0;
        ti += 0.0;
        if orig.0.to_bits() != xi.to_bits()
            || orig.1.to_bits() != txi.to_bits()
            || orig.2.to_bits() != ti.to_bits()
        {
            repaired += 1;
        }
        s.x.push(xi);
        s.tx.push(txi);
        s.t.push(ti);
    }
    if repaired > 0 {
        warnings.push(Warning {
            code: code.to_string(),
            message: format!(
                "{repaired} customer summaries were missing/invalid (non-finite, negative, \
                 t_x > T, or x > 0 with t_x = 0) and were repaired (x=0 / clamped)"
            ),
        });
    }
    s
}

/// Reads a data-derived slice value, 0 when missing or non-finite.
pub fn finite_or_zero(v: &[f64], i: usize) -> f64 {
    let a = at(v, i);
    if a.is_finite() {
        a
    } else {
        0.0
    }
}
