//! k-means customer segmentation on log-transformed, standardised R/F/M.
//!
//! Pipeline (see `run`): features (log1p, z-score) -> seeded scan sample (10k customers) ->
//! for each k in kMin..=kMax, nInit runs from greedy k-means++ seeds iterated by our flat,
//! Hamerly-accelerated Lloyd loop (`lloyd`), scored by inertia on all customers and an exact
//! silhouette on a 4k sub-sample (pairwise distances computed once) -> recommended (or fixed)
//! k -> of that k's runs, the one best on ALL customers is fitted by linfa-clustering's
//! `KMeans` fit (replayed by `m_kmeans`) on the sample, then refined with Lloyd iterations on all customers -> profiles,
//! labels, crosstab vs RFM, 2-D PCA projection. Scanning on a sample keeps the whole scan well
//! under a second in wasm (docs/performance.md); choosing and refining on all customers keeps
//! inertia within 0.1% of scikit-learn's KMeans(n_init=10) on the full data
//! (tests/segment_sklearn.rs). Same input + options => bit-identical output natively and in
//! wasm32 (sequential sums, libm for log1p, u64-based sampling).
mod choose_k;
mod crosstab;
mod features;
mod fit;
mod hyperparams;
mod input;
mod jobs;
mod kmeans_pp;
mod lloyd;
mod m_kmeans;
mod naming;
mod pca;
mod pipeline;
mod profile;
mod sample;
mod silhouette;
mod types;
mod warn;

pub use choose_k::{Recommendation, ScanPoint, OUTSIDE_MARGIN, PREFERRED_K, STRONG_STRUCTURE};
pub(crate) use crosstab::crosstab;
pub use features::FeatureTransform;
pub use hyperparams::{Feature, SegmentOptions, MAX_K, MAX_SILHOUETTE_SAMPLE};
pub use input::SegmentInput;
pub use jobs::KmeansFit;
pub use naming::ClusterName;
pub use pca::Projection;
pub use pipeline::{run, Scan};
pub use profile::add_clv;
pub use types::{ClusterProfile, Crosstab, SampleSizes, SegmentsReport, Stat, Transform};

/// Per-customer outputs (same order as the input).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SegmentColumns {
    /// Cluster id (index into `SegmentsReport::clusters`).
    pub cluster: Vec<u32>,
    /// First principal component of the standardised features.
    pub x: Vec<f32>,
    /// Second principal component (0 when only one feature varies).
    pub y: Vec<f32>,
}
