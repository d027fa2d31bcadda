//! Dates in every format exports use, parsed by chrono with a per-file format.
//!
//! The format is decided once from a sample (day-first vs month-first resolved from the data),
//! then every row is parsed with it. Exports repeat the same few thousand dates a million
//! times, so parsed values are memoised on the raw text: this is what makes ingest fast
//! without writing a date parser of our own.
use chrono::NaiveDate;
use std::collections::HashMap;

use super::seeded::SeededState;
use crate::dates::to_day;

/// Excel's serial day 25569 is 1970-01-01 (1900 date system, with Lotus' leap-year bug,
/// which only affects dates before March 1900).
const EXCEL_EPOCH_SERIAL: f64 = 25_569.0;
pub const EXCEL_SERIAL: &str = "excel-serial";

/// Candidate formats, most specific first. `%m`/`%d` accept one or two digits in chrono.
pub const CANDIDATES: &[&str] = &[
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y%m%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%d.%m.%y",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %B %Y",
    EXCEL_SERIAL,
];

/// Pairs that read the same text two ways; the sniffer must choose between them.
pub const AMBIGUOUS_PAIRS: &[(&str, &str)] = &[
    ("%d/%m/%Y", "%m/%d/%Y"),
    ("%d-%m-%Y", "%m-%d-%Y"),
    ("%d/%m/%y", "%m/%d/%y"),
];

/// The time of day after a date is accepted and ignored: every analysis works on days.
fn is_time_remainder(rest: &str) -> bool {
    let mut chars = rest.chars();
    match chars.next() {
        None => true,
        Some(' ') | Some('T') => rest[1..]
            .trim()
            .chars()
            .all(|c| c.is_ascii_digit() || ":.,+-Z ".contains(c) || "APMapm".contains(c)),
        _ => false,
    }
}

/// Years a date may have. Outside them a date that reads in the format is a typo (`0202`,
/// `20245`) or another column's number, and is skipped as `dateOutOfRange`.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2200;

/// Epoch days of the years a date may have (1 Jan [`MIN_YEAR`] ..= 31 Dec [`MAX_YEAR`]):
/// the bound on dates from memory (epoch milliseconds, `Date` objects, epoch days).
pub const DAY_RANGE: std::ops::RangeInclusive<f64> = -25_567.0..=84_370.0;

/// One value read in a fixed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRead {
    Day(i32),
    /// Reads in the format, but the year is outside [`MIN_YEAR`]–[`MAX_YEAR`].
    OutOfRange,
    Unparseable,
}

impl DateRead {
    /// An epoch day (possibly fractional, from memory) bounded by [`DAY_RANGE`].
    pub fn of_day(day: f64) -> DateRead {
        if day.is_nan() {
            DateRead::Unparseable
        } else if DAY_RANGE.contains(&day) {
            DateRead::Day(day as i32)
        } else {
            DateRead::OutOfRange
        }
    }
}

fn in_range(y: i32) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&y)
}

/// An Excel serial day number (text or a number from memory) as an epoch day, when its
/// year is within [`MIN_YEAR`]–[`MAX_YEAR`].
pub fn excel_serial(v: f64) -> DateRead {
    if !v.is_finite() {
        return DateRead::Unparseable;
    }
    let day = v.floor() - EXCEL_EPOCH_SERIAL;
    let year = chrono::Datelike::year(&crate::dates::from_day(day.clamp(-1e6, 1e6) as i32));
    if day.abs() > 1e6 || !in_range(year) {
        return DateRead::OutOfRange;
    }
    DateRead::Day(day as i32)
}

/// Reads one value in a fixed format (no memo); the row parser's reading.
pub fn read_with(fmt: &str, raw: &str) -> DateRead {
    let s = raw.trim();
    if s.is_empty() {
        return DateRead::Unparseable;
    }
    if fmt == EXCEL_SERIAL {
        return match s.replace(',', ".").parse::<f64>() {
            Ok(v) if v.is_finite() => excel_serial(v),
            _ => DateRead::Unparseable,
        };
    }
    if fmt == "%Y%m%d" && !(s.len() >= 8 && s.as_bytes()[..8].iter().all(u8::is_ascii_digit)) {
        return DateRead::Unparseable;
    }
    let Ok((d, rest)) = NaiveDate::parse_and_remainder(s, fmt) else {
        return DateRead::Unparseable;
    };
    if !is_time_remainder(rest) {
        return DateRead::Unparseable;
    }
    if !in_range(chrono::Datelike::year(&d)) {
        return DateRead::OutOfRange;
    }
    DateRead::Day(to_day(d))
}

/// Parses one value with a fixed format for the sniffer: only dates within the years, and
/// Excel serials only in 30000–80000 (1982–2119), so amounts do not pass as dates.
pub fn parse_with(fmt: &str, raw: &str) -> Option<i32> {
    if fmt == EXCEL_SERIAL {
        let v: f64 = raw.trim().replace(',', ".").parse().ok()?;
        if !(30_000.0..=80_000.0).contains(&v) {
            return None;
        }
    }
    match read_with(fmt, raw) {
        DateRead::Day(d) => Some(d),
        _ => None,
    }
}

/// Row-by-row parser for one format, memoised on the raw text.
pub struct DateParser {
    format: String,
    memo: HashMap<Box<str>, DateRead, SeededState>,
    /// The previous row's text and value: exports sorted by date repeat it row after row.
    last: String,
    last_value: DateRead,
}

/// Beyond this many distinct texts (timestamps), memoising costs more than it saves.
const MEMO_LIMIT: usize = 65_536;

impl DateParser {
    /// `seed`: the memo's hash seed (see `seeded`), so crafted date texts cannot collide.
    pub fn new(format: &str, seed: u64) -> Self {
        DateParser {
            format: format.to_string(),
            memo: HashMap::with_hasher(SeededState::new(seed)),
            last: String::new(),
            last_value: DateRead::Unparseable,
        }
    }

    pub fn parse(&mut self, raw: &str) -> DateRead {
        if raw == self.last && !raw.is_empty() {
            return self.last_value;
        }
        let v = match self.memo.get(raw) {
            Some(v) => *v,
            None => {
                let v = read_with(&self.format, raw);
                if self.memo.len() < MEMO_LIMIT {
                    self.memo.insert(raw.into(), v);
                }
                v
            }
        };
        self.last.clear();
        self.last.push_str(raw);
        self.last_value = v;
        v
    }
}

/// Outcome of choosing a format from sample values.
#[derive(Debug, Clone, PartialEq)]
pub struct FormatGuess {
    pub format: String,
    /// Share of non-empty sample values that parse.
    pub parse_rate: f64,
    /// Set when day-first and month-first both read every value and the data could not decide.
    pub ambiguous_with: Option<String>,
}

/// Sum of day gaps between consecutive values: exports are usually in date order, so the
/// right reading of an ambiguous column is the one where neighbours are close together.
fn jumpiness(days: &[i32]) -> i64 {
    days.windows(2)
        .map(|w| (w[1] as i64 - w[0] as i64).abs())
        .sum()
}

pub fn guess_format(samples: &[&str]) -> Option<FormatGuess> {
    let values: Vec<&str> = samples
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mut best: Option<(&str, usize)> = None;
    let mut counts = HashMap::new();
    for fmt in CANDIDATES {
        let ok = values
            .iter()
            .filter(|v| parse_with(fmt, v).is_some())
            .count();
        counts.insert(*fmt, ok);
        if ok > 0 && best.is_none_or(|(_, b)| ok > b) {
            best = Some((fmt, ok));
        }
    }
    let (mut fmt, ok) = best?;
    let mut ambiguous_with = None;
    for (dm, md) in AMBIGUOUS_PAIRS {
        if fmt != *dm && fmt != *md {
            continue;
        }
        if counts[dm] == ok && counts[md] == ok {
            let parse_all = |f: &str| {
                values
                    .iter()
                    .filter_map(|v| parse_with(f, v))
                    .collect::<Vec<_>>()
            };
            let (j_dm, j_md) = (jumpiness(&parse_all(dm)), jumpiness(&parse_all(md)));
            // Decide only on a clear difference; otherwise say it stays ambiguous.
            if j_md * 2 < j_dm {
                fmt = md;
            } else if j_dm * 2 < j_md {
                fmt = dm;
            } else {
                fmt = dm;
                ambiguous_with = Some(md.to_string());
            }
        }
    }
    Some(FormatGuess {
        format: fmt.to_string(),
        parse_rate: ok as f64 / n,
        ambiguous_with,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_iso;

    fn day(s: &str) -> Option<i32> {
        parse_iso(s)
    }

    #[test]
    fn formats_people_export() {
        let d = day("2024-03-05");
        assert_eq!(parse_with("%Y-%m-%d", "2024-03-05"), d);
        assert_eq!(parse_with("%Y-%m-%d", "2024-03-05 14:23:11"), d);
        assert_eq!(parse_with("%Y-%m-%d", "2024-03-05T14:23:11Z"), d);
        assert_eq!(parse_with("%d.%m.%Y", "5.3.2024"), d);
        assert_eq!(parse_with("%Y%m%d", "20240305"), d);
        assert_eq!(parse_with("%Y/%m/%d", "2024/3/5"), d);
        assert_eq!(parse_with("%Y年%m月%d日", "2024年3月5日"), d);
        assert_eq!(parse_with("%Y年%m月%d日", "2024年3月5日 10:00"), d);
        assert_eq!(parse_with(EXCEL_SERIAL, "45356"), d);
        assert_eq!(parse_with("%Y-%m-%d", "2024-03-05 lunch"), None);
        assert_eq!(parse_with("%Y-%m-%d", "0202-03-05"), None);
        assert_eq!(read_with("%Y-%m-%d", "0202-03-05"), DateRead::OutOfRange);
        assert_eq!(read_with("%d.%m.%Y", "05.03.2201"), DateRead::OutOfRange);
        assert_eq!(
            read_with("%Y-%m-%d", "2200-12-31"),
            DateRead::Day(parse_iso("2200-12-31").unwrap())
        );
        assert_eq!(read_with("%Y-%m-%d", "soon"), DateRead::Unparseable);
        assert_eq!(read_with(EXCEL_SERIAL, "1e300"), DateRead::OutOfRange);
        assert_eq!(read_with(EXCEL_SERIAL, "25569"), DateRead::Day(0));
    }

    #[test]
    fn day_range_is_the_years_text_dates_may_have() {
        assert_eq!(*DAY_RANGE.start(), day("1900-01-01").unwrap() as f64);
        assert_eq!(*DAY_RANGE.end(), day("2200-12-31").unwrap() as f64);
        assert_eq!(parse_with("%Y-%m-%d", "1899-12-31"), None);
        assert_eq!(parse_with("%Y-%m-%d", "2201-01-01"), None);
    }

    #[test]
    fn day_first_resolved_from_values_over_12() {
        let g = guess_format(&["05/03/2024", "17/03/2024", "01/04/2024"]).unwrap();
        assert_eq!(g.format, "%d/%m/%Y");
        assert_eq!(g.ambiguous_with, None);
        let g = guess_format(&["03/05/2024", "03/17/2024"]).unwrap();
        assert_eq!(g.format, "%m/%d/%Y");
    }

    #[test]
    fn ambiguous_resolved_by_date_order_or_reported() {
        // Sorted month-first log: 1 Mar, 2 Mar, 3 Mar ... reads as jumps of a month day-first.
        let g = guess_format(&["03/01/2024", "03/02/2024", "03/03/2024", "03/04/2024"]).unwrap();
        assert_eq!(g.format, "%m/%d/%Y");
        let g = guess_format(&["03/04/2024"]).unwrap();
        assert_eq!(g.ambiguous_with.as_deref(), Some("%m/%d/%Y"));
    }
}
