//! Lifecycle stages — where each customer stands — and how customers moved between two dates.
//!
//! Stages, first match wins: Lost (silent longer than the churn window) → New (first purchase
//! within the new window) → At Risk (silent longer than `atRiskFactor` × their usual gap, or
//! P(alive) under the threshold when a BTYD model gives it) → Loyal (enough transactions and
//! tenure) → Active. Prospects are ids from an optional customer list with no purchase yet.
pub mod thresholds;

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use crate::customers::CustomerTable;
use crate::error::{Error, Result};
pub use thresholds::Thresholds;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[cfg_attr(test, ts(optional_fields = nullable))]
pub struct LifecycleOptions {
    pub new_window_days: Option<u32>,
    pub churn_window_days: Option<u32>,
    #[cfg_attr(test, ts(optional = nullable))]
    pub at_risk_factor: f64,
    pub loyal_min_transactions: Option<u32>,
    pub loyal_min_tenure_days: Option<u32>,
    #[cfg_attr(test, ts(optional = nullable))]
    pub p_alive_threshold: f64,
    /// Days before `asOf` of the earlier snapshot for stage transitions.
    #[cfg_attr(test, ts(optional = nullable))]
    pub compare_days: u32,
    /// Known customer ids (e.g. sign-ups); those without purchases are Prospects.
    #[cfg_attr(test, ts(optional = nullable))]
    pub prospects: Vec<String>,
}

impl Default for LifecycleOptions {
    fn default() -> Self {
        LifecycleOptions {
            new_window_days: None,
            churn_window_days: None,
            at_risk_factor: 1.5,
            loyal_min_transactions: None,
            loyal_min_tenure_days: None,
            p_alive_threshold: 0.3,
            compare_days: 90,
            prospects: Vec::new(),
        }
    }
}

impl LifecycleOptions {
    pub fn validate(&self) -> Result<()> {
        if !(self.at_risk_factor.is_finite() && self.at_risk_factor >= 1.0) {
            return Err(Error::option("lifecycle.atRiskFactor must be a number ≥ 1"));
        }
        if !(0.0..=1.0).contains(&self.p_alive_threshold) {
            return Err(Error::option(
                "lifecycle.pAliveThreshold must be within 0..1",
            ));
        }
        // Bounded so that `asOf − compareDays` stays a plain date (no integer overflow).
        if !(1..=36_500).contains(&self.compare_days) {
            return Err(Error::option(
                "lifecycle.compareDays must be within 1..36500",
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    Prospect,
    New,
    Active,
    Loyal,
    AtRisk,
    Lost,
}

pub const STAGES: [Stage; 6] = [
    Stage::Prospect,
    Stage::New,
    Stage::Active,
    Stage::Loyal,
    Stage::AtRisk,
    Stage::Lost,
];

impl Stage {
    pub fn key(self) -> &'static str {
        match self {
            Stage::Prospect => "prospect",
            Stage::New => "new",
            Stage::Active => "active",
            Stage::Loyal => "loyal",
            Stage::AtRisk => "atRisk",
            Stage::Lost => "lost",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StageCount {
    pub stage: Stage,
    pub customers: u64,
    pub revenue: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    /// `none` for customers not yet acquired at the earlier date.
    pub from: String,
    pub to: Stage,
    pub customers: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LifecycleReport {
    pub stages: Vec<StageCount>,
    pub thresholds: Option<Thresholds>,
    /// Earlier snapshot date of the transitions (`asOf` − `compareDays`).
    pub compared_to: Option<String>,
    pub transitions: Vec<Transition>,
    /// Whether At Risk also used the BTYD P(alive).
    pub uses_p_alive: bool,
}

/// Stage of each customer of `t`.
pub fn assign(t: &CustomerTable, th: &Thresholds, p_alive: Option<&[f64]>) -> Vec<Stage> {
    (0..t.len())
        .map(|i| {
            let recency = t.recency_days[i];
            if recency > th.churn_window_days as f64 {
                return Stage::Lost;
            }
            if t.tenure_days[i] <= th.new_window_days as f64 {
                return Stage::New;
            }
            let usual = thresholds::usual_gap(t, i)
                .unwrap_or(th.typical_gap_days)
                .max(1.0);
            let slipping = recency > th.at_risk_factor * usual;
            let unlikely_alive = p_alive
                .and_then(|p| p.get(i))
                .is_some_and(|p| *p < th.p_alive_threshold);
            if slipping || unlikely_alive {
                return Stage::AtRisk;
            }
            if t.transactions[i] >= th.loyal_min_transactions
                && t.tenure_days[i] >= th.loyal_min_tenure_days as f64
            {
                return Stage::Loyal;
            }
            Stage::Active
        })
        .collect()
}

/// Stage counts (prospects from the option list), plus transitions from an earlier snapshot:
/// `earlier = (row in t of each earlier customer, their stages then, the date)`.
pub fn report(
    t: &CustomerTable,
    stages: &[Stage],
    th: Thresholds,
    prospects: &[String],
    earlier: Option<(Vec<u32>, Vec<Stage>, String)>,
    uses_p_alive: bool,
) -> LifecycleReport {
    let mut counts = [0u64; 6];
    let mut revenue = [0.0f64; 6];
    for (i, s) in stages.iter().enumerate() {
        counts[*s as usize] += 1;
        revenue[*s as usize] += t.revenue[i];
    }
    if !prospects.is_empty() {
        let buyers: HashSet<&str> = t.ids.iter().collect();
        let unique: HashSet<&str> = prospects.iter().map(String::as_str).collect();
        counts[Stage::Prospect as usize] =
            unique.iter().filter(|p| !buyers.contains(*p)).count() as u64;
    }
    let stage_counts = STAGES
        .iter()
        .map(|s| StageCount {
            stage: *s,
            customers: counts[*s as usize],
            revenue: revenue[*s as usize],
        })
        .collect();
    let mut transitions = Vec::new();
    let mut compared_to = None;
    if let Some((rows, before_stages, date)) = earlier {
        let mut from: Vec<Option<Stage>> = vec![None; t.len()];
        for (row, s) in rows.iter().zip(&before_stages) {
            if let Some(slot) = from.get_mut(*row as usize) {
                *slot = Some(*s);
            }
        }
        let mut m = std::collections::BTreeMap::<(&str, Stage), u64>::new();
        for (f, to) in from.iter().zip(stages) {
            *m.entry((f.map_or("none", Stage::key), *to)).or_insert(0) += 1;
        }
        transitions = m
            .into_iter()
            .map(|((from, to), customers)| Transition {
                from: from.to_string(),
                to,
                customers,
            })
            .collect();
        compared_to = Some(date);
    }
    LifecycleReport {
        stages: stage_counts,
        thresholds: Some(th),
        compared_to,
        transitions,
        uses_p_alive,
    }
}
