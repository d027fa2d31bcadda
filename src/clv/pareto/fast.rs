//! Fast Pareto/NBD likelihood with an analytic gradient.
//!
//! `ln A0` (see `pareto/mod.rs`) is a difference of two terms `P(x, age)` evaluated at age = t_x and
//! age = T. `P` depends on a row only through (x, age), so it is computed once per distinct
//! (x, age) pair per evaluation, together with its derivatives. The Euler-transformed series
//! `G = 2F1(1, B; C; z)` is summed with running sums that give `dG/dB`, `dG/dC` and `dG/dz`
//! exactly (term-wise differentiation of the Pochhammer ratios), so the gradient is analytic.

use crate::clv::fitting::fitdata::{natural, FitData};
use crate::clv::fitting::optim::Objective;
use crate::clv::maths::fastmath;
use crate::clv::maths::special::{digamma, lgamma, ln};
use crate::clv::pareto::integral;

/// Most terms one Pareto/NBD pair series may take (z ≤ [`SERIES_MAX_Z`]: ~400 are enough).
const MAX_SERIES_TERMS: usize = 4_000;

/// Largest z summed by the series; above it `P` is integrated (`integral`).
pub const SERIES_MAX_Z: f64 = 0.9;

/// Distinct (x index, time index) pairs and each row's pair for T and for t_x.
#[derive(Clone)]
pub struct Pairs {
    /// Sorted keys `xi << 32 | vi`.
    keys: Vec<u64>,
    row_t: Vec<u32>,
    row_tx: Vec<u32>,
}

impl Pairs {
    /// Builds the pair table for the scaled data.
    pub fn new(d: &FitData) -> Pairs {
        let rows = d.rows;
        let key = |xi: usize, vi: u32| ((xi as u64) << 32) | vi as u64;
        let mut keys: Vec<u64> = (0..rows.len())
            .flat_map(|i| [key(rows.xi[i], d.ti[i]), key(rows.xi[i], d.txi[i])])
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let find = |k: u64| keys.binary_search(&k).unwrap_or(0) as u32;
        let row_t = (0..rows.len())
            .map(|i| find(key(rows.xi[i], d.ti[i])))
            .collect();
        let row_tx = (0..rows.len())
            .map(|i| find(key(rows.xi[i], d.txi[i])))
            .collect();
        Pairs {
            keys,
            row_t,
            row_tx,
        }
    }
}

/// `P` and its partial derivatives with respect to (r, s, min, max) of (alpha, beta).
#[derive(Clone, Copy, Default)]
struct PartVal {
    v: f64,
    dr: f64,
    ds: f64,
    dmn: f64,
    dmx: f64,
}

/// `P(x, age) = (1-tb) ln((mn+age)/(mx+age)) + ln G(z) - rsf ln(mx+age)`, z = (mx-mn)/(mx+age),
/// `G = 2F1(1, B; C; z)`, and its derivatives. `case1` is alpha < beta (tb = r+x, B = s+1),
/// otherwise tb = s+1, B = r+x; C = rsf+1 in both.
#[allow(clippy::too_many_arguments)]
fn part(r: f64, s: f64, x: f64, mn: f64, mx: f64, age: f64, case1: bool) -> Option<PartVal> {
    // The series needs about 40 / (1 − z) terms; past `SERIES_MAX_Z` the same value comes
    // from a quadrature whose cost does not grow as z → 1 (`integral`).
    if (mx - mn) / (mx + age) <= SERIES_MAX_Z {
        return series_part(r, s, x, mn, mx, age, case1);
    }
    let (al, be) = if case1 { (mn, mx) } else { (mx, mn) };
    let t = integral::tail(r, s, x, al, be, age)?;
    let (dmn, dmx) = if case1 {
        (t.dal, t.dbe)
    } else {
        (t.dbe, t.dal)
    };
    Some(PartVal {
        v: t.v,
        dr: t.dr,
        ds: t.ds,
        dmn,
        dmx,
    })
}

/// [`part`] by the Euler-transformed series (z ≤ [`SERIES_MAX_Z`]).
#[allow(clippy::too_many_arguments)]
fn series_part(r: f64, s: f64, x: f64, mn: f64, mx: f64, age: f64, case1: bool) -> Option<PartVal> {
    let rsf = r + s + x;
    let (tb, bb) = if case1 {
        (r + x, s + 1.0)
    } else {
        (s + 1.0, r + x)
    };
    let cc = rsf + 1.0;
    let q = mx + age;
    let z = (mx - mn) / q;
    let (mut g, mut gs, mut sb, mut sc, mut gb, mut gc, mut gz) =
        (1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    if z > 0.0 {
        let mut n = 0usize;
        loop {
            let nf = n as f64;
            sb += 1.0 / (bb + nf);
            sc += 1.0 / (cc + nf);
            g *= (bb + nf) / (cc + nf) * z;
            gs += g;
            gb += g * sb;
            gc += g * sc;
            gz += (nf + 1.0) * g;
            n += 1;
            if (nf + 1.0) * g <= 1e-17 * gs || n >= MAX_SERIES_TERMS {
                break;
            }
        }
        if n >= MAX_SERIES_TERMS || !gs.is_finite() {
            return None;
        }
    }
    let dlg_db = gb / gs;
    let dlg_dc = -gc / gs;
    let dlg_dz = if z > 0.0 { gz / (z * gs) } else { bb / cc };
    let l = ln(mn + age) - ln(q);
    let v = (1.0 - tb) * l + ln(gs) - rsf * ln(q);
    let d_tb = -l;
    let d_rsf = -ln(q);
    let dmn = (1.0 - tb) / (mn + age) - dlg_dz / q;
    let dmx = -(1.0 - tb) / q - rsf / q + dlg_dz * (mn + age) / (q * q);
    let common = d_rsf + dlg_dc;
    let (dr, ds) = if case1 {
        (common + d_tb, common + dlg_db)
    } else {
        (common + dlg_db, common + d_tb)
    };
    Some(PartVal {
        v,
        dr,
        ds,
        dmn,
        dmx,
    })
}

/// P(alive) for every row at scaled parameters `th` (P(alive) is invariant to the time scale),
/// with `P(x, age)` computed once per distinct (x, age) pair.
pub fn p_alive_rows(th: &[f64], d: &FitData, pairs: &Pairs, out: &mut Vec<f64>) {
    let (r, al, s, be) = (th[0], th[1], th[2], th[3]);
    let rows = d.rows;
    let case1 = al < be;
    let (mn, mx) = if case1 { (al, be) } else { (be, al) };
    let pv: Vec<f64> = pairs
        .keys
        .iter()
        .map(|&k| {
            let (xi, vi) = ((k >> 32) as usize, (k & 0xffff_ffff) as usize);
            let x = rows.xs.get(xi).copied().unwrap_or(0.0);
            let age = d.vals.get(vi).copied().unwrap_or(0.0);
            part(r, s, x, mn, mx, age, case1).map_or(f64::NAN, |p| p.v)
        })
        .collect();
    out.clear();
    for i in 0..rows.len() {
        let (x, t) = (rows.x[i], d.vals[d.ti[i] as usize]);
        let la0 = crate::clv::maths::special::logsubexp(
            pv[pairs.row_tx[i] as usize],
            pv[pairs.row_t[i] as usize],
        );
        let e = ln(s) - ln(r + s + x) + (r + x) * ln(al + t) + s * ln(be + t) + la0;
        out.push(crate::clv::maths::special::expit(-e));
    }
}

/// lifetimes' Pareto/NBD objective (`-sum ll + pen sum theta^2`, unit weights) divided by n, in
/// scaled time, with an analytic gradient in log space.
pub struct FastParetoObjective<'a> {
    pub d: &'a FitData<'a>,
    pub pairs: &'a Pairs,
    pub pen: f64,
}

impl Objective for FastParetoObjective<'_> {
    fn eval(&self, phi: &[f64], grad: &mut [f64]) -> f64 {
        let th = match natural(phi) {
            Some(t) => t,
            None => return f64::INFINITY,
        };
        let (r, al, s, be) = (th[0], th[1], th[2], th[3]);
        let d = self.d;
        let rows = d.rows;
        let case1 = al < be;
        let (mn, mx) = if case1 { (al, be) } else { (be, al) };
        let mut pv = Vec::with_capacity(self.pairs.keys.len());
        for &k in &self.pairs.keys {
            let (xi, vi) = ((k >> 32) as usize, (k & 0xffff_ffff) as usize);
            let x = rows.xs.get(xi).copied().unwrap_or(0.0);
            let age = d.vals.get(vi).copied().unwrap_or(0.0);
            match part(r, s, x, mn, mx, age, case1) {
                Some(p) => pv.push(p),
                None => return f64::INFINITY,
            }
        }
        let (lg_r, dg_r, ln_al, ln_be) = (lgamma(r), digamma(r), ln(al), ln(be));
        let mut ll = 0.0;
        let mut g = [0.0f64; 4];
        for (&x, &w) in rows.xs.iter().zip(&rows.xw) {
            ll += w * (lgamma(r + x) - lg_r + r * ln_al + s * ln_be);
            g[0] += w * (digamma(r + x) - dg_r + ln_al);
        }
        g[1] += rows.n * r / al;
        g[2] += rows.n * ln_be;
        g[3] += rows.n * s / be;
        let (mut lva, mut lvb, mut iva, mut ivb) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        d.log_shift(al, &mut lva);
        d.log_shift(be, &mut lvb);
        d.inv_shift(al, &mut iva);
        d.inv_shift(be, &mut ivb);
        let ln_s = ln(s);
        let ln_rsf: Vec<f64> = rows.xs.iter().map(|&x| ln(r + s + x)).collect();
        for i in 0..rows.len() {
            let (x, w, ti) = (rows.x[i], rows.w[i], d.ti[i] as usize);
            let rx = r + x;
            let e1 = -rx * lva[ti] - s * lvb[ti];
            let (p1, p2) = (
                pv[self.pairs.row_tx[i] as usize],
                pv[self.pairs.row_t[i] as usize],
            );
            // ln A0 = ln(e^P1 - e^P2) = P1 + ln(1 - wgt); zero A0 when t_x = T. Then
            // ll = logaddexp(e1, e2) with e2 = ln s + ln A0 - ln(r+s+x), and the shares
            // pi1, pi2 = e^(e1-ll), e^(e2-ll) from the same exp: 2 exp + 2 log1p per row.
            let wgt = fastmath::exp(p2.v - p1.v);
            let (lse, pi1, pi2, da) = if wgt < 1.0 {
                let inv = 1.0 / (1.0 - wgt);
                let dd = |a: f64, b: f64| (a - wgt * b) * inv;
                let e2 = ln_s + p1.v + crate::clv::maths::special::ln1p(-wgt) - ln_rsf[rows.xi[i]];
                let t = fastmath::exp(-(e2 - e1).abs());
                let q = 1.0 / (1.0 + t);
                let (pi1, pi2) = if e2 <= e1 { (q, t * q) } else { (t * q, q) };
                let da = [
                    dd(p1.dr, p2.dr),
                    dd(p1.ds, p2.ds),
                    dd(p1.dmn, p2.dmn),
                    dd(p1.dmx, p2.dmx),
                ];
                (e1.max(e2) + fastmath::ln_1p_abs(t), pi1, pi2, da)
            } else {
                (e1, 1.0, 0.0, [0.0; 4])
            };
            if !lse.is_finite() {
                return f64::INFINITY;
            }
            let rsf = r + s + x;
            ll += w * lse;
            // dE1
            g[0] += w * pi1 * (-lva[ti]);
            g[2] += w * pi1 * (-lvb[ti]);
            g[1] += w * pi1 * (-rx * iva[ti]);
            g[3] += w * pi1 * (-s * ivb[ti]);
            if pi2 > 0.0 {
                let (d_al, d_be) = if case1 {
                    (da[2], da[3])
                } else {
                    (da[3], da[2])
                };
                g[0] += w * pi2 * (da[0] - 1.0 / rsf);
                g[2] += w * pi2 * (1.0 / s + da[1] - 1.0 / rsf);
                g[1] += w * pi2 * d_al;
                g[3] += w * pi2 * d_be;
            }
        }
        let n = rows.n;
        let mut pen = 0.0;
        for k in 0..4 {
            grad[k] = (-th[k] * g[k] + 2.0 * self.pen * th[k] * th[k]) / n;
            pen += th[k] * th[k];
        }
        let f = (-ll + self.pen * pen) / n;
        if f.is_finite() && grad.iter().all(|v| v.is_finite()) {
            f
        } else {
            f64::INFINITY
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_integral_equals_the_series_where_both_apply() {
        // z from 0.3 to 0.9 (the series' range), both cases, small and large x, ages.
        for &(r, s, x, mn, mx, age) in &[
            (0.5, 1.0, 0.0, 1.0, 1.5, 0.2),
            (0.5, 1.0, 0.0, 1.0, 9.0, 0.0),
            (3.4, 0.06, 4.0, 0.01, 0.1, 0.0),
            (0.2, 2.5, 30.0, 0.3, 2.0, 0.5),
            (105.7, 0.06, 6.0, 0.0007, 0.006, 0.0),
        ] {
            for case1 in [false, true] {
                let p = series_part(r, s, x, mn, mx, age, case1).unwrap();
                let (al, be) = if case1 { (mn, mx) } else { (mx, mn) };
                let t = integral::tail(r, s, x, al, be, age).unwrap();
                let (dmn, dmx) = if case1 {
                    (t.dal, t.dbe)
                } else {
                    (t.dbe, t.dal)
                };
                for (a, b) in [
                    (p.v, t.v),
                    (p.dr, t.dr),
                    (p.ds, t.ds),
                    (p.dmn, dmn),
                    (p.dmx, dmx),
                ] {
                    assert!((a - b).abs() <= 1e-11 * (1.0 + a.abs()), "{a} vs {b}");
                }
            }
        }
    }

    #[test]
    fn z_next_to_one_is_integrated() {
        // alpha 10^6 × beta at age 0: a series of ~40 million terms; the integral is finite.
        let p = part(0.5, 1.0, 0.0, 1e-6, 1.0, 0.0, false).unwrap();
        assert!(p.v.is_finite() && p.dr.is_finite() && p.dmx.is_finite());
    }
    use crate::clv::fitting::collapse::collapse;
    use crate::clv::input::Summary;
    use crate::clv::pareto::ParetoObjective;

    #[test]
    fn analytic_gradient_matches_reference_objective() {
        // Small deterministic data incl. t_x = T, x = 0 and a large x.
        let x = vec![0.0, 1.0, 2.0, 5.0, 0.0, 3.0, 250.0, 1.0, 7.0, 2.0];
        let tx = vec![0.0, 10.0, 30.0, 50.0, 0.0, 60.0, 70.0, 80.0, 40.0, 5.0];
        let t = vec![100.0, 90.0, 30.0, 80.0, 20.0, 60.0, 75.0, 85.0, 100.0, 50.0];
        let rows = collapse(&Summary { x, tx, t });
        let d = FitData::new(&rows);
        let pairs = Pairs::new(&d);
        for phi in [
            [0.1, -1.0, -0.5, 0.4],
            [0.3, 0.2, -0.2, -1.5],
            [-0.7, 0.0, 0.0, 0.0],
        ] {
            let fast = FastParetoObjective {
                d: &d,
                pairs: &pairs,
                pen: 0.1,
            };
            let slow = ParetoObjective { d: &d, pen: 0.1 };
            let (mut g1, mut g2) = ([0.0; 4], [0.0; 4]);
            let f1 = fast.eval(&phi, &mut g1);
            let f2 = slow.eval(&phi, &mut g2);
            assert!((f1 - f2).abs() < 1e-10 * f2.abs(), "{f1} vs {f2}");
            for k in 0..4 {
                assert!(
                    (g1[k] - g2[k]).abs() < 1e-6 * (1.0 + g2[k].abs()),
                    "{k}: {g1:?} vs {g2:?}"
                );
            }
        }
    }
}
