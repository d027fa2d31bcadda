//! `Q(z) = (1 - (1-z)^B 2F1(A, B; C; z)) / B` (see `bgnbd::q_term`) at many ascending z.
//!
//! The holdout tracking series needs a new customer's expected purchases at every day of the
//! data (`tracking`), i.e. at z = t / (alpha + t) climbing towards 1. The Gauss series needs
//! about 40 / (1 - z) terms there (40,000 at z = 0.999), so a thousand days would cost tens of
//! millions of terms per model. Instead, once z > 1/2, each point is reached from the previous
//! one by a Taylor step of the ODE that `S = (2F1 - 1) / B` satisfies,
//!
//! `z(1-z) S'' + [C - (A+B+1) z] S' - A B S = A`,
//!
//! whose Taylor coefficients at a regular point z0 follow a three-term recurrence. Steps stay
//! within a quarter of the distance to the singular points 0 and 1, so a step needs a handful
//! of terms; consecutive days are far closer than that.

use crate::clv::maths::special::{exp, expm1, ln1p, MAX_TERMS};

/// Direct series: `S(z)` and `S'(z)` (the series of `special::hyp2f1_minus_one_over_b`).
fn series(a: f64, b: f64, c: f64, z: f64) -> Option<(f64, f64)> {
    if c == 0.0 {
        return None;
    }
    let mut term = a / c; // coefficient of z^n, n = 1
    let (mut s, mut ds) = (0.0, 0.0);
    let mut zn1 = 1.0; // z^(n-1)
    for n in 1..MAX_TERMS {
        let nf = n as f64;
        s += term * zn1 * z;
        ds += nf * term * zn1;
        let small = (term * zn1 * z).abs() <= 1e-17 * s.abs() && nf > (a.abs() + b.abs()).min(1e6);
        if term == 0.0 || small {
            return (s.is_finite() && ds.is_finite()).then_some((s, ds));
        }
        let den = (c + nf) * (nf + 1.0);
        if den == 0.0 {
            return None;
        }
        term *= (a + nf) * (b + nf) / den;
        zn1 *= z;
    }
    None
}

/// One Taylor step of the ODE from `z0` (where `S = s`, `S' = ds`) by `h`.
fn step(a: f64, b: f64, c: f64, z0: f64, (s, ds): (f64, f64), h: f64) -> Option<(f64, f64)> {
    let p0 = z0 * (1.0 - z0);
    let p1 = 1.0 - 2.0 * z0;
    let q0 = c - (a + b + 1.0) * z0;
    let (mut c0, mut c1) = (s, ds); // c_k, c_{k+1}
    let (mut v, mut dv) = (s + ds * h, ds);
    let mut hk = h; // h^(k+1)
    for k in 0..200usize {
        let kf = k as f64;
        let rhs = if k == 0 { a } else { 0.0 };
        let c2 = (rhs + (kf + a) * (kf + b) * c0 - (kf + 1.0) * (p1 * kf + q0) * c1)
            / (p0 * (kf + 1.0) * (kf + 2.0));
        let t = c2 * hk * h;
        v += t;
        dv += (kf + 2.0) * c2 * hk;
        if t.abs() <= 1e-17 * v.abs() && (c1 * hk).abs() <= 1e-16 * v.abs().max(1e-300) {
            return (v.is_finite() && dv.is_finite()).then_some((v, dv));
        }
        c0 = c1;
        c1 = c2;
        hk *= h;
    }
    None
}

/// `Q(z)` for ascending `zs` in [0, 1); None if a series or step fails (or zs are not ascending).
pub fn q_path(a: f64, b: f64, c: f64, zs: &[f64]) -> Option<Vec<f64>> {
    let mut out = Vec::with_capacity(zs.len());
    // (z, S, S') of the last point.
    let mut at: Option<(f64, f64, f64)> = None;
    for &z in zs {
        if !(0.0..1.0).contains(&z) || at.is_some_and(|p| z < p.0) {
            return None;
        }
        if z > 0.5 && at.is_none() {
            // Far from 0 the series is slow: start the path at 1/2.
            let (s, ds) = series(a, b, c, 0.5)?;
            at = Some((0.5, s, ds));
        }
        let (s, ds) = match at {
            Some((z0, s, ds)) if z > 0.5 => {
                // Steps of at most a quarter of the distance to the nearest singular point.
                let (mut zc, mut v) = (z0, (s, ds));
                while zc < z {
                    let h = (z - zc).min(0.25 * zc.min(1.0 - zc));
                    v = step(a, b, c, zc, v, h)?;
                    zc = if zc + h >= z { z } else { zc + h };
                }
                v
            }
            _ => series(a, b, c, z)?,
        };
        at = Some((z, s, ds));
        let l1z = ln1p(-z);
        let head = if b == 0.0 { -l1z } else { -expm1(b * l1z) / b };
        out.push(head - exp(b * l1z) * s);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clv::bgnbd::q_term;

    #[test]
    fn path_equals_the_direct_series() {
        // Days 1..1500 of a day-unit model with alpha = 4: z from 0.2 to 0.9973.
        let zs: Vec<f64> = (1..=1500).map(|d| d as f64 / (4.0 + d as f64)).collect();
        for (a, b, c) in [
            (2.43, -0.2, 2.68), // BG/NBD-like: a + b - 1 - r, a - 1, a + b - 1
            (0.2, 0.0, 2.7),    // B = 0
            (-0.4, 1.7, 6.3),   // A < 0
            (5.5, 3.0, 12.0),   // large parameters
            (1.8, 0.15, 1.9),   // C - A - B < 0: S grows towards z = 1
        ] {
            let path = q_path(a, b, c, &zs).expect("path");
            for (i, &z) in zs.iter().enumerate() {
                let want = q_term(a, b, c, z).expect("series");
                assert!(
                    (path[i] - want).abs() <= 1e-11 * want.abs(),
                    "({a}, {b}, {c}) z = {z}: {} vs {want}",
                    path[i]
                );
            }
        }
    }

    #[test]
    fn coarse_points_take_sub_steps() {
        let zs = [0.1, 0.6, 0.95, 0.999];
        let path = q_path(2.0, 0.5, 3.0, &zs).expect("path");
        for (i, &z) in zs.iter().enumerate() {
            let want = q_term(2.0, 0.5, 3.0, z).expect("series");
            assert!((path[i] - want).abs() <= 1e-11 * want.abs(), "z = {z}");
        }
        // A path that starts near 1 (the direct series would need ~4 million terms), against
        // the closed form 2F1(1, 1; 2; z) = -ln(1-z)/z: Q = 1 + (1-z) ln(1-z) / z.
        let z: f64 = 0.999_99;
        let want = 1.0 + (1.0 - z) * (1.0 - z).ln() / z;
        let got = q_path(1.0, 1.0, 2.0, &[z]).expect("path")[0];
        assert!((got - want).abs() <= 1e-12 * want, "{got} vs {want}");
        assert!(q_path(2.0, 0.5, 3.0, &[0.6, 0.5]).is_none());
        assert!(q_path(2.0, 0.5, 3.0, &[1.0]).is_none());
    }
}
