//! Fitting a model with covariates: maximum likelihood from the model without covariates
//! (its optimum, coefficients 0, and a Hessian built from its Hessian), standard errors from
//! the Hessian at the optimum, and the likelihood-ratio test against the model without them.

use super::design::Design;
use super::objective::{pattern_jacobian, pattern_phi, CovObjective};
use crate::clv::fitting::bfgs;
use crate::clv::fitting::collapse::{collapse, Rows};
use crate::clv::fitting::fit::{covariance, Fitted, MAX_ITERS};
use crate::clv::fitting::fitdata::FitData;
use crate::clv::fitting::optim::{minimize, Objective};
use crate::clv::input::Summary;
use crate::clv::maths::special::{exp, gamma_q, ln};
use crate::clv::model::ModelKind;
use crate::clv::pareto::fast::Pairs;

/// A fitted model with covariates; parameters in model time units.
#[derive(Debug, Clone)]
pub struct CovFitted {
    pub kind: ModelKind,
    /// Base parameters (a customer with z = 0: the reference level, mean of numbers).
    pub params: Vec<f64>,
    pub std_errors: Option<Vec<f64>>,
    /// Purchase and dropout coefficients, one per design column.
    pub gamma_purchase: Vec<f64>,
    pub gamma_dropout: Vec<f64>,
    /// Their standard errors (None when the Hessian is not positive definite).
    pub se_purchase: Option<Vec<f64>>,
    pub se_dropout: Option<Vec<f64>>,
    pub log_likelihood: f64,
    pub converged: bool,
    pub iterations: u64,
    pub grad_norm: f64,
}

impl CovFitted {
    /// Model-unit parameters of a customer with covariates `z`.
    pub fn params_at(&self, z: &[f64]) -> Vec<f64> {
        let mut phi: Vec<f64> = self.params.iter().map(|&p| ln(p)).collect();
        phi.extend(&self.gamma_purchase);
        phi.extend(&self.gamma_dropout);
        pattern_phi(self.kind, &phi, z)
            .iter()
            .map(|&v| exp(v))
            .collect()
    }
}

/// Likelihood-ratio test of the covariates: `2 (LL_cov - LL_plain)` against chi-square with
/// `df` degrees of freedom. The statistic is clamped at 0 (the optimiser's tolerance can put
/// the nested optimum a hair above the full one).
pub fn lr_test(ll_cov: f64, ll_plain: f64, df: usize) -> (f64, f64) {
    let stat = (2.0 * (ll_cov - ll_plain)).max(0.0);
    let p = if df == 0 {
        1.0
    } else {
        gamma_q(df as f64 / 2.0, stat / 2.0)
    };
    (stat, p)
}

/// The customers of each pattern, collapsed, all in the time scale of the whole data.
pub fn pattern_rows(s: &Summary, design: &Design, max_t: f64) -> Vec<Rows> {
    let mut parts: Vec<Summary> = vec![Summary::default(); design.patterns.len()];
    for (c, &g) in design.pattern_of.iter().enumerate() {
        let p = &mut parts[g as usize];
        p.x.push(s.x[c]);
        p.tx.push(s.tx[c]);
        p.t.push(s.t[c]);
    }
    parts
        .iter()
        .map(|p| {
            let mut r = collapse(p);
            r.max_t = max_t;
            r
        })
        .collect()
}

/// Fits `kind` with the covariates of `design` on the cleaned summary `s`, starting from
/// `plain` (the model without covariates on the same data). None when the data give no
/// finite likelihood at all.
pub fn fit(
    kind: ModelKind,
    s: &Summary,
    design: &Design,
    plain: &Fitted,
    pen: f64,
) -> Option<CovFitted> {
    let max_t = s.t.iter().copied().fold(0.0, f64::max);
    let rows = pattern_rows(s, design, max_t);
    let data: Vec<FitData> = rows.iter().map(FitData::new).collect();
    let pairs: Vec<Pairs> = if kind == ModelKind::ParetoNbd {
        data.iter().map(Pairs::new).collect()
    } else {
        Vec::new()
    };
    let scale = data.first()?.scale;
    let k = design.columns.len();
    let obj = CovObjective {
        kind,
        data: &data,
        pairs: &pairs,
        z: &design.patterns,
        pen,
    };
    let mut start = kind.log_scaled(&plain.params, scale);
    start.resize(4 + 2 * k, 0.0);
    // Start curvature: Σ_g w_g J_g' H J_g with H the plain model's Hessian (each pattern's
    // curvature taken as the whole data's); the coefficients' own curvature starts there.
    let h0 = plain.hessian.as_ref().map(|h| {
        let n: f64 = data.iter().map(|d| d.rows.n).sum();
        let dim = 4 + 2 * k;
        let mut out = vec![vec![0.0; dim]; dim];
        for (g, d) in data.iter().enumerate() {
            let w = d.rows.n / n;
            let j = pattern_jacobian(kind, &design.patterns[g]);
            for a in 0..dim {
                for b in 0..dim {
                    let mut v = 0.0;
                    for (p, hp) in h.iter().enumerate() {
                        for (q, hpq) in hp.iter().enumerate() {
                            v += j[p][a] * hpq * j[q][b];
                        }
                    }
                    out[a][b] += w * v;
                }
            }
        }
        out
    });
    let m = bfgs::refine(&obj, &start, h0.as_deref())
        .unwrap_or_else(|| minimize(&obj, &start, MAX_ITERS));
    if !m.value.is_finite() {
        return None;
    }
    let n: f64 = data.iter().map(|d| d.rows.n).sum();
    let theta: Vec<f64> = m.phi.iter().map(|&v| exp(v)).collect();
    let (cov, _, _) = if m.converged {
        covariance(&obj, &m.phi, &m.grad, &theta, n)
    } else {
        (None, None, None)
    };
    let ll = {
        let f0 = if pen == 0.0 {
            m.value
        } else {
            let unpen = CovObjective { pen: 0.0, ..obj };
            unpen.eval(&m.phi, &mut vec![0.0; m.phi.len()])
        };
        let sum_x: f64 = s.x.iter().sum();
        -f0 * n + sum_x * ln(scale)
    };
    let mut params: Vec<f64> = theta[..4].to_vec();
    for &i in kind.time_params() {
        params[i] /= scale;
    }
    let se = |from: usize, log: bool| {
        cov.as_ref().map(|c| {
            (from..from + if from == 0 { 4 } else { k })
                .map(|i| {
                    let sd = c[i][i].max(0.0).sqrt();
                    if log {
                        params[i] * sd
                    } else {
                        sd
                    }
                })
                .collect::<Vec<f64>>()
        })
    };
    Some(CovFitted {
        kind,
        std_errors: se(0, true),
        se_purchase: se(4, false),
        se_dropout: se(4 + k, false),
        gamma_purchase: m.phi[4..4 + k].to_vec(),
        gamma_dropout: m.phi[4 + k..].to_vec(),
        params,
        log_likelihood: ll,
        converged: m.converged && ll.is_finite(),
        iterations: m.iterations,
        grad_norm: m.grad_norm,
    })
}
