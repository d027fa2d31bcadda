//! Time-scaled, index-compressed view of the collapsed rows used inside likelihood evaluations.
//!
//! lifetimes fits in time scaled by 1/max(T) (so alpha, beta are O(1)); we do the same so the
//! penalizer acts on the same numbers and the optimiser sees a well-conditioned problem.
//! Per evaluation, `ln(alpha + v)` is needed for every row's T and t_x; both take few distinct
//! values (days), so rows store indices into a table of distinct scaled times.

use crate::clv::fitting::collapse::Rows;

/// Scaled fitting data.
pub struct FitData<'a> {
    pub rows: &'a Rows,
    /// Time scale (1 / max T, or 1 when max T = 0).
    pub scale: f64,
    /// Distinct scaled time values (union of T and t_x), ascending.
    pub vals: Vec<f64>,
    /// Row -> index of scaled T in `vals`.
    pub ti: Vec<u32>,
    /// Row -> index of scaled t_x in `vals`.
    pub txi: Vec<u32>,
}

impl<'a> FitData<'a> {
    /// Builds the scaled view.
    pub fn new(rows: &'a Rows) -> FitData<'a> {
        let scale = if rows.max_t > 0.0 {
            1.0 / rows.max_t
        } else {
            1.0
        };
        // Distinct raw times (non-negative, so bit order = numeric order), then scaled.
        let mut bits: Vec<u64> = rows
            .t
            .iter()
            .chain(rows.tx.iter())
            .map(|v| v.to_bits())
            .collect();
        bits.sort_unstable();
        bits.dedup();
        let find = |v: f64| -> u32 { bits.binary_search(&v.to_bits()).unwrap_or(0) as u32 };
        let ti = rows.t.iter().map(|&v| find(v)).collect();
        let txi = rows.tx.iter().map(|&v| find(v)).collect();
        let vals = bits.iter().map(|&b| f64::from_bits(b) * scale).collect();
        FitData {
            rows,
            scale,
            vals,
            ti,
            txi,
        }
    }

    /// `ln(c + v)` for every distinct scaled time v.
    pub fn log_shift(&self, c: f64, out: &mut Vec<f64>) {
        out.clear();
        out.extend(
            self.vals
                .iter()
                .map(|&v| crate::clv::maths::special::ln(c + v)),
        );
    }

    /// `1 / (c + v)` for every distinct scaled time v.
    pub fn inv_shift(&self, c: f64, out: &mut Vec<f64>) {
        out.clear();
        out.extend(self.vals.iter().map(|&v| 1.0 / (c + v)));
    }
}

/// Reads the four (or three) natural parameters from log-parameters; None if not finite/positive.
pub fn natural(phi: &[f64]) -> Option<Vec<f64>> {
    let p: Vec<f64> = phi
        .iter()
        .map(|&v| crate::clv::maths::special::exp(v))
        .collect();
    if p.iter().all(|v| v.is_finite() && *v > 0.0) {
        Some(p)
    } else {
        None
    }
}

/// lifetimes' penalty `pen * sum(theta^2)` and its gradient in log space `2 pen theta^2`.
pub fn add_penalty(theta: &[f64], pen: f64, grad: &mut [f64]) -> f64 {
    let mut s = 0.0;
    for (g, t) in grad.iter_mut().zip(theta) {
        s += t * t;
        *g += 2.0 * pen * t * t;
    }
    pen * s
}
