//! Dates far outside the bulk of the data: a mistyped year (2032 in a 2023–2024 file) must not
//! move the default analysis date eight years ahead and make every customer "lost".
//!
//! The rule, on the used rows' dates (so it is the same in any row order): sort them, set
//! aside the `t = max(1, ⌊n/100⌋)` earliest and latest; the rest is the bulk, `[lo, hi]`. A
//! date more than `max(365 days, hi − lo)` before `lo` or after `hi` is an outlier: further
//! from the bulk than the bulk is long, and at least a year. Files of fewer than
//! [`MIN_ROWS`] rows are not judged. Outlier rows are skipped as `outlierDate` (with
//! examples and a warning), so they set neither the default `asOf` nor the first purchase;
//! `ingest.outlierDates: "keep"` uses them as ordinary rows (still warned about).
use serde::{Deserialize, Serialize};

use crate::dates::format_day;

/// Rows below which the bulk is too small to judge a date by.
pub const MIN_ROWS: usize = 20;
/// The least distance from the bulk that makes a date an outlier.
const MIN_MARGIN_DAYS: i32 = 365;
/// Outliers described by line and date in `detected.dateOutliers`.
const EXAMPLES: usize = 3;

/// What to do with rows whose date is an outlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum OutlierPolicy {
    /// Skip them (`outlierDate`).
    #[default]
    Skip,
    /// Use them as ordinary rows.
    Keep,
}

/// The dates accepted: the bulk and the margin around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub lo: i32,
    pub hi: i32,
    pub from: i32,
    pub to: i32,
}

impl Window {
    pub fn outside(&self, day: i32) -> bool {
        day < self.from || day > self.to
    }
}

/// The window of `days` (any order) when some of them lie outside it; `None` when none
/// does, or below [`MIN_ROWS`] rows. Counting, not sorting: dates lie within 1900–2200, so a
/// histogram of at most 110,000 days does it in one pass (after one for the span, which
/// settles most files: within a year of each other, no date can be an outlier).
pub fn window(days: &[i32]) -> Option<Window> {
    let n = days.len();
    if n < MIN_ROWS {
        return None;
    }
    let (min, max) = days
        .iter()
        .fold((i32::MAX, i32::MIN), |(a, b), &d| (a.min(d), b.max(d)));
    if max - min <= MIN_MARGIN_DAYS {
        return None;
    }
    let mut counts = vec![0u32; (max as i64 - min as i64 + 1) as usize];
    for &d in days {
        counts[(d - min) as usize] += 1;
    }
    let t = (n / 100).max(1);
    // The day of the k-th earliest row (0-based).
    let nth = |k: usize| {
        let mut seen = 0usize;
        for (i, &c) in counts.iter().enumerate() {
            seen += c as usize;
            if seen > k {
                return min + i as i32;
            }
        }
        max
    };
    let (lo, hi) = (nth(t), nth(n - 1 - t));
    let margin = (hi - lo).max(MIN_MARGIN_DAYS);
    let w = Window {
        lo,
        hi,
        from: lo - margin,
        to: hi + margin,
    };
    (w.outside(min) || w.outside(max)).then_some(w)
}

/// A row with an outlier date, for `detected.dateOutliers`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct OutlierExample {
    pub line: u64,
    pub date: String,
}

/// Reported in `detected.dateOutliers` when some rows' dates are outliers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DateOutliers {
    pub rows: u64,
    /// The bulk of the dates, `[lo, hi]`.
    pub bulk_from: String,
    pub bulk_to: String,
    /// Dates accepted: `[from, to]`.
    pub from: String,
    pub to: String,
    pub policy: OutlierPolicy,
    pub examples: Vec<OutlierExample>,
}

impl DateOutliers {
    pub fn new(w: &Window, policy: OutlierPolicy) -> DateOutliers {
        DateOutliers {
            rows: 0,
            bulk_from: format_day(w.lo),
            bulk_to: format_day(w.hi),
            from: format_day(w.from),
            to: format_day(w.to),
            policy,
            examples: Vec::new(),
        }
    }

    pub fn add(&mut self, line: u64, day: i32) {
        self.rows += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(OutlierExample {
                line,
                date: format_day(day),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_iso;

    fn d(s: &str) -> i32 {
        parse_iso(s).unwrap()
    }

    #[test]
    fn a_mistyped_year_is_far_outside_the_bulk() {
        // Two years of daily rows and one 2032.
        let mut days: Vec<i32> = (0..730).map(|i| d("2023-01-01") + i).collect();
        days.push(d("2032-05-01"));
        let w = window(&days).unwrap();
        assert_eq!((w.lo, w.hi), (d("2023-01-01") + 7, d("2024-12-31") - 7));
        assert!(w.outside(d("2032-05-01")));
        assert!(!w.outside(d("2024-12-31")) && !w.outside(d("2023-01-01")));
        // Within a year (or the bulk's span) of the bulk is not far.
        assert!(!w.outside(d("2026-06-01")));
        assert!(w.outside(d("1923-01-01")));
        // Any order, same window.
        days.reverse();
        assert_eq!(window(&days), Some(w));
    }

    #[test]
    fn a_long_thin_history_is_not_an_outlier() {
        // 2005–2024 with few early rows: the early years stay (1% trimmed at each end only).
        let mut days = Vec::new();
        for year in 2005..2025 {
            let rows = if year < 2020 { 20 } else { 400 };
            for i in 0..rows {
                days.push(d(&format!("{year}-01-01")) + i % 365);
            }
        }
        assert_eq!(window(&days), None);
        days.push(d("1980-06-01"));
        assert!(window(&days).unwrap().outside(d("1980-06-01")));
    }

    #[test]
    fn small_files_are_not_judged() {
        assert_eq!(window(&[0; MIN_ROWS - 1]), None);
        assert_eq!(window(&[0; MIN_ROWS]), None);
        let mut days = vec![d("2024-01-01"); MIN_ROWS];
        days.push(d("2034-01-01"));
        assert!(window(&days).unwrap().outside(d("2034-01-01")));
    }
}
