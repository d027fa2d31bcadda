//! Time-invariant covariates for Pareto/NBD and BG/NBD (Fader & Hardie note 019, in CLVTools'
//! parametrisation: see `objective`): `design` (z from the customer table's covariate
//! columns), `objective` (the likelihood per pattern), `fit` (estimation, standard errors,
//! likelihood-ratio test), and here the Report section `clv.covariates`.
//!
//! The models with covariates explain how groups differ; the per-customer CLV columns still
//! come from the chosen model without covariates.

pub mod design;
pub mod fit;
pub mod objective;

use crate::clv::document::{BgParams, ParetoParams};
use crate::clv::fitting::fit::Fitted;
use crate::clv::input::Summary;
use crate::clv::maths::special::{exp, gamma_q};
use crate::clv::model::ModelKind;
use crate::report::Warning;
use design::{CovariateInput, CovariateSummary, Design};
use fit::{lr_test, CovFitted};
use serde::Serialize;

/// z of a two-sided 95% interval.
const Z95: f64 = 1.959963984540054;

/// `clv.covariates`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CovariatesReport {
    pub covariates: Vec<CovariateSummary>,
    pub models: Vec<CovariateModel>,
}

/// Base parameters of either family.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(untagged)]
pub enum BaseParams {
    Bg(BgParams),
    Pareto(ParetoParams),
}

/// One model with covariates.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CovariateModel {
    pub model: ModelKind,
    /// Parameters of a customer with z = 0 (reference levels, mean of numeric covariates).
    pub params: BaseParams,
    pub std_errors: Option<BaseParams>,
    pub coefficients: Vec<Coefficient>,
    pub log_likelihood: f64,
    pub aic: f64,
    pub converged: bool,
    pub iterations: u64,
    pub grad_norm: f64,
    pub lr_test: LrTest,
    /// Per level (or +1 standard deviation): the effects a page sentence reads.
    pub effects: Vec<Effect>,
}

/// A coefficient γ with its Wald statistics.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Coefficient {
    pub covariate: String,
    /// The level (categorical), or null (numeric: per standard deviation).
    pub level: Option<String>,
    pub pooled: bool,
    /// `purchase` (acts on alpha) or `dropout` (beta; a and b for BG/NBD).
    #[cfg_attr(test, ts(type = "'purchase' | 'dropout'"))]
    pub process: &'static str,
    pub gamma: f64,
    pub std_error: Option<f64>,
    pub z: Option<f64>,
    pub p_value: Option<f64>,
    /// 95% Wald interval of γ.
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// Likelihood-ratio test against the same model without covariates.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LrTest {
    pub statistic: f64,
    pub df: usize,
    pub p_value: f64,
    pub plain_log_likelihood: f64,
}

/// A ratio with its 95% interval.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Ratio {
    pub value: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// What a level (vs the reference) or +1 sd (vs the mean) changes.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Effect {
    pub covariate: String,
    pub level: Option<String>,
    pub pooled: bool,
    /// Multiplier of the mean purchase rate while active: `exp(g_p)`.
    pub purchase_rate: Ratio,
    /// Pareto/NBD: multiplier of the mean dropout rate, `exp(g_d)`; null for BG/NBD (its
    /// coefficient scales a and b together, which keeps the mean dropout probability).
    pub dropout_rate: Option<Ratio>,
    /// Expected repeat purchases of a new customer over the CLV horizon, this level vs the
    /// reference (both processes together).
    pub new_customer_purchases: Option<f64>,
}

fn ratio(g: f64, se: Option<f64>) -> Ratio {
    Ratio {
        value: exp(g),
        low: se.map(|s| exp(g - Z95 * s)),
        high: se.map(|s| exp(g + Z95 * s)),
    }
}

fn coefficient(
    col: &design::Column,
    process: &'static str,
    g: f64,
    se: Option<f64>,
) -> Coefficient {
    let se = se.filter(|s| s.is_finite() && *s > 0.0);
    let z = se.map(|s| g / s);
    Coefficient {
        covariate: col.covariate.clone(),
        level: col.level.clone(),
        pooled: col.pooled,
        process,
        gamma: g,
        std_error: se,
        z,
        p_value: z.map(|z| gamma_q(0.5, z * z / 2.0)),
        low: se.map(|s| g - Z95 * s),
        high: se.map(|s| g + Z95 * s),
    }
}

fn base(kind: ModelKind, p: &[f64]) -> BaseParams {
    match kind {
        ModelKind::ParetoNbd => BaseParams::Pareto(ParetoParams {
            r: p[0],
            alpha: p[1],
            s: p[2],
            beta: p[3],
        }),
        _ => BaseParams::Bg(BgParams {
            r: p[0],
            alpha: p[1],
            a: p[2],
            b: p[3],
        }),
    }
}

/// The Report section for one fitted model.
pub fn model_report(
    f: &CovFitted,
    plain: &Fitted,
    design: &Design,
    horizon: f64,
) -> CovariateModel {
    let k = design.columns.len();
    let se_at = |v: &Option<Vec<f64>>, j: usize| v.as_ref().and_then(|v| v.get(j).copied());
    let mut coefficients = Vec::with_capacity(2 * k);
    for (process, gammas, ses) in [
        ("purchase", &f.gamma_purchase, &f.se_purchase),
        ("dropout", &f.gamma_dropout, &f.se_dropout),
    ] {
        for (j, col) in design.columns.iter().enumerate() {
            coefficients.push(coefficient(col, process, gammas[j], se_at(ses, j)));
        }
    }
    let zero = vec![0.0; k];
    let new_at = |z: &[f64]| f.kind.expected_new(&f.params_at(z), horizon);
    let base_new = new_at(&zero);
    let effects = design
        .columns
        .iter()
        .enumerate()
        .map(|(j, col)| {
            let mut z = zero.clone();
            z[j] = 1.0;
            Effect {
                covariate: col.covariate.clone(),
                level: col.level.clone(),
                pooled: col.pooled,
                purchase_rate: ratio(f.gamma_purchase[j], se_at(&f.se_purchase, j)),
                dropout_rate: (f.kind == ModelKind::ParetoNbd)
                    .then(|| ratio(f.gamma_dropout[j], se_at(&f.se_dropout, j))),
                new_customer_purchases: match (new_at(&z), base_new) {
                    (Some(a), Some(b)) if b > 0.0 && (a / b).is_finite() => Some(a / b),
                    _ => None,
                },
            }
        })
        .collect();
    let df = 2 * k;
    let (statistic, p_value) = lr_test(f.log_likelihood, plain.log_likelihood, df);
    CovariateModel {
        model: f.kind,
        params: base(f.kind, &f.params),
        std_errors: f.std_errors.as_deref().map(|s| base(f.kind, s)),
        coefficients,
        log_likelihood: f.log_likelihood,
        aic: 2.0 * (4 + df) as f64 - 2.0 * f.log_likelihood,
        converged: f.converged,
        iterations: f.iterations,
        grad_norm: f.grad_norm,
        lr_test: LrTest {
            statistic,
            df,
            p_value,
            plain_log_likelihood: plain.log_likelihood,
        },
        effects,
    }
}

/// Fits the covariate models for the plain fits given (BG/NBD and Pareto/NBD that
/// converged). Without a usable covariate the section lists the covariates and no models
/// (a warning says why).
pub fn run(
    inputs: &[CovariateInput],
    s: &Summary,
    plain: &[(ModelKind, &Fitted)],
    pen: f64,
    horizon: f64,
    w: &mut Vec<Warning>,
) -> Option<CovariatesReport> {
    let n = s.x.len();
    let d = design::build(inputs, n, w);
    let mut models = Vec::new();
    if d.usable() {
        for &(kind, p) in plain {
            match fit::fit(kind, s, &d, p, pen) {
                Some(f) if f.converged => models.push(model_report(&f, p, &d, horizon)),
                _ => w.push(Warning::new(
                    "clv_covariates_not_converged",
                    format!(
                        "{} with covariates did not converge: not reported",
                        kind.key()
                    ),
                )),
            }
        }
    }
    Some(CovariatesReport {
        covariates: d.summaries,
        models,
    })
}

#[cfg(test)]
mod tests;
