//! Calendar days as plain integers.
//!
//! Every analysis works on whole days, so dates are stored as `i32` days since 1970-01-01
//! ("epoch days"): 4 bytes per row, trivially sortable, and identical on every target.
use chrono::{Datelike, NaiveDate};

/// Days from 0001-01-01 (CE day 1) to 1970-01-01.
const UNIX_EPOCH_CE_DAYS: i32 = 719_163;

pub fn to_day(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - UNIX_EPOCH_CE_DAYS
}

pub fn from_day(day: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day + UNIX_EPOCH_CE_DAYS).unwrap_or(NaiveDate::MIN)
}

/// `YYYY-MM-DD`, as chrono's `%Y-%m-%d` writes it (a year outside 0..=9999 signed, at least
/// four digits), without chrono's formatting machinery in the wasm.
pub fn format_day(day: i32) -> String {
    let d = from_day(day);
    let (y, m, dd) = (d.year(), d.month(), d.day());
    if (0..=9999).contains(&y) {
        format!("{y:04}-{m:02}-{dd:02}")
    } else {
        format!("{y:+05}-{m:02}-{dd:02}")
    }
}

/// Parses `YYYY-MM-DD` (the only date form accepted in options).
pub fn parse_iso(s: &str) -> Option<i32> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .map(to_day)
}

/// Months since year 0, for month-bucketed KPIs and cohorts.
pub fn month_index(day: i32) -> i32 {
    let d = from_day(day);
    d.year() * 12 + d.month0() as i32
}

pub fn format_month(month_index: i32) -> String {
    format!(
        "{:04}-{:02}",
        month_index.div_euclid(12),
        month_index.rem_euclid(12) + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_round_trip() {
        let d = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        assert_eq!(to_day(d), 0);
        let d = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        assert_eq!(from_day(to_day(d)), d);
        assert_eq!(to_day(d), 19787);
        assert_eq!(format_month(month_index(to_day(d))), "2024-03");
    }

    #[test]
    fn format_day_writes_what_chrono_writes() {
        let far = [
            i32::MIN,
            -1_000_000_000,
            -719_163,
            -719_162,
            -400_000,
            2_932_896,
            2_932_897,
        ];
        let near = (-800_000..3_000_000).step_by(997);
        for day in far.into_iter().chain(near) {
            let chrono = from_day(day).format("%Y-%m-%d").to_string();
            assert_eq!(format_day(day), chrono, "day {day}");
        }
    }
}
