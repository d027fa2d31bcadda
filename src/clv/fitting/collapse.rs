//! Collapse customers to unique (x, T, t_x) rows with weights, plus a distinct-x table.
//!
//! The BTYD likelihoods and predictions depend on a customer only through (x, t_x, T), so
//! computing them once per unique row (weighted) gives identical sums at a fraction of the cost.
//! Rows are sorted by (x, T, t_x) so that consecutive rows share (x, T), which predictions use to
//! cache the (x, T, t)-only factor; terms depending only on x (log-gamma, digamma) are computed
//! once per distinct x per likelihood evaluation.

use crate::clv::input::{customers, weight, Summary};

/// Collapsed BTYD data.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    pub x: Vec<f64>,
    pub tx: Vec<f64>,
    pub t: Vec<f64>,
    /// Number of customers with this (x, t_x, T).
    pub w: Vec<f64>,
    /// Index of the row's x in `xs`.
    pub xi: Vec<usize>,
    /// Distinct x values, ascending.
    pub xs: Vec<f64>,
    /// Total customer weight per distinct x.
    pub xw: Vec<f64>,
    /// Customer -> row.
    pub map: Vec<usize>,
    /// Sum of weights.
    pub n: f64,
    /// Largest T (lifetimes scales time by 1/max T when fitting).
    pub max_t: f64,
}

/// Builds the collapsed rows. Values are finite and non-negative (see `clean_summary`), so the
/// IEEE bit patterns order like the numbers.
pub fn collapse(s: &Summary) -> Rows {
    collapse_weighted(s, None)
}

/// [`collapse`] of entries standing for `weights` customers each: the rows and weights of the
/// expanded customers (weights are counts, so their sums are exact).
pub fn collapse_weighted(s: &Summary, weights: Option<&[f64]>) -> Rows {
    let n = s.x.len();
    // Common case (integer periods, as in day units): pack (x, T, t_x) into one u64 and sort
    // (key, customer) pairs; otherwise sort contiguous (x, T, t_x, customer) bit tuples.
    let small = |v: f64| v.fract() == 0.0 && v < (1u64 << 21) as f64;
    let packable = (0..n).all(|i| small(s.x[i]) && small(s.t[i]) && small(s.tx[i]));
    let keys: Vec<(u64, u64, u64, u32)> = if packable {
        let mut packed: Vec<(u64, u32)> = (0..n)
            .map(|i| {
                let k = ((s.x[i] as u64) << 42) | ((s.t[i] as u64) << 21) | s.tx[i] as u64;
                (k, i as u32)
            })
            .collect();
        packed.sort_unstable();
        packed
            .iter()
            .map(|&(_, i)| {
                let iu = i as usize;
                (s.x[iu].to_bits(), s.t[iu].to_bits(), s.tx[iu].to_bits(), i)
            })
            .collect()
    } else {
        let mut keys: Vec<(u64, u64, u64, u32)> = (0..n)
            .map(|i| {
                (
                    s.x[i].to_bits(),
                    s.t[i].to_bits(),
                    s.tx[i].to_bits(),
                    i as u32,
                )
            })
            .collect();
        keys.sort_unstable();
        keys
    };
    let mut r = Rows {
        map: vec![0; n],
        ..Default::default()
    };
    let mut last = None;
    for &(kx, kt, ktx, i) in &keys {
        let k = (kx, kt, ktx);
        let iu = i as usize;
        if last != Some(k) {
            last = Some(k);
            let (x, t, tx) = (f64::from_bits(kx), f64::from_bits(kt), f64::from_bits(ktx));
            if r.xs.last().map(|&v: &f64| v.to_bits()) != Some(kx) {
                r.xs.push(x);
                r.xw.push(0.0);
            }
            r.x.push(x);
            r.t.push(t);
            r.tx.push(tx);
            r.w.push(0.0);
            r.xi.push(r.xs.len() - 1);
        }
        let row = r.x.len() - 1;
        let wi = weight(weights, iu);
        r.w[row] += wi;
        r.xw[r.xs.len() - 1] += wi;
        r.map[iu] = row;
    }
    r.n = customers(weights, n);
    r.max_t = r.t.iter().copied().fold(0.0, f64::max);
    r
}

/// Probability-proportional-to-size systematic sample of weighted rows: row i is taken once per
/// multiple of `k` its cumulative weight crosses, with weight k per take. Unbiased for weighted
/// sums, deterministic, and heavy rows (w >= k) are always kept with their weight rounded to a
/// multiple of k. Returns (row, new weight).
pub fn systematic(w: &[f64], k: f64) -> Vec<(usize, f64)> {
    let mut cum = 0.0;
    let mut out = Vec::with_capacity((w.len() as f64 / k) as usize + 1);
    for (i, &wi) in w.iter().enumerate() {
        let before = (cum / k).floor();
        cum += wi;
        let takes = (cum / k).floor() - before;
        if takes > 0.0 {
            out.push((i, takes * k));
        }
    }
    out
}

impl Rows {
    /// A systematic subsample of about 1/k of the customers (see [`systematic`]) with the same
    /// `max_t`, so a fit on it lives in the same scaled time and its optimum and Hessian are a
    /// warm start for the fit on all rows. `map` is empty (no customer maps to it).
    pub fn thin(&self, k: f64) -> Rows {
        let mut r = Rows::default();
        for (i, w) in systematic(&self.w, k) {
            let x = self.x[i];
            if r.xs.last().map(|v: &f64| v.to_bits()) != Some(x.to_bits()) {
                r.xs.push(x);
                r.xw.push(0.0);
            }
            let last = r.xs.len() - 1;
            r.xw[last] += w;
            r.x.push(x);
            r.tx.push(self.tx[i]);
            r.t.push(self.t[i]);
            r.w.push(w);
            r.xi.push(last);
            r.n += w;
        }
        r.max_t = self.max_t;
        r
    }

    /// Number of unique rows.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True when there are no customers.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}
