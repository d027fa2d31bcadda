//! The `run` entry point: orchestrates sampling, the k scan (as k-means jobs any thread may
//! run: `Scan`), the final fit and the report.

use std::sync::OnceLock;

use ndarray::{Array2, ArrayView2, Axis};

use super::choose_k::{recommend, Recommendation, ScanPoint};
use super::crosstab::crosstab;
use super::features::{self, FeatureSpace};
use super::fit::{assign, best_on_all, refine, restart_count, restarts, sample_model, FitSettings};
use super::hyperparams::SegmentOptions;
use super::input::SegmentInput;
use super::jobs::KmeansFit;
use super::pca::project;
use super::profile::profiles;
use super::sample::sample_indices;
use super::silhouette::PairwiseDistances;
use super::types::{SampleSizes, SegmentsReport, Transform};
use super::warn::{warn, WarnCode};
use super::SegmentColumns;
use crate::report::Warning;

/// Segments customers. `rfm_segment_of_customer` = (segment index per customer, segment names)
/// adds a crosstab. Never panics; every fallback is reported as a warning. The k-means jobs
/// of [`Scan`] run here in order; another thread may run any of them instead (same bits).
pub fn run(
    input: &SegmentInput,
    opts: &SegmentOptions,
    rfm_segment_of_customer: Option<(&[u16], &[String])>,
) -> (SegmentsReport, SegmentColumns, Vec<Warning>) {
    let scan = Scan::new(input, opts);
    let fits = (0..scan.jobs()).map(|i| scan.run_job(i)).collect();
    scan.finish(input, rfm_segment_of_customer, fits)
}

/// What is to be clustered, how, and by which k-means jobs.
enum Plan {
    /// No feature varies, or fewer than two customers: one segment (or none).
    Degenerate,
    /// `k` fixed by the options: one job.
    Fixed(usize),
    /// The scan of `k_lo..=k_hi`: one job per k, in that order.
    Scan(usize, usize),
}

impl Plan {
    /// The k of every job, in job order.
    fn ks(&self) -> Vec<usize> {
        match *self {
            Plan::Degenerate => Vec::new(),
            Plan::Fixed(k) => vec![k],
            Plan::Scan(lo, hi) => (lo..=hi).collect(),
        }
    }
}

/// The segmentation cut at its k-means jobs, the pure and costly part: [`Scan::new`] builds
/// the features, the scan sample and the job list; [`Scan::run_job`] fits one k on any
/// thread; [`Scan::finish`] takes every job's fit IN JOB ORDER (never arrival order) and
/// chooses k, fits the final model, profiles and projects. Each job is a function of the
/// scan alone, so the segmentation is the same bits whoever ran which job.
pub struct Scan {
    opts: SegmentOptions,
    warnings: Vec<Warning>,
    n: usize,
    space: FeatureSpace,
    idx: Vec<usize>,
    sample: Array2<f64>,
    settings: FitSettings,
    plan: Plan,
    /// The silhouette sample's distances, computed once by the first job that needs them.
    pairwise: OnceLock<PairwiseDistances>,
}

impl Scan {
    pub fn new(input: &SegmentInput, opts: &SegmentOptions) -> Scan {
        let mut warnings = Vec::new();
        let opts = match opts.validate() {
            Ok(()) => opts.clone(),
            Err(e) => {
                warn(
                    &mut warnings,
                    WarnCode::InvalidOptions,
                    &format!("{e}; default options used"),
                );
                SegmentOptions::default()
            }
        };
        let n = input.customers(&mut warnings);
        if n == 0 {
            warn(
                &mut warnings,
                WarnCode::NoCustomers,
                "no customers to segment",
            );
        }
        let space = features::build(input, n, &opts.features, &mut warnings);
        let d = space.data.ncols();
        let idx = sample_indices(n, scan_size(&opts, n), opts.seed);
        let m = idx.len();
        let sample = space.data.select(Axis(0), &idx);
        let settings = FitSettings {
            n_init: opts.n_init,
            max_iter: opts.max_iter,
            tolerance: opts.tolerance,
            seed: opts.seed,
        };
        let plan = if d == 0 || n < 2 {
            if n > 0 {
                warn(
                    &mut warnings,
                    WarnCode::NoVariance,
                    "customers do not differ on any feature; one segment",
                );
            }
            Plan::Degenerate
        } else if let Some(k_req) = opts.k {
            let k = k_req.min(n);
            if k < k_req {
                warn(
                    &mut warnings,
                    WarnCode::KReduced,
                    &format!("k = {k_req} exceeds the {n} customers; k = {k} used"),
                );
            }
            Plan::Fixed(k)
        } else {
            let k_hi = opts.k_max.min(m);
            let k_lo = opts.k_min.min(k_hi);
            if k_hi < opts.k_max {
                warn(
                    &mut warnings,
                    WarnCode::ScanRangeReduced,
                    &format!("only {m} customers: k scanned up to {k_hi}"),
                );
            }
            Plan::Scan(k_lo, k_hi)
        };
        Scan {
            opts,
            warnings,
            n,
            space,
            idx,
            sample,
            settings,
            plan,
            pairwise: OnceLock::new(),
        }
    }

    /// The silhouette sample: the first `silhouetteSample` rows of the scan sample.
    fn sil_view(&self) -> ArrayView2<'_, f64> {
        let s = self.opts.silhouette_sample.min(self.idx.len());
        self.sample.slice(ndarray::s![..s, ..])
    }

    /// Number of k-means jobs.
    pub fn jobs(&self) -> usize {
        self.plan.ks().len()
    }

    /// Job `i`'s answer from the bytes of [`KmeansFit::encode`] (another thread ran it);
    /// `None` when they are not an answer for this job.
    pub fn decode_fit(&self, i: usize, bytes: &[u8]) -> Option<KmeansFit> {
        let k = *self.plan.ks().get(i)?;
        KmeansFit::decode(bytes, k, self.space.data.ncols())
    }

    /// Job `i`: the sample runs of its k, the best of them on all customers refined (as
    /// [`best_on_all`]). No fit for an index out of range.
    pub fn run_job(&self, i: usize) -> KmeansFit {
        let Some(&k) = self.plan.ks().get(i) else {
            return KmeansFit::NoFit;
        };
        let data = self.space.data.view();
        let m = self.idx.len();
        // Same seed as this k gets in a scan, so fixing the recommended k reproduces it.
        let st = FitSettings {
            seed: seed_for_k(self.opts.seed, k),
            n_init: restart_count(self.opts.n_init, m, k, data.ncols()),
            ..self.settings
        };
        let runs = match restarts(self.sample.view(), k, &st) {
            Ok(runs) => runs,
            Err(e) => return KmeansFit::Failed(format!("k = {k}: {e}")),
        };
        // Each k's inertia is that of its final fit: the best sample runs refined on all
        // customers, so the scan compares with scikit-learn's KMeans on all of them.
        let full = (m < self.n).then_some(&st);
        let o = &self.opts;
        let Some((c, inertia)) = best_on_all(data, runs, full, o.final_max_iter, o.final_tolerance)
        else {
            return KmeansFit::NoFit;
        };
        // A scanned k's silhouette is part of its job (the costliest part of the rest).
        let silhouette = match self.plan {
            Plan::Scan(..) => {
                let sil = self.sil_view();
                let pw = self.pairwise.get_or_init(|| PairwiseDistances::new(sil));
                pw.silhouette(&assign(sil, &c).0, k)
            }
            _ => None,
        };
        KmeansFit::Fit(c, inertia, silhouette)
    }

    /// The segmentation from every job's fit, `fits[i]` being job `i`'s (whoever ran it).
    pub fn finish(
        self,
        input: &SegmentInput,
        rfm_segment_of_customer: Option<(&[u16], &[String])>,
        fits: Vec<KmeansFit>,
    ) -> (SegmentsReport, SegmentColumns, Vec<Warning>) {
        let Scan {
            opts,
            mut warnings,
            n,
            space,
            idx,
            sample,
            settings,
            plan,
            pairwise,
        } = self;
        let opts = &opts;
        let data = space.data.view();
        let d = data.ncols();
        let m = idx.len();
        let s = opts.silhouette_sample.min(m);
        let sil_view = sample.slice(ndarray::s![..s, ..]);
        let ks = plan.ks();
        // A fit per job, in job order; a failed job's warning in that order too.
        let mut fitted = Vec::new();
        for (&k, fit) in ks
            .iter()
            .zip(fits.into_iter().chain(std::iter::repeat_with(|| {
                KmeansFit::Failed("k-means job missing".into())
            })))
        {
            match fit {
                KmeansFit::Fit(c, inertia, sil) => fitted.push((k, c, inertia, sil)),
                KmeansFit::NoFit => {}
                KmeansFit::Failed(e) => warn(&mut warnings, WarnCode::FitFailed, &e),
            }
        }

        let mut scan = Vec::new();
        let mut start: Option<(Array2<f64>, f64)> = None;
        let recommendation;
        let mut pairwise = pairwise.into_inner();
        // The chosen k's scan labels of the silhouette sample and their silhouette.
        let mut scanned: Option<(Vec<u32>, Option<f64>)> = None;
        match plan {
            Plan::Degenerate => {
                recommendation =
                    Recommendation::simple(n.min(1), "degenerate", opts.silhouette_tolerance);
            }
            Plan::Fixed(k) => {
                start = fitted.pop().map(|(_, c, inertia, _)| (c, inertia));
                recommendation = Recommendation::simple(k, "userFixed", opts.silhouette_tolerance);
            }
            Plan::Scan(..) => {
                let mut fits = Vec::new();
                for (k, c, inertia, silhouette) in fitted {
                    scan.push(ScanPoint {
                        k,
                        inertia,
                        silhouette,
                    });
                    fits.push((c, inertia));
                }
                recommendation = recommend(&scan, opts.silhouette_tolerance);
                let chosen = scan.iter().position(|p| p.k == recommendation.k);
                if let Some((c, inertia)) = chosen.and_then(|i| fits.into_iter().nth(i)) {
                    let labels = assign(sil_view, &c).0;
                    start = Some((c, inertia));
                    scanned = Some((labels, chosen.and_then(|i| scan[i].silhouette)));
                }
            }
        }

        // Final fit: the refined run that is best on ALL customers becomes linfa's model on
        // the scan sample, refined again on all customers; linfa's detour is kept only if it
        // is no worse (one cluster when degenerate).
        let centroids = match start {
            Some((c, inertia)) => {
                let model = sample_model(sample.view(), c.clone(), &settings);
                let model = refine(data, model, opts.final_max_iter, opts.final_tolerance);
                if assign(data, &model).1 <= inertia {
                    model
                } else {
                    c
                }
            }
            None => Array2::zeros((n.min(1), d)),
        };
        let (labels, inertia, centroids) = finalize_labels(data, centroids, n, &mut warnings);
        let k = centroids.nrows();

        let silhouette = if k >= 2 && s >= 2 {
            let sl: Vec<u32> = idx[..s].iter().map(|&i| labels[i]).collect();
            match scanned {
                // The same groups as in the scan: the same silhouette (it does not depend on
                // the clusters' numbers), not computed again.
                Some((scan_labels, sil)) if same_partition(&scan_labels, &sl) => sil,
                _ => pairwise
                    .take()
                    .unwrap_or_else(|| PairwiseDistances::new(sil_view))
                    .silhouette(&sl, k),
            }
        } else {
            None
        };
        let used = space.used();
        let clusters = profiles(input, data, &used, &labels, &centroids);
        let crosstab = rfm_segment_of_customer.map(|r| crosstab(&labels, k, r, &mut warnings));
        let (projection, x, y) = project(data);
        let FeatureSpace {
            transforms,
            dropped,
            ..
        } = space;
        let report = SegmentsReport {
            k,
            inertia,
            silhouette,
            scan,
            clusters,
            recommendation,
            features: used,
            dropped_features: dropped,
            transform: Transform {
                method: "clampMin0Log1pThenZScorePopulation".into(),
                per_feature: transforms,
            },
            projection,
            crosstab,
            sample_sizes: SampleSizes {
                customers: n,
                scan: m,
                silhouette: if k >= 2 { s } else { 0 },
                final_fit: n,
            },
            seed: opts.seed,
            n_init: opts.n_init,
        };
        let columns = SegmentColumns {
            cluster: labels,
            x,
            y,
        };
        (report, columns, warnings)
    }
}

/// Scan sample size: `scanSample` customers, or all of them when 0 or larger than `n`.
fn scan_size(opts: &SegmentOptions, n: usize) -> usize {
    if opts.scan_sample == 0 {
        n
    } else {
        opts.scan_sample.min(n)
    }
}

/// Seed of the k-means++ restarts for a given k (independent streams per k).
fn seed_for_k(seed: u64, k: usize) -> u64 {
    seed.wrapping_add(k as u64)
}

/// Whether two labellings group the points the same way (up to the clusters' numbers).
fn same_partition(a: &[u32], b: &[u32]) -> bool {
    let size = a.iter().chain(b).max().map_or(0, |&m| m as usize + 1);
    let (mut ab, mut ba) = (vec![u32::MAX; size], vec![u32::MAX; size]);
    a.len() == b.len()
        && a.iter().zip(b).all(|(&x, &y)| {
            let (fx, fy) = (&mut ab[x as usize], &mut ba[y as usize]);
            let fits = (*fx == u32::MAX || *fx == y) && (*fy == u32::MAX || *fy == x);
            (*fx, *fy) = (y, x);
            fits
        })
}

/// Assigns customers, drops empty clusters and renumbers clusters by decreasing size (ties by
/// original index), so cluster 0 is always the largest.
fn finalize_labels(
    data: ArrayView2<f64>,
    centroids: Array2<f64>,
    n: usize,
    warnings: &mut Vec<Warning>,
) -> (Vec<u32>, f64, Array2<f64>) {
    if data.ncols() == 0 {
        return (vec![0; n], 0.0, centroids);
    }
    let (labels, inertia) = assign(data, &centroids);
    let k = centroids.nrows();
    let mut sizes = vec![0usize; k];
    for &l in &labels {
        sizes[l as usize] += 1;
    }
    let mut order: Vec<usize> = (0..k).filter(|&c| sizes[c] > 0).collect();
    if order.len() < k {
        warn(
            warnings,
            WarnCode::EmptyClusterDropped,
            &format!(
                "{} clusters received no customers (too few distinct customers) and were dropped",
                k - order.len()
            ),
        );
    }
    crate::sort::indices_by(&mut order, |a, b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
    let mut new_id = vec![0u32; k];
    for (new, &old) in order.iter().enumerate() {
        new_id[old] = new as u32;
    }
    let labels = labels.iter().map(|&l| new_id[l as usize]).collect();
    (labels, inertia, centroids.select(Axis(0), &order))
}

#[cfg(test)]
mod tests {
    use super::same_partition;

    #[test]
    fn partitions_equal_up_to_cluster_numbers() {
        assert!(same_partition(&[0, 0, 1, 2, 1], &[2, 2, 0, 1, 0]));
        assert!(same_partition(&[], &[]));
        // A split, a merge, another length.
        assert!(!same_partition(&[0, 0, 1], &[0, 1, 2]));
        assert!(!same_partition(&[0, 1, 2], &[0, 0, 1]));
        assert!(!same_partition(&[0, 1], &[0, 1, 1]));
        // Two clusters swapped for one point only.
        assert!(!same_partition(&[0, 1, 0, 1], &[1, 0, 1, 1]));
    }
}
