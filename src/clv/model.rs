//! The transaction model families by name: [`ModelKind`] routes the likelihood, P(alive),
//! expected purchases and P(X(t) = n) to the family's own module (`bgnbd`, `mbgnbd`, `pareto`),
//! and knows each family's time-scale parameters and starting point. Fitting one model is
//! `fitting::fit`.

use super::pareto::{self, pmf as pareto_pmf};
use super::{bgnbd, mbgnbd};
use serde::Serialize;

/// A BTYD transaction model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ModelKind {
    Bgnbd,
    ParetoNbd,
    Mbgnbd,
}

impl ModelKind {
    /// Report key / name.
    pub fn key(self) -> &'static str {
        match self {
            ModelKind::Bgnbd => "bgnbd",
            ModelKind::ParetoNbd => "paretoNbd",
            ModelKind::Mbgnbd => "mbgnbd",
        }
    }

    /// Full per-customer log-likelihood in model time units.
    pub fn loglik(self, p: &[f64], x: f64, tx: f64, t: f64) -> f64 {
        match self {
            ModelKind::Bgnbd => bgnbd::loglik(p, x, tx, t),
            ModelKind::ParetoNbd => pareto::loglik(p, x, tx, t),
            ModelKind::Mbgnbd => mbgnbd::loglik(p, x, tx, t),
        }
    }

    /// P(alive | x, t_x, T).
    pub fn p_alive(self, p: &[f64], x: f64, tx: f64, t: f64) -> f64 {
        match self {
            ModelKind::Bgnbd => bgnbd::p_alive(p, x, tx, t),
            ModelKind::ParetoNbd => pareto::p_alive(p, x, tx, t),
            ModelKind::Mbgnbd => mbgnbd::p_alive(p, x, tx, t),
        }
    }

    /// Expected purchases in (T, T+t] for an alive customer; E = P(alive) * u.
    pub fn u(self, p: &[f64], x: f64, t_age: f64, t: f64) -> Option<f64> {
        match self {
            ModelKind::Bgnbd => bgnbd::u(p, x, t_age, t),
            ModelKind::ParetoNbd => pareto::u(p, x, t_age, t),
            ModelKind::Mbgnbd => mbgnbd::u(p, x, t_age, t),
        }
    }

    /// Expected repeat purchases in (0, t] for a new customer.
    pub fn expected_new(self, p: &[f64], t: f64) -> Option<f64> {
        match self {
            ModelKind::Bgnbd => bgnbd::expected_new(p, t),
            ModelKind::ParetoNbd => pareto::expected_new(p, t),
            ModelKind::Mbgnbd => mbgnbd::expected_new(p, t),
        }
    }

    /// P(X(t) = n) for a new customer.
    pub fn prob_n(self, p: &[f64], t: f64, n: u32) -> f64 {
        match self {
            ModelKind::Bgnbd => bgnbd::prob_n(p, t, n, false),
            ModelKind::Mbgnbd => bgnbd::prob_n(p, t, n, true),
            ModelKind::ParetoNbd => pareto_pmf::prob_n(p, t, n),
        }
    }

    /// Indices of the time-scale parameters (alpha, and beta for Pareto/NBD).
    pub(super) fn time_params(self) -> &'static [usize] {
        match self {
            ModelKind::ParetoNbd => &[1, 3],
            _ => &[1],
        }
    }

    /// Log-parameters in time scaled by `scale` for model-unit parameters `p`.
    pub fn log_scaled(self, p: &[f64], scale: f64) -> Vec<f64> {
        let mut q = p.to_vec();
        for &k in self.time_params() {
            q[k] *= scale;
        }
        q.iter().map(|&v| super::maths::special::ln(v)).collect()
    }

    /// Starting log-parameters: lifetimes' 0.1 for BG/MBG; 0 (theta = 1, lifetimes' random
    /// start is normal(1, 0.05)) for Pareto/NBD.
    pub(super) fn start(self) -> Vec<f64> {
        match self {
            ModelKind::ParetoNbd => vec![0.0; 4],
            _ => vec![0.1; 4],
        }
    }
}
