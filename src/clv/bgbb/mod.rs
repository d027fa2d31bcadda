//! BG/BB: beta-geometric/beta-binomial model of discrete-time buying (Fader, Hardie & Shang
//! 2010, "Customer-Base Analysis in a Discrete-Time Noncontractual Setting"), for data with
//! fixed transaction opportunities: annual donations, events, weekly boxes.
//!
//! While alive, a customer transacts at each opportunity with probability p ~ Beta(α, β); before
//! each opportunity an alive customer drops out with probability θ ~ Beta(γ, δ). A customer's
//! data are (x, t_x, n): x repeat transactions in n opportunities after the first, the last at
//! opportunity t_x (lifetimes' frequency, recency, periods). The likelihood (eq. 5):
//!
//! `L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//!    + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)`
//!
//! evaluated as a log-sum-exp of its terms, with the gradient from the same terms (digamma at
//! the first term of the sum, then the recurrence ψ(z + 1) = ψ(z) + 1/z). Fitting follows
//! lifetimes' `BetaGeoBetaBinomFitter` objective, `−Σ w ll / Σ w + penalizer Σ θ²` in
//! log-parameter space, through `fitting::optim`. Predictions are in [`predict`].
pub mod predict;

use crate::clv::fitting::collapse::Rows;
use crate::clv::fitting::fit::{covariance, Fitted, MAX_ITERS};
use crate::clv::fitting::optim::{minimize, Objective};
use crate::clv::maths::special::{digamma, exp, lgamma, ln};

/// `ln B(a, b)`.
pub(crate) fn lbeta(a: f64, b: f64) -> f64 {
    lgamma(a) + lgamma(b) - lgamma(a + b)
}

/// Log-likelihood of one customer (x, t_x, n) and, if `grad` is given, its gradient in
/// (α, β, γ, δ) added to `grad` with weight `w`.
pub fn loglik(p: &[f64], x: f64, tx: f64, n: f64, grad: Option<(&mut [f64; 4], f64)>) -> f64 {
    let (al, be, ga, de) = (p[0], p[1], p[2], p[3]);
    let (lab, lgd) = (lbeta(al, be), lbeta(ga, de));
    // Term A: alive through n.
    let la = lbeta(al + x, be + n - x) - lab + lbeta(ga, de + n) - lgd;
    // Terms i = 0..n−t_x−1: dropped out right after opportunity t_x + i.
    let k = (n - tx).max(0.0) as usize;
    let mut lt = Vec::with_capacity(k);
    let (mut b1, mut d1) = (lbeta(al + x, be + tx - x), lbeta(ga + 1.0, de + tx));
    for i in 0..k {
        if i > 0 {
            let j = (i - 1) as f64;
            // lnB(a, b + 1) = lnB(a, b) + ln b − ln(a + b).
            b1 += ln(be + tx - x + j) - ln(al + be + tx + j);
            d1 += ln(de + tx + j) - ln(ga + de + 1.0 + tx + j);
        }
        lt.push(b1 - lab + d1 - lgd);
    }
    let top = lt.iter().copied().fold(la, f64::max);
    let sum = exp(la - top) + lt.iter().map(|&v| exp(v - top)).sum::<f64>();
    let ll = top + ln(sum);
    if let Some((g, w)) = grad {
        let (pab, pgd) = (digamma(al + be), digamma(ga + de));
        let (pa, pb, pg, pd) = (digamma(al), digamma(be), digamma(ga), digamma(de));
        let pax = digamma(al + x);
        let base = [pab - pa, pab - pb, pgd - pg, pgd - pd];
        // Term A's derivatives.
        let wa = exp(la - ll);
        let n_ab = digamma(al + be + n);
        let n_gd = digamma(ga + de + n);
        let da = [
            pax - n_ab,
            digamma(be + n - x) - n_ab,
            pg - n_gd,
            digamma(de + n) - n_gd,
        ];
        let mut acc = [0.0; 4];
        for c in 0..4 {
            acc[c] += wa * da[c];
        }
        if k > 0 {
            let pg1 = digamma(ga + 1.0);
            let (mut z_b, mut z_ab) = (be + tx - x, al + be + tx);
            let (mut z_d, mut z_gd) = (de + tx, ga + de + 1.0 + tx);
            let (mut s_b, mut s_ab, mut s_d, mut s_gd) =
                (digamma(z_b), digamma(z_ab), digamma(z_d), digamma(z_gd));
            for (i, &l) in lt.iter().enumerate() {
                if i > 0 {
                    s_b += 1.0 / z_b;
                    s_ab += 1.0 / z_ab;
                    s_d += 1.0 / z_d;
                    s_gd += 1.0 / z_gd;
                    z_b += 1.0;
                    z_ab += 1.0;
                    z_d += 1.0;
                    z_gd += 1.0;
                }
                let wi = exp(l - ll);
                acc[0] += wi * (pax - s_ab);
                acc[1] += wi * (s_b - s_ab);
                acc[2] += wi * (pg1 - s_gd);
                acc[3] += wi * (s_d - s_gd);
            }
        }
        for c in 0..4 {
            g[c] += w * (acc[c] + base[c]);
        }
    }
    ll
}

/// lifetimes' objective on collapsed rows `(x, t_x, n)` with weights.
pub struct BgbbObjective<'a> {
    pub rows: &'a Rows,
    pub pen: f64,
}

impl Objective for BgbbObjective<'_> {
    fn eval(&self, phi: &[f64], grad: &mut [f64]) -> f64 {
        let p: Vec<f64> = phi.iter().map(|&v| exp(v)).collect();
        let r = self.rows;
        let mut g = [0.0; 4];
        let mut ll = 0.0;
        for i in 0..r.len() {
            ll += r.w[i] * loglik(&p, r.x[i], r.tx[i], r.t[i], Some((&mut g, r.w[i])));
        }
        let n = r.n.max(1.0);
        let mut f = -ll / n;
        for c in 0..4 {
            grad[c] = -g[c] * p[c] / n + 2.0 * self.pen * p[c] * p[c];
            f += self.pen * p[c] * p[c];
        }
        f
    }
}

/// Maximum-likelihood fit from lifetimes' start (all log-parameters 0.1), with the BTYD fits'
/// standard errors; `log_likelihood` is the full weighted LL (without the penalty).
pub fn fit(rows: &Rows, pen: f64) -> Fitted {
    let obj = BgbbObjective { rows, pen };
    let m = minimize(&obj, &[0.1; 4], MAX_ITERS);
    let params: Vec<f64> = m.phi.iter().map(|&v| exp(v)).collect();
    let n = rows.n.max(1.0);
    let (cov_log, std_errors, hessian) = if m.converged {
        covariance(&obj, &m.phi, &m.grad, &params, n)
    } else {
        (None, None, None)
    };
    let ll = (0..rows.len())
        .map(|i| rows.w[i] * loglik(&params, rows.x[i], rows.tx[i], rows.t[i], None))
        .sum::<f64>();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        let p = [1.2, 0.75, 0.66, 2.8];
        for &(x, tx, n) in &[
            (0.0, 0.0, 6.0),
            (3.0, 5.0, 6.0),
            (6.0, 6.0, 6.0),
            (2.0, 2.0, 30.0),
        ] {
            let mut g = [0.0; 4];
            loglik(&p, x, tx, n, Some((&mut g, 1.0)));
            for c in 0..4 {
                let h = 1e-6;
                let (mut up, mut dn) = (p, p);
                up[c] += h;
                dn[c] -= h;
                let fd = (loglik(&up, x, tx, n, None) - loglik(&dn, x, tx, n, None)) / (2.0 * h);
                assert!(
                    (g[c] - fd).abs() < 1e-6 * fd.abs().max(1.0),
                    "{x} {tx} {n} [{c}]: {} vs {fd}",
                    g[c]
                );
            }
        }
    }

    #[test]
    fn likelihoods_of_all_patterns_sum_to_one() {
        // Over every (x, t_x) possible in n opportunities, with the multiplicity of each
        // pattern (C(t_x − 1, x − 1) orders of the earlier repeats), probabilities sum to 1.
        let p = [1.2, 0.75, 0.66, 2.8];
        let n = 5u32;
        let choose =
            |a: u32, b: u32| -> f64 { (0..b).map(|i| (a - i) as f64 / (i + 1) as f64).product() };
        let mut total = exp(loglik(&p, 0.0, 0.0, n as f64, None));
        for tx in 1..=n {
            for x in 1..=tx {
                total +=
                    choose(tx - 1, x - 1) * exp(loglik(&p, x as f64, tx as f64, n as f64, None));
            }
        }
        assert!((total - 1.0).abs() < 1e-12, "{total}");
    }
}
