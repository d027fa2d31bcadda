//! Borrowed per-customer columns, as produced by the RFM / CLV modules.

use super::hyperparams::Feature;
use super::warn::{warn, WarnCode};
use crate::report::Warning;

/// One entry per customer in every slice (same order everywhere).
pub struct SegmentInput<'a> {
    /// Days since the last purchase.
    pub recency_days: &'a [f64],
    /// Number of transactions.
    pub frequency: &'a [f64],
    /// Net total spend; may be <= 0 (returns). Clamped at 0 before the log in the clustering
    /// space, reported unclamped in the profiles.
    pub monetary: &'a [f64],
    /// Days since the first purchase.
    pub tenure_days: &'a [f64],
    /// Predicted customer lifetime value, if computed.
    pub clv: Option<&'a [f64]>,
}

impl<'a> SegmentInput<'a> {
    /// The raw column of a feature (None for CLV when it was not supplied).
    pub fn column(&self, feature: Feature) -> Option<&'a [f64]> {
        match feature {
            Feature::Recency => Some(self.recency_days),
            Feature::Frequency => Some(self.frequency),
            Feature::Monetary => Some(self.monetary),
            Feature::Tenure => Some(self.tenure_days),
            Feature::Clv => self.clv,
        }
    }

    /// Number of customers usable: the shortest slice (warns when the slices disagree), and
    /// warns once if any value is NaN/infinite (such values are read as 0 everywhere).
    pub(crate) fn customers(&self, warnings: &mut Vec<Warning>) -> usize {
        let mut lens = vec![
            self.recency_days.len(),
            self.frequency.len(),
            self.monetary.len(),
            self.tenure_days.len(),
        ];
        if let Some(c) = self.clv {
            lens.push(c.len());
        }
        let n = lens.iter().copied().min().unwrap_or(0);
        if lens.iter().any(|&l| l != n) {
            warn(
                warnings,
                WarnCode::LengthMismatch,
                &format!("input columns have different lengths {lens:?}; using the first {n}"),
            );
        }
        let non_finite = [
            Some(self.recency_days),
            Some(self.frequency),
            Some(self.monetary),
            Some(self.tenure_days),
            self.clv,
        ]
        .iter()
        .flatten()
        .map(|c| c.iter().take(n).filter(|v| !v.is_finite()).count())
        .sum::<usize>();
        if non_finite > 0 {
            warn(
                warnings,
                WarnCode::NonFiniteInput,
                &format!("{non_finite} input values were NaN or infinite and were read as 0"),
            );
        }
        n
    }
}

/// A raw value with NaN/infinity read as 0 (never let them reach a report).
pub(crate) fn finite_or_zero(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}
