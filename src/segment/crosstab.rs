//! Cluster x RFM segment contingency table, so users can relate k-means segments to the rule
//! based RFM segments they already know.

use super::types::Crosstab;
use super::warn::{warn, WarnCode};
use crate::report::Warning;

pub(crate) fn crosstab(
    labels: &[u32],
    k: usize,
    rfm: (&[u16], &[String]),
    warnings: &mut Vec<Warning>,
) -> Crosstab {
    let (seg, names) = rfm;
    if seg.len() != labels.len() {
        warn(
            warnings,
            WarnCode::RfmLengthMismatch,
            &format!(
                "{} RFM segment entries for {} customers; extra entries ignored, missing ones unknown",
                seg.len(),
                labels.len()
            ),
        );
    }
    let mut counts = vec![vec![0u64; names.len()]; k];
    let mut unknown = vec![0u64; k];
    let mut out_of_range = 0usize;
    for (i, &l) in labels.iter().enumerate() {
        let Some(row) = counts.get_mut(l as usize) else {
            continue;
        };
        match seg.get(i).and_then(|&s| row.get_mut(s as usize)) {
            Some(c) => *c += 1,
            None => {
                if i < seg.len() {
                    out_of_range += 1;
                }
                if let Some(u) = unknown.get_mut(l as usize) {
                    *u += 1;
                }
            }
        }
    }
    if out_of_range > 0 {
        warn(
            warnings,
            WarnCode::RfmSegmentOutOfRange,
            &format!("{out_of_range} customers had an RFM segment index with no name"),
        );
    }
    Crosstab {
        rfm_segments: names.to_vec(),
        counts,
        unknown,
    }
}
