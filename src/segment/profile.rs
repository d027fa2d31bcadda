//! Cluster profiles in original units and their descriptive labels.

use ndarray::{Array2, ArrayView2};

use super::hyperparams::Feature;
use super::input::{finite_or_zero, SegmentInput};
use super::naming::{self, ClusterName};
use super::types::{ClusterProfile, Stat};

/// A centroid coordinate must differ from the overall median by more than this (in standard
/// deviations) for the feature to appear in the label.
pub const LABEL_BAND: f64 = 0.25;

/// Builds one profile per cluster. `labels` are 0..k, `centroids` k x d in `features` order.
pub(crate) fn profiles(
    input: &SegmentInput,
    space: ArrayView2<f64>,
    features: &[Feature],
    labels: &[u32],
    centroids: &Array2<f64>,
) -> Vec<ClusterProfile> {
    let k = centroids.nrows();
    let n = labels.len();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (i, &l) in labels.iter().enumerate() {
        if let Some(m) = members.get_mut(l as usize) {
            m.push(i);
        }
    }
    let overall_median_z: Vec<f64> = (0..space.ncols())
        .map(|j| median(space.column(j).to_vec()))
        .collect();
    let total_spend: f64 = input
        .monetary
        .iter()
        .take(n)
        .map(|&v| finite_or_zero(v))
        .sum();
    members
        .iter()
        .enumerate()
        .map(|(c, m)| {
            let monetary = stat(input.monetary, m);
            let spend = monetary.mean * m.len() as f64;
            let centroid: Vec<f64> = centroids.row(c).to_vec();
            let mut p = ClusterProfile {
                id: c as u32,
                size: m.len(),
                share: if n > 0 {
                    m.len() as f64 / n as f64
                } else {
                    0.0
                },
                recency_days: stat(input.recency_days, m),
                frequency: stat(input.frequency, m),
                monetary,
                tenure_days: stat(input.tenure_days, m),
                clv: input.clv.map(|c| stat(c, m)),
                revenue_share: (total_spend > 0.0).then(|| spend / total_spend),
                label: label(features, &centroid, &overall_median_z),
                name: ClusterName::default(),
                centroid,
            };
            p.name = naming::name(features, &p, &overall_median_z);
            p
        })
        .collect()
}

/// Mean and median of `col` over the customers `m`.
fn stat(col: &[f64], m: &[usize]) -> Stat {
    let vals: Vec<f64> = m
        .iter()
        .map(|&i| finite_or_zero(col.get(i).copied().unwrap_or(0.0)))
        .collect();
    let mean = if vals.is_empty() {
        0.0
    } else {
        vals.iter().sum::<f64>() / vals.len() as f64
    };
    Stat {
        mean,
        median: median(vals),
    }
}

/// Per-cluster CLV of the profiles, for a fit that did not use CLV: the pipeline adds it
/// after the fit, so a new CLV horizon or margin does not re-run k-means.
pub fn add_clv(clusters: &mut [ClusterProfile], labels: &[u32], clv: &[f64]) {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); clusters.len()];
    for (i, &l) in labels.iter().enumerate() {
        if let Some(m) = members.get_mut(l as usize) {
            m.push(i);
        }
    }
    for (p, m) in clusters.iter_mut().zip(&members) {
        p.clv = Some(stat(clv, m));
    }
}

/// Translatable keys for the features where the centroid stands out from the overall median.
pub(crate) fn label(features: &[Feature], centroid: &[f64], median_z: &[f64]) -> Vec<String> {
    let mut out = Vec::new();
    for ((f, &c), &m) in features.iter().zip(centroid).zip(median_z) {
        let (high, low) = match f {
            Feature::Recency => ("lapsed", "recent"),
            Feature::Frequency => ("frequent", "infrequent"),
            Feature::Monetary => ("highSpend", "lowSpend"),
            Feature::Tenure => ("longTenure", "newCustomer"),
            Feature::Clv => ("highValue", "lowValue"),
        };
        if c - m > LABEL_BAND {
            out.push(high.to_string());
        } else if m - c > LABEL_BAND {
            out.push(low.to_string());
        }
    }
    if out.is_empty() {
        out.push("typical".into());
    }
    out
}

/// Median (mean of the two middle values for an even count, as numpy); 0 for no values.
pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    let (lower, mid, _) = v.select_nth_unstable_by(n / 2, |a, b| a.total_cmp(b));
    let mid = *mid;
    if n % 2 == 1 {
        mid
    } else {
        let below = lower.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (below + mid) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_labels() {
        assert_eq!(median(vec![]), 0.0);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        let f = [Feature::Recency, Feature::Frequency, Feature::Monetary];
        assert_eq!(
            label(&f, &[-1.0, 1.0, 0.9], &[0.0, 0.0, 0.0]),
            ["recent", "frequent", "highSpend"]
        );
        assert_eq!(
            label(&f, &[1.0, 0.1, -2.0], &[0.0, 0.0, 0.0]),
            ["lapsed", "lowSpend"]
        );
        assert_eq!(label(&f, &[0.1, 0.1, 0.1], &[0.0, 0.0, 0.0]), ["typical"]);
    }
}
