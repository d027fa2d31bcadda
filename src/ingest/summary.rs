//! Per-customer summary input (`--summary`): data already aggregated elsewhere, in lifetimes'
//! columns `customer_id, frequency, recency, T[, monetary_value]`.
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
    pub t: Vec<f64>,
    pub monetary: Option<Vec<f64>>,
}

/// Largest `T` accepted (in any time unit): 100,000 days is 273 years. Beyond it a value is a
/// typo, and would push the reconstructed first purchase out of the calendar.
const MAX_T: f64 = 100_000.0;

/// Repeat purchases accepted: a million is far beyond any customer, and keeps
/// `monetary_value × (frequency + 1)` finite.
const MAX_FREQUENCY: f64 = 1e6;
const MAX_MONETARY: f64 = 1e15;

pub fn read(
    sample: &[Vec<String>],
    records: impl Iterator<Item = csv::Result<csv::StringRecord>>,
    opts: &IngestOptions,
    mut detected: Detected,
) -> Result<Ingested> {
    let header = sample.first().cloned().unwrap_or_default();
    let cols = (
        find_named(&header, &["customerid", "customer", "id", "clientid"]).or(Some(0)),
        find_named(&header, &["frequency", "x"]),
        find_named(&header, &["recency", "tx"]),
        find_named(&header, &["t", "age"]),
        find_named(&header, &["monetaryvalue", "monetary", "m"]),
    );
    let (Some(c_id), Some(c_f), Some(c_r), Some(c_t)) = (cols.0, cols.1, cols.2, cols.3) else {
        return Err(Error::new(
            "summary_columns",
            format!(
                "a summary needs columns customer_id, frequency, recency, T[, monetary_value]; found {}",
                describe_columns(&header, header.len())
            ),
        )
        .with_hint("rename the header to lifetimes' names, or drop --summary for a transaction log"));
    };
    let dec = opts.decimal.unwrap_or(Decimal::Dot);
    let mut account = RowAccount::default();
    let mut table = SummaryTable {
        monetary: cols.4.map(|_| Vec::new()),
        ..Default::default()
    };
    for (i, rec) in records.enumerate().skip(1) {
        let line = i as u64 + 1;
        account.read();
        let Ok(rec) = rec else {
            account.skip(SkipReason::InvalidSummaryRow, line, "", "unreadable record");
            continue;
        };
        let num = |c: usize| rec.field(c).and_then(|v| parse_amount(v, dec));
        let id = rec.field(c_id).unwrap_or("").trim();
        let (f, r, t) = (num(c_f), num(c_r), num(c_t));
        let m = cols.4.map(num);
        let valid = match (f, r, t) {
            (Some(f), Some(r), Some(t)) => {
                !id.is_empty()
                    && t <= MAX_T
                    && f <= MAX_FREQUENCY
                    && m.flatten().is_none_or(|m| m.abs() <= MAX_MONETARY)
                    && f >= 0.0
                    && r >= 0.0
                    && t >= r
                    && (f > 0.0 || r == 0.0)
                    && m != Some(None)
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
        table.ids.push(id.to_string());
        table.frequency.push(f.unwrap_or(0.0));
        table.recency.push(r.unwrap_or(0.0));
        table.t.push(t.unwrap_or(0.0));
        if let (Some(ms), Some(Some(m))) = (table.monetary.as_mut(), m) {
            ms.push(m);
        }
        account.used();
    }
    detected.source = "summary".into();
    detected.has_header = true;
    detected.header = header;
    Ok(Ingested::Summary(table, account, detected))
}
