//! Per-customer summary input (`--summary`): data already aggregated elsewhere, in lifetimes'
//! columns `customer_id, frequency, recency, T[, monetary_value]`, or, for discrete-time data
//! (fixed transaction opportunities: BG/BB), `frequency, recency, periods[, monetary_value]`.
//! An optional `weights` column counts identical customers (lifetimes' pattern tables, such as
//! its `donations`): each row becomes that many customers.
use super::accounting::{RowAccount, SkipReason};
use super::columns::find_named;
use super::number::{parse_amount, Decimal};
use super::rows::Fields;
use super::sniff::describe_columns;
use super::{Detected, IngestOptions, Ingested};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryTable {
    pub ids: Vec<String>,
    pub frequency: Vec<f64>,
    pub recency: Vec<f64>,
    /// `T`, or the number of opportunities `periods` when `discrete`.
    pub t: Vec<f64>,
    pub monetary: Option<Vec<f64>>,
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

/// One valid row: (frequency, recency, T or periods, monetary, weight).
type Row = (f64, f64, f64, Option<f64>, u64);

fn missing_columns(header: &[String]) -> Error {
    Error::new(
        "summary_columns",
        format!(
            "a summary needs columns frequency, recency and T (or periods, for discrete \
             opportunities), optionally customer_id, monetary_value, weights; found {}",
            describe_columns(header, header.len())
        ),
    )
    .with_hint("rename the header to lifetimes' names, or drop --summary for a transaction log")
}

pub fn read(
    sample: &[Vec<String>],
    records: impl Iterator<Item = csv::Result<csv::StringRecord>>,
    opts: &IngestOptions,
    mut detected: Detected,
) -> Result<Ingested> {
    let header = sample.first().cloned().unwrap_or_default();
    let find = |names| find_named(&header, names);
    let (c_t, c_n) = (find(AGE), find(PERIODS));
    let (Some(c_f), Some(c_r), Some(c_age)) = (find(FREQUENCY), find(RECENCY), c_t.or(c_n)) else {
        return Err(missing_columns(&header));
    };
    if c_t.is_some() && c_n.is_some() {
        return Err(Error::new(
            "summary_columns",
            "the summary has both T (age, continuous time) and periods (discrete opportunities)",
        )
        .with_hint("keep T for BG/NBD-type models, or periods for BG/BB; drop the other column"));
    }
    let discrete = c_n.is_some();
    let (c_m, c_w) = (find(MONETARY), find(WEIGHTS));
    // Without a named id column, the first column is the id unless it is one of the others.
    let c_id = find(ID).or_else(|| {
        let taken = [Some(c_f), Some(c_r), Some(c_age), c_m, c_w];
        (!taken.contains(&Some(0))).then_some(0)
    });
    let dec = opts.decimal.unwrap_or(Decimal::Dot);
    let mut account = RowAccount::default();
    let mut rows: Vec<(Row, String, u64)> = Vec::new();
    let mut customers = 0.0;
    for (i, rec) in records.enumerate().skip(1) {
        let line = i as u64 + 1;
        account.read();
        let Ok(rec) = rec else {
            account.skip(SkipReason::InvalidSummaryRow, line, "", "unreadable record");
            continue;
        };
        let num = |c: usize| rec.field(c).and_then(|v| parse_amount(v, dec));
        let id = c_id.map_or("", |c| rec.field(c).unwrap_or("").trim());
        let (f, r, t) = (num(c_f), num(c_r), num(c_age));
        let m = c_m.map(num);
        let w = match c_w.map(num) {
            None => Some(1.0),
            Some(w) => w.filter(|w| w.fract() == 0.0 && *w >= 1.0 && *w <= MAX_CUSTOMERS),
        };
        let valid = match (f, r, t, w) {
            (Some(f), Some(r), Some(t), Some(_)) => {
                (c_id.is_none() || !id.is_empty())
                    && t <= MAX_T
                    && f <= MAX_FREQUENCY
                    && m.flatten().is_none_or(|m| m.abs() <= MAX_MONETARY)
                    && f >= 0.0
                    && r >= 0.0
                    && t >= r
                    && (f > 0.0 || r == 0.0)
                    && m != Some(None)
                    // Opportunities are whole, and x transactions need x opportunities up
                    // to the last one.
                    && (!discrete
                        || (f.fract() == 0.0 && r.fract() == 0.0 && t.fract() == 0.0 && f <= r))
            }
            _ => false,
        };
        if !valid {
            let text = (0..rec.count())
                .filter_map(|i| rec.field(i))
                .collect::<Vec<_>>()
                .join("|");
            account.skip(SkipReason::InvalidSummaryRow, line, "", &text);
            continue;
        }
        let w = w.unwrap_or(1.0);
        customers += w;
        if customers > MAX_CUSTOMERS {
            return Err(Error::new(
                "too_many_rows",
                format!("the summary's weights add up to more than {MAX_CUSTOMERS} customers (line {line})"),
            )
            .with_hint("check the weights column: it counts identical customers"));
        }
        let row = (
            f.unwrap_or(0.0),
            r.unwrap_or(0.0),
            t.unwrap_or(0.0),
            m.flatten(),
            w as u64,
        );
        rows.push((row, id.to_string(), line));
        account.used();
    }
    let mut table = SummaryTable {
        monetary: c_m.map(|_| Vec::with_capacity(customers as usize)),
        discrete,
        ..Default::default()
    };
    for ((f, r, t, m, w), id, line) in rows {
        let base = if id.is_empty() {
            format!("row{line}")
        } else {
            id
        };
        for k in 1..=w {
            table.ids.push(if w == 1 {
                base.clone()
            } else {
                format!("{base}#{k}")
            });
            table.frequency.push(f);
            table.recency.push(r);
            table.t.push(t);
            if let (Some(ms), Some(m)) = (table.monetary.as_mut(), m) {
                ms.push(m);
            }
        }
    }
    detected.source = "summary".into();
    detected.has_header = true;
    detected.columns.customer_id = c_id.and_then(|c| header.get(c).cloned());
    detected.header = header;
    Ok(Ingested::Summary(table, account, detected))
}
