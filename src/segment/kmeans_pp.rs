//! Greedy k-means++ seeding (scikit-learn's variant: 2 + ln k candidate centres per step, keep
//! the one that lowers the potential most).
//!
//! linfa 0.8's k-means++ draws a single candidate per step; on customer data at k ~ 10 that
//! lands in local optima up to 2% worse than scikit-learn's, even after 8 restarts. The greedy
//! seeds are handed to linfa as `KMeansInit::Precomputed`, so linfa still runs the iterations.

use ndarray::{Array2, ArrayView2};
use rand_xoshiro::rand_core::RngCore;
use rand_xoshiro::Xoshiro256Plus;

use super::lloyd::sq_dist_any;
use super::sample::bounded;

/// Uniform f64 in [0, 1) from the top 53 bits (same on every target).
fn unit(rng: &mut Xoshiro256Plus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// `k` starting centroids chosen among the rows of `data` (n >= 1, d >= 1, k >= 1).
pub(crate) fn greedy_kmeans_pp(
    data: ArrayView2<f64>,
    k: usize,
    rng: &mut Xoshiro256Plus,
) -> Array2<f64> {
    let (n, d) = data.dim();
    let flat = data.as_standard_layout();
    let rows = flat.as_slice().unwrap_or(&[]);
    let mut out = Array2::zeros((k, d));
    if n == 0 || d == 0 || rows.len() != n * d {
        return out;
    }
    let row = |i: usize| &rows[i * d..(i + 1) * d];
    let trials = 2 + libm::log(k as f64) as usize;
    let first = bounded(rng, n as u64) as usize;
    out.row_mut(0)
        .assign(&ndarray::ArrayView1::from(row(first)));
    let mut closest: Vec<f64> = (0..n).map(|i| sq_dist_any(row(i), row(first), d)).collect();
    let mut pot: f64 = closest.iter().sum();
    let mut cum = vec![0.0; n];
    let mut cand_dist = vec![0.0; n];
    let mut best_dist = vec![0.0; n];
    for c in 1..k {
        let mut acc = 0.0;
        for (s, &v) in cum.iter_mut().zip(&closest) {
            acc += v;
            *s = acc;
        }
        let mut best: Option<(usize, f64)> = None;
        for _ in 0..trials {
            let target = unit(rng) * pot;
            let cand = cum.partition_point(|&s| s <= target).min(n - 1);
            let mut p = 0.0;
            for (i, (cd, &cl)) in cand_dist.iter_mut().zip(&closest).enumerate() {
                let t = sq_dist_any(row(i), row(cand), d);
                // Not f64::min: in wasm32 that is a call to `fmin`.
                *cd = if t < cl { t } else { cl };
                p += *cd;
            }
            if best.is_none_or(|(_, bp)| p < bp) {
                best = Some((cand, p));
                std::mem::swap(&mut best_dist, &mut cand_dist);
            }
        }
        let Some((idx, p)) = best else { break };
        std::mem::swap(&mut closest, &mut best_dist);
        pot = p;
        out.row_mut(c).assign(&ndarray::ArrayView1::from(row(idx)));
    }
    out
}
