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
use crate::clv::fitting::fit::{Fitted, MAX_ITERS};
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

/// The rows laid out for the objective. The sum's terms depend on (x, t_x) and their index
/// only, n only says how many there are: one pass over a (x, t_x) group's terms, with prefix
/// sums, serves every row of the group. The first term depends on (x, n) only: computed once
/// per distinct pair. Large data has few groups and pairs for its rows (1M weekly buyers:
/// 84k rows, 5.5k groups, 11k pairs), so an evaluation costs a few hundred thousand
/// transcendental calls instead of tens of millions.
struct Layout {
    groups: Vec<Group>,
    /// Distinct `(x, n)`, and the pair of each row.
    pairs: Vec<(f64, f64)>,
    pair_of: Vec<usize>,
}

/// `(x, t_x, its rows as (row, terms n − t_x) ascending in terms)`.
type Group = (f64, f64, Vec<(usize, usize)>);

impl Layout {
    fn new(r: &Rows) -> Layout {
        use std::collections::BTreeMap;
        let key = |v: f64| v.to_bits();
        let mut groups: BTreeMap<(u64, u64), Vec<(usize, usize)>> = BTreeMap::new();
        let mut pairs: BTreeMap<(u64, u64), usize> = BTreeMap::new();
        let mut pair_of = Vec::with_capacity(r.len());
        for i in 0..r.len() {
            let k = (r.t[i] - r.tx[i]).max(0.0) as usize;
            groups
                .entry((key(r.x[i]), key(r.tx[i])))
                .or_default()
                .push((i, k));
            let next = pairs.len();
            pair_of.push(*pairs.entry((key(r.x[i]), key(r.t[i]))).or_insert(next));
        }
        let mut pair_list = vec![(0.0, 0.0); pairs.len()];
        for ((x, n), j) in pairs {
            pair_list[j] = (f64::from_bits(x), f64::from_bits(n));
        }
        Layout {
            groups: groups
                .into_iter()
                .map(|((x, tx), mut rows)| {
                    rows.sort_unstable_by_key(|r| r.1);
                    (f64::from_bits(x), f64::from_bits(tx), rows)
                })
                .collect(),
            pairs: pair_list,
            pair_of,
        }
    }
}

/// The likelihood of collapsed rows `(x, t_x, n)` at any parameters (see [`Layout`]).
pub struct Evaluator<'a> {
    pub rows: &'a Rows,
    layout: Layout,
}

impl<'a> Evaluator<'a> {
    pub fn new(rows: &'a Rows) -> Evaluator<'a> {
        Evaluator {
            rows,
            layout: Layout::new(rows),
        }
    }

    /// Each row's log-likelihood at `p` (one customer of the row).
    pub fn row_logliks(&self, p: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.rows.len()];
        self.loglik_grad(p, Some(&mut out));
        out
    }

    /// Full weighted log-likelihood at `p` and its gradient in the parameters: per row
    /// [`loglik`]'s value, with the Beta-function constants taken out of the loops; each
    /// row's own value into `per_row` when given.
    pub fn loglik_grad(&self, p: &[f64], mut per_row: Option<&mut [f64]>) -> (f64, [f64; 4]) {
        let (al, be, ga, de) = (p[0], p[1], p[2], p[3]);
        let r = self.rows;
        let (pab, pgd) = (digamma(al + be), digamma(ga + de));
        let (pa, pb, pg, pd) = (digamma(al), digamma(be), digamma(ga), digamma(de));
        let pg1 = digamma(ga + 1.0);
        let lconst = lbeta(al, be) + lbeta(ga, de);
        // Term A (alive through n) per (x, n): ln A + constant, and its derivatives.
        let a_terms: Vec<(f64, [f64; 4])> = self
            .layout
            .pairs
            .iter()
            .map(|&(x, n)| {
                let (n_ab, n_gd) = (digamma(al + be + n), digamma(ga + de + n));
                let l = lbeta(al + x, be + n - x) + lbeta(ga, de + n);
                let d = [
                    digamma(al + x) - n_ab,
                    digamma(be + n - x) - n_ab,
                    pg - n_gd,
                    digamma(de + n) - n_gd,
                ];
                (l, d)
            })
            .collect();
        let base = [pab - pa, pab - pb, pgd - pg, pgd - pd];
        let (mut ll, mut g) = (0.0, [0.0; 4]);
        for (x, tx, rows) in &self.layout.groups {
            let (x, tx) = (*x, *tx);
            // Terms i = 0..: ln T_i = lnB(α+x, β+t_x−x+i) + lnB(γ+1, δ+t_x+i) (+ constant),
            // decreasing in i, so sums are taken relative to the first.
            let l0 = lbeta(al + x, be + tx - x) + lbeta(ga + 1.0, de + tx);
            let pax = digamma(al + x);
            let (mut z_b, mut z_ab, mut z_d, mut z_gd) =
                (be + tx - x, al + be + tx, de + tx, ga + de + 1.0 + tx);
            let (mut s_b, mut s_ab, mut s_d, mut s_gd) =
                (digamma(z_b), digamma(z_ab), digamma(z_d), digamma(z_gd));
            let (mut li, mut sum, mut dsum) = (0.0, 0.0, [0.0; 4]);
            let mut done = 0;
            for &(row, k) in rows {
                while done < k {
                    if done > 0 {
                        li += ln(z_b) - ln(z_ab) + ln(z_d) - ln(z_gd);
                        s_b += 1.0 / z_b;
                        s_ab += 1.0 / z_ab;
                        s_d += 1.0 / z_d;
                        s_gd += 1.0 / z_gd;
                        z_b += 1.0;
                        z_ab += 1.0;
                        z_d += 1.0;
                        z_gd += 1.0;
                    }
                    let e = exp(li);
                    sum += e;
                    dsum[0] += e * (pax - s_ab);
                    dsum[1] += e * (s_b - s_ab);
                    dsum[2] += e * (pg1 - s_gd);
                    dsum[3] += e * (s_d - s_gd);
                    done += 1;
                }
                let (la, da) = &a_terms[self.layout.pair_of[row]];
                let (l, wa, wb) = if k == 0 {
                    (*la, 1.0, 0.0)
                } else {
                    let lb = l0 + ln(sum);
                    let top = la.max(lb);
                    let l = top + ln(exp(la - top) + exp(lb - top));
                    (l, exp(la - l), exp(lb - l))
                };
                let w = r.w[row];
                ll += w * (l - lconst);
                if let Some(out) = per_row.as_deref_mut() {
                    out[row] = l - lconst;
                }
                for c in 0..4 {
                    let db = if k == 0 { 0.0 } else { dsum[c] / sum };
                    g[c] += w * (wa * da[c] + wb * db + base[c]);
                }
            }
        }
        (ll, g)
    }
}

/// lifetimes' objective on collapsed rows `(x, t_x, n)` with weights.
pub struct BgbbObjective<'a> {
    pub ev: Evaluator<'a>,
    pub pen: f64,
}

impl Objective for BgbbObjective<'_> {
    fn eval(&self, phi: &[f64], grad: &mut [f64]) -> f64 {
        let p: Vec<f64> = phi.iter().map(|&v| exp(v)).collect();
        let (ll, g) = self.ev.loglik_grad(&p, None);
        let n = self.ev.rows.n.max(1.0);
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
    let obj = BgbbObjective {
        ev: Evaluator::new(rows),
        pen,
    };
    let m = minimize(&obj, &[0.1; 4], MAX_ITERS);
    let params: Vec<f64> = m.phi.iter().map(|&v| exp(v)).collect();
    let ll = obj.ev.loglik_grad(&params, None).0;
    Fitted::new(&obj, m, params, ll, Some(rows.n.max(1.0)))
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
    fn the_grouped_objective_equals_the_row_by_row_sum() {
        let s = crate::clv::input::Summary {
            x: vec![0.0, 1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 0.0, 1.0],
            tx: vec![0.0, 1.0, 1.0, 4.0, 2.0, 4.0, 6.0, 0.0, 5.0],
            t: vec![6.0, 6.0, 3.0, 6.0, 9.0, 4.0, 6.0, 2.0, 30.0],
        };
        let rows = crate::clv::fitting::collapse::collapse(&s);
        let p = [1.2, 0.75, 0.66, 2.8];
        let ev = Evaluator::new(&rows);
        let (ll, g) = ev.loglik_grad(&p, None);
        let per_row = ev.row_logliks(&p);
        let (mut ll1, mut g1) = (0.0, [0.0; 4]);
        for (i, want) in per_row.iter().enumerate() {
            let l = loglik(
                &p,
                rows.x[i],
                rows.tx[i],
                rows.t[i],
                Some((&mut g1, rows.w[i])),
            );
            assert!((want - l).abs() < 1e-12 * l.abs(), "row {i}");
            ll1 += rows.w[i] * l;
        }
        assert!((ll - ll1).abs() < 1e-12 * ll1.abs(), "{ll} vs {ll1}");
        for c in 0..4 {
            assert!(
                (g[c] - g1[c]).abs() < 1e-11 * g1[c].abs().max(1.0),
                "[{c}] {} vs {}",
                g[c],
                g1[c]
            );
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
