//! Holdout validation: fit each model on the calibration summary, predict repeat purchases over
//! the holdout duration, compare with the actual counts per customer (MAE, RMSE, means by
//! calibration frequency), and track cumulative repeat purchases over both periods
//! (`tracking`).
//!
//! Every error and mean is an exact sum over the customers (`exact_sum`), so it does not depend
//! on their order, and an entry standing for w customers (`HoldoutInput::weights`, a collapsed
//! summary) gives what w copies of it give.

use crate::clv::fitting::collapse::{collapse_weighted, Rows};
use crate::clv::fitting::fit::{fit_plan, Fitted, Plan, Warm};
use crate::clv::fitting::fitdata::FitData;
use crate::clv::input::{clean_summary, customers, finite_or_zero, weight, HoldoutInput};
use crate::clv::model::ModelKind;
use crate::clv::validation::tracking::{self, Tracking};
use crate::exact_sum::ExactAcc;
use crate::report::Warning;
use serde::Serialize;

/// Holdout errors of one model.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HoldoutModel {
    pub model: ModelKind,
    /// Mean absolute error per customer (repeat purchases).
    pub mae: f64,
    /// Root mean squared error per customer.
    pub rmse: f64,
    pub actual_total: f64,
    pub predicted_total: f64,
    /// Mean holdout purchases, actual and predicted, by calibration frequency (lifetimes'
    /// `plot_calibration_purchases_vs_holdout_purchases`): the aggregate series.
    pub by_frequency: Vec<FrequencyRow>,
    /// Predicted cumulative repeat purchases at `tracking.days` (empty without a tracking
    /// series or when the expectations failed).
    pub cumulative: Vec<f64>,
    /// This model's mean squared error minus the lowest-RMSE model's (0 for that model), and
    /// the standard error of that difference: the paired per-customer differences of squared
    /// errors (Diebold–Mariano), so a gap within noise is told from a real one.
    pub mse_excess: f64,
    pub mse_excess_std_error: f64,
    /// The calibration fit's parameters (model units), for scoring calibration customers.
    #[serde(skip)]
    pub params: Vec<f64>,
}

/// Calibration-frequency bucket `0`..`6` or `7+`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FrequencyRow {
    pub frequency: String,
    pub customers: usize,
    pub actual: f64,
    pub predicted: f64,
}

/// Buckets of the by-frequency series: 0..=6 and 7+.
const FREQUENCY_BUCKETS: usize = 8;

fn by_frequency(
    x: &[f64],
    weights: Option<&[f64]>,
    actual: impl Fn(usize) -> f64,
    predicted: impl Fn(usize) -> f64,
) -> Vec<FrequencyRow> {
    let mut acc: [(f64, ExactAcc, ExactAcc); FREQUENCY_BUCKETS] = Default::default();
    for (c, &xc) in x.iter().enumerate() {
        let b = if xc.is_finite() && xc >= 0.0 {
            (xc as usize).min(FREQUENCY_BUCKETS - 1)
        } else {
            0
        };
        let w = weight(weights, c);
        acc[b].0 += w;
        acc[b].1.add_product(w, actual(c));
        acc[b].2.add_product(w, predicted(c));
    }
    acc.iter()
        .enumerate()
        .filter(|(_, a)| a.0 > 0.0)
        .map(|(b, (k, a, p))| FrequencyRow {
            frequency: if b + 1 == FREQUENCY_BUCKETS {
                format!("{b}+")
            } else {
                b.to_string()
            },
            customers: *k as usize,
            actual: a.value() / k,
            predicted: p.value() / k,
        })
        .collect()
}

/// Holdout section of the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HoldoutReport {
    /// Holdout length in model units.
    pub duration: f64,
    pub customers: usize,
    pub models: Vec<HoldoutModel>,
    /// Lowest RMSE.
    pub best: Option<ModelKind>,
    /// The best model's by-frequency series (for the actual-vs-predicted chart).
    pub by_frequency: Vec<FrequencyRow>,
    /// Cumulative repeat purchases over calibration + holdout, actual vs the best model
    /// (`tracking`); null without per-day data (summary input).
    pub tracking: Option<Tracking>,
}

/// Evaluates the models on the holdout; None (with a warning) if unusable. `full` holds the
/// fits on the whole period (aligned with `kinds`, may be empty): their optimum and Hessian
/// warm-start the calibration fits.
pub fn evaluate(
    h: &HoldoutInput,
    pen: f64,
    kinds: &[ModelKind],
    full: &[Option<Fitted>],
    warnings: &mut Vec<Warning>,
) -> Option<HoldoutReport> {
    let entries = h.x.len();
    let n = customers(h.weights, entries) as usize;
    if n < 10 || !(h.duration.is_finite() && h.duration > 0.0) {
        warnings.push(Warning {
            code: "clv_holdout_unusable".into(),
            message: format!(
                "holdout ignored: {n} customers (need >= 10) and duration {} (need > 0)",
                h.duration
            ),
        });
        return None;
    }
    let s = clean_summary(
        entries,
        h.x,
        h.t_x,
        h.t,
        "clv_holdout_input_repaired",
        warnings,
    );
    let rows = collapse_weighted(&s, h.weights);
    if rows.max_t <= 0.0 || rows.xs.iter().all(|&x| x == 0.0) {
        warnings.push(Warning {
            code: "clv_holdout_unusable".into(),
            message: "holdout calibration has no repeat buyers or no observation time".into(),
        });
        return None;
    }
    let d = FitData::new(&rows);
    let mut models = Vec::new();
    let mut predictions = Vec::new();
    for (i, &kind) in kinds.iter().enumerate() {
        // Warm start from the fit on the whole period when there is one: the calibration
        // optimum is close, and the Hessian in log space does not depend on the time scale.
        // No covariance: the holdout only needs the predictions.
        let plan = match full.get(i).and_then(|f| f.as_ref()) {
            Some(f) => Plan {
                warm: Some(Warm {
                    phi: kind.log_scaled(&f.params, d.scale),
                    hessian: f.hessian.clone(),
                }),
                thin: None,
                covariance: false,
            },
            None => Plan {
                covariance: false,
                ..Plan::auto(rows.len())
            },
        };
        let f = fit_plan(kind, &d, pen, &plan);
        if f.converged {
            let (m, pred) = scored(kind, &f.params, &rows, h);
            models.push(m);
            predictions.push(pred);
        }
    }
    let best_at = (0..models.len()).min_by(|&a, &b| models[a].rmse.total_cmp(&models[b].rmse));
    if let Some(b) = best_at {
        for i in 0..models.len() {
            let (excess, se) = paired_excess(h, &rows, &predictions[i], &predictions[b]);
            models[i].mse_excess = excess;
            models[i].mse_excess_std_error = se;
        }
    }
    let best = best_at.map(|i| models[i].model);
    let best_model = models.iter().find(|m| Some(m.model) == best);
    let by_frequency = best_model
        .map(|m| m.by_frequency.clone())
        .unwrap_or_default();
    let tracking = h.tracking.as_ref().map(|t| {
        let (step, days) = tracking::points(t);
        Tracking {
            start: crate::dates::format_day(t.start_day),
            period_days: step as u32,
            calibration_days: t.calibration_days as u32,
            actual: tracking::actual(t, &days),
            days: days.iter().map(|&d| d as u32).collect(),
            model: best_model
                .filter(|m| !m.cumulative.is_empty())
                .map(|m| m.model),
            predicted: best_model.map(|m| m.cumulative.clone()).unwrap_or_default(),
        }
    });
    Some(HoldoutReport {
        duration: h.duration,
        customers: n,
        models,
        best,
        by_frequency,
        tracking,
    })
}

/// Mean and standard error of `(actual − a)² − (actual − b)²` over the customers, where `a`
/// and `b` are two models' predictions per calibration row (0, 0 for a model against itself).
fn paired_excess(h: &HoldoutInput, rows: &Rows, a: &[f64], b: &[f64]) -> (f64, f64) {
    let entries = h.x.len();
    let n = customers(h.weights, entries);
    if n < 2.0 || std::ptr::eq(a, b) {
        return (0.0, 0.0);
    }
    // Two passes of exact sums (the mean, then the squared deviations from it): no
    // per-customer vector, and no dependence on the customers' order.
    let d = |c: usize| {
        let y = finite_or_zero(h.actual, c);
        let r = rows.map[c];
        (y - a[r]) * (y - a[r]) - (y - b[r]) * (y - b[r])
    };
    let (mut sum, mut sq) = (ExactAcc::default(), ExactAcc::default());
    for c in 0..entries {
        sum.add_product(weight(h.weights, c), d(c));
    }
    let mean = sum.value() / n;
    for c in 0..entries {
        let e = d(c) - mean;
        sq.add_product(weight(h.weights, c), e * e);
    }
    let se = (sq.value() / (n - 1.0) / n).sqrt();
    (
        if mean.is_finite() { mean } else { 0.0 },
        if se.is_finite() { se } else { 0.0 },
    )
}

/// Holdout errors and series of `kind` at parameters `p` (model units) on the calibration
/// `rows`: per customer, the prediction is lifetimes'
/// `conditional_expected_number_of_purchases_up_to_time(duration, x, t_x, T)`.
pub fn score(kind: ModelKind, p: &[f64], rows: &Rows, h: &HoldoutInput) -> HoldoutModel {
    scored(kind, p, rows, h).0
}

/// [`score`], and the prediction per calibration row (for the paired comparison).
fn scored(kind: ModelKind, p: &[f64], rows: &Rows, h: &HoldoutInput) -> (HoldoutModel, Vec<f64>) {
    let entries = h.x.len();
    let mut pred_row = Vec::with_capacity(rows.len());
    // u (a hypergeometric series for BG/MBG) depends on (x, T) only, and rows sorted by
    // (x, T, t_x) come in runs sharing them: one series per run.
    let mut last: Option<(usize, f64)> = None;
    for i in 0..rows.len() {
        let pa = kind.p_alive(p, rows.x[i], rows.tx[i], rows.t[i]);
        let u = match last {
            Some((j, v)) if rows.x[j] == rows.x[i] && rows.t[j] == rows.t[i] => v,
            _ => {
                let v = kind
                    .u(p, rows.x[i], rows.t[i], h.duration)
                    .unwrap_or(f64::NAN);
                last = Some((i, v));
                v
            }
        };
        let e = pa * u;
        pred_row.push(if e.is_finite() { e } else { 0.0 });
    }
    let mut sums: [ExactAcc; 4] = Default::default();
    for c in 0..entries {
        let a = finite_or_zero(h.actual, c);
        let pr = pred_row[rows.map[c]];
        let w = weight(h.weights, c);
        for (s, v) in sums
            .iter_mut()
            .zip([(a - pr).abs(), (a - pr) * (a - pr), a, pr])
        {
            s.add_product(w, v);
        }
    }
    let [ae, se, at, pt] = sums.map(|s| s.value());
    let nf = customers(h.weights, entries).max(1.0);
    let cumulative = h
        .tracking
        .as_ref()
        .and_then(|t| tracking::predicted(kind, p, t, &tracking::points(t).1))
        .unwrap_or_default();
    let model = HoldoutModel {
        model: kind,
        mae: ae / nf,
        rmse: (se / nf).sqrt(),
        actual_total: at,
        predicted_total: pt,
        params: p.to_vec(),
        by_frequency: by_frequency(
            h.x,
            h.weights,
            |c| finite_or_zero(h.actual, c),
            |c| pred_row[rows.map[c]],
        ),
        cumulative,
        mse_excess: 0.0,
        mse_excess_std_error: 0.0,
    };
    (model, pred_row)
}
