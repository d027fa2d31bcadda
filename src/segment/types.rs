//! Serialized output of the segmentation (stable camelCase keys: `k`, `inertia`, `silhouette`,
//! `scan`, `clusters`, ...).

use serde::{Deserialize, Serialize};

use super::choose_k::{Recommendation, ScanPoint};
use super::features::FeatureTransform;
use super::hyperparams::Feature;
use super::naming::ClusterName;
use super::pca::Projection;

/// Whole-module report.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SegmentsReport {
    /// Number of clusters in `clusters` (0 only when there are no customers).
    pub k: usize,
    /// Sum over all customers of the squared distance to their centroid, in the standardised
    /// space (scikit-learn's `inertia_`).
    pub inertia: f64,
    /// Mean silhouette of the final clustering on the silhouette sample (null if undefined).
    pub silhouette: Option<f64>,
    /// One entry per scanned k (empty when the user fixed k).
    pub scan: Vec<ScanPoint>,
    /// Profiles, largest cluster first; cluster id = position.
    pub clusters: Vec<ClusterProfile>,
    pub recommendation: Recommendation,
    /// Features spanning the space, in column order.
    pub features: Vec<Feature>,
    /// Requested features left out (constant, or not supplied).
    pub dropped_features: Vec<Feature>,
    pub transform: Transform,
    pub projection: Projection,
    /// Cluster x RFM-segment counts, when RFM segments were given.
    pub crosstab: Option<Crosstab>,
    pub sample_sizes: SampleSizes,
    pub seed: u64,
    pub n_init: usize,
}

/// Description of the feature transform.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Transform {
    /// "clampMin0Log1pThenZScorePopulation": v -> log1p(max(v, 0)) -> (x - mean) / std (ddof 0).
    pub method: String,
    pub per_feature: Vec<FeatureTransform>,
}

/// How many customers each stage used.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SampleSizes {
    pub customers: usize,
    /// Seeded sample on which k is scanned and starting centroids are found.
    pub scan: usize,
    /// Prefix of the scan sample on which silhouettes are exact.
    pub silhouette: usize,
    /// Customers the final k-means was refined on (all).
    pub final_fit: usize,
}

/// Mean and median of one attribute inside a cluster, in original units.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Stat {
    pub mean: f64,
    pub median: f64,
}

/// One cluster in original units.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClusterProfile {
    pub id: u32,
    pub size: usize,
    /// size / customers.
    pub share: f64,
    pub recency_days: Stat,
    pub frequency: Stat,
    pub monetary: Stat,
    pub tenure_days: Stat,
    pub clv: Option<Stat>,
    /// Cluster net spend / total net spend (null when the total is <= 0).
    pub revenue_share: Option<f64>,
    /// Translatable keys from the centroid vs the overall medians, e.g. ["recent", "frequent",
    /// "highSpend"]; ["typical"] when no feature stands out by more than 0.25 std.
    pub label: Vec<String>,
    /// A name a marketer reads ("loyalHighSpenders" …) with the values behind it (naming.rs).
    pub name: ClusterName,
    /// Centroid in the standardised space (same order as `features`).
    pub centroid: Vec<f64>,
}

/// Counts of customers per (cluster, RFM segment).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Crosstab {
    pub rfm_segments: Vec<String>,
    /// counts[cluster][rfmSegment].
    pub counts: Vec<Vec<u64>>,
    /// Per cluster, customers whose RFM segment index was out of range.
    pub unknown: Vec<u64>,
}
