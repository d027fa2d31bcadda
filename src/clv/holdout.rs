//! Holdout validation: fit each model on the calibration summary, predict repeat purchases over
//! the holdout duration, compare with the actual counts per customer.

use super::collapse::collapse;
use super::fitdata::FitData;
use super::input::{clean_summary, finite_or_zero, HoldoutInput};
use super::model::{fit, ModelKind};
use crate::report::Warning;
use serde::Serialize;

/// Holdout errors of one model.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HoldoutModel {
    pub model: ModelKind,
    /// Mean absolute error per customer (repeat purchases).
    pub mae: f64,
    /// Root mean squared error per customer.
    pub rmse: f64,
    pub actual_total: f64,
    pub predicted_total: f64,
}

/// Holdout section of the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HoldoutReport {
    /// Holdout length in model units.
    pub duration: f64,
    pub customers: usize,
    pub models: Vec<HoldoutModel>,
    /// Lowest RMSE.
    pub best: Option<ModelKind>,
}

/// Evaluates the models on the holdout; None (with a warning) if unusable.
pub fn evaluate(
    h: &HoldoutInput,
    pen: f64,
    kinds: &[ModelKind],
    warnings: &mut Vec<Warning>,
) -> Option<HoldoutReport> {
    let n = h.x.len();
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
    let s = clean_summary(n, h.x, h.t_x, h.t, "clv_holdout_input_repaired", warnings);
    let rows = collapse(&s);
    if rows.max_t <= 0.0 || rows.xs.iter().all(|&x| x == 0.0) {
        warnings.push(Warning {
            code: "clv_holdout_unusable".into(),
            message: "holdout calibration has no repeat buyers or no observation time".into(),
        });
        return None;
    }
    let d = FitData::new(&rows);
    let mut models = Vec::new();
    for &kind in kinds {
        let f = fit(kind, &d, pen);
        if !f.converged {
            continue;
        }
        let mut pred_row = Vec::with_capacity(rows.len());
        for i in 0..rows.len() {
            let pa = kind.p_alive(&f.params, rows.x[i], rows.tx[i], rows.t[i]);
            let u = kind
                .u(&f.params, rows.x[i], rows.t[i], h.duration)
                .unwrap_or(f64::NAN);
            let e = pa * u;
            pred_row.push(if e.is_finite() { e } else { 0.0 });
        }
        let (mut ae, mut se, mut at, mut pt) = (0.0, 0.0, 0.0, 0.0);
        for c in 0..n {
            let a = finite_or_zero(h.actual, c);
            let p = pred_row[rows.map[c]];
            ae += (a - p).abs();
            se += (a - p) * (a - p);
            at += a;
            pt += p;
        }
        models.push(HoldoutModel {
            model: kind,
            mae: ae / n as f64,
            rmse: (se / n as f64).sqrt(),
            actual_total: at,
            predicted_total: pt,
        });
    }
    let best = models
        .iter()
        .min_by(|a, b| a.rmse.total_cmp(&b.rmse))
        .map(|m| m.model);
    Some(HoldoutReport {
        duration: h.duration,
        customers: n,
        models,
        best,
    })
}
