//! Readable rules that explain each k-means cluster, each lifecycle stage and the churn risk:
//! "recency > 120 days and transactions ≤ 2 → Lost: 94% of 12,340 customers".
//!
//! Per class, a one-vs-rest decision tree of depth ≤ 3 (linfa-trees, via `trees`) on
//! recency, transactions, spend, tenure and average spend, with class weights that balance
//! the class against the rest. The leaves the tree assigns to the class are its rules. Each
//! rule is then counted on **all** customers: `customers` it covers, `purity` (the share of
//! them in the class) and `recall` (the share of the class it covers).
//!
//! Trees are fitted on at most [`SAMPLE`] customers, those with the lowest hash of their id,
//! in hash order: the rules do not depend on row order. Thresholds sit between two observed
//! values; for whole-number features (days, transactions) they are written as the whole
//! number below, which selects the same customers (`x ≤ 120.5` ⟺ `x ≤ 120`).

use crate::churn::{hash_order, id_hash};
use crate::customers::CustomerTable;
use crate::lifecycle::Stage;
use crate::trees::{self, Condition, Presorted, TreeParams};
use serde::Serialize;

/// Most customers a tree is fitted on.
pub const SAMPLE: usize = 20_000;
/// Tree depth (the rules have at most this many conditions).
pub const DEPTH: usize = 3;
/// Rules kept per class, largest first.
pub const MAX_RULES: usize = 3;

/// The features rules are written in, and whether they are whole numbers.
pub const FEATURES: [(&str, bool); 5] = [
    ("recencyDays", true),
    ("transactions", true),
    ("monetary", false),
    ("tenureDays", true),
    ("averageSpend", false),
];

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RuleCondition {
    pub feature: &'static str,
    /// `<=` or `>`.
    #[cfg_attr(test, ts(type = "'<=' | '>'"))]
    pub op: &'static str,
    pub threshold: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub conditions: Vec<RuleCondition>,
    /// Customers matching the conditions.
    pub customers: usize,
    /// Their share of all customers.
    pub coverage: f64,
    /// Share of the matching customers that are in the class.
    pub purity: f64,
    /// Share of the class the rule covers.
    pub recall: f64,
}

/// The rules of one class.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Explained {
    /// `cluster`, `stage` or `churn`.
    #[cfg_attr(test, ts(type = "'cluster' | 'stage' | 'churn'"))]
    pub kind: &'static str,
    /// Cluster id, stage key, or `likelyChurn` (churnRisk ≥ 0.5).
    pub class: String,
    /// Customers in the class.
    pub customers: usize,
    pub rules: Vec<Rule>,
}

/// `explain`.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExplainReport {
    pub features: Vec<&'static str>,
    pub depth: usize,
    /// Customers the trees were fitted on.
    pub sample: usize,
    pub classes: Vec<Explained>,
}

/// What to explain, per customer of `customers`.
pub struct Targets<'a> {
    pub clusters: &'a [u32],
    pub stages: &'a [Stage],
    /// Empty: no churn risk.
    pub churn_risk: &'a [f64],
}

fn feature_rows(t: &CustomerTable) -> Vec<f64> {
    let mut x = Vec::with_capacity(t.len() * FEATURES.len());
    for c in 0..t.len() {
        for v in [
            t.recency_days[c],
            t.transactions[c] as f64,
            t.revenue[c],
            t.tenure_days[c],
            t.average_spend[c],
        ] {
            x.push(if v.is_finite() { v } else { 0.0 });
        }
    }
    x
}

/// A path's conditions with one bound per feature and direction (the tightest), in feature
/// order, thresholds of whole-number features written as whole numbers.
fn simplify(path: &[Condition]) -> Vec<RuleCondition> {
    let mut out = Vec::new();
    for (f, &(name, whole)) in FEATURES.iter().enumerate() {
        for le in [false, true] {
            let bounds = path.iter().filter(|c| c.feature == f && c.le == le);
            let t = if le {
                bounds.map(|c| c.threshold).reduce(f64::min)
            } else {
                bounds.map(|c| c.threshold).reduce(f64::max)
            };
            if let Some(t) = t {
                out.push(RuleCondition {
                    feature: name,
                    op: if le { "<=" } else { ">" },
                    threshold: if whole { t.floor() } else { significant(t) },
                });
            }
        }
    }
    out
}

/// `t` to 12 significant digits: a spend threshold is the midpoint of two customers' totals,
/// and a total summed in file order (as pandas does) may differ in its last bit with the row
/// order; the rule counts route on the exact threshold, the Report shows it without that bit.
fn significant(t: f64) -> f64 {
    if t == 0.0 || !t.is_finite() {
        return t;
    }
    let scale = 10f64.powi(11 - t.abs().log10().floor() as i32);
    let r = (t * scale).round() / scale;
    if r.is_finite() {
        r
    } else {
        t
    }
}

/// The rules of the class `member` marks, from a tree fitted on the `sample` rows (presorted
/// once for every class).
fn explain_class(
    x: &[f64],
    sample: &Presorted,
    rows: &[usize],
    member: &[bool],
    kind: &'static str,
    class: String,
) -> Option<Explained> {
    let f = FEATURES.len();
    let n = member.len();
    let in_class = member.iter().filter(|&&m| m).count();
    let pos = rows.iter().filter(|&&c| member[c]).count();
    if in_class == 0 || pos == 0 || pos == rows.len() {
        return (in_class > 0).then(|| Explained {
            kind,
            class,
            customers: in_class,
            rules: Vec::new(),
        });
    }
    let m = rows.len() as f64;
    let (wp, wn) = (m / (2.0 * pos as f64), m / (2.0 * (m - pos as f64)));
    let y: Vec<usize> = rows.iter().map(|&c| usize::from(member[c])).collect();
    let w: Vec<f32> = y
        .iter()
        .map(|&c| if c == 1 { wp } else { wn } as f32)
        .collect();
    let params = TreeParams {
        max_depth: DEPTH,
        min_leaf: (m as f32 / 100.0).max(5.0),
    };
    let all: Vec<u32> = (0..rows.len() as u32).collect();
    let tree = trees::fit_sample(sample, &all, &y, &w, params)?.tree;
    let router = tree.router();
    let mut counts = vec![(0usize, 0usize); tree.leaves.len()];
    for c in 0..n {
        let l = router.leaf_of(&x[c * f..(c + 1) * f]);
        counts[l].0 += 1;
        counts[l].1 += usize::from(member[c]);
    }
    let rules: Vec<Rule> = tree
        .leaves
        .iter()
        .zip(&counts)
        .filter(|(leaf, &(k, _))| leaf.class == 1 && k > 0)
        .map(|(leaf, &(k, hit))| Rule {
            conditions: simplify(&leaf.path),
            customers: k,
            coverage: k as f64 / n as f64,
            purity: hit as f64 / k as f64,
            recall: hit as f64 / in_class as f64,
        })
        .collect();
    let mut rules = crate::sort::stable_by(rules, |a, b| {
        b.recall
            .total_cmp(&a.recall)
            .then(b.purity.total_cmp(&a.purity))
    });
    rules.truncate(MAX_RULES);
    Some(Explained {
        kind,
        class,
        customers: in_class,
        rules,
    })
}

/// Rules for every cluster, stage and the churn risk.
pub fn run(t: &CustomerTable, targets: &Targets) -> ExplainReport {
    let n = t.len();
    let x = feature_rows(t);
    let hash: Vec<u64> = (0..n).map(|c| id_hash(&t.ids[c])).collect();
    let mut sample = hash_order(&hash);
    sample.truncate(SAMPLE);
    let presorted = Presorted::new(&x, FEATURES.len(), sample.clone());
    let mut classes = Vec::new();
    let explain = |member: Vec<bool>, kind, class| {
        let presorted = presorted.as_ref()?;
        explain_class(&x, presorted, &sample, &member, kind, class)
    };
    if targets.clusters.len() == n {
        let k = targets.clusters.iter().copied().max().map_or(0, |m| m + 1);
        for id in 0..k {
            let member: Vec<bool> = targets.clusters.iter().map(|&c| c == id).collect();
            classes.extend(explain(member, "cluster", id.to_string()));
        }
    }
    if targets.stages.len() == n {
        for stage in crate::lifecycle::STAGES {
            let member: Vec<bool> = targets.stages.iter().map(|&s| s == stage).collect();
            classes.extend(explain(member, "stage", stage.key().into()));
        }
    }
    if targets.churn_risk.len() == n {
        let member: Vec<bool> = targets.churn_risk.iter().map(|&r| r >= 0.5).collect();
        classes.extend(explain(member, "churn", "likelyChurn".into()));
    }
    ExplainReport {
        features: FEATURES.iter().map(|f| f.0).collect(),
        depth: DEPTH,
        sample: sample.len(),
        classes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_number_thresholds_and_tightest_bounds() {
        let path = [
            Condition {
                feature: 0,
                le: false,
                threshold: 30.5,
            },
            Condition {
                feature: 1,
                le: true,
                threshold: 2.5,
            },
            Condition {
                feature: 0,
                le: false,
                threshold: 120.5,
            },
        ];
        let r = simplify(&path);
        assert_eq!(r.len(), 2);
        assert_eq!(
            (r[0].feature, r[0].op, r[0].threshold),
            ("recencyDays", ">", 120.0)
        );
        assert_eq!(
            (r[1].feature, r[1].op, r[1].threshold),
            ("transactions", "<=", 2.0)
        );
    }
}
