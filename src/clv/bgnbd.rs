//! BG/NBD (Fader, Hardie & Lee 2005): likelihood with analytic gradient, and predictions.
//! Parameters `[r, alpha, a, b]`.

use super::fastmath;
use super::fitdata::{add_penalty, natural, FitData};
use super::optim::Objective;
use super::special::{digamma, exp, expit, expm1, hyp2f1_minus_one_over_b, lgamma, ln, ln1p};

/// Full per-customer log-likelihood (FHL 2005 eq. 7 / note 004), identical to lifetimes'
/// per-customer terms (lifetimes includes every constant).
pub fn loglik(p: &[f64], x: f64, tx: f64, t: f64) -> f64 {
    let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
    let a1 = lgamma(r + x) - lgamma(r) + r * ln(al);
    let a2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x);
    let a3 = -(r + x) * ln(al + t);
    if x > 0.0 {
        let a4 = ln(a) - ln(b + x - 1.0) - (r + x) * ln(al + tx);
        a1 + a2 + super::special::logaddexp(a3, a4)
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
pub fn q_term(a_: f64, b_: f64, c_: f64, z: f64) -> Option<f64> {
    let s = hyp2f1_minus_one_over_b(a_, b_, c_, z)?;
    let l1z = ln1p(-z);
    let head = if b_ == 0.0 {
        -l1z
    } else {
        -expm1(b_ * l1z) / b_
    };
    let v = head - exp(b_ * l1z) * s;
    if v.is_finite() {
        Some(v)
    } else {
        None
    }
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
