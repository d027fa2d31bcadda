//! The segmentation's model: linfa-clustering 0.8's `KMeans::fit` from the chosen restart's
//! centroids (one run, `KMeansInit::Precomputed`), replayed with linfa's arithmetic on flat
//! slices, so linfa is no longer compiled into the wasm (only the tests compare with it).
//!
//! linfa's update is "m_k-means": the old centroid counts as one more member of its cluster
//! (sums start at zero, counts at one; members added in row order, then the old centroid, then
//! one division per value). Each pass assigns every row to the first centroid of least squared
//! distance (the distance summed feature by feature from zero), and the run stops when the
//! Euclidean distance between the old and the new centroid matrix (row-major sum) is below
//! `tolerance`, or after `max_iter` passes. linfa fails (and the caller keeps its start) for a
//! tolerance ≤ 0, no passes, or an inertia that is not below infinity.

/// The centroids (k x d, row-major) linfa's fit from `start` gives on `rows` (n x d), or
/// `None` where linfa fails. Callers guarantee `1 <= k <= n` and `d >= 1`.
pub(crate) fn m_kmeans(
    rows: &[f64],
    d: usize,
    start: &[f64],
    max_iter: u64,
    tolerance: f64,
) -> Option<Vec<f64>> {
    // `<=` as linfa's check: a NaN tolerance passes it.
    if tolerance <= 0.0 || max_iter == 0 || d == 0 || start.is_empty() {
        return None;
    }
    let k = start.len() / d;
    let n = rows.len() / d;
    let mut c = start.to_vec();
    let mut label = vec![0usize; n];
    let mut passes = 0u64;
    loop {
        let mut inertia = 0.0;
        for (i, x) in rows.chunks_exact(d).enumerate() {
            let (mut best, mut min) = (0, sq_dist(&c[..d], x));
            for (j, cj) in c.chunks_exact(d).enumerate() {
                let dist = sq_dist(cj, x);
                if dist < min {
                    (best, min) = (j, dist);
                }
            }
            label[i] = best;
            inertia += min;
        }
        let mut next = vec![0.0; k * d];
        let mut counts = vec![1usize; k];
        for (x, &l) in rows.chunks_exact(d).zip(&label) {
            for (s, v) in next[l * d..(l + 1) * d].iter_mut().zip(x) {
                *s += v;
            }
            counts[l] += 1;
        }
        for (s, o) in next.iter_mut().zip(&c) {
            *s += o;
        }
        for (row, &count) in next.chunks_exact_mut(d).zip(&counts) {
            row.iter_mut().for_each(|v| *v /= count as f64);
        }
        let shift = sq_dist(&c, &next).sqrt();
        c = next;
        passes += 1;
        if shift < tolerance || passes == max_iter {
            // linfa keeps a run whose inertia is below its initial minimum, infinity.
            return (inertia < f64::INFINITY).then_some(c);
        }
    }
}

/// Σ (a − b)² in index order from zero (ndarray-stats' `sq_l2_dist`).
fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    let mut sum = 0.0;
    for (x, y) in a.iter().zip(b) {
        let diff = x - y;
        sum += diff * diff;
    }
    sum
}

#[cfg(test)]
mod tests {
    use linfa::prelude::*;
    use linfa::DatasetBase;
    use linfa_clustering::{KMeans, KMeansInit};
    use ndarray::Array2;
    use rand_xoshiro::rand_core::{RngCore, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    use super::m_kmeans;

    fn linfa(rows: &Array2<f64>, start: &Array2<f64>, max_iter: u64, tol: f64) -> Option<Vec<f64>> {
        KMeans::params_with_rng(start.nrows(), Xoshiro256PlusPlus::seed_from_u64(0))
            .n_runs(1)
            .max_n_iterations(max_iter)
            .tolerance(tol)
            .init_method(KMeansInit::Precomputed(start.clone()))
            .fit(&DatasetBase::from(rows.view()))
            .ok()
            .map(|m| m.centroids().iter().copied().collect())
    }

    fn bits(v: Option<Vec<f64>>) -> Option<Vec<u64>> {
        v.map(|v| v.iter().map(|x| x.to_bits()).collect())
    }

    #[test]
    fn same_centroids_as_linfa() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(17);
        let mut unit = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let mut cases = 0;
        for n in [1usize, 5, 40, 300, 2_000] {
            for d in 1..=5 {
                for k in [1usize, 2, 3, 7, 10] {
                    if k > n {
                        continue;
                    }
                    // Skewed values with ties (rounded) and blobs, as z-scores look.
                    let rows = Array2::from_shape_fn((n, d), |(i, f)| {
                        let blob = (i % 3) as f64 * 2.0 - (f as f64) * 0.3;
                        let v = blob + (unit() - 0.5) * 1.7;
                        if i % 5 == 0 {
                            (v * 4.0).round() / 4.0
                        } else {
                            v
                        }
                    });
                    // Starts: rows of the data (a converged restart is near them) and spread.
                    let start = Array2::from_shape_fn((k, d), |(j, f)| {
                        rows[[(j * 7) % n, f]] + (unit() - 0.5) * 0.1
                    });
                    for (max_iter, tol) in [
                        (100, 1e-3),
                        (300, 1e-2),
                        (1, 1e-3),
                        (3, 1e-12),
                        (50, 0.0),
                        (0, 1e-3),
                    ] {
                        let ours = m_kmeans(
                            rows.as_slice().unwrap(),
                            d,
                            start.as_slice().unwrap(),
                            max_iter,
                            tol,
                        );
                        let theirs = linfa(&rows, &start, max_iter, tol);
                        assert_eq!(
                            bits(ours),
                            bits(theirs),
                            "n {n} d {d} k {k} max_iter {max_iter} tol {tol}"
                        );
                        cases += 1;
                    }
                }
            }
        }
        assert!(cases > 500);
    }
}
