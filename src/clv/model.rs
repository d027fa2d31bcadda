//! Dispatch over the three transaction models and the shared fitting procedure.

use super::fitting::bfgs;
use super::fitting::fitdata::FitData;
use super::fitting::linalg::spd_inverse;
use super::fitting::optim::{hessian, minimize, Objective};
use super::pareto::{self, fast as pareto_fast, pmf as pareto_pmf};
use super::{bgnbd, mbgnbd};
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

/// From this many collapsed rows a fit first runs on a systematic 1/[`THIN`] subsample and
/// uses its optimum and Hessian as the warm start of the fit on all rows (see `bfgs`): a few
/// evaluations over all rows instead of 20-40. Below it the argmin path alone is fast.
pub const WARM_MIN_ROWS: usize = 20_000;

/// Subsampling factor of the warm start.
pub const THIN: f64 = 16.0;

/// A warm start: log-parameters in the fit's scaled time and the objective's Hessian there.
#[derive(Debug, Clone)]
pub struct Warm {
    pub phi: Vec<f64>,
    pub hessian: Option<Vec<Vec<f64>>>,
}

/// How to fit: from a given warm start, or from a fit on a 1/thin subsample, or (neither)
/// from lifetimes' start with argmin; with or without the covariance (4 more evaluations).
#[derive(Debug, Clone)]
pub struct Plan {
    pub warm: Option<Warm>,
    pub thin: Option<f64>,
    pub covariance: bool,
}

impl Plan {
    /// The default plan for `rows` collapsed rows: subsample warm start from [`WARM_MIN_ROWS`].
    pub fn auto(rows: usize) -> Plan {
        Plan {
            warm: None,
            thin: (rows >= WARM_MIN_ROWS).then_some(THIN),
            covariance: true,
        }
    }
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
    fn time_params(self) -> &'static [usize] {
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
    /// Hessian of the (per-customer mean) objective in log space at the optimum: a warm start
    /// for refits (invariant to the time scale, which only shifts log alpha / log beta).
    pub hessian: Option<Vec<Vec<f64>>>,
}

/// Covariance, standard errors and the Hessian they come from.
pub type Curvature = (
    Option<Vec<Vec<f64>>>,
    Option<Vec<f64>>,
    Option<Vec<Vec<f64>>>,
);

/// Covariance in log space and natural-parameter standard errors from an objective's Hessian.
pub fn covariance(
    obj: &dyn Objective,
    phi: &[f64],
    grad: &[f64],
    theta: &[f64],
    n: f64,
) -> Curvature {
    let h = hessian(obj, phi, grad);
    let (cov, se) = match spd_inverse(&h) {
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
    };
    (cov, se, Some(h))
}

/// Fits `kind` on the scaled data with lifetimes' objective and penalizer ([`Plan::auto`]).
pub fn fit(kind: ModelKind, d: &FitData, pen: f64) -> Fitted {
    fit_plan(kind, d, pen, &Plan::auto(d.rows.len()))
}

/// Fits `kind` following `plan`. Whatever the start, the result is the same optimum (gradient
/// norm < `GRAD_TOL`); when the warm path does not converge, the argmin path runs.
pub fn fit_plan(kind: ModelKind, d: &FitData, pen: f64, plan: &Plan) -> Fitted {
    let warm = plan.warm.clone().or_else(|| {
        let k = plan.thin?;
        let sub = d.rows.thin(k);
        if sub.xs.iter().all(|&x| x == 0.0) {
            return None;
        }
        let sd = FitData::new(&sub);
        let inner = Plan {
            warm: None,
            thin: None,
            covariance: true,
        };
        let f = fit_plan(kind, &sd, pen, &inner);
        f.converged.then(|| Warm {
            phi: kind.log_scaled(&f.params, sd.scale),
            hessian: f.hessian,
        })
    });
    let start = kind.start();
    let w = warm.as_ref();
    let cov = plan.covariance;
    match kind {
        ModelKind::Bgnbd => finish(
            kind,
            d,
            &bgnbd::BgObjective { d, pen },
            &bgnbd::BgObjective { d, pen: 0.0 },
            &start,
            pen,
            (w, cov),
        ),
        ModelKind::Mbgnbd => finish(
            kind,
            d,
            &mbgnbd::MbgObjective { d, pen },
            &mbgnbd::MbgObjective { d, pen: 0.0 },
            &start,
            pen,
            (w, cov),
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
                (w, cov),
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
    -f0 * d.rows.n + sum_x * super::maths::special::ln(d.scale)
}

fn finish(
    kind: ModelKind,
    d: &FitData,
    obj: &dyn Objective,
    obj0: &dyn Objective,
    start: &[f64],
    pen: f64,
    (warm, cov): (Option<&Warm>, bool),
) -> Fitted {
    let m = warm
        .and_then(|w| bfgs::refine(obj, &w.phi, w.hessian.as_deref()))
        .unwrap_or_else(|| minimize(obj, start, MAX_ITERS));
    let mut params: Vec<f64> = m
        .phi
        .iter()
        .map(|&v| super::maths::special::exp(v))
        .collect();
    for &k in kind.time_params() {
        params[k] /= d.scale;
    }
    let (cov_log, std_errors, hessian) = if m.converged && cov {
        covariance(obj, &m.phi, &m.grad, &params, d.rows.n)
    } else {
        (None, None, None)
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
        hessian,
    }
}
