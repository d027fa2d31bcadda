//! Time units of the BTYD summary and of model parameters.
//!
//! Purchases are always aggregated per calendar day (lifetimes `freq="D"`); a coarser unit only
//! rescales durations (lifetimes `freq_multiplier`), so a week is exactly 7 days, a month is
//! 365.25 / 12 days and a year 365.25 days. This keeps `frequency` (repeat purchase *days*)
//! independent of the unit. A year is the natural period of annual contracts (sBG) and annual
//! purchase opportunities (BG/BB).
use serde::{Deserialize, Serialize};

/// Days in an average month (365.25 / 12), used for tenure and the month unit.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum TimeUnit {
    #[default]
    Day,
    Week,
    Month,
    Year,
}

impl TimeUnit {
    /// Length of one unit in days.
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Day => 1.0,
            TimeUnit::Week => 7.0,
            TimeUnit::Month => DAYS_PER_MONTH,
            TimeUnit::Year => 12.0 * DAYS_PER_MONTH,
        }
    }

    /// Model units per month as lifetimes' `customer_lifetime_value` counts them
    /// (`{"D": 30, "W": 4.345, "M": 1.0}`); used only for lifetimes-compatible CLV discounting.
    /// lifetimes has no year; a year is exactly 12 months, so 1/12 unit per month.
    pub fn lifetimes_month_factor(self) -> f64 {
        match self {
            TimeUnit::Day => 30.0,
            TimeUnit::Week => 4.345,
            TimeUnit::Month => 1.0,
            TimeUnit::Year => 1.0 / 12.0,
        }
    }

    /// Stable name used in the report.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
            TimeUnit::Month => "month",
            TimeUnit::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<TimeUnit> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day" | "d" | "days" => Some(TimeUnit::Day),
            "week" | "w" | "weeks" => Some(TimeUnit::Week),
            "month" | "m" | "months" => Some(TimeUnit::Month),
            "year" | "y" | "years" => Some(TimeUnit::Year),
            _ => None,
        }
    }
}
