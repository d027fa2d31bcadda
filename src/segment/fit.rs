//! k-means fits: restarts from greedy k-means++ seeds iterated by our flat Lloyd loop
//! (`lloyd`), linfa-clustering's `KMeans` for the chosen model on the scan sample, and the
//! nearest-centroid pass.

use linfa::prelude::*;
use linfa::DatasetBase;
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::{Array2, ArrayView2};
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use super::kmeans_pp::greedy_kmeans_pp;
use super::lloyd::{assign_flat, lloyd};

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

/// linfa-clustering's `KMeans` fitted on the scan sample from `start` (the chosen restart), as
/// the model of the segmentation; `start` itself if linfa fails. From a converged restart linfa
/// needs one or two iterations, so this costs little; the restarts and the full-data
/// refinement run in `lloyd`, which is several times faster (docs/dependencies.md).
pub(crate) fn sample_model(
    sample: ArrayView2<f64>,
    start: Array2<f64>,
    s: &FitSettings,
) -> Array2<f64> {
    let k = start.nrows();
    kmeans(sample, k, Some(start.clone()), s).unwrap_or(start)
}

/// All `n_init` k-means runs on `data`, each started from greedy k-means++ seeds drawn from one
/// seeded stream and iterated to convergence by `lloyd`, best (lowest inertia on `data`) first.
/// The runners-up are kept because the best run on a sample is not always the best on all
/// customers.
pub(crate) fn restarts(
    data: ArrayView2<f64>,
    k: usize,
    s: &FitSettings,
) -> Result<Vec<(Array2<f64>, f64)>, String> {
    let (n, d) = data.dim();
    if k == 0 || n < k || d == 0 {
        return Err(format!("cannot fit k={k} on {n} rows x {d} features"));
    }
    let flat = data.as_standard_layout();
    let rows = flat.as_slice().unwrap_or(&[]);
    let mut rng = Xoshiro256Plus::seed_from_u64(s.seed);
    let mut runs = Vec::with_capacity(s.n_init);
    for _ in 0..s.n_init {
        let mut c = greedy_kmeans_pp(data, k, &mut rng);
        if let Some(cen) = c.as_slice_mut() {
            lloyd(rows, d, cen, s.max_iter, s.tolerance);
        }
        if !c.iter().all(|v| v.is_finite()) {
            continue;
        }
        let inertia = assign_flat(rows, d, c.as_slice().unwrap_or(&[])).1;
        runs.push((c, inertia));
    }
    if runs.is_empty() {
        return Err("k-means produced non-finite centroids".into());
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
    if d == 0 {
        return (vec![0; data.nrows()], 0.0);
    }
    assign_flat(rows, d, cen)
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
