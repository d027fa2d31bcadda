//! MBG/NBD (Batislam, Denizel & Filiztekin 2007): likelihood with analytic gradient, predictions.
//! Parameters `[r, alpha, a, b]`. Unlike BG/NBD, customers may drop out at time 0.

use crate::clv::bgnbd::q_term;
use crate::clv::fitting::fitdata::{add_penalty, natural, FitData};
use crate::clv::fitting::optim::Objective;
use crate::clv::maths::fastmath;
use crate::clv::maths::special::{digamma, expit, lgamma, ln, logaddexp};

/// Full per-customer log-likelihood, identical to lifetimes' per-customer terms.
pub fn loglik(p: &[f64], x: f64, tx: f64, t: f64) -> f64 {
    let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
    let a1 = lgamma(r + x) - lgamma(r) + r * ln(al);
    let a2 = lgamma(a + b) + lgamma(b + x + 1.0) - lgamma(b) - lgamma(a + b + x + 1.0);
    let a3 = -(r + x) * ln(al + t);
    let a4 = ln(a) - ln(b + x) + (r + x) * (ln(al + t) - ln(al + tx));
    a1 + a2 + a3 + logaddexp(a4, 0.0)
}

/// lifetimes' MBG/NBD objective in scaled time: `-sum(w ll)/sum(w) + pen * sum(theta^2)`.
pub struct MbgObjective<'a> {
    pub d: &'a FitData<'a>,
    pub pen: f64,
}

impl Objective for MbgObjective<'_> {
    fn eval(&self, phi: &[f64], grad: &mut [f64]) -> f64 {
        let th = match natural(phi) {
            Some(t) => t,
            None => return f64::INFINITY,
        };
        let (r, al, a, b) = (th[0], th[1], th[2], th[3]);
        let rows = self.d.rows;
        let n = rows.n;
        let (mut ll, mut gr, mut ga, mut gb) = (0.0, 0.0, 0.0, 0.0);
        let (lg_r, lg_ab, lg_b) = (lgamma(r), lgamma(a + b), lgamma(b));
        let (dg_r, dg_ab, dg_b) = (digamma(r), digamma(a + b), digamma(b));
        let ln_al = ln(al);
        let mut la4 = Vec::with_capacity(rows.xs.len());
        let mut inv_bx = Vec::with_capacity(rows.xs.len());
        for (&x, &w) in rows.xs.iter().zip(&rows.xw) {
            let abx1 = a + b + x + 1.0;
            ll += w
                * (lgamma(r + x) - lg_r + r * ln_al + lg_ab + lgamma(b + x + 1.0)
                    - lg_b
                    - lgamma(abx1));
            gr += w * (digamma(r + x) - dg_r + ln_al);
            let dg_abx1 = digamma(abx1);
            ga += w * (dg_ab - dg_abx1);
            gb += w * (dg_ab + digamma(b + x + 1.0) - dg_b - dg_abx1);
            la4.push(ln(a) - ln(b + x));
            inv_bx.push(1.0 / (b + x));
        }
        let mut gal = n * r / al;
        let mut lv = Vec::new();
        let mut iv = Vec::new();
        self.d.log_shift(al, &mut lv);
        self.d.inv_shift(al, &mut iv);
        let (mut s_p, mut s_gb) = (0.0, 0.0);
        for i in 0..rows.len() {
            let x = rows.x[i];
            let w = rows.w[i];
            let (ti, txi, xi) = (self.d.ti[i] as usize, self.d.txi[i] as usize, rows.xi[i]);
            let rx = r + x;
            let dl = lv[ti] - lv[txi];
            let a4 = la4[xi] + rx * dl;
            // One exp + one log1p: softplus(a4) and its derivative expit(a4).
            let e = fastmath::exp(-a4.abs());
            let inv = 1.0 / (1.0 + e);
            let sg = if a4 >= 0.0 { inv } else { e * inv };
            ll += w * (-rx * lv[ti] + a4.max(0.0) + fastmath::ln_1p_abs(e));
            gr += w * (-lv[ti] + sg * dl);
            gal += w * rx * (-iv[ti] + sg * (iv[ti] - iv[txi]));
            s_p += w * sg;
            s_gb -= w * sg * inv_bx[xi];
        }
        ga += s_p / a;
        gb += s_gb;
        let g = [gr, gal, ga, gb];
        for k in 0..4 {
            grad[k] = -th[k] * g[k] / n;
        }
        -ll / n + add_penalty(&th, self.pen, grad)
    }
}

/// P(alive | x, t_x, T) (Batislam et al. 2007 appendix eq. 5), lifetimes' form.
pub fn p_alive(p: &[f64], x: f64, tx: f64, t: f64) -> f64 {
    let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
    let log_div = ln(a / (b + x)) + (r + x) * (ln(al + t) - ln(al + tx));
    expit(-log_div)
}

/// Expected purchases in (T, T+t] given alive: E = P(alive) * u, with
/// `(1-z)^{r+x} 2F1(r+x, b+x+1; a+b+x; z) = (1-z)^{a-1} 2F1(a+b-r, a-1; a+b+x; z)`.
pub fn u(p: &[f64], x: f64, t_age: f64, t: f64) -> Option<f64> {
    if t <= 0.0 {
        return Some(0.0);
    }
    let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
    let z = t / (al + t_age + t);
    let q = q_term(a + b - r, a - 1.0, a + b + x, z)?;
    Some((a + b + x) * q)
}

/// Expected repeat purchases in (0, t] for a new customer.
pub fn expected_new(p: &[f64], t: f64) -> Option<f64> {
    if t <= 0.0 {
        return Some(0.0);
    }
    let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
    let z = t / (al + t);
    let q = q_term(a + b - r, a - 1.0, a + b, z)?;
    Some(b * q)
}
