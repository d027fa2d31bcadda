//! BG/BB predictions (Fader, Hardie & Shang 2010), in the forms lifetimes 0.11.3 computes:
//! P(alive) at a later opportunity (eq. A10), conditional expected transactions (eq. 13) and,
//! for a new customer, P(X(n) = x) (eq. 7) and E[X(n)] (eq. 8).
//!
//! The conditional expectations are written as the sum they close: a transaction at
//! opportunity n + k needs the customer alive then, and the propensity given the data is
//! Beta(α + x, β + n − x), so `E[X(n, n + m)] = (α + x)/(α + β + n) · Σ_{k=1..m} P(alive at
//! n + k)`. The sum has no 0/0 at γ = 1 (the closed form's δ / (γ − 1)) and gives the
//! discounted stream of the CLV in the same pass.
use super::{lbeta, loglik, Evaluator};
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

/// Every collapsed row at once: `(P(alive at n), E[p | data] · P(alive at n))`, with the
/// likelihoods from the evaluator's grouped pass. Times [`Ahead`]'s ratio sums for the row's
/// n, the second gives the row's expected (discounted) transactions: P(alive at n + j) =
/// P(alive at n) · B(γ, δ + n + j) / B(γ, δ + n), so the stream of a row is its lead times a
/// sum shared by every row with that n.
pub fn alive_rows(ev: &Evaluator, p: &[f64]) -> Vec<(f64, f64)> {
    let rows = ev.rows;
    let ll = ev.row_logliks(p);
    let (al, be, ga, de) = (p[0], p[1], p[2], p[3]);
    let lconst = lbeta(al, be) + lbeta(ga, de);
    let mut last: Option<(u64, u64, f64)> = None;
    (0..rows.len())
        .map(|r| {
            let (x, n) = (rows.x[r], rows.t[r]);
            // Rows are sorted by (x, n, t_x): the (x, n) term repeats.
            let la = match last {
                Some((kx, kn, v)) if (kx, kn) == (x.to_bits(), n.to_bits()) => v,
                _ => {
                    let v = lbeta(al + x, be + n - x) + lbeta(ga, de + n) - lconst;
                    last = Some((x.to_bits(), n.to_bits(), v));
                    v
                }
            };
            let pa = exp(la - ll[r]).min(1.0);
            (pa, (al + x) / (al + be + n) * pa)
        })
        .collect()
}

/// For one n: the sums of `B(γ, δ + n + j) / B(γ, δ + n)` over the next opportunities,
/// weighted by `disc[j − 1]` and plain, up to `k` opportunities, and discounted up to each
/// of `cuts` (the opportunities each window month reaches).
pub fn ahead(p: &[f64], n: f64, disc: &[f64], k: usize, cuts: &[usize]) -> (f64, f64, Vec<f64>) {
    let (mut l, mut d, mut e) = (0.0, 0.0, 0.0);
    let (mut out_d, mut out_e) = (0.0, 0.0);
    let mut windows = vec![0.0; cuts.len()];
    let last = disc.len();
    for (j, f) in disc.iter().enumerate() {
        l += step(p, n + j as f64);
        let a = exp(l);
        d += f * a;
        e += a;
        if j + 1 == k {
            (out_d, out_e) = (d, e);
        }
        for (w, &c) in windows.iter_mut().zip(cuts) {
            if j + 1 == c {
                *w = d;
            }
        }
    }
    if k > last {
        (out_d, out_e) = (d, e);
    }
    (out_d, out_e, windows)
}

/// Every row's predictions at `p` over the horizon's `k` opportunities: P(alive at n), the
/// discounted and plain expected transactions, and the discounted ones by each window month
/// (`cuts`: the opportunities each month reaches), the latter as a curve per distinct n
/// (`curve[r]` indexes `windows`) times the row's `lead`.
#[derive(Debug, Clone, Default)]
pub struct RowStreams {
    pub p_alive: Vec<f64>,
    pub lead: Vec<f64>,
    pub discounted: Vec<f64>,
    pub plain: Vec<f64>,
    pub curve: Vec<u32>,
    pub windows: Vec<Vec<f64>>,
}

/// [`RowStreams`] at `p`: the grouped likelihood pass, then one [`ahead`] per distinct n.
pub fn row_streams(
    ev: &Evaluator,
    p: &[f64],
    disc: &[f64],
    k: usize,
    cuts: &[usize],
) -> RowStreams {
    let rows = ev.rows;
    let alive = alive_rows(ev, p);
    let mut by_n: std::collections::BTreeMap<u64, u32> = std::collections::BTreeMap::new();
    let mut sums: Vec<(f64, f64)> = Vec::new();
    let mut out = RowStreams::default();
    for (r, &(pa, lead)) in alive.iter().enumerate() {
        let n = rows.t[r];
        let next = sums.len() as u32;
        let i = *by_n.entry(n.to_bits()).or_insert_with(|| {
            let (d, e, w) = ahead(p, n, disc, k, cuts);
            sums.push((d, e));
            out.windows.push(w);
            next
        });
        let (d, e) = sums[i as usize];
        out.p_alive.push(pa);
        out.lead.push(lead);
        out.discounted.push(lead * d);
        out.plain.push(lead * e);
        out.curve.push(i);
    }
    out
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
