//! BG/BB predictions (Fader, Hardie & Shang 2010), in the forms lifetimes 0.11.3 computes:
//! P(alive) at a later opportunity (eq. A10), conditional expected transactions (eq. 13) and,
//! for a new customer, P(X(n) = x) (eq. 7) and E[X(n)] (eq. 8).
//!
//! The conditional expectations are written as the sum they close: a transaction at
//! opportunity n + k needs the customer alive then, and the propensity given the data is
//! Beta(α + x, β + n − x), so `E[X(n, n + m)] = (α + x)/(α + β + n) · Σ_{k=1..m} P(alive at
//! n + k)`. The sum has no 0/0 at γ = 1 (the closed form's δ / (γ − 1)) and gives the
//! discounted stream of the CLV in the same pass.
use super::{lbeta, loglik};
use crate::clv::maths::special::{exp, lgamma, ln};

/// `ln P(alive at n | x, t_x, n)`; later opportunities follow by [`step`].
fn ln_alive0(p: &[f64], x: f64, tx: f64, n: f64) -> f64 {
    let (al, be, ga, de) = (p[0], p[1], p[2], p[3]);
    lbeta(al + x, be + n - x) - lbeta(al, be) + lbeta(ga, de + n)
        - lbeta(ga, de)
        - loglik(p, x, tx, n, None)
}

/// `ln P(alive at j + 1) − ln P(alive at j)` for the opportunity j: B(γ, δ + j + 1)/B(γ, δ + j).
fn step(p: &[f64], j: f64) -> f64 {
    let (ga, de) = (p[2], p[3]);
    ln(de + j) - ln(ga + de + j)
}

/// P(alive at opportunity n + m | x, t_x, n): lifetimes' `conditional_probability_alive(m, x,
/// t_x, n)`. Alive at n + m whatever happens meanwhile (dropout does not depend on
/// transactions). "Alive at n + m if no transaction is seen until then" is
/// `p_alive(p, x, t_x, n + m, 0)`.
pub fn p_alive(p: &[f64], x: f64, tx: f64, n: f64, m: u32) -> f64 {
    let mut l = ln_alive0(p, x, tx, n);
    for k in 0..m {
        l += step(p, n + k as f64);
    }
    exp(l).min(1.0)
}

/// `E[transactions at opportunity n + k | x, t_x, n]` for k = 1..=K.
pub fn terms(p: &[f64], x: f64, tx: f64, n: f64, k: usize) -> Vec<f64> {
    let ep = (p[0] + x) / (p[0] + p[1] + n);
    let mut l = ln_alive0(p, x, tx, n);
    (0..k)
        .map(|j| {
            l += step(p, n + j as f64);
            ep * exp(l)
        })
        .collect()
}

/// `(Σ_k disc[k−1] E[transactions at n + k], E[X(n, n + K)])` for k = 1..=K (K = disc.len()):
/// the discounted and the plain expected transactions over the next K opportunities.
pub fn stream(p: &[f64], x: f64, tx: f64, n: f64, disc: &[f64]) -> Option<(f64, f64)> {
    let t = terms(p, x, tx, n, disc.len());
    let d: f64 = t.iter().zip(disc).map(|(a, f)| a * f).sum();
    let e: f64 = t.iter().sum();
    (d.is_finite() && e.is_finite()).then_some((d, e))
}

/// `E[X(n, n + m) | x, t_x, n]`: lifetimes' `conditional_expected_number_of_purchases_up_to_time`.
pub fn expected(p: &[f64], x: f64, tx: f64, n: f64, m: u32) -> Option<f64> {
    stream(p, x, tx, n, &vec![1.0; m as usize]).map(|s| s.1)
}

/// `E[X(n)]` of a new customer: `α/(α + β) Σ_{k=1..n} P(alive at k)`.
pub fn expected_new(p: &[f64], n: u32) -> f64 {
    let mut l = 0.0;
    let mut s = 0.0;
    for k in 0..n {
        l += step(p, k as f64);
        s += exp(l);
    }
    p[0] / (p[0] + p[1]) * s
}

/// `P(X(n) = x)` of a new customer (eq. 7): transacting x times in n opportunities while alive
/// throughout, or dropping out after opportunity i ≥ x having transacted x times by then.
pub fn prob_n(p: &[f64], n: u32, x: u32) -> f64 {
    if x > n {
        return 0.0;
    }
    let (al, be, ga, de) = (p[0], p[1], p[2], p[3]);
    let lchoose = |a: u32, b: u32| {
        lgamma(a as f64 + 1.0) - lgamma(b as f64 + 1.0) - lgamma((a - b) as f64 + 1.0)
    };
    let (lab, lgd) = (lbeta(al, be), lbeta(ga, de));
    let xf = x as f64;
    let nf = n as f64;
    let mut total =
        exp(lchoose(n, x) + lbeta(al + xf, be + nf - xf) - lab + lbeta(ga, de + nf) - lgd);
    for i in x..n {
        let i_f = i as f64;
        total += exp(lchoose(i, x) + lbeta(al + xf, be + i_f - xf) - lab
            + lbeta(ga + 1.0, de + i_f)
            - lgd);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: [f64; 4] = [1.2035, 0.7497, 0.6567, 2.7834];

    #[test]
    fn the_sum_form_equals_lifetimes_closed_form() {
        // lifetimes: 1/L · B(α+x+1, β+n−x)/B(α,β) · δ/(γ−1) · Γ(γ+δ)/Γ(1+δ)
        //            · [Γ(1+δ+n)/Γ(γ+δ+n) − Γ(1+δ+n+m)/Γ(γ+δ+n+m)].
        let (al, be, ga, de) = (P[0], P[1], P[2], P[3]);
        for &(x, tx, n, m) in &[
            (0.0, 0.0, 6.0, 5u32),
            (3.0, 5.0, 6.0, 10),
            (6.0, 6.0, 6.0, 1),
        ] {
            let l = loglik(&P, x, tx, n, None);
            let closed = exp(-l + lbeta(al + x + 1.0, be + n - x) - lbeta(al, be)) * de
                / (ga - 1.0)
                * exp(lgamma(ga + de) - lgamma(1.0 + de))
                * (exp(lgamma(1.0 + de + n) - lgamma(ga + de + n))
                    - exp(lgamma(1.0 + de + n + m as f64) - lgamma(ga + de + n + m as f64)));
            let sum = expected(&P, x, tx, n, m).unwrap();
            assert!((sum / closed - 1.0).abs() < 1e-12, "{sum} vs {closed}");
        }
        // E[X(n)] against eq. 8.
        let n = 6.0;
        let eq8 = al / (al + be) * de / (ga - 1.0)
            * (1.0
                - exp(lgamma(ga + de) + lgamma(1.0 + de + n)
                    - lgamma(ga + de + n)
                    - lgamma(1.0 + de)));
        assert!((expected_new(&P, 6) / eq8 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn new_customer_pmf_sums_to_one_with_its_mean() {
        let pm: Vec<f64> = (0..=8).map(|x| prob_n(&P, 8, x)).collect();
        assert!((pm.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let mean: f64 = pm.iter().enumerate().map(|(x, p)| x as f64 * p).sum();
        assert!((mean / expected_new(&P, 8) - 1.0).abs() < 1e-12);
    }
}
