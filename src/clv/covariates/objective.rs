//! The likelihood with covariates, evaluated pattern by pattern.
//!
//! CLVTools' parametrisation (Fader & Hardie note 019), with z a customer's covariates:
//! * Pareto/NBD: `alpha_i = alpha0 exp(-g_p'z)`, `beta_i = beta0 exp(-g_d'z)`; r and s shared.
//! * BG/NBD: `alpha_i = alpha0 exp(-g_p'z)`, `a_i = a0 exp(g_d'z)`, `b_i = b0 exp(g_d'z)`.
//!
//! So `exp(g_p)` multiplies the mean purchase rate `r / alpha_i`; for Pareto/NBD `exp(g_d)`
//! multiplies the mean dropout rate `s / beta_i`; for BG/NBD it scales a and b together.
//!
//! Customers with the same z share their parameters, so the log-likelihood is the sum over
//! patterns of the family's own objective (`bgnbd::BgObjective`,
//! `pareto::fast::FastParetoObjective`, tested against lifetimes) at that pattern's
//! parameters, and its gradient follows by the chain rule from theirs. Log-parameters
//! `phi = [ln r, ln alpha0, ln a0 | ln s, ln b0 | ln beta0, g_p (k), g_d (k)]`, time scaled by
//! 1/max T over all customers as in the model without covariates.

use crate::clv::bgnbd::BgObjective;
use crate::clv::fitting::fitdata::FitData;
use crate::clv::fitting::optim::Objective;
use crate::clv::maths::special::exp;
use crate::clv::model::ModelKind;
use crate::clv::pareto::fast::{FastParetoObjective, Pairs};

/// Where each covariate coefficient acts in a pattern's 4 log-parameters: `phi_g = base +
/// Σ_j z_gj (sign_p e_1 g_pj + Σ_{i in life} sign_d e_i g_dj)`.
pub fn life_slots(kind: ModelKind) -> &'static [(usize, f64)] {
    match kind {
        ModelKind::ParetoNbd => &[(3, -1.0)],
        _ => &[(2, 1.0), (3, 1.0)],
    }
}

/// The log-parameters of a pattern with covariates `z`.
pub fn pattern_phi(kind: ModelKind, phi: &[f64], z: &[f64]) -> [f64; 4] {
    let k = z.len();
    let lin = |off: usize| -> f64 { (0..k).map(|j| z[j] * phi[4 + off + j]).sum() };
    let (lp, ld) = (lin(0), lin(k));
    let mut out = [phi[0], phi[1] - lp, phi[2], phi[3]];
    for &(i, sign) in life_slots(kind) {
        out[i] += sign * ld;
    }
    out
}

/// Jacobian rows of [`pattern_phi`]: d phi_g[i] / d phi[c].
pub fn pattern_jacobian(kind: ModelKind, z: &[f64]) -> Vec<Vec<f64>> {
    let k = z.len();
    let mut j = vec![vec![0.0; 4 + 2 * k]; 4];
    for (i, row) in j.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for c in 0..k {
        j[1][4 + c] = -z[c];
        for &(i, sign) in life_slots(kind) {
            j[i][4 + k + c] = sign * z[c];
        }
    }
    j
}

/// The model's objective summed over patterns: `-Σ ll / n` plus the penalty of the model
/// without covariates on the base parameters (lifetimes' form: `pen Σθ²` for BG/NBD,
/// `pen Σθ² / n` for Pareto/NBD), so a single pattern with no covariates is that model's
/// objective exactly.
pub struct CovObjective<'a> {
    pub kind: ModelKind,
    pub data: &'a [FitData<'a>],
    /// Pareto/NBD only: each pattern's (x, age) pairs.
    pub pairs: &'a [Pairs],
    pub z: &'a [Vec<f64>],
    pub pen: f64,
}

impl CovObjective<'_> {
    fn total(&self) -> f64 {
        self.data.iter().map(|d| d.rows.n).sum()
    }
}

impl Objective for CovObjective<'_> {
    fn eval(&self, phi: &[f64], grad: &mut [f64]) -> f64 {
        let n = self.total();
        grad.iter_mut().for_each(|g| *g = 0.0);
        let mut f = 0.0;
        let mut gg = [0.0; 4];
        for (g, d) in self.data.iter().enumerate() {
            let z = &self.z[g];
            let pg = pattern_phi(self.kind, phi, z);
            let fg = match self.kind {
                ModelKind::ParetoNbd => FastParetoObjective {
                    d,
                    pairs: &self.pairs[g],
                    pen: 0.0,
                }
                .eval(&pg, &mut gg),
                _ => BgObjective { d, pen: 0.0 }.eval(&pg, &mut gg),
            };
            if !fg.is_finite() {
                return f64::INFINITY;
            }
            let w = d.rows.n / n;
            f += w * fg;
            let jac = pattern_jacobian(self.kind, z);
            for (i, row) in jac.iter().enumerate() {
                for (c, &v) in row.iter().enumerate() {
                    if v != 0.0 {
                        grad[c] += w * gg[i] * v;
                    }
                }
            }
        }
        if self.pen > 0.0 {
            let scale = if self.kind == ModelKind::ParetoNbd {
                1.0 / n
            } else {
                1.0
            };
            for i in 0..4 {
                let t = exp(phi[i]);
                f += scale * self.pen * t * t;
                grad[i] += scale * 2.0 * self.pen * t * t;
            }
        }
        if f.is_finite() && grad.iter().all(|v| v.is_finite()) {
            f
        } else {
            f64::INFINITY
        }
    }
}
