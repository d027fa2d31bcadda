//! BG/NBD (Fader, Hardie & Lee 2005): likelihood with analytic gradient, and predictions.
//! Parameters `[r, alpha, a, b]`.

use crate::clv::fitting::fitdata::{add_penalty, natural, FitData};
use crate::clv::fitting::optim::Objective;
use crate::clv::maths::fastmath;
use crate::clv::maths::special::{
    digamma, exp, expit, expm1, hyp2f1_minus_one_over_b, lgamma, ln, ln1p,
};

/// Full per-customer log-likelihood (FHL 2005 eq. 7 / note 004), identical to lifetimes'
/// per-customer terms (lifetimes includes every constant).
pub fn loglik(p: &[f64], x: f64, tx: f64, t: f64) -> f64 {
    let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
    let a1 = lgamma(r + x) - lgamma(r) + r * ln(al);
    let a2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x);
    let a3 = -(r + x) * ln(al + t);
    if x > 0.0 {
        let a4 = ln(a) - ln(b + x - 1.0) - (r + x) * ln(al + tx);
        a1 + a2 + crate::clv::maths::special::logaddexp(a3, a4)
    } else {
        a1 + a2 + a3
    }
}

/// lifetimes' BG/NBD objective in scaled time: `-sum(w ll)/sum(w) + pen * sum(theta^2)`.
pub struct BgObjective<'a> {
    pub d: &'a FitData<'a>,
    pub pen: f64,
}

impl Objective for BgObjective<'_> {
    fn eval(&self, phi: &[f64], grad: &mut [f64]) -> f64 {
        let th = match natural(phi) {
            Some(t) => t,
            None => return f64::INFINITY,
        };
        let (r, al, a, b) = (th[0], th[1], th[2], th[3]);
        let rows = self.d.rows;
        let n = rows.n;
        // Terms that depend on x only, weighted by the customers at each x.
        let (mut ll, mut gr, mut gal, mut ga, mut gb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let (lg_r, lg_ab, lg_b) = (lgamma(r), lgamma(a + b), lgamma(b));
        let (dg_r, dg_ab, dg_b) = (digamma(r), digamma(a + b), digamma(b));
        let ln_al = ln(al);
        let mut la4 = Vec::with_capacity(rows.xs.len());
        let mut inv_b4 = Vec::with_capacity(rows.xs.len());
        for (&x, &w) in rows.xs.iter().zip(&rows.xw) {
            let abx = a + b + x;
            ll +=
                w * (lgamma(r + x) - lg_r + r * ln_al + lg_ab + lgamma(b + x) - lg_b - lgamma(abx));
            gr += w * (digamma(r + x) - dg_r + ln_al);
            let dg_abx = digamma(abx);
            ga += w * (dg_ab - dg_abx);
            gb += w * (dg_ab + digamma(b + x) - dg_b - dg_abx);
            let bx1 = b + x.max(1.0) - 1.0;
            la4.push(ln(a) - ln(bx1));
            inv_b4.push(1.0 / bx1);
        }
        gal += n * r / al;
        let mut lv = Vec::new();
        let mut iv = Vec::new();
        self.d.log_shift(al, &mut lv);
        self.d.inv_shift(al, &mut iv);
        let (mut s_ll, mut s_gr, mut s_gal, mut s_p4, mut s_gb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for i in 0..rows.len() {
            let x = rows.x[i];
            let w = rows.w[i];
            let ti = self.d.ti[i] as usize;
            let rx = r + x;
            let l3 = -rx * lv[ti];
            if x > 0.0 {
                let txi = self.d.txi[i] as usize;
                let xi = rows.xi[i];
                let l4 = la4[xi] - rx * lv[txi];
                let dlt = l4 - l3;
                let e = fastmath::exp(-dlt.abs());
                let inv = 1.0 / (1.0 + e);
                let p4 = if dlt >= 0.0 { inv } else { e * inv };
                let p3 = 1.0 - p4;
                let lse = l3.max(l4) + fastmath::ln_1p_abs(e);
                s_ll += w * lse;
                s_gr -= w * (p3 * lv[ti] + p4 * lv[txi]);
                s_gal -= w * rx * (p3 * iv[ti] + p4 * iv[txi]);
                s_p4 += w * p4;
                s_gb -= w * p4 * inv_b4[xi];
            } else {
                s_ll += w * l3;
                s_gr -= w * lv[ti];
                s_gal -= w * rx * iv[ti];
            }
        }
        ll += s_ll;
        gr += s_gr;
        gal += s_gal;
        ga += s_p4 / a;
        gb += s_gb;
        let g = [gr, gal, ga, gb];
        for k in 0..4 {
            grad[k] = -th[k] * g[k] / n;
        }
        -ll / n + add_penalty(&th, self.pen, grad)
    }
}

/// P(alive | x, t_x, T) (Fader, Hardie & Lee 2008 note 021), lifetimes' form.
pub fn p_alive(p: &[f64], x: f64, tx: f64, t: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
    let log_div = (r + x) * (ln(al + t) - ln(al + tx)) + ln(a / (b + x - 1.0));
    expit(-log_div)
}

/// `Q = (1 - (1-z)^B 2F1(A, B; C; z)) / B` without cancellation, B may be 0.
///
/// Its series in (A, B) grows for about `A·B·z/C` terms before it shrinks: harmless for
/// usual parameters, hopeless when the fit runs to a + b in the millions (no dropout signal:
/// a few customers, or nobody lapsing), where it took minutes. Then the Euler-transformed
/// series `(1-z)^B 2F1(A,B;C;z) = (1-z)^{C-A} 2F1(C-A, C-B; C; z)` shrinks from the start
/// and is used instead.
pub fn q_term(a_: f64, b_: f64, c_: f64, z: f64) -> Option<f64> {
    let v = if euler_form_is_faster(a_, b_, c_, z) {
        let (a2, b2) = (c_ - a_, c_ - b_);
        let s = hyp2f1_minus_one_over_b(a2, b2, c_, z)?;
        let l1z = ln1p(-z);
        (-expm1(a2 * l1z) - exp(a2 * l1z) * b2 * s) / b_
    } else {
        let s = hyp2f1_minus_one_over_b(a_, b_, c_, z)?;
        let l1z = ln1p(-z);
        let head = if b_ == 0.0 {
            -l1z
        } else {
            -expm1(b_ * l1z) / b_
        };
        head - exp(b_ * l1z) * s
    };
    if v.is_finite() {
        Some(v)
    } else {
        None
    }
}

/// Whether Q's series in (A, B) needs many terms (more than ~50 before its terms shrink)
/// while the transformed series in (C-A, C-B) needs fewer. Only then: the form in (A, B)
/// is the one checked against lifetimes across usual parameters, and it has no division by
/// B (the transformed form needs B != 0, which holds: a slow series has a large |B|).
pub fn euler_form_is_faster(a_: f64, b_: f64, c_: f64, z: f64) -> bool {
    let growth = |a: f64, b: f64| (a * b * z / c_).abs();
    b_ != 0.0 && growth(a_, b_) > 50.0 && growth(c_ - a_, c_ - b_) < growth(a_, b_)
}

/// Expected repeat purchases in (T, T+t] for a customer who is alive: E = P(alive) * u.
/// FHL 2005 eq. 10 rewritten with Euler's transformation:
/// `(1-z)^{r+x} 2F1(r+x, b+x; a+b+x-1; z) = (1-z)^{a-1} 2F1(a+b-1-r, a-1; a+b+x-1; z)`.
pub fn u(p: &[f64], x: f64, t_age: f64, t: f64) -> Option<f64> {
    if t <= 0.0 {
        return Some(0.0);
    }
    let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
    let z = t / (al + t_age + t);
    let q = q_term(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)?;
    Some((a + b + x - 1.0) * q)
}

/// Expected repeat purchases in (0, t] for a new customer (FHL 2005 eq. 9).
pub fn expected_new(p: &[f64], t: f64) -> Option<f64> {
    if t <= 0.0 {
        return Some(0.0);
    }
    let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
    let z = t / (al + t);
    let q = q_term(a + b - 1.0 - r, a - 1.0, a + b - 1.0, z)?;
    Some((a + b - 1.0) * q)
}

/// P(X(t) = n) for a new customer (FHL 2005 eq. 8; `modified` = MBG/NBD as in lifetimes),
/// for the period-transactions histogram.
pub fn prob_n(p: &[f64], t: f64, n: u32, modified: bool) -> f64 {
    let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
    let nf = n as f64;
    let lbeta = |x: f64, y: f64| lgamma(x) + lgamma(y) - lgamma(x + y);
    let lab = lbeta(a, b);
    let lr = r * (ln(al) - ln(al + t));
    let lz = ln(t) - ln(al + t);
    let term = |j: f64| {
        lgamma(r + j) - lgamma(r) - lgamma(j + 1.0) + lr + if j > 0.0 { j * lz } else { 0.0 }
    };
    let (o1, o2) = if modified { (1.0, 0.0) } else { (0.0, -1.0) };
    let mut v = exp(lbeta(a, b + nf + o1) - lab + term(nf));
    if n > 0 || modified {
        let mut cum = 0.0;
        for j in 0..n {
            cum += exp(term(j as f64));
        }
        v += exp(lbeta(a + 1.0, b + nf + o2) - lab) * (1.0 - cum).max(0.0);
    }
    if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Q from its definition, `(1 - (1-z)^B 2F1(A,B;C;z)) / B`, by the plain series.
    fn q_plain(a_: f64, b_: f64, c_: f64, z: f64) -> f64 {
        let f = crate::clv::maths::special::hyp2f1_series(a_, b_, c_, z).unwrap();
        (1.0 - (1.0 - z).powf(b_) * f) / b_
    }

    #[test]
    fn both_forms_of_q_agree() {
        // BG/NBD's (A, B, C) for r, a, b, x; growth A·B·z/C from ~0.1 to ~60.
        for &(r, a, b, x, z) in &[
            (0.25, 0.8, 2.5, 3.0, 0.4),
            (0.5, 5.0, 20.0, 1.0, 0.3),
            (0.5, 12.0, 30.0, 2.0, 0.6),
            (1.2, 40.0, 90.0, 0.0, 0.7),
        ] {
            let (a_, b_, c_) = (a + b - 1.0 - r, a - 1.0, a + b + x - 1.0);
            let q = q_term(a_, b_, c_, z).unwrap();
            let want = q_plain(a_, b_, c_, z);
            assert!((q - want).abs() <= 1e-10 * want.abs(), "{q} vs {want}");
            // The transformed form, forced, gives the same value.
            let (a2, b2) = (c_ - a_, c_ - b_);
            let f2 = crate::clv::maths::special::hyp2f1_series(a2, b2, c_, z).unwrap();
            let q2 = (1.0 - (1.0 - z).powf(a2) * f2) / b_;
            assert!((q - q2).abs() <= 1e-9 * q.abs(), "{q} vs {q2}");
        }
    }

    /// A fit with no dropout signal runs a and b into the millions (11 customers did: a = 4e6,
    /// b = 1.3e7). The series in (A, B) then needs millions of terms: it gave up at
    /// MAX_TERMS, and every bootstrap draw paid for that (a 24-line file took a minute).
    /// With a, b → ∞ at q = b/(a+b) the model is a fixed dropout probability, and
    /// 2F1(r+x, b+x; a+b+x-1; z) → (1 - qz)^-(r+x).
    #[test]
    fn q_stays_fast_and_right_when_a_and_b_run_away() {
        let (r, a, b, x) = (1.755, 4.07e6, 1.256e7, 2.0);
        let q_ratio = b / (a + b);
        let (a_, b_, c_) = (a + b - 1.0 - r, a - 1.0, a + b + x - 1.0);
        for z in [0.05, 0.3, 0.6] {
            let q = q_term(a_, b_, c_, z).expect("finite");
            let limit = (1.0 - ((1.0 - z) / (1.0 - q_ratio * z)).powf(r + x)) / b_;
            assert!((q - limit).abs() <= 1e-5 * limit, "z {z}: {q} vs {limit}");
        }
    }
}
