//! Recommending k from the scan, preferring the 3–8 clusters a marketing plan can use.
//!
//! On skewed customer data the silhouette alone often peaks at k = 2 ("low spend" vs
//! "everyone else"), which is rarely a plan; the elbow alone ignores separation. So:
//!
//! 1. Among the scanned k in [`PREFERRED_K`] with a silhouette, the best silhouette; the
//!    elbow of the inertia curve instead when it lies in that range and its silhouette is
//!    within the tolerance of that best (`elbowWithinSilhouetteTolerance`).
//! 2. A k outside the range only when the data say so clearly: its silhouette is at least
//!    [`STRONG_STRUCTURE`] (Kaufman & Rousseeuw's "reasonable structure") and at least
//!    [`OUTSIDE_MARGIN`] above the best in the range (`strongStructureOutsideRange`): two
//!    well-separated groups stay two.
//! 3. No scanned k in the range (the user scanned elsewhere) or no silhouette there: the
//!    best silhouette of the scan, else its elbow, else its first k, as before.

use serde::{Deserialize, Serialize};

/// One scanned k.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ScanPoint {
    pub k: usize,
    /// Sum of squared distances of ALL customers to the nearest centroid (standardised
    /// space), for this k's final fit: its best sample runs refined on all customers.
    pub inertia: f64,
    /// Mean silhouette on the silhouette sample (null if undefined).
    pub silhouette: Option<f64>,
}

/// The cluster counts a marketing plan can use: preferred when the data allow.
pub const PREFERRED_K: [usize; 2] = [3, 8];
/// Silhouette from which a k outside [`PREFERRED_K`] counts as real structure.
pub const STRONG_STRUCTURE: f64 = 0.5;
/// How far such a k's silhouette must exceed the best in the range.
pub const OUTSIDE_MARGIN: f64 = 0.1;

/// Which k is recommended and why (reason is a translatable key).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    /// Recommended k (equals the report's k unless the user fixed k).
    pub k: usize,
    /// "maxSilhouette" (the scan's best silhouette, in the preferred range or with no
    /// scanned k there) | "maxSilhouetteInPreferredRange" (the best in the range; the scan's
    /// best lies outside it without strong structure) | "elbowWithinSilhouetteTolerance" |
    /// "strongStructureOutsideRange" | "elbowOnly" (no scanned k has a silhouette, so the elbow
    /// decides) | "onlyCandidate" | "userFixed" | "degenerate".
    pub reason: String,
    /// k with the highest silhouette in the scan.
    pub best_silhouette_k: Option<usize>,
    pub best_silhouette: Option<f64>,
    /// Elbow of the inertia curve (largest distance below the chord, "kneedle").
    pub elbow_k: Option<usize>,
    pub silhouette_tolerance: f64,
    /// [`PREFERRED_K`]: the range rule 1 looks in.
    pub preferred_range: [usize; 2],
    /// Best silhouette among the scanned k in the preferred range.
    pub best_in_range_k: Option<usize>,
    pub best_in_range_silhouette: Option<f64>,
}

impl Recommendation {
    pub(crate) fn simple(k: usize, reason: &str, tol: f64) -> Self {
        Recommendation {
            k,
            reason: reason.into(),
            best_silhouette_k: None,
            best_silhouette: None,
            elbow_k: None,
            silhouette_tolerance: tol,
            preferred_range: PREFERRED_K,
            best_in_range_k: None,
            best_in_range_silhouette: None,
        }
    }
}

/// The highest silhouette among `points`, the first k on ties.
fn best_silhouette<'a>(points: impl Iterator<Item = &'a ScanPoint>) -> Option<(usize, f64)> {
    points
        .filter_map(|p| p.silhouette.map(|s| (p.k, s)))
        .fold(None, |acc, (k, s)| match acc {
            Some((_, bs)) if bs >= s => acc,
            _ => Some((k, s)),
        })
}

/// Elbow: the k whose normalised inertia lies furthest below the straight line joining the
/// first and last scanned points. None with fewer than 3 points or a flat curve.
pub(crate) fn elbow(scan: &[ScanPoint]) -> Option<usize> {
    let (first, last) = (scan.first()?, scan.last()?);
    if scan.len() < 3 || first.inertia <= last.inertia {
        return None;
    }
    let span_k = (last.k - first.k) as f64;
    let span_i = first.inertia - last.inertia;
    let mut best: Option<(usize, f64)> = None;
    for p in scan {
        let x = (p.k - first.k) as f64 / span_k;
        let y = (p.inertia - last.inertia) / span_i; // 1 at first, 0 at last
        let gap = (1.0 - x) - y; // chord minus curve
        if gap > 1e-12 && best.is_none_or(|(_, g)| gap > g) {
            best = Some((p.k, gap));
        }
    }
    best.map(|(k, _)| k)
}

/// Applies the rule described in the module doc.
pub(crate) fn recommend(scan: &[ScanPoint], tol: f64) -> Recommendation {
    let elbow_k = elbow(scan);
    let in_range = |k: usize| (PREFERRED_K[0]..=PREFERRED_K[1]).contains(&k);
    let silhouette_of = |k: usize| scan.iter().find(|p| p.k == k).and_then(|p| p.silhouette);
    let fallback_k = scan.first().map(|p| p.k).unwrap_or(1);
    let mut rec = Recommendation::simple(fallback_k, "onlyCandidate", tol);
    rec.elbow_k = elbow_k;
    let Some((bk, bs)) = best_silhouette(scan.iter()) else {
        if let Some(e) = elbow_k {
            rec.k = e;
            rec.reason = "elbowOnly".into();
        }
        return rec;
    };
    rec.best_silhouette_k = Some(bk);
    rec.best_silhouette = Some(bs);
    let ranged = best_silhouette(scan.iter().filter(|p| in_range(p.k)));
    rec.best_in_range_k = ranged.map(|r| r.0);
    rec.best_in_range_silhouette = ranged.map(|r| r.1);
    // Rule 3: nothing to prefer in the range.
    let Some((ik, is)) = ranged else {
        rec.k = bk;
        rec.reason = if scan.len() == 1 {
            "onlyCandidate"
        } else {
            "maxSilhouette"
        }
        .into();
        return rec;
    };
    // Rule 2: clear structure outside the range wins.
    if !in_range(bk) && bs >= STRONG_STRUCTURE && bs - is >= OUTSIDE_MARGIN {
        rec.k = bk;
        rec.reason = "strongStructureOutsideRange".into();
        return rec;
    }
    // Rule 1: the best in the range, or the elbow close to it.
    rec.k = ik;
    rec.reason = if ik == bk {
        "maxSilhouette"
    } else {
        "maxSilhouetteInPreferredRange"
    }
    .into();
    if let Some(e) = elbow_k.filter(|&e| e != ik && in_range(e)) {
        if silhouette_of(e).is_some_and(|s| s >= is - tol) {
            rec.k = e;
            rec.reason = "elbowWithinSilhouetteTolerance".into();
        }
    }
    rec
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(points: &[(usize, f64, f64)]) -> Vec<ScanPoint> {
        points
            .iter()
            .map(|&(k, inertia, s)| ScanPoint {
                k,
                inertia,
                silhouette: Some(s),
            })
            .collect()
    }

    #[test]
    fn elbow_and_silhouette_rules() {
        let rule = |points: &[(usize, f64, f64)]| {
            let r = recommend(&scan(points), 0.02);
            (r.k, r.reason)
        };
        // Sharp elbow at 4 with the best silhouette at 4.
        let s = scan(&[
            (2, 100.0, 0.5),
            (3, 60.0, 0.55),
            (4, 20.0, 0.7),
            (5, 18.0, 0.6),
            (6, 17.0, 0.5),
        ]);
        let r = recommend(&s, 0.02);
        assert_eq!(
            (r.k, r.reason.as_str(), r.elbow_k, r.best_in_range_k),
            (4, "maxSilhouette", Some(4), Some(4))
        );
        // Skewed customers: k = 2 is best but weak, the elbow far below: the best in 3..8.
        let (k, why) = rule(&[
            (2, 100.0, 0.45),
            (3, 80.0, 0.40),
            (4, 62.0, 0.35),
            (5, 40.0, 0.30),
            (6, 37.0, 0.30),
            (7, 35.0, 0.31),
        ]);
        assert_eq!((k, why.as_str()), (3, "maxSilhouetteInPreferredRange"));
        // The elbow in the range within tolerance of the range's best.
        let (k, why) = rule(&[
            (2, 100.0, 0.44),
            (3, 70.0, 0.40),
            (4, 30.0, 0.39),
            (5, 28.0, 0.30),
            (6, 27.0, 0.29),
        ]);
        assert_eq!((k, why.as_str()), (4, "elbowWithinSilhouetteTolerance"));
        // Two well-separated groups: k = 2 wins from outside the range.
        let (k, why) = rule(&[(2, 100.0, 0.85), (3, 70.0, 0.55), (4, 60.0, 0.5)]);
        assert_eq!((k, why.as_str()), (2, "strongStructureOutsideRange"));
        // Strong, but not clearly above the range's best (margin 0.07 < 0.1).
        let (k, why) = rule(&[(2, 100.0, 0.62), (3, 70.0, 0.55), (4, 60.0, 0.5)]);
        assert_eq!((k, why.as_str()), (3, "maxSilhouetteInPreferredRange"));
        // Scans outside the range: the old rule.
        assert_eq!(rule(&[(2, 100.0, 0.3)]), (2, "onlyCandidate".into()));
        let (k, why) = rule(&[(9, 100.0, 0.3), (10, 90.0, 0.35)]);
        assert_eq!((k, why.as_str()), (10, "maxSilhouette"));
        assert_eq!(recommend(&[], 0.02).k, 1);
    }

    #[test]
    fn without_silhouettes_the_elbow_decides() {
        // The silhouette sample fell in one cluster at every k: no silhouette anywhere.
        let mut s = scan(&[
            (2, 100.0, 0.0),
            (3, 30.0, 0.0),
            (4, 25.0, 0.0),
            (5, 22.0, 0.0),
        ]);
        s.iter_mut().for_each(|p| p.silhouette = None);
        let r = recommend(&s, 0.02);
        assert_eq!(
            (r.k, r.reason.as_str(), r.elbow_k),
            (3, "elbowOnly", Some(3))
        );
        assert_eq!(r.best_silhouette_k, None);
        // No elbow either (two points): the first k, as the only candidate.
        let r = recommend(&s[..2], 0.02);
        assert_eq!((r.k, r.reason.as_str()), (2, "onlyCandidate"));
    }
}
