//! Per-customer summary input (`--summary`): data already aggregated elsewhere — by
//! `crm-lens sql summary` in DuckDB or Spark, or by lifetimes.
//!
//! Required: lifetimes' columns `customer_id, frequency, recency, T`. Optional, each used when
//! its header is there: `monetary_value`; the CRM view `first_purchase, last_purchase`
//! (ISO dates), `transactions, revenue`; and lifetimes' calibration/holdout split
//! `frequency_cal, recency_cal, T_cal, frequency_holdout, duration_holdout` (the calibration
//! cells are empty for customers acquired after the cutoff). With the CRM view every
//! per-customer analysis equals the one on the raw log; without it the pipeline reconstructs
//! it and says so (docs/report.md, "Summary input").
//!
//! Discrete-time data (fixed transaction opportunities: BG/BB) has `periods` instead of `T`:
//! `frequency` transactions in `periods` opportunities after the first, the last at
//! opportunity `recency`. An optional `weights` column counts identical customers (lifetimes'
//! pattern tables, such as its `donations`): each row becomes that many customers, and without
//! an id column the rows are named by their line.
//!
//! [`SummaryLayout`] resolves the header once and parses one row at a time, so the same code
//! serves the in-memory reader below and the streaming scorer (`crm-lens score`).
use super::accounting::{RowAccount, SkipReason};
use super::columns::find_named as find;
use super::number::{parse_amount, Decimal};
use super::rows::Fields;
use super::sniff::describe_columns;
use super::{Detected, IngestOptions, Ingested};
use crate::error::{Error, Result};

/// The calibration-period summary of one customer and their repeat purchases in the holdout
/// (lifetimes' `calibration_and_holdout_data` row).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    pub frequency: f64,
    pub recency: f64,
    pub t: f64,
    pub holdout_frequency: f64,
}

/// The holdout columns of a summary: per customer the calibration row (`None` when the
/// customer was acquired after the cutoff), and the holdout length in time units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryHoldout {
    pub calibration: Vec<Option<Calibration>>,
    pub duration: f64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryTable {
    pub ids: Vec<String>,
    pub frequency: Vec<f64>,
    pub recency: Vec<f64>,
    pub t: Vec<f64>,
    pub monetary: Option<Vec<f64>>,
    /// First and last purchase (epoch days), when the summary has them.
    pub first_day: Option<Vec<i32>>,
    pub last_day: Option<Vec<i32>>,
    pub transactions: Option<Vec<u32>>,
    pub revenue: Option<Vec<f64>>,
    pub holdout: Option<SummaryHoldout>,
    /// The table had `periods` instead of `T`: x, t_x and n count opportunities.
    pub discrete: bool,
}

/// Largest `T` accepted (in any time unit): 100,000 days is 273 years. Beyond it a value is a
/// typo, and would push the reconstructed first purchase out of the calendar.
const MAX_T: f64 = 100_000.0;

/// Repeat purchases accepted: a million is far beyond any customer, and keeps
/// `monetary_value × (frequency + 1)` finite.
const MAX_FREQUENCY: f64 = 1e6;
const MAX_MONETARY: f64 = 1e15;
/// Transactions accepted (they are counted in `u32`).
const MAX_TRANSACTIONS: f64 = 1e9;
/// Customers a table may expand to through `weights` (bounded before anything is allocated
/// for them).
const MAX_CUSTOMERS: f64 = 10_000_000.0;

const ID: &[&str] = &["customerid", "customer", "id", "clientid"];
const FREQUENCY: &[&str] = &["frequency", "x"];
const RECENCY: &[&str] = &["recency", "tx"];
const AGE: &[&str] = &["t", "age"];
const PERIODS: &[&str] = &["periods", "nperiods", "n", "opportunities"];
const MONETARY: &[&str] = &["monetaryvalue", "monetary", "m"];
const WEIGHTS: &[&str] = &["weights", "weight", "ncusts", "ncustomers"];

/// Column positions of a summary file, resolved from its header.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryLayout {
    /// None: no id column (the rows are named by their line).
    id: Option<usize>,
    frequency: usize,
    recency: usize,
    /// `T`, or `periods` when `discrete`.
    t: usize,
    pub discrete: bool,
    /// Identical customers per row.
    weights: Option<usize>,
    pub monetary: Option<usize>,
    /// `first_purchase`, `last_purchase`, `transactions`, `revenue`: all four or none.
    crm: Option<[usize; 4]>,
    /// `frequency_cal`, `recency_cal`, `T_cal`, `frequency_holdout`, `duration_holdout`.
    holdout: Option<[usize; 5]>,
}

/// One valid row.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow<'a> {
    pub id: &'a str,
    pub frequency: f64,
    pub recency: f64,
    pub t: f64,
    pub monetary: Option<f64>,
    /// First and last purchase day, transactions, revenue.
    pub crm: Option<(i32, i32, u32, f64)>,
    /// The calibration row, and the holdout duration.
    pub holdout: Option<(Option<Calibration>, f64)>,
    /// Identical customers this row stands for (1 without `weights`).
    pub weight: u64,
}

/// An ISO date, optionally followed by a time (`2024-03-05`, `2024-03-05 00:00:00`,
/// `2024-03-05T00:00:00`): what DuckDB and Spark write for DATE and TIMESTAMP columns.
fn parse_date(s: &str) -> Option<i32> {
    let s = s.trim();
    let date = match s.get(10..11) {
        None => s,
        Some(" ") | Some("T") => &s[..10],
        Some(_) => return None,
    };
    crate::dates::parse_iso(date)
}

impl SummaryLayout {
    /// Finds the columns by name (lifetimes' names and short forms); an error names what
    /// is missing and what the header holds.
    pub fn from_header(header: &[String]) -> Result<SummaryLayout> {
        let (age, periods) = (find(header, AGE), find(header, PERIODS));
        let cols = (
            find(header, FREQUENCY),
            find(header, RECENCY),
            age.or(periods),
        );
        let (Some(frequency), Some(recency), Some(t)) = cols else {
            return Err(Error::new(
                "summary_columns",
                format!(
                    "a summary needs columns customer_id, frequency, recency and T (or periods, for discrete opportunities)[, monetary_value, weights]; found {}",
                    describe_columns(header, header.len())
                ),
            )
            .with_hint("rename the header to lifetimes' names, or drop --summary for a transaction log"));
        };
        if age.is_some() && periods.is_some() {
            return Err(Error::new(
                "summary_columns",
                "the summary has both T (age, continuous time) and periods (discrete opportunities)",
            )
            .with_hint("keep T for BG/NBD-type models, or periods for BG/BB; drop the other column"));
        }
        let (monetary, weights) = (find(header, MONETARY), find(header, WEIGHTS));
        // Without a named id column, the first column is the id unless it is one of the others.
        let id = find(header, ID).or_else(|| {
            let taken = [Some(frequency), Some(recency), Some(t), monetary, weights];
            (!taken.contains(&Some(0))).then_some(0)
        });
        let group = |names: &[&[&str]]| -> Result<Option<Vec<usize>>> {
            let found: Vec<Option<usize>> = names.iter().map(|n| find(header, n)).collect();
            match found.iter().filter(|c| c.is_some()).count() {
                0 => Ok(None),
                k if k == names.len() => Ok(Some(found.into_iter().flatten().collect())),
                _ => {
                    let missing: Vec<&str> = names
                        .iter()
                        .zip(&found)
                        .filter(|(_, c)| c.is_none())
                        .map(|(n, _)| n[0])
                        .collect();
                    Err(Error::new(
                        "summary_columns",
                        format!(
                            "the summary has some of the columns {} but not {}",
                            names.iter().map(|n| n[0]).collect::<Vec<_>>().join(", "),
                            missing.join(", ")
                        ),
                    )
                    .with_hint("write all of them (crm-lens sql summary does), or none"))
                }
            }
        };
        let crm = group(&[
            &["firstpurchase"],
            &["lastpurchase"],
            &["transactions"],
            &["revenue"],
        ])?;
        let holdout = group(&[
            &["frequencycal"],
            &["recencycal"],
            &["tcal"],
            &["frequencyholdout"],
            &["durationholdout"],
        ])?;
        Ok(SummaryLayout {
            id,
            frequency,
            recency,
            t,
            discrete: periods.is_some(),
            weights,
            monetary,
            crm: crm.map(|c| [c[0], c[1], c[2], c[3]]),
            holdout: holdout.map(|c| [c[0], c[1], c[2], c[3], c[4]]),
        })
    }

    /// The layout reading only the BTYD columns (and `monetary_value`): scoring checks what
    /// it uses, nothing else.
    pub fn btyd_only(mut self) -> SummaryLayout {
        self.crm = None;
        self.holdout = None;
        self
    }

    pub fn has_crm(&self) -> bool {
        self.crm.is_some()
    }

    /// For the readers of continuous-time summaries one row at a time: a discrete summary is
    /// an error there, never read as T; so is a weighted one (rows standing for several
    /// customers: `sql summary --collapsed`) unless `weighted` (`crm-lens fit` reads it,
    /// `score` scores customers and does not).
    pub fn continuous_only(self, weighted: bool) -> Result<SummaryLayout> {
        if self.discrete || (self.weights.is_some() && !weighted) {
            return Err(Error::new(
                "summary_columns",
                "this summary has periods or weights (discrete opportunities or pattern counts): `score` scores one customer a row; `fit` reads weights, `analyze --summary` both",
            )
            .with_hint("crm-lens analyze FILE --summary, or crm-lens fit FILE for a collapsed summary"));
        }
        Ok(self)
    }

    /// Parses one record; `None` when it is not a valid summary row (`invalidSummaryRow`):
    /// a missing id, a non-number, negative values, `recency > T`, `frequency = 0` with
    /// `recency > 0`, values past the limits, or CRM and holdout cells that contradict the
    /// BTYD columns (fewer transactions than purchase days, a last purchase before the first,
    /// calibration and holdout purchases that do not add up to `frequency`).
    pub fn parse<'r>(&self, rec: &'r impl Fields, dec: Decimal) -> Option<SummaryRow<'r>> {
        let num = |c: usize| rec.field(c).and_then(|v| parse_amount(v, dec));
        let id = self.id.map_or("", |c| rec.field(c).unwrap_or("").trim());
        let (f, r, t) = (num(self.frequency)?, num(self.recency)?, num(self.t)?);
        let weight = match self.weights {
            None => 1.0,
            Some(c) => num(c).filter(|w| w.fract() == 0.0 && *w >= 1.0 && *w <= MAX_CUSTOMERS)?,
        };
        // Opportunities are whole, and x transactions need x opportunities up to the last one.
        let discrete_ok =
            !self.discrete || (f.fract() == 0.0 && r.fract() == 0.0 && t.fract() == 0.0 && f <= r);
        let m = match self.monetary {
            Some(c) => Some(num(c)?),
            None => None,
        };
        let btyd_ok = |f: f64, r: f64, t: f64| {
            f >= 0.0
                && r >= 0.0
                && t >= r
                && t <= MAX_T
                && f <= MAX_FREQUENCY
                && (f > 0.0 || r == 0.0)
        };
        let valid = (self.id.is_none() || !id.is_empty())
            && btyd_ok(f, r, t)
            && discrete_ok
            && m.is_none_or(|m| m.abs() <= MAX_MONETARY);
        if !valid {
            return None;
        }
        let crm = match self.crm {
            None => None,
            Some([first, last, tx, rev]) => {
                let date = |c: usize| rec.field(c).and_then(parse_date);
                let (first, last) = (date(first)?, date(last)?);
                let (transactions, revenue) = (num(tx)?, num(rev)?);
                let ok = first <= last
                    && transactions.fract() == 0.0
                    && transactions >= f + 1.0
                    && transactions <= MAX_TRANSACTIONS
                    && revenue.abs() <= MAX_MONETARY;
                if !ok {
                    return None;
                }
                Some((first, last, transactions as u32, revenue))
            }
        };
        let holdout = match self.holdout {
            None => None,
            Some([fc, rc, tc, fh, dh]) => {
                let duration = num(dh).filter(|d| *d > 0.0 && *d <= MAX_T)?;
                let blank = [fc, rc, tc, fh].iter().all(|&c| rec.is_blank(c));
                let cal = if blank {
                    None
                } else {
                    let c = Calibration {
                        frequency: num(fc)?,
                        recency: num(rc)?,
                        t: num(tc)?,
                        holdout_frequency: num(fh)?,
                    };
                    let ok = btyd_ok(c.frequency, c.recency, c.t)
                        && c.t <= t
                        && c.holdout_frequency >= 0.0
                        && c.frequency + c.holdout_frequency == f;
                    if !ok {
                        return None;
                    }
                    Some(c)
                };
                Some((cal, duration))
            }
        };
        Some(SummaryRow {
            id,
            frequency: f,
            recency: r,
            t,
            monetary: m,
            crm,
            holdout,
            weight: weight as u64,
        })
    }
}

/// Whether a first row names lifetimes' summary columns (frequency, recency and T): such a
/// file read as a transaction log would give one "purchase" per customer, a silently wrong
/// analysis, so ingest refuses it unless `--summary` says what it is.
pub fn looks_like_summary(first_row: &[String]) -> bool {
    let has = |names: &[&str]| find(first_row, names).is_some();
    has(&["frequency"]) && has(&["recency"]) && (has(&["t"]) || has(&["periods"]))
}

/// The error for a summary read as a transaction log.
pub fn summary_error(first_row: &[String]) -> Error {
    Error::new(
        "looks_like_summary",
        format!(
            "the header names a per-customer summary's columns ({}), not a transaction log's",
            describe_columns(first_row, first_row.len())
        ),
    )
    .with_hint("read it as a summary: --summary (the page: tick \"Per-customer summary\")")
}

/// The record's fields joined by `|`: the text of an `invalidSummaryRow` example.
pub fn row_text(rec: &impl Fields) -> String {
    (0..rec.count())
        .filter_map(|i| rec.field(i))
        .collect::<Vec<_>>()
        .join("|")
}

impl SummaryTable {
    fn with_layout(l: &SummaryLayout) -> SummaryTable {
        SummaryTable {
            monetary: l.monetary.map(|_| Vec::new()),
            first_day: l.crm.map(|_| Vec::new()),
            last_day: l.crm.map(|_| Vec::new()),
            transactions: l.crm.map(|_| Vec::new()),
            revenue: l.crm.map(|_| Vec::new()),
            holdout: l.holdout.map(|_| SummaryHoldout::default()),
            discrete: l.discrete,
            ..Default::default()
        }
    }

    /// Appends a row as `row.weight` customers (`<id>#1`…`<id>#w` when more than one; a row
    /// without an id is `row<line>`); an error when its holdout duration differs from the
    /// earlier rows'.
    fn push(&mut self, row: &SummaryRow, line: u64) -> Result<()> {
        let base = if row.id.is_empty() {
            format!("row{line}")
        } else {
            row.id.to_string()
        };
        for k in 1..=row.weight {
            let id = if row.weight == 1 {
                base.clone()
            } else {
                format!("{base}#{k}")
            };
            self.push_one(row, id)?;
        }
        Ok(())
    }

    fn push_one(&mut self, row: &SummaryRow, id: String) -> Result<()> {
        if let (Some(h), Some((cal, duration))) = (self.holdout.as_mut(), row.holdout) {
            if h.calibration.is_empty() {
                h.duration = duration;
            } else if h.duration != duration {
                return Err(Error::new(
                    "summary_columns",
                    format!(
                        "duration_holdout must be the same on every row: {} on the first, {duration} for customer {:?}",
                        h.duration, row.id
                    ),
                )
                .with_hint("write the summary with one holdout cutoff (crm-lens sql summary does)"));
            }
            h.calibration.push(cal);
        }
        self.ids.push(id);
        self.frequency.push(row.frequency);
        self.recency.push(row.recency);
        self.t.push(row.t);
        if let (Some(ms), Some(m)) = (self.monetary.as_mut(), row.monetary) {
            ms.push(m);
        }
        if let Some((first, last, tx, rev)) = row.crm {
            let cols = (
                self.first_day.as_mut(),
                self.last_day.as_mut(),
                self.transactions.as_mut(),
                self.revenue.as_mut(),
            );
            if let (Some(f), Some(l), Some(t), Some(r)) = cols {
                f.push(first);
                l.push(last);
                t.push(tx);
                r.push(rev);
            }
        }
        Ok(())
    }
}

pub fn read(
    sample: &[Vec<String>],
    records: impl Iterator<Item = csv::Result<csv::StringRecord>>,
    opts: &IngestOptions,
    mut detected: Detected,
) -> Result<Ingested> {
    let header = sample.first().cloned().unwrap_or_default();
    let layout = SummaryLayout::from_header(&header)?;
    let dec = opts.decimal.unwrap_or(Decimal::Dot);
    let mut account = RowAccount::default();
    let mut table = SummaryTable::with_layout(&layout);
    let mut customers = 0.0;
    for (i, rec) in records.enumerate().skip(1) {
        let line = i as u64 + 1;
        account.read();
        let Ok(rec) = rec else {
            account.skip(SkipReason::InvalidSummaryRow, line, "", "unreadable record");
            continue;
        };
        match layout.parse(&rec, dec) {
            Some(row) => {
                customers += row.weight as f64;
                if customers > MAX_CUSTOMERS {
                    return Err(Error::new(
                        "too_many_rows",
                        format!("the summary's weights add up to more than {MAX_CUSTOMERS} customers (line {line})"),
                    )
                    .with_hint("check the weights column: it counts identical customers"));
                }
                table.push(&row, line)?;
                account.used();
            }
            None => account.skip(SkipReason::InvalidSummaryRow, line, "", &row_text(&rec)),
        }
    }
    detected.source = "summary".into();
    detected.has_header = true;
    detected.columns.customer_id = layout.id.and_then(|c| header.get(c).cloned());
    detected.header = header;
    Ok(Ingested::Summary(table, account, detected))
}
