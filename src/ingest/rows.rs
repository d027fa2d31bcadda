//! The row parser: one record in, one transaction (or one counted skip) out.
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::accounting::{RowAccount, SkipReason};
use super::date::DateParser;
use super::number::parse_amount;
use super::sniff::{self, Layout};
use super::{summary, Detected, DetectedColumns, IngestOptions, Ingested, ReturnsPolicy};
use crate::error::{Error, Result};

/// Used transactions, one entry per input line, as parallel columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transactions {
    /// Customer ids in order of first appearance; `customer[i]` indexes this.
    pub customer_names: Vec<String>,
    pub customer: Vec<u32>,
    /// Epoch day (days since 1970-01-01).
    pub day: Vec<i32>,
    /// Line value; returns are negative.
    pub amount: Vec<f64>,
    /// Hash of the order id (0 when the file has none: every line is its own order).
    pub order: Vec<u64>,
    /// 1-based source line, for examples of rows dropped later (e.g. after `asOf`).
    pub line: Vec<u32>,
}

impl Transactions {
    pub fn len(&self) -> usize {
        self.day.len()
    }

    pub fn is_empty(&self) -> bool {
        self.day.is_empty()
    }

    /// Is line `i` a return (negative value)?
    pub fn is_return(&self, i: usize) -> bool {
        self.amount[i] < 0.0
    }
}

/// Field access shared by CSV records and workbook rows.
pub trait Fields {
    fn count(&self) -> usize;
    fn field(&self, i: usize) -> Option<&str>;
}

impl Fields for csv::StringRecord {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> Option<&str> {
        self.get(i)
    }
}

impl Fields for Vec<String> {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> Option<&str> {
        self.get(i).map(String::as_str)
    }
}

/// An order id like `C536379` marks a cancelled invoice (the Online Retail convention).
fn is_cancelled_invoice(order: &str) -> bool {
    let b = order.as_bytes();
    b.len() > 1 && (b[0] == b'C' || b[0] == b'c') && b[1].is_ascii_digit()
}

fn order_hash(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish().max(1)
}

struct RowParser<'a> {
    layout: &'a Layout,
    names: Vec<String>,
    dates: DateParser,
    returns: ReturnsPolicy,
    account: RowAccount,
    tx: Transactions,
    index: HashMap<String, u32>,
    needed: usize,
}

impl<'a> RowParser<'a> {
    fn new(layout: &'a Layout, opts: &IngestOptions) -> Self {
        let names = (0..layout.n_fields)
            .map(|i| {
                layout
                    .header
                    .get(i)
                    .filter(|h| !h.is_empty())
                    .cloned()
                    .unwrap_or(format!("#{}", i + 1))
            })
            .collect();
        RowParser {
            layout,
            names,
            dates: DateParser::new(&layout.date_format),
            returns: opts.returns,
            account: RowAccount::default(),
            tx: Transactions::default(),
            index: HashMap::new(),
            needed: layout
                .roles
                .claimed()
                .into_iter()
                .max()
                .map_or(0, |m| m + 1),
        }
    }

    fn col_name(&self, i: usize) -> &str {
        self.names.get(i).map_or("", String::as_str)
    }

    fn push(&mut self, rec: &impl Fields, line: u64) {
        self.account.read();
        let n = rec.count();
        let blank = (0..n).all(|i| rec.field(i).is_none_or(|f| f.trim().is_empty()));
        if blank {
            self.account.skip(SkipReason::BlankLine, line, "", "");
            return;
        }
        let extra_nonempty =
            (self.layout.n_fields..n).any(|i| rec.field(i).is_some_and(|f| !f.trim().is_empty()));
        if n < self.needed || extra_nonempty {
            let text = (0..n)
                .filter_map(|i| rec.field(i))
                .collect::<Vec<_>>()
                .join("|");
            self.account.skip(
                SkipReason::WrongFieldCount,
                line,
                "",
                &format!("{n} fields: {text}"),
            );
            return;
        }
        let roles = &self.layout.roles;
        let get = |c: Option<usize>| c.and_then(|i| rec.field(i)).unwrap_or("");
        let cust = get(roles.customer).trim();
        if cust.is_empty() {
            let c = roles.customer.unwrap_or(0);
            self.account.skip(
                SkipReason::MissingCustomerId,
                line,
                &self.names[c].clone(),
                "",
            );
            return;
        }
        let date_text = get(roles.date);
        let Some(day) = self.dates.parse(date_text) else {
            let c = self.col_name(roles.date.unwrap_or(0)).to_string();
            self.account
                .skip(SkipReason::UnparseableDate, line, &c, date_text);
            return;
        };
        let dec = self.layout.decimal;
        let amount = match roles.amount {
            Some(a) => parse_amount(get(Some(a)), dec).ok_or(a),
            None => {
                let (q, p) = (roles.quantity.unwrap_or(0), roles.unit_price.unwrap_or(0));
                match (
                    parse_amount(get(Some(q)), dec),
                    parse_amount(get(Some(p)), dec),
                ) {
                    (Some(q), Some(p)) => Ok(q * p),
                    (None, _) => Err(q),
                    (_, None) => Err(p),
                }
            }
        };
        let mut amount = match amount {
            Ok(v) if v.is_finite() => v,
            Ok(_) | Err(_) => {
                let c = match amount {
                    Err(c) => c,
                    Ok(_) => roles.amount.unwrap_or(0),
                };
                let name = self.col_name(c).to_string();
                self.account
                    .skip(SkipReason::NonNumericAmount, line, &name, get(Some(c)));
                return;
            }
        };
        let order_text = get(roles.order).trim();
        if is_cancelled_invoice(order_text) {
            amount = -amount.abs();
        }
        if amount < 0.0 && self.returns == ReturnsPolicy::Drop {
            let c = self
                .col_name(roles.amount.or(roles.quantity).unwrap_or(0))
                .to_string();
            self.account
                .skip(SkipReason::ReturnDropped, line, &c, &amount.to_string());
            return;
        }
        let next = self.tx.customer_names.len() as u32;
        let id = match self.index.get(cust) {
            Some(&id) => id,
            None => {
                self.index.insert(cust.to_string(), next);
                self.tx.customer_names.push(cust.to_string());
                next
            }
        };
        self.tx.customer.push(id);
        self.tx.day.push(day);
        self.tx.amount.push(amount);
        self.tx.order.push(if order_text.is_empty() {
            0
        } else {
            order_hash(order_text)
        });
        self.tx.line.push(line.min(u32::MAX as u64) as u32);
        self.account.used();
    }

    fn finish(self, mut detected: Detected) -> Ingested {
        let l = self.layout;
        let name = |c: Option<usize>| c.map(|i| self.names[i].clone());
        detected.has_header = l.has_header;
        detected.decimal_separator = l.decimal.char().to_string();
        detected.date_format = l.date_format.clone();
        detected.date_format_ambiguous_with = l.date_ambiguous_with.clone();
        detected.columns = DetectedColumns {
            customer_id: name(l.roles.customer),
            date: name(l.roles.date),
            amount: name(l.roles.amount),
            order_id: name(l.roles.order),
            quantity: name(l.roles.quantity),
            unit_price: name(l.roles.unit_price),
        };
        detected.header = self.names.clone();
        Ingested::Transactions(self.tx, self.account, detected)
    }
}

pub fn from_text(
    text: &str,
    delimiter: u8,
    opts: &IngestOptions,
    detected: Detected,
) -> Result<Ingested> {
    let sample = sniff::read_sample(text, delimiter);
    if sample.is_empty() {
        return Err(Error::new("empty_file", "the file has no rows"));
    }
    if opts.summary {
        let mut rdr = reader(text, delimiter);
        return summary::read(&sample, rdr.records(), opts, detected);
    }
    let layout = sniff::decide_layout(&sample, opts)?;
    let mut parser = RowParser::new(&layout, opts);
    let mut rdr = reader(text, delimiter);
    let mut rec = csv::StringRecord::new();
    let mut first = true;
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = rec.position().map_or(0, |p| p.line());
                if first && layout.has_header {
                    first = false;
                    continue;
                }
                first = false;
                parser.push(&rec, line);
            }
            Err(e) => {
                // Only I/O or UTF-8 errors reach here (the reader is flexible); count and go on.
                let line = e.position().map_or(0, |p| p.line());
                parser.account.read();
                parser
                    .account
                    .skip(SkipReason::WrongFieldCount, line, "", &e.to_string());
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
    Ok(parser.finish(detected))
}

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// Workbook rows (already strings) through the same sniffer and row parser.
pub fn from_table(
    table: &[Vec<String>],
    opts: &IngestOptions,
    detected: Detected,
) -> Result<Ingested> {
    let rows: Vec<&Vec<String>> = table
        .iter()
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if rows.is_empty() {
        return Err(Error::new(
            "empty_file",
            "the workbook's first sheet has no rows",
        ));
    }
    let sample: Vec<Vec<String>> = rows
        .iter()
        .take(sniff::SAMPLE_ROWS)
        .map(|r| (*r).clone())
        .collect();
    if opts.summary {
        let records = table.iter().map(|r| Ok(csv::StringRecord::from(r.clone())));
        return summary::read(&sample, records, opts, detected);
    }
    let layout = sniff::decide_layout(&sample, opts)?;
    let mut parser = RowParser::new(&layout, opts);
    let mut first = true;
    for (i, row) in table.iter().enumerate() {
        if first && row.iter().any(|c| !c.trim().is_empty()) {
            first = false;
            if layout.has_header {
                continue;
            }
        }
        if first {
            continue; // leading empty rows before the table
        }
        parser.push(row, i as u64 + 1);
    }
    Ok(parser.finish(detected))
}
