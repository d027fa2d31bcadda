//! RFM: recency, frequency and monetary scores, and the named segments they imply.
//!
//! R = days since the last purchase (reversed: most recent scores highest), F = transactions,
//! M = net spend. Scoring follows the usual pandas recipe (see [`quantile`]) so that results
//! can be checked against pandas to the customer.
pub mod quantile;
pub mod segments;
pub mod ties;

use serde::{Deserialize, Serialize};

use crate::customers::CustomerTable;
use crate::error::{Error, Result};
pub use quantile::{Scoring, Ties};
pub use segments::SegmentRule;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[cfg_attr(test, ts(optional_fields = nullable))]
pub struct RfmOptions {
    /// Number of score bins per variable (2–10); 5 gives quintiles.
    #[cfg_attr(test, ts(optional = nullable))]
    pub bins: u8,
    /// Replaces the default segment table (first matching rule wins, else "Others").
    pub rules: Option<Vec<SegmentRule>>,
    /// How ties are scored when value quantiles collapse: `shared` (default: tied values
    /// share a score, whatever the row order) or `first` (pandas' `rank(method="first")`).
    #[cfg_attr(test, ts(optional = nullable))]
    pub ties: Ties,
}

impl Default for RfmOptions {
    fn default() -> Self {
        RfmOptions {
            bins: 5,
            rules: None,
            ties: Ties::Shared,
        }
    }
}

impl RfmOptions {
    pub fn validate(&self) -> Result<()> {
        if !(2..=10).contains(&self.bins) {
            return Err(Error::option(format!(
                "rfm.bins must be 2..10, got {}",
                self.bins
            )));
        }
        for (i, rule) in self.rules.iter().flatten().enumerate() {
            for (score, [lo, hi]) in [("r", rule.r), ("f", rule.f), ("m", rule.m)] {
                if lo > hi || lo < 1 || hi > 5 {
                    return Err(Error::option(format!(
                        "rfm.rules[{i}] ({:?}): {score} range [{lo}, {hi}] is not within the 1–5 scale with low ≤ high",
                        rule.name
                    ))
                    .with_hint(
                        "give each rule's r, f and m as [low, high] with 1 ≤ low ≤ high ≤ 5 (scores of other bin counts are rescaled to 1–5), e.g. {\"name\": \"Champions\", \"r\": [4, 5], \"f\": [4, 5], \"m\": [4, 5]}",
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn rules(&self) -> Vec<SegmentRule> {
        self.rules.clone().unwrap_or_else(segments::default_rules)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SegmentSummary {
    pub name: String,
    pub customers: u64,
    pub share: f64,
    pub revenue: f64,
    pub revenue_share: f64,
    pub mean_recency: f64,
    pub mean_frequency: f64,
    pub mean_monetary: f64,
    pub mean_r: f64,
    pub mean_f: f64,
    pub mean_m: f64,
    /// Translation key of the suggested action, e.g. `rfm.action.champions`.
    pub action: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ScoringInfo {
    pub recency: Option<Scoring>,
    pub frequency: Option<Scoring>,
    pub monetary: Option<Scoring>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RfmReport {
    pub bins: u8,
    pub scoring: ScoringInfo,
    /// Every rule's segment in table order, then "Others"; empty segments included.
    pub segments: Vec<SegmentSummary>,
    /// Customers per (R, F) cell: `grid[r-1][f-1]`, for the R×F heatmap.
    pub grid: Vec<Vec<u64>>,
    /// Mean net spend per (R, F) cell.
    pub grid_monetary: Vec<Vec<f64>>,
    pub rules: Vec<SegmentRule>,
}

/// Per-customer RFM results, aligned with the customer table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RfmColumns {
    pub r: Vec<u8>,
    pub f: Vec<u8>,
    pub m: Vec<u8>,
    pub score: Vec<u16>,
    /// Index into `RfmReport::segments`.
    pub segment: Vec<u16>,
}

/// A customer's RFM cell as analysts write it, e.g. "R5 F4 M3" (two digits with 10 bins).
pub fn cell(r: u8, f: u8, m: u8) -> String {
    format!("R{r} F{f} M{m}")
}

// Parallel columns are indexed by customer; iterators over seven of them would hide that.
#[allow(clippy::needless_range_loop)]
pub fn run(t: &CustomerTable, opts: &RfmOptions) -> (RfmReport, RfmColumns) {
    let bins = opts.bins as usize;
    let rules = opts.rules();
    let tx: Vec<f64> = t.transactions.iter().map(|&v| v as f64).collect();
    let ties = opts.ties;
    let (r, rs) = quantile::score(&t.recency_days, bins, ties, false, true);
    let (f, fs) = quantile::score(&tx, bins, ties, true, false);
    let (m, ms) = quantile::score(&t.revenue, bins, ties, false, false);
    let n = t.len();
    let mut cols = RfmColumns {
        r,
        f,
        m,
        score: Vec::with_capacity(n),
        segment: Vec::with_capacity(n),
    };
    let n_seg = rules.len() + 1;
    let mut sums = vec![[0.0f64; 7]; n_seg];
    let mut grid = vec![vec![0u64; bins]; bins];
    let mut grid_m = vec![vec![0.0f64; bins]; bins];
    // The first matching rule of every (R, F, M) cell, looked up instead of searched per customer.
    let b = opts.bins;
    let cell = |r: u8, f: u8, m: u8| {
        (r as usize - 1) * bins * bins + (f as usize - 1) * bins + m as usize - 1
    };
    let mut segment_of_cell = vec![0u16; bins * bins * bins];
    for r in 1..=b {
        for f in 1..=b {
            for m in 1..=b {
                let five = |s| segments::to_five(s, b);
                segment_of_cell[cell(r, f, m)] =
                    segments::assign(&rules, five(r), five(f), five(m)) as u16;
            }
        }
    }
    for i in 0..n {
        let (ri, fi, mi) = (cols.r[i], cols.f[i], cols.m[i]);
        cols.score
            .push(100 * ri as u16 + 10 * fi as u16 + mi as u16);
        let s = segment_of_cell[cell(ri, fi, mi)];
        cols.segment.push(s);
        let acc = &mut sums[s as usize];
        acc[0] += 1.0;
        acc[1] += t.revenue[i];
        acc[2] += t.recency_days[i];
        acc[3] += tx[i];
        acc[4] += ri as f64;
        acc[5] += fi as f64;
        acc[6] += mi as f64;
        grid[ri as usize - 1][fi as usize - 1] += 1;
        grid_m[ri as usize - 1][fi as usize - 1] += t.revenue[i];
    }
    for (row, counts) in grid_m.iter_mut().zip(&grid) {
        for (v, c) in row.iter_mut().zip(counts) {
            *v = if *c > 0 { *v / *c as f64 } else { 0.0 };
        }
    }
    let total_rev: f64 = t.revenue.iter().sum();
    let names = rules
        .iter()
        .map(|r| r.name.clone())
        .chain(std::iter::once(segments::OTHERS.to_string()));
    let segments = names
        .zip(&sums)
        .map(|(name, s)| {
            let c = s[0];
            let mean = |v: f64| if c > 0.0 { v / c } else { 0.0 };
            SegmentSummary {
                action: segments::action_key(&name),
                name,
                customers: c as u64,
                share: if n > 0 { c / n as f64 } else { 0.0 },
                revenue: s[1],
                revenue_share: if total_rev != 0.0 {
                    s[1] / total_rev
                } else {
                    0.0
                },
                mean_recency: mean(s[2]),
                mean_frequency: mean(s[3]),
                mean_monetary: mean(s[1]),
                mean_r: mean(s[4]),
                mean_f: mean(s[5]),
                mean_m: mean(s[6]),
            }
        })
        .collect();
    let scoring = if n > 0 {
        ScoringInfo {
            recency: Some(rs),
            frequency: Some(fs),
            monetary: Some(ms),
        }
    } else {
        ScoringInfo::default()
    };
    let report = RfmReport {
        bins: opts.bins,
        scoring,
        segments,
        grid,
        grid_monetary: grid_m,
        rules,
    };
    (report, cols)
}
