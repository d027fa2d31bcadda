//! Thin wrappers around linfa-clustering's k-means plus a fast nearest-centroid pass.

use linfa::prelude::*;
use linfa::DatasetBase;
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::{Array2, ArrayView2};
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use super::kmeans_pp::greedy_kmeans_pp;
use super::lloyd::{lloyd, nearest};

/// Settings of one k-means fit (already validated).
pub(crate) struct FitSettings {
    pub n_init: usize,
    pub max_iter: u64,
    pub tolerance: f64,
    pub seed: u64,
}

/// Runs linfa k-means on `data` (rows = customers). `init = None` runs `n_init` k-means++
/// restarts; `Some(c)` starts from `c` (one run). Returns the centroids, or an error text.
/// Callers guarantee `1 <= k <= data.nrows()` and a non-empty feature set, which linfa's
/// k-means++ needs to avoid its internal asserts.
pub(crate) fn kmeans(
    data: ArrayView2<f64>,
    k: usize,
    init: Option<Array2<f64>>,
    s: &FitSettings,
) -> Result<Array2<f64>, String> {
    let (n, d) = data.dim();
    if k == 0 || n < k || d == 0 {
        return Err(format!("cannot fit k={k} on {n} rows x {d} features"));
    }
    let (init, runs) = match init {
        Some(c) if c.dim() == (k, d) => (KMeansInit::Precomputed(c), 1),
        Some(_) => return Err("starting centroids have the wrong shape".into()),
        None => (KMeansInit::KMeansPlusPlus, s.n_init),
    };
    let rng = Xoshiro256Plus::seed_from_u64(s.seed);
    let dataset = DatasetBase::from(data);
    let model = KMeans::params_with_rng(k, rng)
        .n_runs(runs)
        .max_n_iterations(s.max_iter)
        .tolerance(s.tolerance)
        .init_method(init)
        .fit(&dataset)
        .map_err(|e| e.to_string())?;
    let c = model.centroids().to_owned();
    if c.iter().all(|v| v.is_finite()) {
        Ok(c)
    } else {
        Err("k-means produced non-finite centroids".into())
    }
}

/// All `n_init` linfa k-means runs on `data`, each started from greedy k-means++ seeds drawn from
/// one seeded stream, best (lowest inertia on `data`) first. The runners-up are kept because
/// the best run on a sample is not always the best on all customers.
pub(crate) fn restarts(
    data: ArrayView2<f64>,
    k: usize,
    s: &FitSettings,
) -> Result<Vec<(Array2<f64>, f64)>, String> {
    let (n, d) = data.dim();
    if k == 0 || n < k || d == 0 {
        return Err(format!("cannot fit k={k} on {n} rows x {d} features"));
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(s.seed);
    let mut runs = Vec::new();
    let mut last_err = String::new();
    for _ in 0..s.n_init {
        let seeds = greedy_kmeans_pp(data, k, &mut rng);
        match kmeans(data, k, Some(seeds), s) {
            Ok(c) => {
                let inertia = assign(data, &c).1;
                runs.push((c, inertia));
            }
            Err(e) => last_err = e,
        }
    }
    if runs.is_empty() {
        return Err(last_err);
    }
    runs.sort_by(|a, b| a.1.total_cmp(&b.1));
    Ok(runs)
}

/// Nearest centroid of every row and the SUM of squared distances (scikit-learn's `inertia_`;
/// linfa's `inertia()` is the mean). Sequential, so the sum is bit-reproducible.
pub(crate) fn assign(data: ArrayView2<f64>, centroids: &Array2<f64>) -> (Vec<u32>, f64) {
    let d = data.ncols();
    let (Some(rows), Some(cen)) = (data.as_slice(), centroids.as_slice()) else {
        return assign(
            data.as_standard_layout().view(),
            &centroids.as_standard_layout().to_owned(),
        );
    };
    let mut labels = Vec::with_capacity(data.nrows());
    let mut inertia = 0.0;
    if d == 0 {
        return (vec![0; data.nrows()], 0.0);
    }
    for row in rows.chunks_exact(d) {
        let (c, dist) = nearest(row, cen, d);
        labels.push(c as u32);
        if dist.is_finite() {
            inertia += dist;
        }
    }
    (labels, inertia)
}

/// Lloyd refinement of `start` on all rows (see `lloyd`); falls back to `start` if the data is
/// not contiguous (never the case for arrays built by `features::build`).
pub(crate) fn refine(
    data: ArrayView2<f64>,
    start: Array2<f64>,
    max_iter: u64,
    tol: f64,
) -> Array2<f64> {
    let d = data.ncols();
    let mut c = start.as_standard_layout().to_owned();
    if let (Some(rows), Some(cen)) = (data.as_slice(), c.as_slice_mut()) {
        lloyd(rows, d, cen, max_iter, tol);
    }
    c
}
