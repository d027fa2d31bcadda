//! Pareto/NBD P(X(t) = n) for a new customer, for the period-transactions histogram.
//!
//! Conditioning on the (exponential) lifetime τ and mixing over the gamma purchase and dropout
//! rates gives (Fader & Hardie 2006, "Deriving an expression for P(X(t) = x) under the
//! Pareto/NBD model", before its closed form):
//!
//! `P(X(t) = n) = NBD(n; t) S(t) + ∫_0^t NBD(n; τ) f(τ) dτ`,
//!
//! with `NBD(n; τ) = Γ(r+n)/(Γ(r) n!) (α/(α+τ))^r (τ/(α+τ))^n` (purchases over an exposure τ),
//! `S(t) = (β/(β+t))^s` (still alive at t) and `f(τ) = (s/β) (β/(β+τ))^(s+1)` (the lifetime
//! density). The closed form is a difference of ₂F₁ sums that cancels badly for small t; the
//! integral instead has positive terms only, and its integrand is analytic away from τ = −α and
//! τ = −β. Gauss-Legendre on panels [0, h], [h, 2h], [2h, 4h], ... (h = min(α, β)/2) therefore
//! converges geometrically: a segment of a panel is at least three half-widths from both
//! singularities, so 8 nodes leave a relative error below ~1e-12 (3 nodes for segments under a
//! sixteenth of their panel). Ages are visited in ascending order and the integral is carried
//! from one age to the next, so each distinct age costs one short segment.

use crate::clv::maths::special::{exp, ln1p};

const GL8: [(f64, f64); 4] = [
    (0.183_434_642_495_649_8, 0.362_683_783_378_362),
    (0.525_532_409_916_329, 0.313_706_645_877_887_3),
    (0.796_666_477_413_626_7, 0.222_381_034_453_374_5),
    (0.960_289_856_497_536_3, 0.101_228_536_290_376_3),
];
const GL3: [(f64, f64); 2] = [(0.0, 8.0 / 9.0), (0.774_596_669_241_483_4, 5.0 / 9.0)];

/// `NBD(n; τ)` for n = 0..k, into `out`.
fn nbd(r: f64, al: f64, tau: f64, out: &mut [f64]) {
    let mut v = exp(-r * ln1p(tau / al));
    let ratio = tau / (al + tau);
    for (n, o) in out.iter_mut().enumerate() {
        *o = v;
        v *= (r + n as f64) / (n as f64 + 1.0) * ratio;
    }
}

/// Calls `each(i, probs)` with `probs[n] = P(X(ts[i]) = n)`, n < `k`, for ascending ages `ts`
/// (model units). False (nothing more called) for invalid parameters or descending ages.
pub fn for_each_age(p: &[f64], ts: &[f64], k: usize, mut each: impl FnMut(usize, &[f64])) -> bool {
    let (r, al, s, be) = (p[0], p[1], p[2], p[3]);
    if ![r, al, s, be].iter().all(|v| v.is_finite() && *v > 0.0) {
        return false;
    }
    let density = |tau: f64| s / be * exp(-(s + 1.0) * ln1p(tau / be));
    let mut cum = vec![0.0; k];
    let mut nb = vec![0.0; k];
    let mut probs = vec![0.0; k];
    let (mut pos, mut lo, mut hi) = (0.0f64, 0.0f64, 0.5 * al.min(be));
    for (i, &t) in ts.iter().enumerate() {
        if !(t.is_finite() && t >= pos) {
            return false;
        }
        while pos < t {
            while pos >= hi {
                lo = hi;
                hi *= 2.0;
            }
            let end = t.min(hi);
            let (mid, half) = (0.5 * (pos + end), 0.5 * (end - pos));
            let nodes: &[(f64, f64)] = if end - pos > (hi - lo) / 16.0 {
                &GL8
            } else {
                &GL3
            };
            for &(x, w) in nodes {
                let signs: &[f64] = if x == 0.0 { &[1.0] } else { &[-1.0, 1.0] };
                for sg in signs {
                    let tau = mid + sg * half * x;
                    nbd(r, al, tau, &mut nb);
                    let wf = w * half * density(tau);
                    for (c, v) in cum.iter_mut().zip(&nb) {
                        *c += wf * v;
                    }
                }
            }
            pos = end;
        }
        nbd(r, al, t, &mut nb);
        let alive = exp(-s * ln1p(t / be));
        for n in 0..k {
            probs[n] = nb[n] * alive + cum[n];
        }
        each(i, &probs);
    }
    true
}

/// P(X(t) = n) for one age; 0 when it cannot be computed.
pub fn prob_n(p: &[f64], t: f64, n: u32) -> f64 {
    let mut out = 0.0;
    let ok = for_each_age(p, &[t], n as usize + 1, |_, probs| {
        out = probs[n as usize];
    });
    if ok && out.is_finite() {
        out.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clv::pareto::expected_new;

    /// The pmf sums to 1 and its mean is E[X(t)] (note 009 eq. 27), at several ages, with
    /// alpha < beta, alpha > beta and alpha = beta.
    #[test]
    fn sums_to_one_with_the_right_mean() {
        for p in [
            [0.55, 10.0, 0.6, 35.0],
            [1.3, 34.0, 1.2, 4.0],
            [0.8, 5.0, 2.5, 5.0],
        ] {
            let ts = [0.0, 0.3, 7.0, 90.0, 365.0, 1500.0];
            // k large enough that the tail beyond it is below 1e-12 at every age here.
            let ok = for_each_age(&p, &ts, 20_000, |i, probs| {
                let total: f64 = probs.iter().sum();
                let mean: f64 = probs.iter().enumerate().map(|(n, v)| n as f64 * v).sum();
                let want = expected_new(&p, ts[i]).unwrap();
                let what = format!("{p:?} t {}: sum {total}, mean {mean} vs {want}", ts[i]);
                assert!((total - 1.0).abs() < 1e-12, "{what}");
                assert!((mean - want).abs() < 1e-11 * want.max(1.0), "{what}");
            });
            assert!(ok);
        }
    }

    #[test]
    fn one_age_at_a_time_equals_the_sweep() {
        let p = [0.55, 10.0, 0.6, 35.0];
        let ts = [1.0, 2.5, 40.0, 41.0, 800.0];
        let mut sweep = Vec::new();
        assert!(for_each_age(&p, &ts, 5, |_, probs| sweep.push(probs[4])));
        for (t, v) in ts.iter().zip(sweep) {
            assert!((prob_n(&p, *t, 4) - v).abs() < 1e-12);
        }
        assert!(!for_each_age(&p, &[2.0, 1.0], 5, |_, _| {}));
        assert_eq!(prob_n(&[0.5, -1.0, 0.5, 1.0], 3.0, 0), 0.0);
    }
}
