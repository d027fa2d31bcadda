//! The calendar period of the retention KPIs (`kpis.period`): ISO week, month or quarter.
//!
//! Periods are numbered by an index that grows by one per period, so a run of periods is a
//! range of integers; each has a first day and a label (`2024-W05`, `2024-02`, `2024-Q1`).
use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::dates::{format_month, from_day, month_index, to_day};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum KpiPeriod {
    /// ISO week, Monday to Sunday; labelled by ISO year and week (`2024-W05`).
    Week,
    #[default]
    Month,
    /// Calendar quarter (`2024-Q1`).
    Quarter,
}

impl KpiPeriod {
    /// Index of the period holding epoch day `day`.
    pub fn index(self, day: i32) -> i32 {
        match self {
            // Epoch day 0 (1970-01-01) is a Thursday: day + 3 counts from Monday 1969-12-29.
            KpiPeriod::Week => (day + 3).div_euclid(7),
            KpiPeriod::Month => month_index(day),
            KpiPeriod::Quarter => month_index(day).div_euclid(3),
        }
    }

    /// First epoch day of period `index`.
    pub fn start_day(self, index: i32) -> i32 {
        match self {
            KpiPeriod::Week => 7 * index - 3,
            KpiPeriod::Month => month_start_day(index),
            KpiPeriod::Quarter => month_start_day(3 * index),
        }
    }

    pub fn label(self, index: i32) -> String {
        match self {
            KpiPeriod::Week => {
                let w = from_day(self.start_day(index)).iso_week();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            KpiPeriod::Month => format_month(index),
            KpiPeriod::Quarter => {
                format!("{:04}-Q{}", index.div_euclid(4), index.rem_euclid(4) + 1)
            }
        }
    }

    /// Periods in a year: `retentionRate` averages the last year's periods.
    pub fn per_year(self) -> usize {
        match self {
            KpiPeriod::Week => 52,
            KpiPeriod::Month => 12,
            KpiPeriod::Quarter => 4,
        }
    }
}

fn month_start_day(m: i32) -> i32 {
    let d = chrono::NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1);
    d.map(to_day).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_iso;

    #[test]
    fn indices_starts_and_labels() {
        let day = |s| parse_iso(s).unwrap();
        // 2024-01-01 is a Monday, the first day of ISO week 2024-W01.
        let w = KpiPeriod::Week;
        assert_eq!(w.index(day("2024-01-01")), w.index(day("2024-01-07")));
        assert_eq!(w.index(day("2024-01-08")), w.index(day("2024-01-07")) + 1);
        assert_eq!(w.start_day(w.index(day("2024-01-05"))), day("2024-01-01"));
        assert_eq!(w.label(w.index(day("2024-03-31"))), "2024-W13");
        // 2021-01-03 (a Sunday) belongs to ISO week 2020-W53.
        assert_eq!(w.label(w.index(day("2021-01-03"))), "2020-W53");
        let q = KpiPeriod::Quarter;
        assert_eq!(q.label(q.index(day("2024-05-10"))), "2024-Q2");
        assert_eq!(q.start_day(q.index(day("2024-05-10"))), day("2024-04-01"));
        assert_eq!(q.index(day("2024-01-01")) + 1, q.index(day("2024-04-01")));
        let m = KpiPeriod::Month;
        assert_eq!(m.label(m.index(day("2024-02-29"))), "2024-02");
        assert_eq!(m.start_day(m.index(day("2024-02-29"))), day("2024-02-01"));
    }
}
