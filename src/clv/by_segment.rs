//! CLV per RFM segment ("per customer and per segment", issue #6).
//!
//! The CLV stage does not know the segments (RFM is its own stage, memoised apart), so the
//! pipeline joins the two per-customer columns after both ran: one O(n) pass, every run, as
//! `segment::add_clv` does for the k-means clusters. A new CLV horizon then re-runs no RFM.

use super::document::ClvColumns;
use serde::Serialize;

/// Simple and model CLV of the customers of one RFM segment.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SegmentClv {
    /// The segment's name, as in `rfm.segments[].name` (same order).
    pub name: String,
    pub customers: u64,
    pub simple_clv_mean: f64,
    pub simple_clv_total: f64,
    /// Model CLV (the chosen model's `clv` column; simple CLV on fallback).
    pub clv_mean: f64,
    pub clv_total: f64,
}

/// Aggregates `cols.simple_clv` and `cols.clv` by segment: `labels[i]` indexes `names`. A label
/// outside `names` (impossible from `rfm::run`) is left out rather than trusted.
pub fn by_segment(labels: &[u16], names: &[String], cols: &ClvColumns) -> Vec<SegmentClv> {
    let mut acc = vec![(0u64, 0.0f64, 0.0f64); names.len()];
    for (i, &l) in labels.iter().enumerate() {
        if let Some(a) = acc.get_mut(l as usize) {
            a.0 += 1;
            a.1 += cols.simple_clv.get(i).copied().unwrap_or(0.0);
            a.2 += cols.clv.get(i).copied().unwrap_or(0.0);
        }
    }
    names
        .iter()
        .zip(acc)
        .map(|(name, (k, simple, clv))| {
            let mean = |v: f64| if k > 0 { v / k as f64 } else { 0.0 };
            SegmentClv {
                name: name.clone(),
                customers: k,
                simple_clv_mean: mean(simple),
                simple_clv_total: simple,
                clv_mean: mean(clv),
                clv_total: clv,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_and_means_by_label() {
        let cols = ClvColumns {
            simple_clv: vec![1.0, 2.0, 3.0, 4.0],
            clv: vec![10.0, 20.0, 30.0, 40.0],
            ..Default::default()
        };
        let names = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let out = by_segment(&[1, 0, 1, 9], &names, &cols);
        assert_eq!(out.len(), 3);
        assert_eq!((out[0].customers, out[0].clv_total), (1, 20.0));
        assert_eq!((out[1].customers, out[1].simple_clv_total), (2, 4.0));
        assert_eq!((out[1].clv_mean, out[1].simple_clv_mean), (20.0, 2.0));
        assert_eq!((out[2].customers, out[2].clv_mean), (0, 0.0));
    }
}
