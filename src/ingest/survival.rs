//! Survival-table input (`--survival`): subscribers still active by period since their start,
//! for one or more cohorts, in columns `period, active[, cohort]` (period 0 holds the starting
//! count). The table is small and every row of it matters, so it is read strictly: a row that
//! does not fit the table is an `invalid_survival_table` error naming its line, never a
//! skipped row.
use std::collections::BTreeMap;

use super::accounting::RowAccount;
use super::columns::find_named;
use super::number::{parse_amount, Decimal};
use super::sniff::describe_columns;
use super::{Detected, IngestOptions, Ingested};
use crate::error::{Error, Result};

/// One row: cohort index (into [`SurvivalTable::cohorts`]), period, active subscribers.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalRow {
    pub cohort: u32,
    pub period: u32,
    pub active: f64,
}

/// A validated survival table: every cohort has period 0 with a positive count, no period
/// twice, and counts that never rise; rows are sorted by cohort, then period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SurvivalTable {
    /// Cohort names in the order they first appear (one empty name without a cohort column).
    pub cohorts: Vec<String>,
    pub rows: Vec<SurvivalRow>,
}

/// Header names (normalised) of each column.
const PERIOD: &[&str] = &[
    "period",
    "periods",
    "t",
    "tenure",
    "year",
    "month",
    "week",
    "age",
    "период",
    "期",
    "期数",
    "周期",
];
const ACTIVE: &[&str] = &[
    "active",
    "alive",
    "customers",
    "subscribers",
    "survivors",
    "remaining",
    "retained",
    "count",
    "n",
    "активные",
    "клиенты",
    "подписчики",
    "осталось",
    "活跃",
    "存活",
    "在网",
    "用户数",
    "客户数",
];
const COHORT: &[&str] = &[
    "cohort",
    "group",
    "segment",
    "когорта",
    "группа",
    "群组",
    "队列",
    "批次",
];

/// Largest period accepted (100,000 periods: 273 years of days).
const MAX_PERIOD: f64 = 100_000.0;
/// Largest count accepted.
const MAX_ACTIVE: f64 = 1e12;
/// Rows accepted: a survival table has a row per cohort and period.
const MAX_ROWS: usize = 1_000_000;

fn invalid(line: u64, what: String) -> Error {
    Error::new(
        "invalid_survival_table",
        format!("survival table, line {line}: {what}"),
    )
    .with_hint(
        "each row is a period (0, 1, 2, … since the start) and the whole number of subscribers \
         still active then; period 0 holds each cohort's starting count",
    )
}

pub fn read(
    sample: &[Vec<String>],
    records: impl Iterator<Item = csv::Result<csv::StringRecord>>,
    opts: &IngestOptions,
    mut detected: Detected,
) -> Result<Ingested> {
    let header = sample.first().cloned().unwrap_or_default();
    let (Some(c_period), Some(c_active)) =
        (find_named(&header, PERIOD), find_named(&header, ACTIVE))
    else {
        return Err(Error::new(
            "survival_columns",
            format!(
                "a survival table needs columns period and active (and optionally cohort); found {}",
                describe_columns(&header, header.len())
            ),
        )
        .with_hint("name the header period,active[,cohort], or drop --survival for a transaction log"));
    };
    let c_cohort = find_named(&header, COHORT);
    let dec = opts.decimal.unwrap_or(Decimal::Dot);
    let mut account = RowAccount::default();
    let mut names: Vec<String> = Vec::new();
    let mut index: BTreeMap<String, u32> = BTreeMap::new();
    // (cohort, period) -> (active, line)
    let mut cells: BTreeMap<(u32, u32), (f64, u64)> = BTreeMap::new();
    for (i, rec) in records.enumerate().skip(1) {
        let rec = rec.map_err(|e| invalid(i as u64 + 1, format!("unreadable record ({e})")))?;
        let line = rec.position().map_or(i as u64 + 1, |p| p.line());
        account.read();
        if rec.iter().all(|f| f.trim().is_empty()) {
            account.skip(super::SkipReason::BlankLine, line, "", "");
            continue;
        }
        if cells.len() >= MAX_ROWS {
            return Err(invalid(line, format!("more than {MAX_ROWS} rows")));
        }
        let whole = |c: usize, max: f64| {
            let raw = rec.get(c).unwrap_or("").trim();
            parse_amount(raw, dec)
                .filter(|v| v.fract() == 0.0 && (0.0..=max).contains(v))
                .ok_or_else(|| (raw.to_string(), header.get(c).cloned().unwrap_or_default()))
        };
        let period = whole(c_period, MAX_PERIOD).map_err(|(raw, col)| {
            invalid(
                line,
                format!("{col} {raw:?} is not a whole number of periods ≥ 0"),
            )
        })? as u32;
        let active = whole(c_active, MAX_ACTIVE).map_err(|(raw, col)| {
            invalid(
                line,
                format!("{col} {raw:?} is not a whole number of subscribers ≥ 0 (shares are not counts: give the number of subscribers)"),
            )
        })?;
        let name = c_cohort.map_or("", |c| rec.get(c).unwrap_or("").trim());
        if c_cohort.is_some() && name.is_empty() {
            return Err(invalid(line, "the cohort is empty".into()));
        }
        let cohort = *index.entry(name.to_string()).or_insert_with(|| {
            names.push(name.to_string());
            names.len() as u32 - 1
        });
        if let Some((_, first)) = cells.insert((cohort, period), (active, line)) {
            return Err(invalid(
                line,
                format!("period {period} of cohort {name:?} appears twice (also on line {first})"),
            ));
        }
        account.used();
    }
    let mut rows = Vec::with_capacity(cells.len());
    let mut prev: Option<(u32, f64, u64)> = None;
    for (&(cohort, period), &(active, line)) in &cells {
        let name = &names[cohort as usize];
        match prev {
            Some((c, before, _)) if c == cohort => {
                if active > before {
                    return Err(invalid(
                        line,
                        format!("cohort {name:?} has {active} active at period {period}, more than the {before} of an earlier period (survivors never increase)"),
                    ));
                }
            }
            _ => {
                if period != 0 || active <= 0.0 {
                    return Err(invalid(
                        line,
                        format!(
                            "cohort {name:?} needs period 0 with its starting count (> 0) first"
                        ),
                    ));
                }
            }
        }
        prev = Some((cohort, active, line));
        rows.push(SurvivalRow {
            cohort,
            period,
            active,
        });
    }
    if rows.is_empty() {
        return Err(Error::new("empty_file", "the survival table has no rows")
            .with_hint("a row per period: period,active (period 0 holds the starting count)"));
    }
    detected.source = "survival".into();
    detected.has_header = true;
    detected.decimal_separator = dec.char().to_string();
    detected.header = header;
    Ok(Ingested::Survival(
        SurvivalTable {
            cohorts: names,
            rows,
        },
        account,
        detected,
    ))
}
