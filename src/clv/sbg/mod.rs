//! Shifted-beta-geometric (sBG) retention model for contracts renewed period by period
//! (Fader & Hardie 2007, "How to Project Customer Retention"; DERL from Fader & Hardie 2010,
//! "Customer-Base Valuation in a Contractual Setting").
//!
//! Each subscriber cancels at each renewal with their own probability θ, θ ~ Beta(α, β)
//! across subscribers. With T the period in which a subscriber churns (T = 1: never renewed):
//! `P(T = t) = B(α + 1, β + t − 1) / B(α, β)`, `S(t) = P(T > t) = B(α, β + t) / B(α, β)`,
//! and the retention rate `r_t = S(t) / S(t − 1) = (β + t − 1) / (α + β + t − 1)` rises with
//! tenure as the subscribers prone to cancel leave.
//!
//! The data are [`Cells`]: subscribers lost between two observed periods, and subscribers
//! still active at the last period they were observed (right-censored). One cohort or many,
//! a survival table or per-subscriber rows, all come down to these counts. Everything below
//! uses the ratio recursions of `S` and `P` (no Beta function is evaluated), which are exact
//! and give the gradient in the same pass.
use crate::clv::fitting::fit::{Fitted, MAX_ITERS};
use crate::clv::fitting::optim::{minimize, Objective};
use crate::clv::maths::special::{exp, ln, ln1p};

/// The sBG data: loss and censoring counts by period (periods are whole numbers).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cells {
    /// `(a, b, count)`: subscribers active at period `a` and gone by period `b` (a < b); with
    /// every period observed, `b = a + 1`.
    pub lost: Vec<(u32, u32, f64)>,
    /// `(t, count)`: subscribers active at period `t`, the last period they were observed in.
    pub censored: Vec<(u32, f64)>,
}

impl Cells {
    /// Subscribers (the sum of every count).
    pub fn subscribers(&self) -> f64 {
        self.churned() + self.active()
    }

    /// Subscribers active at their last observation. (Folded from +0: an empty float sum
    /// is −0, which would reach the Report as `-0.0`.)
    pub fn active(&self) -> f64 {
        self.censored.iter().fold(0.0, |s, c| s + c.1)
    }

    /// The last period any count refers to.
    pub fn max_period(&self) -> u32 {
        let l = self.lost.iter().map(|c| c.1).max().unwrap_or(0);
        let c = self.censored.iter().map(|c| c.0).max().unwrap_or(0);
        l.max(c)
    }

    /// Subscribers lost in any period.
    pub fn churned(&self) -> f64 {
        self.lost.iter().fold(0.0, |s, c| s + c.2)
    }
}

/// `ln S(t)` and its derivatives in α and β for t = 0..=m, and `ln P(T = t)` with its
/// derivatives for t = 1..=m (index 0 unused).
struct Tables {
    ls: Vec<f64>,
    sa: Vec<f64>,
    sb: Vec<f64>,
    lp: Vec<f64>,
    pa: Vec<f64>,
    pb: Vec<f64>,
}

fn tables(alpha: f64, beta: f64, m: u32) -> Tables {
    let m = m as usize;
    let mut t = Tables {
        ls: vec![0.0; m + 1],
        sa: vec![0.0; m + 1],
        sb: vec![0.0; m + 1],
        lp: vec![0.0; m + 1],
        pa: vec![0.0; m + 1],
        pb: vec![0.0; m + 1],
    };
    let (la, ia) = (ln(alpha), 1.0 / alpha);
    for k in 1..=m {
        let s = alpha + beta + (k - 1) as f64;
        let b = beta + (k - 1) as f64;
        let (ls, is, ib) = (ln(s), 1.0 / s, 1.0 / b);
        // P(T = k) = S(k − 1) α / (α + β + k − 1); S(k) = S(k − 1) (β + k − 1) / (α + β + k − 1).
        t.lp[k] = t.ls[k - 1] + la - ls;
        t.pa[k] = t.sa[k - 1] + ia - is;
        t.pb[k] = t.sb[k - 1] - is;
        t.ls[k] = t.ls[k - 1] + ln(b) - ls;
        t.sa[k] = t.sa[k - 1] - is;
        t.sb[k] = t.sb[k - 1] + ib - is;
    }
    t
}

/// Log-likelihood of `cells` at (α, β) and its gradient in (α, β).
pub fn loglik(alpha: f64, beta: f64, cells: &Cells) -> (f64, [f64; 2]) {
    let t = tables(alpha, beta, cells.max_period());
    let (mut ll, mut ga, mut gb) = (0.0, 0.0, 0.0);
    for &(a, b, n) in &cells.lost {
        if n == 0.0 {
            continue;
        }
        let (a, b) = (a as usize, b as usize);
        let (l, da, db) = if b == a + 1 {
            (t.lp[b], t.pa[b], t.pb[b])
        } else {
            // ln(S(a) − S(b)) = ln S(a) + ln(1 − e), e = S(b) / S(a).
            let e = exp(t.ls[b] - t.ls[a]);
            let l = t.ls[a] + ln1p(-e);
            let da = (t.sa[a] - e * t.sa[b]) / (1.0 - e);
            let db = (t.sb[a] - e * t.sb[b]) / (1.0 - e);
            (l, da, db)
        };
        ll += n * l;
        ga += n * da;
        gb += n * db;
    }
    for &(k, n) in &cells.censored {
        let k = k as usize;
        ll += n * t.ls[k];
        ga += n * t.sa[k];
        gb += n * t.sb[k];
    }
    (ll, [ga, gb])
}

/// The fitting objective: `−LL / n` in log-parameter space (`φ = ln α, ln β`), the scale of
/// the BTYD objectives, so `fitting::optim`'s tolerances apply unchanged.
pub struct SbgObjective<'a> {
    pub cells: &'a Cells,
    pub n: f64,
}

impl Objective for SbgObjective<'_> {
    fn eval(&self, phi: &[f64], grad: &mut [f64]) -> f64 {
        let (a, b) = (exp(phi[0]), exp(phi[1]));
        let (ll, g) = loglik(a, b, self.cells);
        grad[0] = -g[0] * a / self.n;
        grad[1] = -g[1] * b / self.n;
        -ll / self.n
    }
}

/// Why the data cannot identify both parameters (a warning code and its message), if so.
/// The maximum of the likelihood then lies on the boundary: no churn (α → 0), no renewal
/// (β → 0), or one renewal period only (any α / (α + β) = churn share fits equally well).
pub fn unidentified(cells: &Cells) -> Option<(&'static str, String)> {
    let n = cells.subscribers();
    if n <= 0.0 {
        return Some(("sbg_no_subscribers", "no subscribers to fit".into()));
    }
    if cells.churned() <= 0.0 {
        return Some((
            "sbg_no_churn",
            format!("none of the {n} subscribers churned: no churn rate can be estimated"),
        ));
    }
    let renewed = cells.lost.iter().any(|c| c.0 > 0 && c.2 > 0.0)
        || cells.censored.iter().any(|c| c.0 > 0 && c.1 > 0.0);
    if !renewed {
        return Some((
            "sbg_no_renewals",
            format!("no subscriber was seen to renew (all {n} churned in period 1 or were observed at period 0 only): retention is 0 as far as the data go"),
        ));
    }
    let mut points: Vec<u32> = cells
        .lost
        .iter()
        .filter(|c| c.2 > 0.0)
        .flat_map(|c| [c.0, c.1])
        .chain(cells.censored.iter().filter(|c| c.1 > 0.0).map(|c| c.0))
        .filter(|&p| p > 0)
        .collect();
    points.sort_unstable();
    points.dedup();
    if points.len() < 2 {
        return Some((
            "sbg_one_period",
            "survival is observed at one period only: the churn rate and its spread across subscribers cannot be told apart".into(),
        ));
    }
    None
}

/// Maximum-likelihood fit from α = β = 1 by `fitting::optim` (L-BFGS in log space), with the
/// delta-method standard errors of the BTYD fits. `log_likelihood` is the full LL.
pub fn fit(cells: &Cells) -> Fitted {
    let n = cells.subscribers().max(1.0);
    let obj = SbgObjective { cells, n };
    let m = minimize(&obj, &[0.0, 0.0], MAX_ITERS);
    let params = vec![exp(m.phi[0]), exp(m.phi[1])];
    let ll = -m.value * n;
    Fitted::new(&obj, m, params, ll, Some(n))
}

/// `S(t)` for t = 0..=h.
pub fn survival(alpha: f64, beta: f64, h: u32) -> Vec<f64> {
    let mut s = Vec::with_capacity(h as usize + 1);
    s.push(1.0);
    let mut cur = 1.0;
    for t in 1..=h {
        cur *= retention_rate(alpha, beta, t);
        s.push(cur);
    }
    s
}

/// The retention rate of period `t ≥ 1`: the share of subscribers active at `t − 1` who renew.
pub fn retention_rate(alpha: f64, beta: f64, t: u32) -> f64 {
    let b = beta + (t - 1) as f64;
    b / (alpha + b)
}

/// Mean lifetime in periods, `E[T] = (α + β − 1) / (α − 1)`; infinite (None) when α ≤ 1.
pub fn mean_lifetime(alpha: f64, beta: f64) -> Option<f64> {
    (alpha > 1.0).then(|| (alpha + beta - 1.0) / (alpha - 1.0))
}

/// The first period by which half of a cohort has churned (`S(t) ≤ 0.5`), searched up to
/// `limit` periods.
pub fn median_lifetime(alpha: f64, beta: f64, limit: u32) -> Option<u32> {
    let mut s = 1.0;
    for t in 1..=limit {
        s *= retention_rate(alpha, beta, t);
        if s <= 0.5 {
            return Some(t);
        }
    }
    None
}

/// Smallest discount rate per period [`derl`] accepts: below it the sum needs more than
/// ~4 million terms (and without discounting the expected lifetime is infinite when α ≤ 1).
pub const MIN_DISCOUNT: f64 = 1e-5;

/// Discounted expected residual lifetime `DERL(d | α, β, n − 1 renewals)` for n = 1..=max_n
/// (index n; index 0 is the discounted expected lifetime `DEL` of a new subscriber, who pays at
/// once). `DERL(n) = Σ_{t ≥ n} S(t) / S(n − 1) / (1 + d)^(t − n)`: the payments a subscriber
/// who has renewed n − 1 times is expected to make from the n-th renewal on, the first
/// undiscounted (Fader & Hardie 2010, eq. 6: `B(α, β + n) / B(α, β + n − 1) ₂F₁(1, β + n;
/// α + β + n; 1 / (1 + d))`). Computed for every n at once by the backward recursion
/// `DERL(n) = r_n (1 + DERL(n + 1) / (1 + d))`, started far enough out (`x^K < 1e-17`) that
/// the start's error vanishes. None when `d` is below [`MIN_DISCOUNT`].
pub fn derl(alpha: f64, beta: f64, d: f64, max_n: u32) -> Option<Vec<f64>> {
    if !(d >= MIN_DISCOUNT && alpha > 0.0 && beta > 0.0) {
        return None;
    }
    let x = 1.0 / (1.0 + d);
    let k = (39.0 / ln1p(d)).ceil() as u64;
    let far = max_n as u64 + k + 1;
    // Beyond `far` the retention rate barely moves: the tail is a geometric series in r x.
    let r_far = retention_rate(alpha, beta, far as u32);
    let mut next = r_far / (1.0 - x * r_far);
    let mut out = vec![0.0; max_n as usize + 1];
    let mut n = far;
    while n >= 1 {
        let b = beta + (n - 1) as f64;
        next = b / (alpha + b) * (1.0 + x * next);
        if n <= max_n as u64 {
            out[n as usize] = next;
        }
        n -= 1;
    }
    // The loop ends with `next` = DERL(1); DEL = S(0) + x DERL(1): the first payment is
    // made at the start.
    out[0] = 1.0 + x * next;
    out.iter().all(|v| v.is_finite()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct Beta-function forms, to check the recursions.
    fn lbeta(a: f64, b: f64) -> f64 {
        use crate::clv::maths::special::lgamma;
        lgamma(a) + lgamma(b) - lgamma(a + b)
    }

    fn table_cells(counts: &[f64]) -> Cells {
        let mut c = Cells::default();
        for t in 1..counts.len() {
            c.lost
                .push(((t - 1) as u32, t as u32, counts[t - 1] - counts[t]));
        }
        c.censored
            .push(((counts.len() - 1) as u32, *counts.last().unwrap()));
        c
    }

    #[test]
    fn recursions_equal_beta_forms() {
        let (a, b) = (0.704, 1.182);
        let s = survival(a, b, 30);
        for (t, v) in s.iter().enumerate() {
            let want = exp(lbeta(a, b + t as f64) - lbeta(a, b));
            assert!((v / want - 1.0).abs() < 1e-13, "S({t})");
        }
        let tb = tables(a, b, 30);
        for t in 1..=30usize {
            let want = lbeta(a + 1.0, b + t as f64 - 1.0) - lbeta(a, b);
            assert!((tb.lp[t] - want).abs() < 1e-12, "ln P(T = {t})");
        }
    }

    #[test]
    fn gradient_matches_finite_differences_with_gaps() {
        let mut cells = table_cells(&[1000.0, 631.0, 468.0, 382.0, 326.0]);
        // A gap: 40 lost somewhere in periods 5..8, 200 active at 8.
        cells.lost.push((4, 8, 40.0));
        cells.censored.push((8, 200.0));
        let (a, b) = (0.9, 1.7);
        let (_, g) = loglik(a, b, &cells);
        let h = 1e-6;
        let fd_a = (loglik(a + h, b, &cells).0 - loglik(a - h, b, &cells).0) / (2.0 * h);
        let fd_b = (loglik(a, b + h, &cells).0 - loglik(a, b - h, &cells).0) / (2.0 * h);
        assert!(
            (g[0] - fd_a).abs() < 1e-5 * fd_a.abs().max(1.0),
            "{} {fd_a}",
            g[0]
        );
        assert!(
            (g[1] - fd_b).abs() < 1e-5 * fd_b.abs().max(1.0),
            "{} {fd_b}",
            g[1]
        );
        // A one-period gap cell equals the single-period form.
        let one = Cells {
            lost: vec![(3, 4, 7.0)],
            censored: vec![],
        };
        let (ll1, _) = loglik(a, b, &one);
        let s = survival(a, b, 4);
        assert!((ll1 - 7.0 * ln(s[3] - s[4])).abs() < 1e-10);
    }

    #[test]
    fn published_log_likelihood() {
        // Fader & Hardie (2007), Regular customers at their published estimates.
        let cells = table_cells(&[1000.0, 631.0, 468.0, 382.0, 326.0, 289.0, 262.0, 241.0]);
        let (ll, _) = loglik(0.704, 1.182, &cells);
        assert!((ll + 1680.27).abs() < 0.05, "{ll}");
    }

    #[test]
    fn derl_equals_the_direct_sum_and_the_closed_form() {
        let (a, b, d) = (0.704, 1.182, 0.1);
        let table = derl(a, b, d, 12).unwrap();
        let s = survival(a, b, 3000);
        for n in 1..=12usize {
            let direct: f64 = (n..s.len())
                .map(|t| s[t] / s[n - 1] / (1.0 + d).powi((t - n) as i32))
                .sum();
            assert!((table[n] / direct - 1.0).abs() < 1e-9, "DERL({n})");
        }
        let del: f64 = (0..s.len()).map(|t| s[t] / (1.0 + d).powi(t as i32)).sum();
        assert!((table[0] / del - 1.0).abs() < 1e-9);
        // The closed form: r_n ₂F₁(1, β + n; α + β + n; 1 / (1 + d)).
        let n = 5.0;
        let f = crate::clv::maths::special::hyp2f1_series(1.0, b + n, a + b + n, 1.0 / (1.0 + d))
            .unwrap();
        let closed = (b + n - 1.0) / (a + b + n - 1.0) * f;
        assert!(
            (table[5] / closed - 1.0).abs() < 1e-9,
            "{} {closed}",
            table[5]
        );
        assert!(derl(a, b, 0.0, 3).is_none());
        assert_eq!(derl(a, b, 0.1, 0).unwrap().len(), 1);
    }

    #[test]
    fn fits_the_published_cohorts() {
        for (counts, a, b, ll) in [
            (
                [1000.0, 631.0, 468.0, 382.0, 326.0, 289.0, 262.0, 241.0],
                0.704,
                1.182,
                -1680.27,
            ),
            (
                [1000.0, 869.0, 743.0, 653.0, 593.0, 551.0, 517.0, 491.0],
                0.668,
                3.806,
                -1611.16,
            ),
        ] {
            let f = fit(&table_cells(&counts));
            assert!(f.converged, "{}", f.status);
            assert!((f.params[0] / a - 1.0).abs() < 1e-3, "{:?}", f.params);
            assert!((f.params[1] / b - 1.0).abs() < 1e-3, "{:?}", f.params);
            assert!((f.log_likelihood - ll).abs() < 0.01, "{}", f.log_likelihood);
            assert!(f.std_errors.is_some());
        }
    }

    #[test]
    fn boundary_cases_are_named() {
        let code = |c: &Cells| unidentified(c).map(|u| u.0);
        assert_eq!(code(&Cells::default()), Some("sbg_no_subscribers"));
        assert_eq!(
            code(&table_cells(&[10.0, 10.0, 10.0])),
            Some("sbg_no_churn")
        );
        assert_eq!(code(&table_cells(&[10.0, 0.0])), Some("sbg_no_renewals"));
        assert_eq!(code(&table_cells(&[10.0, 4.0])), Some("sbg_one_period"));
        assert_eq!(code(&table_cells(&[10.0, 4.0, 2.0])), None);
    }

    #[test]
    fn lifetimes() {
        assert_eq!(mean_lifetime(0.7, 1.2), None);
        assert!((mean_lifetime(3.0, 2.0).unwrap() - 2.0).abs() < 1e-15);
        // Regular: S(1) = 0.627 > 0.5, S(2) < 0.5.
        assert_eq!(median_lifetime(0.704, 1.182, 100), Some(2));
    }
}
