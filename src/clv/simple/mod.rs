//! Simple (retention-form) CLV, no model fitting:
//!
//! `simple_clv = m * r / (1 + d - r)` per customer, where
//! * `m` = monthly margin = `total_spend / max(tenure_days / (365.25/12), 1) * margin_rate`
//!   (negative net spend is kept: a refund-heavy customer has negative value),
//! * `r` = monthly retention: `options.retention_rate`, else the measured KPI retention,
//! * `d` = monthly discount rate.
//!
//! This is the infinite-horizon sum `sum_{i>=1} m r^i / (1+d)^i` (retention form: the customer
//! is retained before each month's margin is counted, so month 0 is not included), not the churn
//! form `m (1+d) / (1+d-r)`. When `1+d-r <= 0` (r = 1 with d <= 0) the sum diverges and the
//! finite horizon sum over `horizon_months` is used instead (warning `simple_clv_divergent`).
//! Without any retention, r = 0 and simple CLV is 0 (warning `simple_clv_no_retention`).

use crate::clv::input::{customers, finite_or_zero, weight};
use crate::clv::units::DAYS_PER_MONTH;
use crate::exact_sum::ExactAcc;
use crate::report::Warning;
use serde::Serialize;

/// Report section for simple CLV.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SimpleReport {
    /// "retention": m * r / (1 + d - r).
    pub formula: String,
    pub retention_rate: f64,
    /// "options", "measured" or "none".
    pub retention_source: String,
    pub discount_rate: f64,
    pub margin_rate: f64,
    /// Multiplier r / (1 + d - r) applied to the monthly margin (or horizon sum if divergent).
    pub multiplier: f64,
    pub mean_monthly_margin: f64,
    pub total: f64,
    pub mean: f64,
}

/// Computes simple CLV per customer (flat argument list mirrors the formula's inputs).
#[allow(clippy::too_many_arguments)]
pub fn simple_clv(
    n: usize,
    weights: Option<&[f64]>,
    total_spend: &[f64],
    tenure_days: &[f64],
    retention: Option<(f64, &str)>,
    d: f64,
    margin: f64,
    horizon_months: u32,
    warnings: &mut Vec<Warning>,
) -> (Vec<f64>, SimpleReport) {
    let (r, source) = match retention {
        Some((r, s)) if r.is_finite() => (r.clamp(0.0, 1.0), s.to_string()),
        _ => {
            warnings.push(Warning {
                code: "simple_clv_no_retention".into(),
                message: "no monthly retention given or measured: simple CLV uses r = 0".into(),
            });
            (0.0, "none".to_string())
        }
    };
    let denom = 1.0 + d - r;
    let multiplier = if denom > 1e-12 {
        r / denom
    } else {
        warnings.push(Warning {
            code: "simple_clv_divergent".into(),
            message: format!(
                "retention {r} with discount {d} makes the perpetuity diverge; using the \
                 {horizon_months}-month sum"
            ),
        });
        let q = r / (1.0 + d);
        (1..=horizon_months).map(|i| q.powi(i as i32)).sum()
    };
    let mut out = Vec::with_capacity(n);
    // Exact sums: the totals do not depend on the customers' order, and entries of weight w
    // give what w customers give.
    let (mut sum_m, mut total) = (ExactAcc::default(), ExactAcc::default());
    for i in 0..n {
        let months = (finite_or_zero(tenure_days, i) / DAYS_PER_MONTH).max(1.0);
        let m = finite_or_zero(total_spend, i) / months * margin;
        let w = weight(weights, i);
        sum_m.add_product(w, m);
        let v = m * multiplier;
        let v = if v.is_finite() { v } else { 0.0 };
        total.add_product(w, v);
        out.push(v);
    }
    let (sum_m, total) = (sum_m.value(), total.value());
    let nf = customers(weights, n).max(1.0);
    let rep = SimpleReport {
        formula: "retention: m * r / (1 + d - r)".into(),
        retention_rate: r,
        retention_source: source,
        discount_rate: d,
        margin_rate: margin,
        multiplier,
        mean_monthly_margin: sum_m / nf,
        total,
        mean: total / nf,
    };
    (out, rep)
}
