//! Dispatch over the three transaction models and the shared fitting procedure.

use super::fitdata::FitData;
use super::linalg::spd_inverse;
use super::optim::{hessian, minimize, Objective};
use super::{bgnbd, mbgnbd, pareto, pareto_fast};
use serde::Serialize;

/// A BTYD transaction model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ModelKind {
    Bgnbd,
    ParetoNbd,
    Mbgnbd,
}

/// Maximum L-BFGS iterations per fit.
pub const MAX_ITERS: u64 = 1000;

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

    /// Indices of the time-scale parameters (alpha, and beta for Pareto/NBD).
    fn time_params(self) -> &'static [usize] {
        match self {
            ModelKind::ParetoNbd => &[1, 3],
            _ => &[1],
        }
    }

    /// Starting log-parameters: lifetimes' 0.1 for BG/MBG; 0 (theta = 1, lifetimes' random
    /// start is normal(1, 0.05)) for Pareto/NBD.
    fn start(self) -> Vec<f64> {
        match self {
            ModelKind::ParetoNbd => vec![0.0; 4],
            _ => vec![0.1; 4],
        }
    }
}

/// Outcome of a maximum-likelihood fit (parameters in model time units).
#[derive(Debug, Clone)]
pub struct Fitted {
    pub params: Vec<f64>,
    /// Full log-likelihood (sum over customers, all constants, model time units).
    pub log_likelihood: f64,
    /// Final value of lifetimes' objective (scaled time).
    pub objective: f64,
    pub converged: bool,
    pub iterations: u64,
    pub status: String,
    pub grad_norm: f64,
    /// Covariance of the log-parameters (inverse Hessian of the total NLL incl. penalty).
    pub cov_log: Option<Vec<Vec<f64>>>,
    /// Standard errors of the natural parameters (delta method, as lifetimes).
    pub std_errors: Option<Vec<f64>>,
}

/// Covariance in log space and natural-parameter standard errors from an objective's Hessian.
pub fn covariance(
    obj: &dyn Objective,
    phi: &[f64],
    grad: &[f64],
    theta: &[f64],
    n: f64,
) -> (Option<Vec<Vec<f64>>>, Option<Vec<f64>>) {
    let h = hessian(obj, phi, grad);
    match spd_inverse(&h) {
        Some(inv) => {
            let cov: Vec<Vec<f64>> = inv
                .iter()
                .map(|row| row.iter().map(|v| v / n).collect())
                .collect();
            let se = (0..theta.len())
                .map(|k| theta[k] * cov[k][k].max(0.0).sqrt())
                .collect();
            (Some(cov), Some(se))
        }
        None => (None, None),
    }
}

/// Fits `kind` on the scaled data with lifetimes' objective and penalizer.
pub fn fit(kind: ModelKind, d: &FitData, pen: f64) -> Fitted {
    let start = kind.start();
    match kind {
        ModelKind::Bgnbd => finish(
            kind,
            d,
            &bgnbd::BgObjective { d, pen },
            &bgnbd::BgObjective { d, pen: 0.0 },
            &start,
            pen,
        ),
        ModelKind::Mbgnbd => finish(
            kind,
            d,
            &mbgnbd::MbgObjective { d, pen },
            &mbgnbd::MbgObjective { d, pen: 0.0 },
            &start,
            pen,
        ),
        ModelKind::ParetoNbd => {
            let pairs = pareto_fast::Pairs::new(d);
            finish(
                kind,
                d,
                &pareto_fast::FastParetoObjective {
                    d,
                    pairs: &pairs,
                    pen,
                },
                &pareto_fast::FastParetoObjective {
                    d,
                    pairs: &pairs,
                    pen: 0.0,
                },
                &start,
                pen,
            )
        }
    }
}

/// Full log-likelihood in model units from the unpenalised scaled objective `f0 = -LL_s / n`:
/// scaling time by c multiplies each of the x purchase-time densities by 1/c, so
/// `LL_units = LL_scaled + sum(x) ln c` (one evaluation instead of a per-row pass).
fn full_loglik(obj0: &dyn Objective, phi: &[f64], d: &FitData, value: f64, pen: f64) -> f64 {
    let f0 = if pen == 0.0 {
        value
    } else {
        let mut g = vec![0.0; phi.len()];
        obj0.eval(phi, &mut g)
    };
    let sum_x: f64 = d.rows.xs.iter().zip(&d.rows.xw).map(|(x, w)| x * w).sum();
    -f0 * d.rows.n + sum_x * super::special::ln(d.scale)
}

fn finish(
    kind: ModelKind,
    d: &FitData,
    obj: &dyn Objective,
    obj0: &dyn Objective,
    start: &[f64],
    pen: f64,
) -> Fitted {
    let m = minimize(obj, start, MAX_ITERS);
    let mut params: Vec<f64> = m.phi.iter().map(|&v| super::special::exp(v)).collect();
    for &k in kind.time_params() {
        params[k] /= d.scale;
    }
    let (cov_log, std_errors) = if m.converged {
        covariance(obj, &m.phi, &m.grad, &params, d.rows.n)
    } else {
        (None, None)
    };
    let ll = full_loglik(obj0, &m.phi, d, m.value, pen);
    Fitted {
        converged: m.converged && ll.is_finite() && params.iter().all(|v| v.is_finite()),
        params,
        log_likelihood: ll,
        objective: m.value,
        iterations: m.iterations,
        status: m.status,
        grad_norm: m.grad_norm,
        cov_log,
        std_errors,
    }
}
