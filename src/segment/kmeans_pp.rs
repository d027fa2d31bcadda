//! Greedy k-means++ seeding (scikit-learn's variant: 2 + ln k candidate centres per step, keep
//! the one that lowers the potential most).
//!
//! linfa 0.8's k-means++ draws a single candidate per step; on customer data at k ~ 10 that
//! lands in local optima up to 2% worse than scikit-learn's, even after 8 restarts. The greedy
//! seeds are handed to linfa as `KMeansInit::Precomputed`, so linfa still runs the iterations.

use ndarray::{Array2, ArrayView2};
use rand_xoshiro::rand_core::RngCore;
use rand_xoshiro::Xoshiro256Plus;

use super::lloyd::sq_dist;
use super::sample::bounded;

/// Uniform f64 in [0, 1) from the top 53 bits (same on every target).
fn unit(rng: &mut Xoshiro256Plus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// `k` starting centroids chosen among the rows of `data` (n >= 1, 1 <= d <= 5: the distinct
/// features; k >= 1).
pub(crate) fn greedy_kmeans_pp(
    data: ArrayView2<f64>,
    k: usize,
    rng: &mut Xoshiro256Plus,
) -> Array2<f64> {
    let (n, d) = data.dim();
    let flat = data.as_standard_layout();
    let rows = flat.as_slice().unwrap_or(&[]);
    let mut out = Array2::zeros((k, d));
    if n == 0 || rows.len() != n * d {
        return out;
    }
    // A copy per width, so the distance loops are unrolled (they were a call per distance).
    match d {
        1 => seed::<1>(rows, k, rng, &mut out),
        2 => seed::<2>(rows, k, rng, &mut out),
        3 => seed::<3>(rows, k, rng, &mut out),
        4 => seed::<4>(rows, k, rng, &mut out),
        5 => seed::<5>(rows, k, rng, &mut out),
        _ => {}
    }
    out
}

fn seed<const D: usize>(rows: &[f64], k: usize, rng: &mut Xoshiro256Plus, out: &mut Array2<f64>) {
    let n = rows.len() / D;
    let row = |i: usize| &rows[i * D..(i + 1) * D];
    let trials = 2 + libm::log(k as f64) as usize;
    let first = bounded(rng, n as u64) as usize;
    out.row_mut(0)
        .assign(&ndarray::ArrayView1::from(row(first)));
    let mut closest: Vec<f64> = (0..n).map(|i| sq_dist::<D>(row(i), row(first))).collect();
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
            let c_row = row(cand);
            for ((cd, &cl), x) in cand_dist.iter_mut().zip(&closest).zip(rows.chunks_exact(D)) {
                let t = sq_dist::<D>(x, c_row);
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
}
