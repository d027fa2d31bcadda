//! Recommending k from the scan: the best silhouette, overridden by the elbow of the inertia
//! curve only when the elbow's silhouette is within a tolerance of the best (silhouette alone
//! often favours k = 2 on skewed customer data; the elbow alone ignores separation).

use serde::{Deserialize, Serialize};

/// One scanned k.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ScanPoint {
    pub k: usize,
    /// Sum of squared distances of ALL customers to the nearest centroid (standardised
    /// space), for this k's final fit: its best sample runs refined on all customers.
    pub inertia: f64,
    /// Mean silhouette on the silhouette sample (null if undefined).
    pub silhouette: Option<f64>,
}

/// Which k is recommended and why (reason is a translatable key).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    /// Recommended k (equals the report's k unless the user fixed k).
    pub k: usize,
    /// "maxSilhouette" | "elbowWithinSilhouetteTolerance" | "elbowOnly" (no scanned k has a
    /// silhouette, so the elbow decides) | "onlyCandidate" | "userFixed" | "degenerate".
    pub reason: String,
    /// k with the highest silhouette in the scan.
    pub best_silhouette_k: Option<usize>,
    pub best_silhouette: Option<f64>,
    /// Elbow of the inertia curve (largest distance below the chord, "kneedle").
    pub elbow_k: Option<usize>,
    pub silhouette_tolerance: f64,
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
        }
    }
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
    let best = scan
        .iter()
        .filter_map(|p| p.silhouette.map(|s| (p.k, s)))
        .fold(None::<(usize, f64)>, |acc, (k, s)| match acc {
            Some((_, bs)) if bs >= s => acc,
            _ => Some((k, s)),
        });
    let fallback_k = scan.first().map(|p| p.k).unwrap_or(1);
    let mut rec = Recommendation::simple(fallback_k, "onlyCandidate", tol);
    rec.elbow_k = elbow_k;
    let Some((bk, bs)) = best else {
        if let Some(e) = elbow_k {
            rec.k = e;
            rec.reason = "elbowOnly".into();
        }
        return rec;
    };
    rec.best_silhouette_k = Some(bk);
    rec.best_silhouette = Some(bs);
    rec.k = bk;
    rec.reason = if scan.len() == 1 {
        "onlyCandidate"
    } else {
        "maxSilhouette"
    }
    .into();
    if let Some(e) = elbow_k.filter(|&e| e != bk) {
        let es = scan.iter().find(|p| p.k == e).and_then(|p| p.silhouette);
        if es.is_some_and(|s| s >= bs - tol) {
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
            (r.k, r.reason.as_str(), r.elbow_k),
            (4, "maxSilhouette", Some(4))
        );
        // Best silhouette at 2, elbow at 4 within tolerance -> elbow.
        let s = scan(&[
            (2, 100.0, 0.60),
            (3, 60.0, 0.5),
            (4, 20.0, 0.59),
            (5, 18.0, 0.4),
        ]);
        let r = recommend(&s, 0.02);
        assert_eq!(
            (r.k, r.reason.as_str()),
            (4, "elbowWithinSilhouetteTolerance")
        );
        // Elbow too far below the best silhouette -> best silhouette.
        let r = recommend(&s, 0.005);
        assert_eq!((r.k, r.reason.as_str()), (2, "maxSilhouette"));
        assert_eq!(recommend(&s[..1], 0.02).reason, "onlyCandidate");
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
