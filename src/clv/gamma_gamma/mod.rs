//! Gamma-Gamma spend model (Fader & Hardie 2013 note 025), fitted on customers with x > 0 and
//! positive mean spend, collapsed to unique (x, m) rows. Parameters `[p, q, v]`.
//! [`spend`]: the expected spend per transaction it predicts (or the observed-mean fallback).

pub mod spend;

use crate::clv::fitting::fitdata::{add_penalty, natural};
use crate::clv::fitting::optim::Objective;
use crate::clv::maths::special::{digamma, lgamma, ln};

/// Collapsed Gamma-Gamma data.
#[derive(Debug, Clone, Default)]
pub struct GgData {
    pub x: Vec<f64>,
    pub m: Vec<f64>,
    pub lnm: Vec<f64>,
    pub w: Vec<f64>,
    pub xi: Vec<usize>,
    pub xs: Vec<f64>,
    pub xw: Vec<f64>,
    pub n: f64,
}

/// Keeps customers with finite x > 0 and finite m > 0 and collapses them.
pub fn gg_data(x: &[f64], m: &[f64]) -> GgData {
    gg_data_weighted(x, m, None)
}

/// [`gg_data`] of entries standing for `weights` customers each.
pub fn gg_data_weighted(x: &[f64], m: &[f64], weights: Option<&[f64]>) -> GgData {
    let w = |i: usize| crate::clv::input::weight(weights, i);
    let mut keep: Vec<(u64, u64, u64)> = x
        .iter()
        .zip(m)
        .enumerate()
        .filter(|(_, (&xi, &mi))| xi > 0.0 && xi.is_finite() && mi > 0.0 && mi.is_finite())
        .map(|(i, (&xi, &mi))| (xi.to_bits(), mi.to_bits(), w(i).to_bits()))
        .collect();
    keep.sort_unstable();
    let mut d = GgData::default();
    let mut last = None;
    for (kx, km, kw) in keep {
        let (k, wi) = ((kx, km), f64::from_bits(kw));
        if last != Some(k) {
            last = Some(k);
            let (xv, mv) = (f64::from_bits(k.0), f64::from_bits(k.1));
            if d.xs.last().map(|v: &f64| v.to_bits()) != Some(k.0) {
                d.xs.push(xv);
                d.xw.push(0.0);
            }
            d.x.push(xv);
            d.m.push(mv);
            d.lnm.push(ln(mv));
            d.w.push(0.0);
            d.xi.push(d.xs.len() - 1);
        }
        if let (Some(w), Some(xw)) = (d.w.last_mut(), d.xw.last_mut()) {
            *w += wi;
            *xw += wi;
        }
        d.n += wi;
    }
    d
}

impl GgData {
    /// A systematic subsample of about 1/k of the customers (see `collapse::systematic`): its
    /// optimum and Hessian warm-start the fit on all rows.
    pub fn thin(&self, k: f64) -> GgData {
        let mut d = GgData::default();
        for (i, w) in crate::clv::fitting::collapse::systematic(&self.w, k) {
            let x = self.x[i];
            if d.xs.last().map(|v: &f64| v.to_bits()) != Some(x.to_bits()) {
                d.xs.push(x);
                d.xw.push(0.0);
            }
            let last = d.xs.len() - 1;
            d.xw[last] += w;
            d.x.push(x);
            d.m.push(self.m[i]);
            d.lnm.push(self.lnm[i]);
            d.w.push(w);
            d.xi.push(last);
            d.n += w;
        }
        d
    }
}

/// Full per-customer log-likelihood of the mean spend m given x (note 025), as lifetimes.
pub fn loglik(th: &[f64], x: f64, m: f64) -> f64 {
    let (p, q, v) = (th[0], th[1], th[2]);
    let px = p * x;
    lgamma(px + q) - lgamma(px) - lgamma(q) + q * ln(v) + (px - 1.0) * ln(m) + px * ln(x)
        - (px + q) * ln(x * m + v)
}

/// lifetimes' objective `-sum(w ll)/sum(w) + pen*sum(theta^2)` with analytic gradient.
pub struct GgObjective<'a> {
    pub d: &'a GgData,
    pub pen: f64,
}

impl Objective for GgObjective<'_> {
    fn eval(&self, phi: &[f64], grad: &mut [f64]) -> f64 {
        let th = match natural(phi) {
            Some(t) => t,
            None => return f64::INFINITY,
        };
        let (p, q, v) = (th[0], th[1], th[2]);
        let d = self.d;
        let (lg_q, dg_q, ln_v) = (lgamma(q), digamma(q), ln(v));
        let (mut ll, mut gp, mut gq, mut gv) = (0.0, 0.0, 0.0, 0.0);
        for (&x, &w) in d.xs.iter().zip(&d.xw) {
            let px = p * x;
            let lx = ln(x);
            let dg_pxq = digamma(px + q);
            ll += w * (lgamma(px + q) - lgamma(px) - lg_q + px * lx + q * ln_v);
            gp += w * x * (dg_pxq - digamma(px) + lx);
            gq += w * (dg_pxq - dg_q + ln_v);
            gv += w * q / v;
        }
        for i in 0..d.x.len() {
            let (x, w) = (d.x[i], d.w[i]);
            let px = p * x;
            let xm = x * d.m[i];
            let lxmv = crate::clv::maths::fastmath::ln(xm + v);
            ll += w * ((px - 1.0) * d.lnm[i] - (px + q) * lxmv);
            gp += w * x * (d.lnm[i] - lxmv);
            gq -= w * lxmv;
            gv -= w * (px + q) / (xm + v);
        }
        let g = [gp, gq, gv];
        for k in 0..3 {
            grad[k] = -th[k] * g[k] / d.n;
        }
        -ll / d.n + add_penalty(&th, self.pen, grad)
    }
}

/// Conditional expected average profit per transaction (note 025 eq. 5), lifetimes' form:
/// a weighted average of the customer's mean spend and the population mean v p / (q - 1).
/// Requires q > 1 (finite population mean); the caller checks.
pub fn expected_avg_profit(th: &[f64], x: f64, m: f64) -> f64 {
    let (p, q, v) = (th[0], th[1], th[2]);
    let wgt = p * x / (p * x + q - 1.0);
    let pop = v * p / (q - 1.0);
    (1.0 - wgt) * pop + wgt * m
}
