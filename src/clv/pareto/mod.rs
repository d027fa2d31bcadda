//! Pareto/NBD (Schmittlein, Morrison & Colombo 1987): likelihood and predictions.
//! Parameters `[r, alpha, s, beta]`.
//!
//! The likelihood needs `A0` (Fader & Hardie note 009 eqs. 19-20), built on
//! `2F1(r+s+x, t; r+s+x+1; z)` with `t = r+x` or `s+1`. lifetimes evaluates that directly and it
//! overflows (NaN) for large x because the series terms grow like n^(t-1). Euler's transformation
//! `2F1(a,b;c;z) = (1-z)^{c-a-b} 2F1(c-a, c-b; c; z)` turns it into `2F1(1, r+s+x+1-t; r+s+x+1; z)`
//! whose terms are positive and shrink by at least z each step, and we stay in log space.
//!
//! Where z is close to 1 (alpha and beta of very different sizes) the series would need
//! millions of terms: [`integral`] gives the same value by quadrature.
//!
//! The fitting path is [`fast`] (likelihood with analytic gradient per distinct (x, age) pair,
//! and P(alive) of collapsed rows); [`pmf`] is P(X(t) = n) for the period histogram.

pub mod fast;
pub mod integral;
pub mod pmf;

use crate::clv::fitting::fitdata::{natural, FitData};
use crate::clv::fitting::optim::Objective;
use crate::clv::maths::special::{expit, expm1, hyp2f1_series, lgamma, ln, logaddexp, logsubexp};

/// `ln A0(x, t_x, T)`; -inf when t_x = T (A0 = 0). None if a series failed.
pub fn log_a0(p: &[f64], x: f64, tx: f64, t: f64) -> Option<f64> {
    let (r, al, s, be) = (p[0], p[1], p[2], p[3]);
    let (mn, mx, tb) = if al < be {
        (al, be, r + x)
    } else {
        (be, al, s + 1.0)
    };
    let rsf = r + s + x;
    let part = |age: f64| -> Option<f64> {
        let q = mx + age;
        let z = (mx - mn) / q;
        if z > fast::SERIES_MAX_Z {
            return integral::tail(r, s, x, al, be, age).map(|t| t.v);
        }
        let ln_g = if z > 0.0 {
            ln(hyp2f1_series(1.0, rsf + 1.0 - tb, rsf + 1.0, z)?)
        } else {
            0.0
        };
        // ln 2F1(rsf, tb; rsf+1; z) - rsf ln q, with ln(1-z) = ln(min+age) - ln(max+age).
        Some((1.0 - tb) * (ln(mn + age) - ln(q)) + ln_g - rsf * ln(q))
    };
    Some(logsubexp(part(tx)?, part(t)?))
}

/// Full per-customer log-likelihood (note 009 eq. 18), as lifetimes (all constants included).
pub fn loglik(p: &[f64], x: f64, tx: f64, t: f64) -> f64 {
    loglik_with(p, x, tx, t, lgamma(r_of(p) + x) - lgamma(r_of(p)))
}

fn r_of(p: &[f64]) -> f64 {
    p[0]
}

fn loglik_with(p: &[f64], x: f64, tx: f64, t: f64, lg_ratio: f64) -> f64 {
    let (r, al, s, be) = (p[0], p[1], p[2], p[3]);
    let a1 = lg_ratio + r * ln(al) + s * ln(be);
    let la0 = match log_a0(p, x, tx, t) {
        Some(v) => v,
        None => return f64::NAN,
    };
    let a2 = logaddexp(
        -(r + x) * ln(al + t) - s * ln(be + t),
        ln(s) + la0 - ln(r + s + x),
    );
    a1 + a2
}

/// lifetimes' Pareto/NBD objective `-sum(w ll)/mean(w) + pen*sum(theta^2)` (unit weights), divided
/// by n for conditioning (same minimiser). Gradient by central differences in log space.
pub struct ParetoObjective<'a> {
    pub d: &'a FitData<'a>,
    pub pen: f64,
}

impl ParetoObjective<'_> {
    fn value(&self, phi: &[f64]) -> f64 {
        let th = match natural(phi) {
            Some(t) => t,
            None => return f64::INFINITY,
        };
        let rows = self.d.rows;
        let sc = self.d.scale;
        let lg_r = lgamma(th[0]);
        let lgx: Vec<f64> = rows.xs.iter().map(|&x| lgamma(th[0] + x) - lg_r).collect();
        let mut ll = 0.0;
        for i in 0..rows.len() {
            let v = loglik_with(
                &th,
                rows.x[i],
                rows.tx[i] * sc,
                rows.t[i] * sc,
                lgx[rows.xi[i]],
            );
            ll += rows.w[i] * v;
        }
        let pen: f64 = th.iter().map(|t| t * t).sum::<f64>() * self.pen;
        let f = (-ll + pen) / rows.n;
        if f.is_finite() {
            f
        } else {
            f64::INFINITY
        }
    }
}

impl Objective for ParetoObjective<'_> {
    fn eval(&self, phi: &[f64], grad: &mut [f64]) -> f64 {
        let f = self.value(phi);
        let mut p = phi.to_vec();
        for k in 0..phi.len() {
            let h = 1e-5 * (1.0 + phi[k].abs());
            p[k] = phi[k] + h;
            let fp = self.value(&p);
            p[k] = phi[k] - h;
            let fm = self.value(&p);
            p[k] = phi[k];
            grad[k] = (fp - fm) / (2.0 * h);
        }
        f
    }
}

/// P(alive | x, t_x, T) (note 009 eq. 36-37).
pub fn p_alive(p: &[f64], x: f64, tx: f64, t: f64) -> f64 {
    let (r, al, s, be) = (p[0], p[1], p[2], p[3]);
    let la0 = match log_a0(p, x, tx, t) {
        Some(v) => v,
        None => return f64::NAN,
    };
    let e = ln(s) - ln(r + s + x) + (r + x) * ln(al + t) + s * ln(be + t) + la0;
    expit(-e)
}

/// `(1 - y^{s-1}) / (s-1)` with y = (beta+T)/(beta+T+t), continuous at s = 1.
fn tail(s: f64, ln_y: f64) -> f64 {
    let k = s - 1.0;
    if k == 0.0 {
        -ln_y
    } else {
        -expm1(k * ln_y) / k
    }
}

/// Expected purchases in (T, T+t] given alive (note 009 eq. 41 divided by P(alive)).
pub fn u(p: &[f64], x: f64, t_age: f64, t: f64) -> Option<f64> {
    if t <= 0.0 {
        return Some(0.0);
    }
    let (r, al, s, be) = (p[0], p[1], p[2], p[3]);
    let ln_y = ln(be + t_age) - ln(be + t_age + t);
    let v = (r + x) * (be + t_age) / (al + t_age) * tail(s, ln_y);
    if v.is_finite() {
        Some(v)
    } else {
        None
    }
}

/// Expected repeat purchases in (0, t] for a new customer (note 009 eq. 27).
pub fn expected_new(p: &[f64], t: f64) -> Option<f64> {
    if t <= 0.0 {
        return Some(0.0);
    }
    let (r, al, s, be) = (p[0], p[1], p[2], p[3]);
    let v = r * be / al * tail(s, ln(be) - ln(be + t));
    if v.is_finite() {
        Some(v)
    } else {
        None
    }
}
