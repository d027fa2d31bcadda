//! Per-subscriber input (`--subscriptions`): one row per subscription with its start date and
//! its end date (empty while active), in header-named columns `customer, start, end` (the
//! customer column is optional). Dates are read in one format, guessed from the sample like a
//! transaction log's (or `dateFormat`). Rows that cannot be used are counted, never guessed.
use super::accounting::{RowAccount, SkipReason};
use super::columns::{find_named, from_header};
use super::date::{guess_format, DateParser, DateRead};
use super::sniff::{describe_columns, resolve_column};
use super::{Detected, IngestOptions, Ingested};
use crate::error::{Error, Result};

/// Subscriptions as epoch days; `line` is the 1-based line of each (for the row account).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubscriptionTable {
    pub start: Vec<i32>,
    pub end: Vec<Option<i32>>,
    pub line: Vec<u64>,
}

const START: &[&str] = &[
    "start",
    "startdate",
    "started",
    "subscribed",
    "subscriptionstart",
    "signup",
    "signupdate",
    "since",
    "from",
    "开始日期",
    "开始",
    "订阅日期",
    "начало",
    "датаначала",
    "датаподписки",
];
const END: &[&str] = &[
    "end",
    "enddate",
    "ended",
    "cancelled",
    "canceled",
    "cancellationdate",
    "canceldate",
    "churn",
    "churndate",
    "until",
    "to",
    "结束日期",
    "结束",
    "取消日期",
    "окончание",
    "датаокончания",
    "датаотмены",
];

/// Rows of a subscription list are capped like a transaction log's would be by memory: 50
/// million (12 bytes each).
const MAX_ROWS: usize = 50_000_000;

pub fn read(
    sample: &[Vec<String>],
    records: impl Iterator<Item = csv::Result<csv::StringRecord>>,
    opts: &IngestOptions,
    mut detected: Detected,
) -> Result<Ingested> {
    let header = sample.first().cloned().unwrap_or_default();
    let (Some(c_start), Some(c_end)) = (find_named(&header, START), find_named(&header, END))
    else {
        return Err(Error::new(
            "subscription_columns",
            format!(
                "a subscription list needs columns start and end (end empty while active), and optionally customer; found {}",
                describe_columns(&header, header.len())
            ),
        )
        .with_hint("name the header customer,start,end, or drop --subscriptions for a transaction log"));
    };
    let c_customer = match &opts.customer_col {
        Some(spec) => Some(resolve_column(
            spec,
            &header,
            header.len(),
            "--customer-col",
        )?),
        None => from_header(&header).customer,
    };
    let format = match opts.date_format.as_deref().filter(|f| *f != "auto") {
        Some(f) => f.to_string(),
        None => {
            let values: Vec<&str> = sample
                .iter()
                .skip(1)
                .flat_map(|r| [r.get(c_start), r.get(c_end)])
                .flatten()
                .map(String::as_str)
                .collect();
            let guess = guess_format(&values).ok_or_else(|| {
                Error::new(
                    "unparseable_dates",
                    format!(
                        "the start and end columns {:?}, {:?} read in no date format",
                        header[c_start], header[c_end]
                    ),
                )
                .with_hint("--date-format '%Y-%m-%d' (or the right format)")
            })?;
            detected.date_format_ambiguous_with = guess.ambiguous_with;
            guess.format
        }
    };
    // Dates are the only hashed text here (the memo), and a memo miss only costs a parse.
    let mut parser = DateParser::new(&format, 0);
    let reason = |r: DateRead| match r {
        DateRead::OutOfRange => SkipReason::DateOutOfRange,
        _ => SkipReason::UnparseableDate,
    };
    let mut account = RowAccount::default();
    let mut table = SubscriptionTable::default();
    let name = |c: usize| header.get(c).cloned().unwrap_or_default();
    for (i, rec) in records.enumerate().skip(1) {
        let line = match &rec {
            Ok(r) => r.position().map_or(i as u64 + 1, |p| p.line()),
            Err(_) => i as u64 + 1,
        };
        account.read();
        let Ok(rec) = rec else {
            account.skip(SkipReason::WrongFieldCount, line, "", "unreadable record");
            continue;
        };
        let get = |c: usize| rec.get(c).unwrap_or("").trim();
        if rec.iter().all(|f| f.trim().is_empty()) {
            account.skip(SkipReason::BlankLine, line, "", "");
            continue;
        }
        if c_customer.is_some_and(|c| get(c).is_empty()) {
            let c = c_customer.map(name).unwrap_or_default();
            account.skip(SkipReason::MissingCustomerId, line, &c, "");
            continue;
        }
        let start = match parser.parse(get(c_start)) {
            DateRead::Day(d) => d,
            r => {
                account.skip(reason(r), line, &name(c_start), get(c_start));
                continue;
            }
        };
        let end_text = get(c_end);
        let end = if end_text.is_empty() {
            None
        } else {
            match parser.parse(end_text) {
                DateRead::Day(e) => Some(e),
                r => {
                    account.skip(reason(r), line, &name(c_end), end_text);
                    continue;
                }
            }
        };
        if end.is_some_and(|e| e < start) {
            account.skip(SkipReason::EndBeforeStart, line, &name(c_end), end_text);
            continue;
        }
        if table.start.len() >= MAX_ROWS {
            return Err(Error::new(
                "too_many_rows",
                format!("more than {MAX_ROWS} subscriptions"),
            )
            .with_hint("aggregate the subscriptions into a survival table (--survival)"));
        }
        table.start.push(start);
        table.end.push(end);
        table.line.push(line);
        account.used();
    }
    detected.source = "subscriptions".into();
    detected.has_header = true;
    detected.date_format = format;
    detected.columns.customer_id = c_customer.map(name);
    detected.columns.date = Some(name(c_start));
    detected.columns.end = Some(name(c_end));
    detected.header = header;
    Ok(Ingested::Subscriptions(table, account, detected))
}
