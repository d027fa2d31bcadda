//! Fitting one transaction model: lifetimes' objective in log-parameter space, by argmin's
//! L-BFGS from lifetimes' start or by dense BFGS from a warm start ([`Plan`]), then the full
//! log-likelihood and the covariance and standard errors at the optimum ([`Fitted`]).

use crate::clv::fitting::bfgs;
use crate::clv::fitting::fitdata::FitData;
use crate::clv::fitting::linalg::spd_inverse;
use crate::clv::fitting::optim::{hessian, minimize, Minimum, Objective};
use crate::clv::model::ModelKind;
use crate::clv::pareto::fast as pareto_fast;
use crate::clv::{bgnbd, mbgnbd};

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

impl Fitted {
    /// The outcome of the minimiser's run `m`, `params` its natural parameters: with the
    /// curvature over `n` customers (covariance, standard errors, Hessian) when the fit
    /// converged and `n` is given, and converged only with a finite likelihood and parameters.
    /// The one constructor of every model's fit (BTYD, BG/BB, sBG).
    pub fn new(
        obj: &dyn Objective,
        m: Minimum,
        params: Vec<f64>,
        log_likelihood: f64,
        n: Option<f64>,
    ) -> Fitted {
        let (cov_log, std_errors, hessian) = match n {
            Some(n) if m.converged => covariance(obj, &m.phi, &m.grad, &params, n),
            _ => (None, None, None),
        };
        Fitted {
            converged: m.converged
                && log_likelihood.is_finite()
                && params.iter().all(|v| v.is_finite()),
            params,
            log_likelihood,
            objective: m.value,
            iterations: m.iterations,
            status: m.status,
            grad_norm: m.grad_norm,
            cov_log,
            std_errors,
            hessian,
        }
    }
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
    -f0 * d.rows.n + sum_x * crate::clv::maths::special::ln(d.scale)
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
        .map(|&v| crate::clv::maths::special::exp(v))
        .collect();
    for &k in kind.time_params() {
        params[k] /= d.scale;
    }
    let ll = full_loglik(obj0, &m.phi, d, m.value, pen);
    Fitted::new(obj, m, params, ll, cov.then_some(d.rows.n))
}
