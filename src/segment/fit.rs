//! k-means fits: restarts from greedy k-means++ seeds iterated by our flat Lloyd loop
//! (`lloyd`), as many as are cheap; the best few refined on all customers (`best_on_all`);
//! the chosen model on the scan sample (linfa's `KMeans` fit, replayed by `m_kmeans`), and the
//! nearest-centroid pass.

use ndarray::{Array2, ArrayView2};
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use super::kmeans_pp::greedy_kmeans_pp;
use super::lloyd::{assign_flat, lloyd};
use super::m_kmeans::m_kmeans;

/// Settings of one k-means fit (already validated).
#[derive(Clone, Copy)]
pub(crate) struct FitSettings {
    pub n_init: usize,
    pub max_iter: u64,
    pub tolerance: f64,
    pub seed: u64,
}

/// linfa-clustering's `KMeans` fitted on the scan sample from `start` (the chosen restart), as
/// the model of the segmentation (`m_kmeans`: linfa's fit replayed bit for bit); `start`
/// itself where linfa fails or leaves non-finite centroids. From a converged restart it needs
/// one or two passes, so this costs little; the restarts and the full-data refinement run in
/// `lloyd`, which is several times faster (docs/dependencies.md).
pub(crate) fn sample_model(
    sample: ArrayView2<f64>,
    start: Array2<f64>,
    s: &FitSettings,
) -> Array2<f64> {
    let (n, d) = sample.dim();
    let k = start.nrows();
    if k == 0 || n < k || d == 0 || start.ncols() != d {
        return start;
    }
    let rows = sample.as_standard_layout();
    let from = start.as_standard_layout();
    let fitted = m_kmeans(
        rows.as_slice().unwrap_or(&[]),
        d,
        from.as_slice().unwrap_or(&[]),
        s.max_iter,
        s.tolerance,
    );
    match fitted {
        Some(c) if c.iter().all(|v| v.is_finite()) => {
            Array2::from_shape_vec((k, d), c).unwrap_or(start)
        }
        _ => start,
    }
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
    Ok(crate::sort::stable_by(runs, |a, b| a.1.total_cmp(&b.1)))
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

/// Distance evaluations (rows × centroids × features × ~20 Lloyd passes) the restarts of one k
/// may spend beyond `nInit`: on a few thousand customers a run costs well under a millisecond,
/// and the best of 6 runs was up to 1.9% above scikit-learn's best of 10 (CDNOW's 1/10
/// sample, k = 9); on a 10,000-customer scan sample the budget buys no extra run.
const RESTART_BUDGET: usize = 30_000_000;

/// Most restarts of one k.
const MAX_RESTARTS: usize = 64;

/// Most sample runs refined on all customers for each k (`best_on_all`): the default `nInit`.
/// The sample's ranking predicts the full-data ranking poorly (CDNOW, k = 7: the best of 3
/// was +0.6% above scikit-learn, the best of 6 −0.001%).
pub(crate) const FINALISTS: usize = 6;

/// Distance evaluations (rows × centroids × features × ~10 passes) the refinements of one k
/// may spend: all 6 finalists up to ~55,000 customers at k = 10, one at 350,000 (where the
/// 10,000-customer sample ranks runs well: tests/segment_sklearn.rs).
const REFINE_BUDGET: usize = 100_000_000;

/// Finalists refined for `k` clusters on `n` rows of `d` features.
fn finalist_count(n: usize, k: usize, d: usize) -> usize {
    (REFINE_BUDGET / (n * k * d * 10).max(1)).clamp(1, FINALISTS)
}

/// Restarts for `k` clusters on `m` rows of `d` features: `n_init`, or more while cheap.
pub(crate) fn restart_count(n_init: usize, m: usize, k: usize, d: usize) -> usize {
    let per_run = (m * k * d * 20).max(1);
    (RESTART_BUDGET / per_run).clamp(n_init, MAX_RESTARTS.max(n_init))
}

/// The full-data multi-start: the sample runs `runs` ranked by their inertia on all rows, the
/// best of them ([`FINALISTS`] while the refinement budget allows) refined on all rows; the one of lowest inertia on all rows, with that inertia. The best
/// run on a sample is often not the best on all customers (CDNOW, 23,570 customers: k = 7
/// and 10 were +0.8% and +1.0% above scikit-learn without this step).
///
/// When `full` (the sample is not all rows) and runs on all rows are cheap (the restart
/// budget, not `nInit`), k-means++ restarts on all rows join the finalists: on 2,357 CDNOW
/// customers scanned on a 1,000-customer sample, k = 7 was +0.18% without them.
pub(crate) fn best_on_all(
    data: ArrayView2<f64>,
    runs: Vec<(Array2<f64>, f64)>,
    full: Option<&FitSettings>,
    max_iter: u64,
    tol: f64,
) -> Option<(Array2<f64>, f64)> {
    let k = runs.first().map_or(0, |r| r.0.nrows());
    let (n, d) = data.dim();
    let extra = match full {
        Some(s) if k > 0 => {
            let n_init = restart_count(0, n, k, d);
            let s = FitSettings { n_init, ..*s };
            if n_init > 0 {
                restarts(data, k, &s).unwrap_or_default()
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    };
    // Ranked by one pass over all rows first: the sample's ranking is a poor guide.
    let mut ranked_once = Vec::new();
    let ranked: Vec<(Array2<f64>, f64)> = runs
        .into_iter()
        .map(|(c, _)| {
            let inertia = once(&mut ranked_once, &c, || assign(data, &c).1);
            (c, inertia)
        })
        .collect();
    let mut refined_once = Vec::new();
    crate::sort::stable_by(ranked, |a, b| a.1.total_cmp(&b.1))
        .into_iter()
        .take(finalist_count(n, k, d))
        .chain(extra)
        .map(|(c, _)| {
            once(&mut refined_once, &c, || {
                let c = refine(data, c.clone(), max_iter, tol);
                let inertia = assign(data, &c).1;
                (c, inertia)
            })
        })
        .filter(|(c, i)| i.is_finite() && c.iter().all(|v| v.is_finite()))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// `f()` for centroids `c`, or its result for the same centroids (bit for bit) from `done`:
/// restarts that stopped at the same centroids are ranked and refined once, and a pure
/// function of the same input gives the same output.
fn once<T: Clone>(done: &mut Vec<(Vec<u64>, T)>, c: &Array2<f64>, f: impl FnOnce() -> T) -> T {
    let bits: Vec<u64> = c.iter().map(|v| v.to_bits()).collect();
    if let Some((_, t)) = done.iter().find(|(b, _)| *b == bits) {
        return t.clone();
    }
    let t = f();
    done.push((bits, t.clone()));
    t
}
