//! Churn prediction, validated on the CLV holdout.
//!
//! **Label**: a calibration customer (first purchase by the cutoff `asOf − holdoutDays`)
//! churned when they make no purchase in the holdout window (cutoff, asOf].
//!
//! **Protocol**:
//! 1. Features at the cutoff (`features`), from data up to the cutoff only; P(alive) from the
//!    chosen BTYD model refitted on the calibration period.
//! 2. Customers split by a hash of their id: `testShare` (30%) test, the rest train (at most
//!    `trainingSample` of them, the lowest hashes). Row order never matters.
//! 3. Scores on the test customers: (a) `1 − P(alive)`; (b) bagged decision trees
//!    (`forest`, linfa-trees) fitted on the train customers. For each: AUC with DeLong's 95%
//!    interval, calibration by decile, top-decile lift, Brier score; and DeLong's paired test
//!    of the difference.
//! 4. The model with the higher test AUC scores today's customers, trained the way it was
//!    validated: features at `asOf` (P(alive) from the full-period fit); the trees refitted
//!    with the same settings on all calibration customers (train and test). `churnRisk` is
//!    then the probability of no purchase in the next `windowDays` days.
//!
//! With too few churners or stayers in the test half the metrics are not claimed (warnings
//! `churn_small_holdout`, `churn_unvalidated`); the risk column then falls back to
//! `1 − P(alive)` (unvalidated) or, without a BTYD model, to the holdout's churn rate, and is
//! absent without a holdout.

pub mod features;
pub mod forest;
pub mod metrics;

use crate::clv::covariates::design::{self, CovariateInput, Design};
use crate::clv::model::ModelKind;
use crate::clv::prediction::palive::p_alive_of;
use crate::customers::CustomerTable;
use crate::report::Warning;
use crate::trees;
use metrics::ScoreMetrics;
use serde::{Deserialize, Serialize};

/// Fewer test churners (or stayers) than this: metrics shown with a warning.
pub const SMALL: usize = 50;
/// Fewer than this: no metric is claimed.
pub const TOO_SMALL: usize = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[cfg_attr(test, ts(optional_fields = nullable))]
pub struct ChurnOptions {
    /// Bagged trees (1–100).
    #[cfg_attr(test, ts(optional = nullable))]
    pub trees: u32,
    /// Depth of each tree (1–12).
    #[cfg_attr(test, ts(optional = nullable))]
    pub max_depth: u32,
    /// Share of calibration customers held out as the test set (0.1–0.5).
    #[cfg_attr(test, ts(optional = nullable))]
    pub test_share: f64,
    /// Most training customers (≥ 100).
    #[cfg_attr(test, ts(optional = nullable))]
    pub training_sample: u32,
    #[cfg_attr(test, ts(optional = nullable))]
    pub seed: u64,
}

impl Default for ChurnOptions {
    fn default() -> Self {
        ChurnOptions {
            trees: 10,
            max_depth: 6,
            test_share: 0.3,
            training_sample: 20_000,
            seed: 0,
        }
    }
}

impl ChurnOptions {
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=100).contains(&self.trees) {
            return Err(format!("churn.trees must be 1..100, got {}", self.trees));
        }
        if !(1..=12).contains(&self.max_depth) {
            return Err(format!(
                "churn.maxDepth must be 1..12, got {}",
                self.max_depth
            ));
        }
        if !(0.1..=0.5).contains(&self.test_share) {
            return Err(format!(
                "churn.testShare must be within 0.1..0.5, got {}",
                self.test_share
            ));
        }
        if self.training_sample < 100 {
            return Err("churn.trainingSample must be at least 100".into());
        }
        Ok(())
    }
}

/// One compared model.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ChurnModel {
    /// `pAlive` (1 − P(alive) of the BTYD model) or `trees` (bagged decision trees).
    #[cfg_attr(test, ts(type = "'pAlive' | 'trees'"))]
    pub model: &'static str,
    /// Null when the test set cannot support a claim.
    pub metrics: Option<ScoreMetrics>,
}

/// AUC(trees) − AUC(pAlive) on the same test customers (DeLong's paired test).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    pub difference: f64,
    pub low: f64,
    pub high: f64,
    pub p_value: f64,
}

/// `churn`.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ChurnReport {
    /// Holdout window (days): churnRisk is the probability of no purchase in as many days.
    pub window_days: Option<u32>,
    /// The cutoff date (features and label split there).
    pub cutoff: Option<String>,
    pub customers: usize,
    pub churners: usize,
    pub churn_rate: Option<f64>,
    pub train: usize,
    pub test: usize,
    pub test_churners: usize,
    pub features: Vec<String>,
    pub models: Vec<ChurnModel>,
    pub comparison: Option<Comparison>,
    /// The model behind `churnRisk`: `pAlive`, `trees`; null when unvalidated.
    #[cfg_attr(test, ts(type = "'pAlive' | 'trees' | null"))]
    pub chosen: Option<&'static str>,
    pub reason: String,
    /// What `churnRisk` is: `trees`, `pAlive` (validated), `pAliveUnvalidated`,
    /// `holdoutRate` (every customer gets the holdout's churn rate) or null (no column).
    #[cfg_attr(
        test,
        ts(type = "'trees' | 'pAlive' | 'pAliveUnvalidated' | 'holdoutRate' | null")
    )]
    pub risk_basis: Option<&'static str>,
    pub mean_risk: Option<f64>,
    /// Customers with churnRisk ≥ 0.5.
    pub high_risk: usize,
    pub settings: ChurnOptions,
}

/// `churnRisk` per customer of the table as of `asOf` (empty: no column).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChurnColumns {
    pub risk: Vec<f64>,
}

/// The holdout split the CLV validation used.
pub struct Holdout<'a> {
    pub cutoff: i32,
    pub days: i32,
    pub cal: &'a CustomerTable,
    /// Full-table row of each calibration customer.
    pub rows: &'a [u32],
    /// Repeat purchase days in the holdout, per calibration customer.
    pub actual: &'a [f64],
}

pub struct ChurnInput<'a> {
    /// Customers as of `asOf`.
    pub customers: &'a CustomerTable,
    pub holdout: Option<Holdout<'a>>,
    /// The chosen BTYD model (full period) and its calibration refit.
    pub model: Option<(ModelKind, &'a [f64])>,
    pub calibration_model: Option<(ModelKind, &'a [f64])>,
    /// P(alive) at `asOf` of the chosen model (None without one).
    pub p_alive: Option<&'a [f64]>,
}

/// FNV-1a of a customer id: the split and the tie order, the same on every platform.
pub fn id_hash(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in id.as_bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Rows by ascending `hash`, equal hashes by row (a stable radix sort): the order
/// `sort::by_key_then_index` gives, in a few linear passes.
pub fn hash_order(hash: &[u64]) -> Vec<usize> {
    let pairs = hash.iter().copied().zip(0u32..).collect();
    crate::radix::sort_pairs(pairs)
        .into_iter()
        .map(|(_, c)| c as usize)
        .collect()
}

fn warn(w: &mut Vec<Warning>, code: &str, msg: String) {
    w.push(Warning::new(code, msg));
}

fn covariate_design(t: &CustomerTable) -> Option<Design> {
    let inputs: Vec<CovariateInput> = t
        .covariates
        .iter()
        .map(|c| CovariateInput {
            name: &c.name,
            kind: c.kind,
            levels: &c.levels,
            value: &c.value,
            differing: c.differing,
        })
        .collect();
    let d = design::build(&inputs, t.len(), &mut Vec::new());
    d.usable().then_some(d)
}

/// Runs the comparison and scores today's customers. Never panics; no NaN in the report.
pub fn run(input: &ChurnInput, opts: &ChurnOptions) -> (ChurnReport, ChurnColumns, Vec<Warning>) {
    let mut w = Vec::new();
    let opts = match opts.validate() {
        Ok(()) => opts.clone(),
        Err(e) => {
            warn(
                &mut w,
                "churn_invalid_options",
                format!("{e}; using defaults"),
            );
            ChurnOptions::default()
        }
    };
    let mut rep = ChurnReport {
        settings: opts.clone(),
        ..Default::default()
    };
    let Some(h) = &input.holdout else {
        warn(
            &mut w,
            "churn_no_holdout",
            "no holdout period (less than 8 weeks of data, summary input, or clv.holdoutDays = 0): churn is not modelled".into(),
        );
        return (rep, ChurnColumns::default(), w);
    };
    let full = input.customers;
    let cal = h.cal;
    let n = cal.len();
    let design = covariate_design(full);
    let pa_cal: Option<Vec<f64>> = input
        .calibration_model
        .map(|(k, p)| p_alive_of(k, p, &cal.frequency, &cal.recency, &cal.t));
    let ones = vec![1.0; n];
    let feat = features::build(
        cal,
        pa_cal.as_deref().unwrap_or(&ones),
        design.as_ref(),
        |c| h.rows[c] as usize,
    );
    let churned: Vec<bool> = (0..n).map(|c| h.actual[c] == 0.0).collect();
    let hash: Vec<u64> = (0..n).map(|c| id_hash(&cal.ids[c])).collect();
    let cut = (opts.test_share * 1000.0).round() as u64;
    // Hash order: sums (AUC, Brier) then add up in the same order whatever the file's.
    let by_hash = hash_order(&hash);
    let sample_size = opts.training_sample as usize;
    let train: Vec<usize> = by_hash
        .iter()
        .copied()
        .filter(|&c| hash[c] % 1000 >= cut)
        .take(sample_size)
        .collect();
    let test: Vec<usize> = by_hash
        .iter()
        .copied()
        .filter(|&c| hash[c] % 1000 < cut)
        .collect();
    rep.window_days = Some(h.days as u32);
    rep.cutoff = Some(crate::dates::format_day(h.cutoff));
    rep.customers = n;
    rep.churners = churned.iter().filter(|&&c| c).count();
    rep.churn_rate = (n > 0).then(|| rep.churners as f64 / n as f64);
    rep.train = train.len();
    rep.test = test.len();
    rep.test_churners = test.iter().filter(|&&c| churned[c]).count();
    rep.features = feat.names.clone();
    let stayers = rep.test - rep.test_churners;
    let claimable = rep.test_churners.min(stayers) >= TOO_SMALL;
    if !claimable {
        warn(
            &mut w,
            "churn_unvalidated",
            format!(
                "the test customers hold {} churners and {} who bought again (need {TOO_SMALL} of each): no churn model is validated",
                rep.test_churners, stayers
            ),
        );
    } else if rep.test_churners.min(stayers) < SMALL {
        warn(
            &mut w,
            "churn_small_holdout",
            format!(
                "the test customers hold {} churners and {} who bought again: the metrics' intervals are wide",
                rep.test_churners, stayers
            ),
        );
    }
    let label: Vec<bool> = test.iter().map(|&c| churned[c]).collect();
    let tie: Vec<u64> = test.iter().map(|&c| hash[c]).collect();
    let score_palive: Option<Vec<f64>> = pa_cal
        .as_ref()
        .map(|pa| test.iter().map(|&c| 1.0 - pa[c]).collect());
    let depth = opts.max_depth as usize;
    let trees_n = opts.trees as usize;
    // The refit's customers: the training sample's rule applied to all calibration customers.
    let all = &by_hash[..sample_size.min(n)];
    // Both forests' customers, sorted once by each feature (in the hash order both lists
    // follow, so each list is an ascending run of sample rows).
    let mut in_both = vec![false; n];
    for &c in train.iter().chain(all) {
        in_both[c] = true;
    }
    let both: Vec<usize> = by_hash.iter().copied().filter(|&c| in_both[c]).collect();
    let mut place = vec![0u32; n];
    for (i, &c) in both.iter().enumerate() {
        place[c] = i as u32;
    }
    let churned_in_sample: Vec<bool> = both.iter().map(|&c| churned[c]).collect();
    let sample = trees::Presorted::new(&feat.x, feat.width(), both);
    let forest_of = |list: &[usize]| {
        let sample = sample.as_ref()?;
        let rows: Vec<u32> = list.iter().map(|&c| place[c]).collect();
        forest::fit(sample, &rows, &churned_in_sample, trees_n, depth, opts.seed)
    };
    let forest = forest_of(&train);
    let score_trees: Option<Vec<f64>> = forest
        .as_ref()
        .map(|f| test.iter().map(|&c| f.predict(feat.row(c))).collect());
    let measure = |s: &Option<Vec<f64>>| {
        s.as_ref()
            .filter(|_| claimable)
            .and_then(|s| metrics::metrics(s, &label, &tie))
    };
    let (m_pa, m_tr) = (measure(&score_palive), measure(&score_trees));
    if pa_cal.is_some() {
        rep.models.push(ChurnModel {
            model: "pAlive",
            metrics: m_pa.clone(),
        });
    }
    rep.models.push(ChurnModel {
        model: "trees",
        metrics: m_tr.clone(),
    });
    if let (Some(a), Some(b), true) = (&score_palive, &score_trees, claimable) {
        rep.comparison = metrics::compare(a, b, &label).map(|(d, se, p)| Comparison {
            difference: d,
            low: d - 1.959963984540054 * se,
            high: d + 1.959963984540054 * se,
            p_value: p,
        });
    }
    rep.chosen = match (&m_pa, &m_tr) {
        (Some(a), Some(b)) if a.auc >= b.auc => Some("pAlive"),
        (_, Some(_)) => Some("trees"),
        (Some(_), None) => Some("pAlive"),
        _ => None,
    };
    rep.reason = match (&m_pa, &m_tr, rep.chosen) {
        (Some(a), Some(b), Some(c)) => {
            let sig = rep.comparison.as_ref().map_or(String::new(), |d| {
                format!(", difference p = {:.3}", d.p_value)
            });
            format!(
                "{c}: higher test AUC ({:.3} vs {:.3}{sig})",
                a.auc.max(b.auc),
                a.auc.min(b.auc)
            )
        }
        (_, _, Some(c)) => format!("{c}: the only model the test set could evaluate"),
        _ => "no model validated on the holdout".into(),
    };
    // Score today's customers the way the chosen model was validated.
    let now = input.customers;
    let risk: Vec<f64> = match (rep.chosen, input.p_alive) {
        (Some("trees"), _) => {
            let pa_now: Vec<f64> = input.p_alive.map_or(vec![1.0; now.len()], |p| p.to_vec());
            let f_now = features::build(now, &pa_now, design.as_ref(), |c| c);
            match forest_of(all) {
                Some(fr) => {
                    rep.risk_basis = Some("trees");
                    (0..now.len()).map(|c| fr.predict(f_now.row(c))).collect()
                }
                None => Vec::new(),
            }
        }
        (Some(_), Some(pa)) => {
            rep.risk_basis = Some("pAlive");
            pa.iter().map(|p| 1.0 - p).collect()
        }
        (None, Some(pa)) if input.model.is_some() => {
            rep.risk_basis = Some("pAliveUnvalidated");
            pa.iter().map(|p| 1.0 - p).collect()
        }
        _ => match rep.churn_rate {
            Some(r) => {
                rep.risk_basis = Some("holdoutRate");
                vec![r; now.len()]
            }
            None => Vec::new(),
        },
    };
    let risk: Vec<f64> = risk
        .into_iter()
        .map(|v| {
            if v.is_finite() {
                v.clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect();
    if !risk.is_empty() {
        let now_hash: Vec<u64> = (0..now.len()).map(|c| id_hash(&now.ids[c])).collect();
        let order = hash_order(&now_hash);
        rep.mean_risk = Some(order.iter().map(|&c| risk[c]).sum::<f64>() / risk.len() as f64);
        rep.high_risk = risk.iter().filter(|&&r| r >= 0.5).count();
    }
    (rep, ChurnColumns { risk }, w)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The radix order is the comparison sort it replaced, equal hashes included.
    #[test]
    fn hash_order_is_the_key_then_index_sort() {
        let hash: Vec<u64> = (0..5000u64)
            .map(|i| match i % 3 {
                0 => id_hash(&format!("C{i}")),
                1 => i % 17,
                _ => u64::MAX - i % 5,
            })
            .collect();
        let mut want: Vec<usize> = (0..hash.len()).collect();
        crate::sort::by_key_then_index(&mut want, &hash);
        assert_eq!(hash_order(&hash), want);
    }
}
