//! `P(x, age)` by quadrature, for the parameters where the hypergeometric series of
//! [`super::fast`] is too slow: z = |alpha - beta| / (max + age) close to 1, i.e. one of
//! alpha, beta hundreds of times the other. Real data ends there (lifetimes' donors: the
//! optimum has beta / alpha = 2e-5, a series of ~2 million terms), and so does a log whose
//! dates span centuries (a large time scale).
//!
//! `F(age) = 2F1(r+s+x, tb; r+s+x+1; z) / (max+age)^(r+s+x)` is
//! `(r+s+x) ∫_age^∞ (alpha+τ)^-(r+x) (beta+τ)^-(s+1) dτ` (Euler's integral). With
//! `min(alpha, beta) + τ = e^u` the integrand `e^h(u)` has a concave exponent
//! `h = u - (r+x) ln(Da + e^u) - (s+1) ln(Db + e^u)` (Da, Db: alpha, beta minus the smaller
//! one). Its only singularities are branch points at `u = ln|alpha - beta| ± iπ`, so 16-point
//! Gauss-Legendre panels are exact to rounding when (a) they are no wider than 1 or than their
//! distance to those points' real part, and (b) h changes by at most [`MAX_STEP`] across one
//! (narrower where h falls fast). The panels stop 40 units below the largest h: the work grows
//! with the log of the ratio of the scales, not with the span. Derivatives come from the same
//! nodes (differentiation under the integral).

use crate::clv::maths::special::{exp, ln};

/// Positive Gauss-Legendre nodes and weights on [-1, 1] (16 points, symmetric).
const NODES: [f64; 8] = [
    0.09501250983763744,
    0.2816035507792589,
    0.45801677765722737,
    0.6178762444026438,
    0.755404408355003,
    0.8656312023878318,
    0.9445750230732326,
    0.9894009349916499,
];
const WEIGHTS: [f64; 8] = [
    0.18945061045506864,
    0.18260341504492364,
    0.16915651939500265,
    0.1495959888165767,
    0.12462897125553407,
    0.0951585116824926,
    0.062253523938647456,
    0.027152459411754176,
];

/// Most panels (a guard: the count is about ln(max / min) + 40 / MAX_STEP, ≤ 100).
const MAX_PANELS: usize = 2_000;

/// Largest change of h across one panel. The rule's remainder for `e^(c t)` on [-1, 1] is about
/// 2.7e-45 c^32 relative: 5e-26 at c = 4 (a change of 8), so a panel this steep is still exact
/// to rounding. (A change of 2 cost 4× the panels on steep integrands: a Pareto/NBD fit drifting to
/// s → ∞ called this 0.5–1M times on a 3,320-line file.)
const MAX_STEP: f64 = 8.0;

/// Widest panel: far from the branch points the width doubles panel by panel; e^u overflows
/// past u ≈ 709 anyway.
const MAX_WIDTH: f64 = 64.0;

/// `P = ln F(age)` and its derivatives with respect to r, s, alpha, beta.
#[derive(Debug, Clone, Copy)]
pub struct Tail {
    pub v: f64,
    pub dr: f64,
    pub ds: f64,
    pub dal: f64,
    pub dbe: f64,
}

/// Integrand sums at one reference level: weight, ln(alpha+τ), ln(beta+τ), 1/(alpha+τ),
/// 1/(beta+τ), each times `e^(h - reference)`.
#[derive(Default)]
struct Sums {
    reference: f64,
    s: [f64; 5],
}

impl Sums {
    fn add(&mut self, weight: f64, h: f64, la: f64, lb: f64, ia: f64, ib: f64) {
        if h > self.reference {
            let k = exp(self.reference - h);
            self.s.iter_mut().for_each(|v| *v *= k);
            self.reference = h;
        }
        let e = weight * exp(h - self.reference);
        for (v, f) in self.s.iter_mut().zip([1.0, la, lb, ia, ib]) {
            *v += e * f;
        }
    }
}

/// `P(x, age)` for parameters `r, s, alpha, beta`; None when not finite.
pub fn tail(r: f64, s: f64, x: f64, al: f64, be: f64, age: f64) -> Option<Tail> {
    tail_by(r, s, x, al, be, age, MAX_STEP, MAX_WIDTH).0
}

/// [`tail`] with panels no steeper than `max_step` and no wider than `max_width` (tests compare
/// the rule with a far finer one), and the number of panels it took.
#[allow(clippy::too_many_arguments)]
fn tail_by(
    r: f64,
    s: f64,
    x: f64,
    al: f64,
    be: f64,
    age: f64,
    max_step: f64,
    max_width: f64,
) -> (Option<Tail>, usize) {
    let (ra, sb) = (r + x, s + 1.0);
    let rsf = r + s + x;
    let m = al.min(be);
    let (da, db) = (al - m, be - m);
    // h(u) and h'(u) with e^u = m + τ.
    let eval = |u: f64| {
        let eu = exp(u);
        let (qa, qb) = (da + eu, db + eu);
        let (la, lb) = (ln(qa), ln(qb));
        let h = u - ra * la - sb * lb;
        let slope = 1.0 - ra * eu / qa - sb * eu / qb;
        (h, slope, la, lb, 1.0 / qa, 1.0 / qb)
    };
    let mut a = ln(m + age);
    let start = eval(a);
    let mut sums = Sums {
        reference: start.0,
        ..Default::default()
    };
    let mut top = start.0;
    // -inf when alpha = beta: then h is entire and only the step bounds the width.
    let branch = ln((al - be).abs());
    // The steepest exponent a panel must follow: h's (the value's integrand) and, before the
    // branch points, also h - ln q's (the scales' derivatives: slopes h' - e^u/q, e^u/q in
    // (0, 1]), since there the smaller scale's derivative peaks at the start (e^u/q = 1).
    // Past them the derivatives' integrands decay faster than h's, and h's steps suffice.
    let steepness = |u: f64| {
        let (_, slope, _, _, ia, ib) = eval(u);
        if u < branch {
            let eu = exp(u);
            slope
                .abs()
                .max((slope - eu * ia).abs())
                .max((slope - eu * ib).abs())
        } else {
            slope.abs()
        }
    };
    for panel in 1..=MAX_PANELS {
        // Width: the branch points' real part at least 3 half-widths from the panel's centre
        // (which keeps them outside its Bernstein ellipse of parameter 3 + √8, error ~ρ^-32):
        // the distance past them, half of it before them (a tail always starts before them, as
        // z > 0.9; width-1 panels there took ~700 panels a call when a fit drifted to a scale
        // of 1e-300); or 1 near them (π away). And the exponents change by at most `max_step`
        // across the panel (their slopes are monotone, so the ends bound them).
        let slope_a = steepness(a);
        let room = if a < branch {
            0.5 * (branch - a)
        } else {
            a - branch
        };
        let mut w = room.clamp(1.0_f64.min(max_width), max_width);
        if slope_a * w > max_step {
            w = max_step / slope_a;
        }
        while w > 1e-6 && steepness(a + w) * w > max_step {
            w *= 0.5;
        }
        // Where e^u overflows (u ≈ 709.8) h' is NaN and the sums turn NaN: from there the loop
        // could only end in None, after MAX_PANELS panels (h decays too slowly to stop before
        // it when r + s + x → 0).
        if !exp(a + w).is_finite() {
            return (None, panel);
        }
        let (mid, half) = (a + 0.5 * w, 0.5 * w);
        for (&t, &wt) in NODES.iter().zip(&WEIGHTS) {
            for u in [mid - half * t, mid + half * t] {
                let (h, _, la, lb, ia, ib) = eval(u);
                top = top.max(h);
                sums.add(half * wt, h, la, lb, ia, ib);
            }
        }
        a += w;
        let (h, slope, ..) = eval(a);
        if slope < 0.0 && h < top - 40.0 {
            let [s0, sla, slb, sia, sib] = sums.s;
            let out = Tail {
                v: ln(rsf) + sums.reference + ln(s0),
                dr: 1.0 / rsf - sla / s0,
                ds: 1.0 / rsf - slb / s0,
                dal: -ra * sia / s0,
                dbe: -sb * sib / s0,
            };
            let finite = [out.v, out.dr, out.ds, out.dal, out.dbe]
                .iter()
                .all(|v| v.is_finite());
            return (finite.then_some(out), panel);
        }
    }
    (None, MAX_PANELS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panel_rule_equals_a_far_finer_one() {
        // Steep (s, beta → ∞: a fit drifting to exponential dropout), flat (r + s + x small:
        // wide panels far from the branch points), equal scales (no branch points), and the
        // lifetimes donors' beta / alpha = 2e-5.
        let cases = [
            (4.8, 5.3e5, 0.0, 0.83, 2.3e5, 0.0),
            (4.8, 5.3e5, 8.0, 0.83, 2.3e5, 0.7),
            (4.7, 1.7e6, 1.0, 1.18, 1.2e6, 0.1),
            (0.05, 0.02, 0.0, 0.5, 3e4, 0.0),
            (0.2, 0.1, 1.0, 1e-3, 40.0, 2.0),
            (0.6, 0.4, 3.0, 2.0, 2.0, 1.0),
            (0.6, 0.4, 0.0, 7.0, 7.0, 0.0),
            (0.61, 0.02, 2.0, 11.7, 2.3e-4, 5.0),
            (105.7, 0.06, 6.0, 0.0007, 0.6, 0.0),
            // A fit drifting to a scale near 0 (the fuzzer's 10-customer log): the branch
            // points ~690 units above the start.
            (6.554, 2.834e-4, 0.0, 0.2801, 9.07e-301, 0.0),
        ];
        for (r, s, x, al, be, age) in cases {
            for (al, be) in [(al, be), (be, al)] {
                let t = tail(r, s, x, al, be, age).unwrap();
                let f = tail_by(r, s, x, al, be, age, 0.5, 1.0).0.unwrap();
                // The derivatives' own floor: at s = 5e5 finer rules still differ among
                // themselves by ~1e-10 relative (dr = 1/rsf − E[ln(alpha+τ)] cancels).
                for (a, b, rel) in [
                    (t.v, f.v, 1e-13),
                    (t.dr, f.dr, 1e-9),
                    (t.ds, f.ds, 1e-9),
                    (t.dal, f.dal, 1e-9),
                    (t.dbe, f.dbe, 1e-9),
                ] {
                    let tol = rel * (1.0 + a.abs().max(b.abs()));
                    assert!(
                        (a - b).abs() <= tol,
                        "{a} vs {b} at {:?}",
                        (r, s, x, al, be, age)
                    );
                }
            }
        }
    }

    #[test]
    fn the_work_is_bounded_by_the_log_of_the_scales() {
        // Before the branch points panels are as wide as the exponents' steps allow (~8 units
        // here), not 1 (a fit at beta = 1e-300 took ~700 panels a call, 3 s for a 10-customer
        // file, and timed the fuzzer out).
        let (t, panels) = tail_by(
            6.554, 2.834e-4, 0.0, 0.2801, 9.07e-301, 0.0, MAX_STEP, MAX_WIDTH,
        );
        assert!(t.is_some());
        assert!(panels <= 120, "{panels} panels");
        // r + s + x → 0: h decays too slowly to end before e^u overflows; the answer is None
        // at once, not after MAX_PANELS panels.
        let (t, panels) = tail_by(1e-4, 1e-4, 0.0, 1.0, 1e-6, 0.0, MAX_STEP, MAX_WIDTH);
        assert!(t.is_none());
        assert!(panels < 100, "{panels} panels");
    }
}
