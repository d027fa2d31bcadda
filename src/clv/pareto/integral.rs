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
//! one), analytic within π of the real axis, so 16-point Gauss-Legendre panels of width ≤ 1
//! (narrower where h falls fast) are exact to rounding. The panels stop 40 units below the
//! largest h: the work grows with the log of the ratio of the scales, not with the span.
//! Derivatives come from the same nodes (differentiation under the integral).

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

/// Most panels (a guard: the count is about ln(max / min) + 40 / (r + s + x) · slope ≤ 100).
const MAX_PANELS: usize = 2_000;

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
    for _ in 0..MAX_PANELS {
        // Width: h changes by at most ~2 across a panel (h' is monotone, so its ends bound it).
        let mut w = 1.0;
        let slope_a = eval(a).1.abs();
        while w > 1e-6 && slope_a.max(eval(a + w).1.abs()) * w > 2.0 {
            w *= 0.5;
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
            return [out.v, out.dr, out.ds, out.dal, out.dbe]
                .iter()
                .all(|v| v.is_finite())
                .then_some(out);
        }
    }
    None
}
