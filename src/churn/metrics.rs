//! Holdout metrics of a churn score: AUC with DeLong's variance (and the paired test of two
//! scores on the same customers), a calibration table by decile, lift in the top decile and
//! the Brier score.
//!
//! Customers are ranked by score, ties broken by a key that does not depend on row order
//! (the caller's `tie`: a hash of the customer id), so deciles are the same in any file order.

use serde::Serialize;

/// z of a two-sided 95% interval.
const Z95: f64 = 1.959963984540054;

/// DeLong's placement values: for each positive (churner), the share of negatives scored
/// below it (ties count half), and for each negative the share of positives scored above.
fn placements(score: &[f64], label: &[bool]) -> (Vec<f64>, Vec<f64>) {
    let idx = ascending(
        score.iter().map(|&s| crate::sort::order_bits(s)),
        0..score.len(),
    );
    let n1 = label.iter().filter(|&&l| l).count() as f64;
    let n0 = label.len() as f64 - n1;
    let (mut v1, mut v0) = (vec![0.0; score.len()], vec![0.0; score.len()]);
    // Walk groups of tied scores: negatives below (and half the tied ones) per positive.
    let (mut neg_below, mut pos_below) = (0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j < idx.len() && score[idx[j]] == score[idx[i]] {
            j += 1;
        }
        let (mut neg_tie, mut pos_tie) = (0.0, 0.0);
        for &k in &idx[i..j] {
            if label[k] {
                pos_tie += 1.0;
            } else {
                neg_tie += 1.0;
            }
        }
        for &k in &idx[i..j] {
            if label[k] {
                v1[k] = (neg_below + 0.5 * neg_tie) / n0.max(1.0);
            } else {
                // Positives above this negative: all minus those below minus half the tied.
                v0[k] = (n1 - pos_below - 0.5 * pos_tie) / n1.max(1.0);
            }
        }
        neg_below += neg_tie;
        pos_below += pos_tie;
        i = j;
    }
    let pick = |v: &[f64], want: bool| -> Vec<f64> {
        v.iter()
            .zip(label)
            .filter(|(_, &l)| l == want)
            .map(|(x, _)| *x)
            .collect()
    };
    (pick(&v1, true), pick(&v0, false))
}

/// `items` in ascending order of their `keys` (one per item), equal keys keeping the items'
/// order: a stable radix sort, the order `total_cmp` comparisons of the scores would give
/// (`order_bits` maps that order onto `u64`s).
fn ascending(keys: impl Iterator<Item = u64>, items: impl Iterator<Item = usize>) -> Vec<usize> {
    let items: Vec<usize> = items.collect();
    let pairs = keys.zip(0u32..).collect();
    crate::radix::sort_pairs(pairs)
        .into_iter()
        .map(|(_, k)| items[k as usize])
        .collect()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn cov(a: &[f64], b: &[f64]) -> f64 {
    let (ma, mb) = (mean(a), mean(b));
    let n = a.len();
    if n < 2 {
        return 0.0;
    }
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>()
        / (n - 1) as f64
}

/// AUC of `score` for `label` (true = churned) and DeLong's standard error. Needs both classes.
pub fn auc(score: &[f64], label: &[bool]) -> Option<(f64, f64)> {
    let (v1, v0) = placements(score, label);
    if v1.is_empty() || v0.is_empty() {
        return None;
    }
    let a = mean(&v1);
    let var = cov(&v1, &v1) / v1.len() as f64 + cov(&v0, &v0) / v0.len() as f64;
    Some((a, var.max(0.0).sqrt()))
}

/// The paired DeLong comparison of two scores on the same customers: AUC(b) − AUC(a), its
/// standard error, and the two-sided p-value.
pub fn compare(a: &[f64], b: &[f64], label: &[bool]) -> Option<(f64, f64, f64)> {
    let (a1, a0) = placements(a, label);
    let (b1, b0) = placements(b, label);
    if a1.is_empty() || a0.is_empty() {
        return None;
    }
    let d = mean(&b1) - mean(&a1);
    let (n1, n0) = (a1.len() as f64, a0.len() as f64);
    let var = (cov(&a1, &a1) + cov(&b1, &b1) - 2.0 * cov(&a1, &b1)) / n1
        + (cov(&a0, &a0) + cov(&b0, &b0) - 2.0 * cov(&a0, &b0)) / n0;
    let se = var.max(0.0).sqrt();
    let p = if se > 0.0 {
        crate::clv::maths::special::gamma_q(0.5, (d / se) * (d / se) / 2.0)
    } else if d == 0.0 {
        1.0
    } else {
        0.0
    };
    Some((d, se, p))
}

/// One decile of customers ranked by score (decile 1 = highest risk).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Decile {
    pub decile: u32,
    pub customers: usize,
    pub mean_predicted: f64,
    pub actual_rate: f64,
}

/// Metrics of one score on the test customers.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ScoreMetrics {
    pub auc: f64,
    pub auc_std_error: f64,
    /// 95% interval (DeLong), clamped to [0, 1].
    pub auc_low: f64,
    pub auc_high: f64,
    /// Mean squared error of the score as a probability of churning.
    pub brier: f64,
    /// Churn rate in the top decile / the overall churn rate.
    pub top_decile_lift: f64,
    pub calibration: Vec<Decile>,
}

/// Metrics of `score` (probability of churning) against `label`; `tie` orders equal scores.
pub fn metrics(score: &[f64], label: &[bool], tie: &[u64]) -> Option<ScoreMetrics> {
    let (a, se) = auc(score, label)?;
    let n = score.len();
    // Descending score, then ascending tie key, then index: two stable passes, the last key
    // first.
    let by_tie = ascending(tie.iter().copied(), 0..n);
    let idx = ascending(
        by_tie.iter().map(|&i| !crate::sort::order_bits(score[i])),
        by_tie.iter().copied(),
    );
    let rate = label.iter().filter(|&&l| l).count() as f64 / n as f64;
    let calibration: Vec<Decile> = (0..10)
        .filter_map(|d| {
            let (lo, hi) = (d * n / 10, (d + 1) * n / 10);
            let part = &idx[lo..hi];
            (!part.is_empty()).then(|| Decile {
                decile: d as u32 + 1,
                customers: part.len(),
                mean_predicted: mean(&part.iter().map(|&i| score[i]).collect::<Vec<_>>()),
                actual_rate: part.iter().filter(|&&i| label[i]).count() as f64 / part.len() as f64,
            })
        })
        .collect();
    let top = calibration.first().map_or(0.0, |d| d.actual_rate);
    let brier = score
        .iter()
        .zip(label)
        .map(|(s, &l)| (s - f64::from(u8::from(l))).powi(2))
        .sum::<f64>()
        / n as f64;
    Some(ScoreMetrics {
        auc: a,
        auc_std_error: se,
        auc_low: (a - Z95 * se).max(0.0),
        auc_high: (a + Z95 * se).min(1.0),
        brier,
        top_decile_lift: if rate > 0.0 { top / rate } else { 0.0 },
        calibration,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_half_and_matches_the_pair_count() {
        // Pairs (pos, neg): scores pos [0.9, 0.5, 0.3], neg [0.5, 0.2].
        // 0.9>0.5,0.9>0.2, 0.5=0.5 (half), 0.5>0.2, 0.3<0.5, 0.3>0.2: 4.5 / 6.
        let s = [0.9, 0.5, 0.3, 0.5, 0.2];
        let l = [true, true, true, false, false];
        let (a, se) = auc(&s, &l).unwrap();
        assert!((a - 0.75).abs() < 1e-15);
        assert!(se > 0.0);
        assert!(auc(&s, &[true; 5]).is_none());
    }

    #[test]
    fn delong_variance_matches_a_hand_computed_case() {
        // pROC-style DeLong on 3 positives, 2 negatives (scores above): V10 = [1, .75, .5],
        // V01 = [1/3 + ... ] computed by hand: neg 0.5 has positives above 0.9 (1) + tie 0.5
        // (half) = 1.5/3 = 0.5; neg 0.2 has all 3 above = 1.
        // var = s10²/3 + s01²/2 with s10² = var([1, .75, .5]) = 0.0625, s01² = var([.5, 1]) = 0.125.
        let s = [0.9, 0.5, 0.3, 0.5, 0.2];
        let l = [true, true, true, false, false];
        let (_, se) = auc(&s, &l).unwrap();
        let want = (0.0625f64 / 3.0 + 0.125 / 2.0).sqrt();
        assert!((se - want).abs() < 1e-15, "{se} vs {want}");
        let (d, _, p) = compare(&s, &s, &l).unwrap();
        assert_eq!((d, p), (0.0, 1.0));
    }

    /// The radix orders are the comparison sorts they replaced (ties, −0.0, equal tie keys).
    #[test]
    fn radix_orders_are_the_comparison_orders() {
        let score: Vec<f64> = (0..3000u64)
            .map(|i| match i % 4 {
                0 => (i % 7) as f64 / 10.0,
                1 => -0.0,
                2 => 0.0,
                _ => (i * 2_654_435_761 % 1000) as f64 / 999.0,
            })
            .collect();
        let tie: Vec<u64> = (0..3000u64).map(|i| i * 40_503 % 97).collect();
        let mut want: Vec<usize> = (0..score.len()).collect();
        want.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
        let got = ascending(
            score.iter().map(|&s| crate::sort::order_bits(s)),
            0..score.len(),
        );
        assert_eq!(got, want);
        want.sort_by(|&i, &j| score[j].total_cmp(&score[i]).then(tie[i].cmp(&tie[j])));
        let by_tie = ascending(tie.iter().copied(), 0..score.len());
        let got = ascending(
            by_tie.iter().map(|&i| !crate::sort::order_bits(score[i])),
            by_tie.iter().copied(),
        );
        assert_eq!(got, want);
    }

    #[test]
    fn deciles_rank_by_score_then_tie_key() {
        let s: Vec<f64> = (0..20).map(|i| (i / 2) as f64 / 10.0).collect();
        let l: Vec<bool> = (0..20).map(|i| i >= 10).collect();
        let tie: Vec<u64> = (0..20).rev().collect();
        let m = metrics(&s, &l, &tie).unwrap();
        assert_eq!(m.calibration.len(), 10);
        assert_eq!(m.calibration[0].actual_rate, 1.0);
        assert_eq!(m.calibration[9].actual_rate, 0.0);
        assert!((m.top_decile_lift - 2.0).abs() < 1e-12);
        assert!((m.auc - 1.0).abs() < 1e-12);
    }
}
