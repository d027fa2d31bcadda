//! Options of the segmentation, validated up front (linfa-style "checked hyperparameters") so the
//! algorithm code never has to guard against nonsensical settings.

use serde::{Deserialize, Serialize};

/// Largest k accepted: beyond this a segmentation is no longer readable by a person.
pub const MAX_K: usize = 50;
/// Upper bound of the silhouette sample: the condensed pairwise-distance matrix of 10k customers
/// is 50M f32 values (200 MB), the most we allow in a browser tab.
pub const MAX_SILHOUETTE_SAMPLE: usize = 10_000;

/// A customer attribute that can span the clustering space.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Feature {
    /// Days since the last purchase (lower = more recent).
    Recency,
    /// Number of transactions.
    Frequency,
    /// Net total spend (may be <= 0 after returns).
    Monetary,
    /// Days since the first purchase.
    Tenure,
    /// Predicted customer lifetime value (only if the CLV module supplied it).
    Clv,
}

impl Feature {
    /// Stable key used in reports and in translation files.
    pub fn key(self) -> &'static str {
        match self {
            Feature::Recency => "recency",
            Feature::Frequency => "frequency",
            Feature::Monetary => "monetary",
            Feature::Tenure => "tenure",
            Feature::Clv => "clv",
        }
    }
}

/// User-facing options. Every field has a default, so `{}` is a valid JSON options object.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[cfg_attr(test, ts(optional_fields = nullable))]
pub struct SegmentOptions {
    /// Fixed number of clusters; `None` = scan `k_min..=k_max` and recommend one.
    pub k: Option<usize>,
    /// Smallest k scanned (>= 2: silhouette needs two clusters).
    #[cfg_attr(test, ts(optional = nullable))]
    pub k_min: usize,
    /// Largest k scanned.
    #[cfg_attr(test, ts(optional = nullable))]
    pub k_max: usize,
    /// Features spanning the space, each log1p-transformed then z-scored.
    #[cfg_attr(test, ts(optional = nullable))]
    pub features: Vec<Feature>,
    /// Seed of every random choice (sampling, k-means++), so results are reproducible.
    #[cfg_attr(test, ts(optional = nullable))]
    pub seed: u64,
    /// Customers drawn (seeded partial Fisher-Yates, without replacement) to scan k and to find
    /// starting centroids; default 10,000. The chosen k is then refined on all customers.
    /// 0 = use all customers (slow on large bases).
    #[cfg_attr(test, ts(optional = nullable))]
    pub scan_sample: usize,
    /// Customers (a prefix of the scan sample) on which the silhouette is computed exactly.
    /// At most 10,000 (memory: n*(n-1)/2 f32 distances).
    #[cfg_attr(test, ts(optional = nullable))]
    pub silhouette_sample: usize,
    /// Greedy k-means++ restarts per k on the scan sample (default 6), each iterated by our
    /// Hamerly-accelerated Lloyd loop. The scan reports the run best on the sample; the final
    /// fit starts from the run best on all customers (after a linfa `KMeans` fit on the sample).
    #[cfg_attr(test, ts(optional = nullable))]
    pub n_init: usize,
    /// Lloyd iterations cap per run on the scan sample.
    #[cfg_attr(test, ts(optional = nullable))]
    pub max_iter: u64,
    /// Convergence threshold: Frobenius norm of the centroid shift between two iterations, in
    /// standard deviations (linfa's definition). 1e-2 equals scikit-learn's default criterion
    /// on standardised data (squared shift <= tol * mean variance = 1e-4).
    #[cfg_attr(test, ts(optional = nullable))]
    pub tolerance: f64,
    /// Lloyd iterations cap of the final refinement on all customers. It starts from the scan
    /// sample's best centroids, so a few full passes recover nearly all the gain.
    #[cfg_attr(test, ts(optional = nullable))]
    pub final_max_iter: u64,
    /// Convergence threshold of the final refinement (same unit as `tolerance`; default 1e-3,
    /// ten times tighter than the scan's). The refinement starts from a sample-converged run,
    /// so at 1e-2 it stopped after 3-6 passes, 1e-4 above scikit-learn's inertia at k = 10;
    /// at 1e-3 it ends below scikit-learn's at every k on 356k customers (within 7e-6 on the
    /// 20k set of tests/segment_sklearn.rs), and Hamerly's bounds make the extra passes cheap
    /// (most customers are not compared with any centroid).
    #[cfg_attr(test, ts(optional = nullable))]
    pub final_tolerance: f64,
    /// A k whose silhouette is within this much of the best one may be preferred when it is
    /// also the elbow of the inertia curve.
    #[cfg_attr(test, ts(optional = nullable))]
    pub silhouette_tolerance: f64,
}

impl Default for SegmentOptions {
    fn default() -> Self {
        SegmentOptions {
            k: None,
            k_min: 2,
            k_max: 10,
            features: vec![Feature::Recency, Feature::Frequency, Feature::Monetary],
            seed: 42,
            scan_sample: 10_000,
            silhouette_sample: 4_000,
            n_init: 6,
            max_iter: 300,
            tolerance: 1e-2,
            final_max_iter: 100,
            final_tolerance: 1e-3,
            silhouette_tolerance: 0.02,
        }
    }
}

impl SegmentOptions {
    /// Checks every option; the error names the first offending field (camelCase, as in JSON).
    pub fn validate(&self) -> Result<(), String> {
        if let Some(k) = self.k {
            if k == 0 || k > MAX_K {
                return Err(format!("k must be in 1..={MAX_K}, got {k}"));
            }
        }
        if self.k_min < 2 {
            return Err(format!("kMin must be >= 2, got {}", self.k_min));
        }
        if self.k_max < self.k_min || self.k_max > MAX_K {
            return Err(format!(
                "kMax must be in kMin..={MAX_K}, got {} (kMin {})",
                self.k_max, self.k_min
            ));
        }
        if self.features.is_empty() {
            return Err("features must not be empty".into());
        }
        let mut sorted = self.features.clone();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != self.features.len() {
            return Err("features must not repeat".into());
        }
        if self.scan_sample != 0 && self.scan_sample < 100 {
            return Err(format!(
                "scanSample must be 0 (all) or >= 100, got {}",
                self.scan_sample
            ));
        }
        if self.silhouette_sample < 2 || self.silhouette_sample > MAX_SILHOUETTE_SAMPLE {
            return Err(format!(
                "silhouetteSample must be in 2..={MAX_SILHOUETTE_SAMPLE}, got {}",
                self.silhouette_sample
            ));
        }
        if self.n_init == 0 || self.n_init > 100 {
            return Err(format!("nInit must be in 1..=100, got {}", self.n_init));
        }
        if self.max_iter == 0 {
            return Err("maxIter must be >= 1".into());
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err("tolerance must be a positive finite number".into());
        }
        if self.final_max_iter == 0 {
            return Err("finalMaxIter must be >= 1".into());
        }
        if !(self.final_tolerance.is_finite() && self.final_tolerance > 0.0) {
            return Err("finalTolerance must be a positive finite number".into());
        }
        if !(self.silhouette_tolerance.is_finite() && self.silhouette_tolerance >= 0.0) {
            return Err("silhouetteTolerance must be a finite number >= 0".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert!(SegmentOptions::default().validate().is_ok());
        let bad = |f: fn(&mut SegmentOptions)| {
            let mut o = SegmentOptions::default();
            f(&mut o);
            o.validate().is_err()
        };
        assert!(bad(|o| o.k = Some(0)));
        assert!(bad(|o| o.k_min = 1));
        assert!(bad(|o| o.k_max = 1));
        assert!(bad(|o| o.k_max = MAX_K + 1));
        assert!(bad(|o| o.features.clear()));
        assert!(bad(
            |o| o.features = vec![Feature::Recency, Feature::Recency]
        ));
        assert!(bad(|o| o.scan_sample = 10));
        assert!(bad(|o| o.silhouette_sample = MAX_SILHOUETTE_SAMPLE + 1));
        assert!(bad(|o| o.n_init = 0));
        assert!(bad(|o| o.tolerance = f64::NAN));
        assert!(bad(|o| o.final_tolerance = 0.0));
    }
}
