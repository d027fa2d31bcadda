//! Builds the clustering space: raw customer attributes -> log1p -> z-score (population std, as
//! scikit-learn's StandardScaler). Skewed spend/frequency would otherwise let a few whales
//! dominate every centroid.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::hyperparams::Feature;
use super::input::{finite_or_zero, SegmentInput};
use super::warn::{warn, WarnCode};
use crate::report::Warning;

/// How one feature was transformed; enough to map a standardised value back to original units.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeatureTransform {
    pub feature: Feature,
    /// Values below this are clamped before the log (net spend can be negative after returns).
    pub clamp_min: f64,
    /// Always "log1p".
    pub transform: String,
    /// Mean of log1p(clamped value) over all customers.
    pub mean: f64,
    /// Population standard deviation of log1p(clamped value).
    pub std: f64,
}

/// The standardised matrix (customers x used features) and its description.
pub(crate) struct FeatureSpace {
    pub data: Array2<f64>,
    pub transforms: Vec<FeatureTransform>,
    pub dropped: Vec<Feature>,
}

impl FeatureSpace {
    pub fn used(&self) -> Vec<Feature> {
        self.transforms.iter().map(|t| t.feature).collect()
    }
}

/// log1p after clamping at 0; `libm` so native and wasm round identically.
/// NaN/infinite values are read as 0 (see `SegmentInput::customers`).
pub(crate) fn log_transform(v: f64) -> f64 {
    libm::log1p(finite_or_zero(v).max(0.0))
}

/// `log_transform` of the first `n` values, memoised for small whole numbers: day and
/// transaction counts repeat thousands of times, and libm's log1p would otherwise be the
/// largest cost of building the space. Same function, so the same bits.
fn log_column(raw: &[f64], n: usize) -> Vec<f64> {
    const MEMO: usize = 4096;
    // NaN marks "not computed yet": log1p of a finite value >= 0 is never NaN.
    let mut memo = vec![f64::NAN; MEMO];
    raw.iter()
        .take(n)
        .map(|&v| {
            if !(v.is_sign_positive() && v < MEMO as f64 && v.fract() == 0.0) {
                return log_transform(v);
            }
            let slot = &mut memo[v as usize];
            if slot.is_nan() {
                *slot = log_transform(v);
            }
            *slot
        })
        .collect()
}

/// Relative spread under which a feature counts as constant (dividing by it would blow up).
const CONSTANT_REL_STD: f64 = 1e-12;

/// Builds the space for `n` customers. Features whose values are all equal are dropped with a
/// warning; a requested CLV that was not supplied is dropped too.
pub(crate) fn build(
    input: &SegmentInput,
    n: usize,
    wanted: &[Feature],
    warnings: &mut Vec<Warning>,
) -> FeatureSpace {
    let mut columns: Vec<Vec<f64>> = Vec::new();
    let mut transforms = Vec::new();
    let mut dropped = Vec::new();
    for &feature in wanted {
        let Some(raw) = input.column(feature) else {
            warn(
                warnings,
                WarnCode::FeatureMissing,
                &format!("feature {} was requested but not supplied", feature.key()),
            );
            dropped.push(feature);
            continue;
        };
        let col = log_column(raw, n);
        let (mean, std) = mean_std(&col);
        if n == 0 || std <= CONSTANT_REL_STD * mean.abs().max(1.0) {
            if n > 1 {
                warn(
                    warnings,
                    WarnCode::ConstantFeature,
                    &format!(
                        "feature {} has the same value for every customer and was left out",
                        feature.key()
                    ),
                );
            }
            dropped.push(feature);
            continue;
        }
        columns.push(col.iter().map(|v| (v - mean) / std).collect());
        transforms.push(FeatureTransform {
            feature,
            clamp_min: 0.0,
            transform: "log1p".into(),
            mean,
            std,
        });
    }
    let d = columns.len();
    let data = Array2::from_shape_fn((n, d), |(i, j)| columns[j][i]);
    FeatureSpace {
        data,
        transforms,
        dropped,
    }
}

/// Mean and population standard deviation (two passes, sequential: deterministic).
pub(crate) fn mean_std(v: &[f64]) -> (f64, f64) {
    if v.is_empty() {
        return (0.0, 0.0);
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.max(0.0).sqrt())
}
