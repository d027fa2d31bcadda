//! Per-row predictions: P(alive), expected purchases and the discounted purchase stream used by
//! lifetimes' month-by-month CLV:
//! `CLV = sum_{i=1..H} m * [E(X(i f)) - E(X((i-1) f))] / (1+d)^i`, f = units per month
//! (day 30, week 4.345, month 1). With E = P(alive) * u(x, T, t), the bracket sum factors into
//! `P(alive) * D(x, T)` where `D = sum_i (u_i - u_{i-1}) / (1+d)^i` depends on (x, T) only, so it
//! is computed once per run of rows sharing (x, T) (rows are sorted that way).

use crate::clv::maths::special::{exp, ln};
use crate::clv::model::ModelKind;
use crate::clv::prediction::palive::PAlive;

/// Horizon grid: times `i f` (model units) for i = 0..=H and discount factors `(1+d)^-i`.
#[derive(Debug, Clone)]
pub struct Grid {
    pub times: Vec<f64>,
    pub disc: Vec<f64>,
}

impl Grid {
    /// lifetimes' grid for `months` months with `factor` units per month and monthly rate `d`.
    pub fn new(months: u32, factor: f64, d: f64) -> Grid {
        let times = (0..=months).map(|i| i as f64 * factor).collect();
        let ln1d = ln(1.0 + d);
        let disc = (0..=months).map(|i| exp(-(i as f64) * ln1d)).collect();
        Grid { times, disc }
    }

    /// Horizon length in model units.
    pub fn horizon(&self) -> f64 {
        self.times.last().copied().unwrap_or(0.0)
    }
}

/// Row-level predictions.
#[derive(Debug, Clone, Default)]
pub struct RowPred {
    pub p_alive: Vec<f64>,
    /// `D(x, T)`: discounted expected purchases given alive.
    pub disc_alive: Vec<f64>,
    /// `u(x, T, H f)`: expected purchases over the horizon given alive.
    pub u_h: Vec<f64>,
    /// Rows where a prediction was not finite and was replaced by 0.
    pub failures: usize,
}

/// `Q(z_i) = (1 - (1-z_i)^B 2F1(A, B; C; z_i)) / B` for several ascending z at once: the series
/// coefficients do not depend on z, so each term costs one division for all horizon points.
/// Returns false if the series did not converge.
fn q_multi(a_: f64, b_: f64, c_: f64, zs: &[f64], out: &mut [f64], zp: &mut [f64]) -> bool {
    let k = zs.len();
    let zmax = zs.last().copied().unwrap_or(0.0);
    if !(0.0..1.0).contains(&zmax) || c_ == 0.0 {
        return false;
    }
    out.iter_mut().for_each(|v| *v = 0.0);
    zp.copy_from_slice(zs);
    let mut c = a_ / c_;
    let mut n = 1usize;
    loop {
        for i in 0..k {
            out[i] += c * zp[i];
            zp[i] *= zs[i];
        }
        let last = c * zp[k - 1] / zmax;
        let nf = n as f64;
        // The largest z has the slowest tail; the others' tails are smaller still.
        if crate::clv::maths::special::series_done(a_, b_, c_, zmax, nf, last, out[k - 1]) {
            break;
        }
        let den = (c_ + nf) * (nf + 1.0);
        if den == 0.0 || n >= crate::clv::maths::special::MAX_TERMS {
            return false;
        }
        c *= (a_ + nf) * (b_ + nf) / den;
        n += 1;
    }
    for i in 0..k {
        let l1z = crate::clv::maths::special::ln1p(-zs[i]);
        let head = if b_ == 0.0 {
            -l1z
        } else {
            -crate::clv::maths::special::expm1(b_ * l1z) / b_
        };
        out[i] = head - exp(b_ * l1z) * out[i];
    }
    out.iter().all(|v| v.is_finite())
}

/// D and u_H for one (x, T).
pub fn stream(kind: ModelKind, p: &[f64], x: f64, t_age: f64, g: &Grid) -> Option<(f64, f64)> {
    if g.times.len() < 2 {
        return Some((0.0, 0.0));
    }
    let us = alive_purchases(kind, p, x, t_age, g)?;
    let mut prev = 0.0;
    let mut d = 0.0;
    for (u, disc) in us.iter().zip(&g.disc[1..]) {
        d += (u - prev) * disc;
        prev = *u;
    }
    if d.is_finite() && prev.is_finite() {
        Some((d, prev))
    } else {
        None
    }
}

/// The discounted stream month by month: `D_k = Σ_{i ≤ k} (u_i − u_{i−1}) / (1 + d)^i` for
/// k = 1..=H, so a customer's CLV by month k is `margin × spend × P(alive) × D_k` (lifetimes'
/// `customer_lifetime_value(time = k)`).
pub fn partial_streams(
    kind: ModelKind,
    p: &[f64],
    x: f64,
    t_age: f64,
    g: &Grid,
) -> Option<Vec<f64>> {
    let us = alive_purchases(kind, p, x, t_age, g)?;
    let mut prev = 0.0;
    let mut d = 0.0;
    let out: Vec<f64> = us
        .iter()
        .zip(&g.disc[1..])
        .map(|(u, disc)| {
            d += (u - prev) * disc;
            prev = *u;
            d
        })
        .collect();
    out.iter().all(|v| v.is_finite()).then_some(out)
}

/// `u(x, T, i f)` for i = 1..=H: expected purchases by each grid time for an alive customer.
fn alive_purchases(kind: ModelKind, p: &[f64], x: f64, t_age: f64, g: &Grid) -> Option<Vec<f64>> {
    let k = g.times.len().saturating_sub(1);
    let mut us = vec![0.0; k];
    if k == 0 {
        return Some(us);
    }
    match kind {
        ModelKind::Bgnbd | ModelKind::Mbgnbd => {
            let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
            let zs: Vec<f64> = g.times[1..].iter().map(|&t| t / (al + t_age + t)).collect();
            let mut zp = vec![0.0; k];
            let (aa, cc, lead) = if kind == ModelKind::Bgnbd {
                (a + b - 1.0 - r, a + b + x - 1.0, a + b + x - 1.0)
            } else {
                (a + b - r, a + b + x, a + b + x)
            };
            let zmax = zs.last().copied().unwrap_or(0.0);
            if crate::clv::bgnbd::euler_form_is_faster(aa, a - 1.0, cc, zmax) {
                // Degenerate fits (a + b in the millions): per point, by the fast form.
                for (u, &z) in us.iter_mut().zip(&zs) {
                    *u = crate::clv::bgnbd::q_term(aa, a - 1.0, cc, z)?;
                }
            } else if !q_multi(aa, a - 1.0, cc, &zs, &mut us, &mut zp) {
                return None;
            }
            us.iter_mut().for_each(|u| *u *= lead);
        }
        ModelKind::ParetoNbd => {
            for (u, &t) in us.iter_mut().zip(&g.times[1..]) {
                *u = kind.u(p, x, t_age, t)?;
            }
        }
    }
    Some(us)
}

/// Predictions for every collapsed row at parameters `p`.
pub fn row_predictions(kind: ModelKind, p: &[f64], pal: &PAlive, g: &Grid) -> RowPred {
    let rows = pal.d.rows;
    let n = rows.len();
    let mut pas = Vec::new();
    pal.rows(kind, p, &mut pas);
    let mut out = RowPred {
        p_alive: Vec::with_capacity(n),
        disc_alive: Vec::with_capacity(n),
        u_h: Vec::with_capacity(n),
        failures: 0,
    };
    type Cached = Option<(u64, u64, Option<(f64, f64)>)>;
    let mut cache: Cached = None;
    for (i, &pa) in pas.iter().enumerate().take(n) {
        let (x, t) = (rows.x[i], rows.t[i]);
        let key = (x.to_bits(), t.to_bits());
        let s = match cache {
            Some((a, b, v)) if (a, b) == key => v,
            _ => {
                let v = stream(kind, p, x, t, g);
                cache = Some((key.0, key.1, v));
                v
            }
        };
        match (s, pa.is_finite()) {
            (Some((d, uh)), true) => {
                out.p_alive.push(pa);
                out.disc_alive.push(d.max(0.0));
                out.u_h.push(uh.max(0.0));
            }
            _ => {
                out.failures += 1;
                out.p_alive.push(if pa.is_finite() { pa } else { 0.0 });
                out.disc_alive.push(0.0);
                out.u_h.push(0.0);
            }
        }
    }
    out
}

/// Expected purchases of a new customer at each grid time (first is 0).
pub fn new_customer_curve(kind: ModelKind, p: &[f64], g: &Grid) -> Vec<f64> {
    g.times
        .iter()
        .map(|&t| {
            kind.expected_new(p, t)
                .filter(|v| v.is_finite())
                .unwrap_or(0.0)
        })
        .collect()
}
