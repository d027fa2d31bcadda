//! The design: customer covariates → columns of z, and the distinct z patterns.
//!
//! * Categorical: one-hot with a reference level (the level with most customers; ties by
//!   text). The 11 largest levels with at least [`MIN_LEVEL`] customers keep their own
//!   column; the rest are pooled into one `other` level. A blank value is a level of its own
//!   (`""`).
//! * Numeric: standardised (population mean and standard deviation of the customers with a
//!   value); a missing or unreadable value counts as the mean (z = 0), counted in `missing`.
//!   Without `:numeric`/`:categorical`, a column is numeric when every value reads as a
//!   number and it has more than [`MAX_AUTO_LEVELS`] distinct values.
//! * A column that does not vary (one level, zero spread) is dropped with a warning, so a
//!   constant covariate gives the model without covariates exactly.
//!
//! Customers sharing a z vector form a pattern; the likelihood is evaluated per pattern.

use crate::ingest::{CovariateKind, COVARIATE_BLANK};
use crate::report::Warning;
use serde::Serialize;

/// Levels with fewer customers are pooled into `other`.
pub const MIN_LEVEL: usize = 20;
/// Most levels with a column of their own (the reference has none).
pub const MAX_LEVELS: usize = 12;
/// Numeric only with more distinct values than this (unless forced): a code like a store
/// number 1–5 is a category.
pub const MAX_AUTO_LEVELS: usize = 12;
/// Most distinct z patterns: each is its own likelihood pass.
pub const MAX_PATTERNS: usize = 20_000;

/// One covariate of the customer table.
#[derive(Debug, Clone, Copy)]
pub struct CovariateInput<'a> {
    pub name: &'a str,
    pub kind: Option<CovariateKind>,
    pub levels: &'a [String],
    pub value: &'a [u32],
    pub differing: usize,
}

/// A level of a categorical covariate in the Report.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Level {
    /// The value (`""` for blank); for the pooled level, `other`.
    pub value: String,
    pub customers: usize,
    /// The pooled level of small levels (`value` is then `other`).
    pub pooled: bool,
    pub reference: bool,
}

/// How one covariate entered the model.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CovariateSummary {
    pub name: String,
    pub kind: CovariateKind,
    /// Categorical: the levels, reference first; empty for numeric.
    pub levels: Vec<Level>,
    /// Numeric: mean and standard deviation used to standardise.
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    /// Customers without a (readable) value.
    pub missing: usize,
    /// Customers whose rows held different values (the first purchase day's was used).
    pub differing: usize,
    /// Dropped because it does not vary.
    pub dropped: bool,
}

/// A column of z.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub covariate: String,
    /// The level this indicator is for; None for a numeric column.
    pub level: Option<String>,
    pub pooled: bool,
}

/// The design matrix, as patterns.
#[derive(Debug, Clone, Default)]
pub struct Design {
    pub columns: Vec<Column>,
    pub summaries: Vec<CovariateSummary>,
    /// Distinct z vectors, sorted.
    pub patterns: Vec<Vec<f64>>,
    /// Per customer: index into `patterns`.
    pub pattern_of: Vec<u32>,
}

fn number(s: &str) -> Option<f64> {
    let t = s.trim();
    t.parse::<f64>()
        .ok()
        .or_else(|| t.replacen(',', ".", 1).parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

/// Per customer, the covariate's contribution to z (its columns), plus the summary.
fn encode(c: &CovariateInput, n: usize) -> (CovariateSummary, Vec<Column>, Vec<Vec<f64>>) {
    let at = |i: usize| c.value.get(i).copied().unwrap_or(COVARIATE_BLANK);
    let parsed: Vec<Option<f64>> = c.levels.iter().map(|l| number(l)).collect();
    let kind = c.kind.unwrap_or(
        if parsed.iter().all(Option::is_some) && c.levels.len() > MAX_AUTO_LEVELS {
            CovariateKind::Numeric
        } else {
            CovariateKind::Categorical
        },
    );
    let mut summary = CovariateSummary {
        name: c.name.to_string(),
        kind,
        levels: Vec::new(),
        mean: None,
        sd: None,
        missing: 0,
        differing: c.differing,
        dropped: false,
    };
    if kind == CovariateKind::Numeric {
        let vals: Vec<Option<f64>> = (0..n)
            .map(|i| {
                let v = at(i);
                (v != COVARIATE_BLANK)
                    .then(|| parsed.get(v as usize).copied().flatten())
                    .flatten()
            })
            .collect();
        let have: Vec<f64> = vals.iter().flatten().copied().collect();
        summary.missing = n - have.len();
        let k = have.len().max(1) as f64;
        let mean = have.iter().sum::<f64>() / k;
        let sd = (have.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / k).sqrt();
        summary.mean = Some(mean);
        summary.sd = Some(sd);
        if !(sd > 0.0 && sd.is_finite()) {
            summary.dropped = true;
            return (summary, Vec::new(), Vec::new());
        }
        let z = vals
            .iter()
            .map(|v| vec![v.map_or(0.0, |v| (v - mean) / sd)])
            .collect();
        let col = Column {
            covariate: c.name.to_string(),
            level: None,
            pooled: false,
        };
        return (summary, vec![col], z);
    }
    // Categorical: customers per level (blank last), largest first, ties by text.
    let blank = c.levels.len();
    let mut counts = vec![0usize; blank + 1];
    for i in 0..n {
        let v = at(i);
        counts[if v == COVARIATE_BLANK {
            blank
        } else {
            (v as usize).min(blank)
        }] += 1;
    }
    let name_of = |l: usize| c.levels.get(l).cloned().unwrap_or_default();
    let mut order: Vec<usize> = (0..=blank).filter(|&l| counts[l] > 0).collect();
    crate::sort::indices_by(&mut order, |a, b| {
        counts[b].cmp(&counts[a]).then(name_of(a).cmp(&name_of(b)))
    });
    // Slot per level: 0 = reference, 1.. own columns, `pooled` = other.
    let own = order
        .iter()
        .enumerate()
        .take_while(|(i, &l)| *i < MAX_LEVELS && (*i == 0 || counts[l] >= MIN_LEVEL))
        .count();
    let pooled_slot = own;
    let mut slot = vec![usize::MAX; blank + 1];
    for (i, &l) in order.iter().enumerate() {
        slot[l] = if i < own { i } else { pooled_slot };
    }
    let pooled_count: usize = order[own..].iter().map(|&l| counts[l]).sum();
    for (i, &l) in order.iter().take(own).enumerate() {
        summary.levels.push(Level {
            value: name_of(l),
            customers: counts[l],
            pooled: false,
            reference: i == 0,
        });
    }
    if pooled_count > 0 {
        summary.levels.push(Level {
            value: "other".into(),
            customers: pooled_count,
            pooled: true,
            reference: false,
        });
    }
    let width = summary.levels.len().saturating_sub(1);
    if width == 0 {
        summary.dropped = true;
        return (summary, Vec::new(), Vec::new());
    }
    let columns = summary.levels[1..]
        .iter()
        .map(|l| Column {
            covariate: c.name.to_string(),
            level: Some(l.value.clone()),
            pooled: l.pooled,
        })
        .collect();
    let z = (0..n)
        .map(|i| {
            let v = at(i);
            let l = if v == COVARIATE_BLANK {
                blank
            } else {
                (v as usize).min(blank)
            };
            let mut row = vec![0.0; width];
            if slot[l] > 0 {
                row[slot[l] - 1] = 1.0;
            }
            row
        })
        .collect();
    (summary, columns, z)
}

impl Design {
    /// Whether there is anything to fit: some column varies, within [`MAX_PATTERNS`].
    pub fn usable(&self) -> bool {
        !self.columns.is_empty()
    }
}

/// Builds the design for `n` customers. Without a usable column (nothing varies, or too
/// many patterns: a warning says which) it has no columns and no patterns.
pub fn build(inputs: &[CovariateInput], n: usize, w: &mut Vec<Warning>) -> Design {
    let mut d = Design::default();
    let mut z: Vec<Vec<f64>> = vec![Vec::new(); n];
    for c in inputs {
        let (summary, columns, zc) = encode(c, n);
        if summary.dropped {
            w.push(Warning::new(
                "clv_covariate_constant",
                format!(
                    "covariate {:?} has the same value for every customer: left out of the model",
                    c.name
                ),
            ));
        }
        if summary.kind == CovariateKind::Numeric && summary.missing > 0 && !summary.dropped {
            w.push(Warning::new(
                "clv_covariate_missing_values",
                format!(
                    "covariate {:?}: {} customers have no readable number; they count as the mean",
                    c.name, summary.missing
                ),
            ));
        }
        if c.differing > 0 {
            w.push(Warning::new(
                "covariate_values_differ",
                format!(
                    "covariate {:?}: {} customers have more than one value; each customer's is the one on their first purchase day (the smallest on ties)",
                    c.name, c.differing
                ),
            ));
        }
        for (row, part) in z.iter_mut().zip(zc) {
            row.extend(part);
        }
        d.columns.extend(columns);
        d.summaries.push(summary);
    }
    if d.columns.is_empty() {
        return d;
    }
    // Patterns: customers sorted by their z bits (values are finite, so a total order).
    let keys: Vec<Vec<i64>> = z
        .iter()
        .map(|r| r.iter().map(|v| v.total_cmp_key()).collect())
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    crate::sort::indices_by(&mut order, |a, b| keys[a].cmp(&keys[b]));
    d.pattern_of = vec![0; n];
    let mut last: Option<&Vec<i64>> = None;
    for &i in &order {
        if last != Some(&keys[i]) {
            d.patterns.push(z[i].clone());
            last = Some(&keys[i]);
        }
        d.pattern_of[i] = (d.patterns.len() - 1) as u32;
    }
    if d.patterns.len() > MAX_PATTERNS {
        w.push(Warning::new(
            "clv_covariates_too_many_patterns",
            format!(
                "the covariates take {} distinct combinations (at most {MAX_PATTERNS}): covariate models not fitted; bin a numeric column or use fewer covariates",
                d.patterns.len()
            ),
        ));
        d.columns.clear();
        d.patterns.clear();
        d.pattern_of.clear();
    }
    d
}

/// An order-preserving integer key of a finite float (for sorting z vectors).
trait TotalKey {
    fn total_cmp_key(&self) -> i64;
}

impl TotalKey for f64 {
    fn total_cmp_key(&self) -> i64 {
        let b = self.to_bits() as i64;
        b ^ (((b >> 63) as u64) >> 1) as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_is_the_largest_level_and_small_levels_pool() {
        let levels: Vec<String> = ["app", "store", "tiny", "web"].map(String::from).into();
        // web 50, app 30, store 20, tiny 3, blank 2
        let mut value = vec![3u32; 50];
        value.extend([0u32; 30]);
        value.extend([1u32; 20]);
        value.extend([2u32; 3]);
        value.extend([COVARIATE_BLANK; 2]);
        let c = CovariateInput {
            name: "channel",
            kind: None,
            levels: &levels,
            value: &value,
            differing: 0,
        };
        let mut w = Vec::new();
        let d = build(&[c], value.len(), &mut w);
        let s = &d.summaries[0];
        assert_eq!(s.kind, CovariateKind::Categorical);
        let names: Vec<&str> = s.levels.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(names, ["web", "app", "store", "other"]);
        assert_eq!(s.levels[3].customers, 5);
        assert_eq!(d.columns.len(), 3);
        assert_eq!(d.patterns.len(), 4);
        assert_eq!(d.patterns[d.pattern_of[0] as usize], vec![0.0, 0.0, 0.0]);
        assert_eq!(d.patterns[d.pattern_of[50] as usize], vec![1.0, 0.0, 0.0]);
        assert_eq!(d.patterns[d.pattern_of[104] as usize], vec![0.0, 0.0, 1.0]);
    }

    #[test]
    fn numbers_standardise_and_constants_drop() {
        let levels: Vec<String> = (0..20).map(|v| v.to_string()).collect();
        let value: Vec<u32> = (0..40).map(|i| i % 20).collect();
        let c = CovariateInput {
            name: "age",
            kind: None,
            levels: &levels,
            value: &value,
            differing: 0,
        };
        let mut w = Vec::new();
        let d = build(&[c], 40, &mut w);
        assert_eq!(d.summaries[0].kind, CovariateKind::Numeric);
        let zs: Vec<f64> = (0..40)
            .map(|i| d.patterns[d.pattern_of[i] as usize][0])
            .collect();
        let mean = zs.iter().sum::<f64>() / 40.0;
        let var = zs.iter().map(|z| z * z).sum::<f64>() / 40.0;
        assert!(mean.abs() < 1e-12 && (var - 1.0).abs() < 1e-12);
        let one = vec!["x".to_string()];
        let c = CovariateInput {
            name: "k",
            kind: None,
            levels: &one,
            value: &[0, 0, 0],
            differing: 0,
        };
        assert!(!build(&[c], 3, &mut w).usable());
        assert!(w.iter().any(|w| w.code == "clv_covariate_constant"));
    }
}
