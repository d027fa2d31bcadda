//! The row parser: one record in, one transaction (or one counted skip) out.
//!
//! This is the hot loop of ingest. It sees each record once, borrows its fields, and appends
//! to four columns; nothing per row is allocated except a customer's name the first time it
//! appears.
use super::accounting::{RowAccount, SkipReason};
use super::batch::Batch;
use super::covariates::{CovariateColumn, CovariateReader};
use super::date::DateParser;
use super::lines::Lines;
use super::names::{Interner, Names};
use super::number::parse_amount;
use super::sniff::Layout;
use super::{Detected, DetectedColumns, IngestOptions, Ingested, ReturnsPolicy};
use crate::error::{Error, Result};

/// Used transactions, one entry per input line, as parallel columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transactions {
    /// Customer ids in order of first appearance; `customer[i]` indexes this.
    pub customer_names: Names,
    pub customer: Vec<u32>,
    /// Epoch day (days since 1970-01-01).
    pub day: Vec<i32>,
    /// Line value; returns are negative.
    pub amount: Vec<f64>,
    /// Hash of the order id (0 when the file has none: every line is its own order).
    pub order: Vec<u64>,
    /// 1-based source lines, for examples of rows dropped later (e.g. after `asOf`).
    pub lines: Lines,
    /// The `covariateCols` columns, one value per row.
    pub covariates: Vec<CovariateColumn>,
}

impl Transactions {
    pub fn with_capacity(n: usize) -> Self {
        Transactions {
            customer_names: Names::default(),
            customer: Vec::with_capacity(n),
            day: Vec::with_capacity(n),
            amount: Vec::with_capacity(n),
            order: Vec::with_capacity(n),
            lines: Lines::default(),
            covariates: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.day.len()
    }

    pub fn is_empty(&self) -> bool {
        self.day.is_empty()
    }

    /// 1-based source line of row `i`.
    pub fn line(&self, i: usize) -> u64 {
        self.lines.get(i)
    }

    /// Makes room for `n` more rows. Past the estimate the columns grow by a quarter, not
    /// by doubling: a doubling copy would hold 1.5× the columns at once.
    pub(super) fn reserve(&mut self, n: usize) {
        if self.customer.len() + n <= self.customer.capacity() {
            return;
        }
        let more = n.max(self.customer.len() / 4);
        self.customer.reserve_exact(more);
        self.day.reserve_exact(more);
        self.amount.reserve_exact(more);
        self.order.reserve_exact(more);
        for c in &mut self.covariates {
            c.values.reserve_exact(more);
        }
    }

    /// Gives back the columns' unused reserve (the row estimate includes a margin).
    fn shrink_to_fit(&mut self) {
        self.customer.shrink_to_fit();
        self.day.shrink_to_fit();
        self.amount.shrink_to_fit();
        self.order.shrink_to_fit();
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
    /// Missing or only whitespace (as `str::trim` sees it).
    fn is_blank(&self, i: usize) -> bool {
        self.field(i).is_none_or(|f| f.trim().is_empty())
    }
}

/// `char::is_whitespace` restricted to ASCII (what `str::trim` removes there).
fn is_ascii_space(b: &u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r')
}

impl Fields for csv::StringRecord {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> Option<&str> {
        self.get(i)
    }
}

/// Fields are UTF-8 by construction (validated in place, or transcoded by encoding_rs); a
/// field that is not reads as empty rather than panicking.
impl Fields for csv::ByteRecord {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> Option<&str> {
        self.get(i)
            .map(|b| std::str::from_utf8(b).unwrap_or_default())
    }
    /// On the bytes: no UTF-8 check for the fields the parser never reads.
    fn is_blank(&self, i: usize) -> bool {
        match self.get(i) {
            None => true,
            Some(b) if b.iter().all(is_ascii_space) => true,
            Some(b) if b.is_ascii() => false,
            Some(b) => std::str::from_utf8(b).is_ok_and(|s| s.trim().is_empty()),
        }
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

impl Fields for Vec<&str> {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> Option<&str> {
        self.get(i).copied()
    }
}

/// An order id like `C536379`: a cancelled invoice in the Online Retail convention, when the
/// file follows it (`Layout::cancel_prefix`).
pub(super) fn is_cancelled_invoice(order: &str) -> bool {
    let b = order.as_bytes();
    b.len() > 1 && (b[0] == b'C' || b[0] == b'c') && b[1].is_ascii_digit()
}

/// FNV-1a, 64 bits: the same value on every target (wasm32 included, unlike `usize`-based
/// hashers), and fast on short ids. Only lines of one customer are compared, so a collision
/// (≈ n²/2⁶⁴) would merge two of that customer's orders at worst. Never 0 (0 = no order id).
fn order_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s.as_bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h.max(1)
}

pub(super) struct RowParser<'a> {
    layout: &'a Layout,
    names: Vec<String>,
    dates: DateParser,
    returns: ReturnsPolicy,
    pub(super) account: RowAccount,
    tx: Transactions,
    customers: Interner,
    /// Used rows waiting for their customer index (see `batch`).
    batch: Batch,
    needed: usize,
    /// The id arena passed its 4 GiB limit (see `Names::push`): ingest fails in `finish`.
    too_many_ids: bool,
    /// Levels of the covariate columns; the row's levels are queued in the batch.
    covariates: CovariateReader,
    levels: Vec<u32>,
}

impl<'a> RowParser<'a> {
    /// `capacity`: expected rows, so the columns are allocated once (no doubling copies).
    pub(super) fn new(layout: &'a Layout, opts: &IngestOptions, capacity: usize) -> Self {
        let covariates = CovariateReader::new(layout.covariates.clone());
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
            tx: Transactions {
                covariates: covariates.columns(),
                ..Transactions::with_capacity(capacity)
            },
            customers: Interner::default(),
            batch: Batch::default(),
            needed: layout
                .roles
                .claimed()
                .into_iter()
                .max()
                .map_or(0, |m| m + 1)
                .max(layout.covariates.iter().map(|c| c.0 + 1).max().unwrap_or(0)),
            too_many_ids: false,
            covariates,
            levels: Vec::new(),
        }
    }

    fn col_name(&self, i: usize) -> &str {
        self.names.get(i).map_or("", String::as_str)
    }

    pub(super) fn push(&mut self, rec: &impl Fields, line: u64) {
        self.account.read();
        let n = rec.count();
        // A blank line is only looked for where a row fails (too few fields, no customer):
        // scanning every field of every good row costs more than the check it saves.
        let blank = || (0..n).all(|i| rec.is_blank(i));
        let extra_nonempty = (self.layout.n_fields..n).any(|i| !rec.is_blank(i));
        if n < self.needed && blank() {
            self.account.skip(SkipReason::BlankLine, line, "", "");
            return;
        }
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
        if cust.is_empty() && blank() {
            self.account.skip(SkipReason::BlankLine, line, "", "");
            return;
        }
        if cust.is_empty() {
            let c = roles.customer.unwrap_or(0);
            let name = self.col_name(c).to_string();
            self.account
                .skip(SkipReason::MissingCustomerId, line, &name, "");
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
        if self.layout.cancel_prefix && is_cancelled_invoice(order_text) {
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
        let order = if order_text.is_empty() {
            0
        } else {
            order_hash(order_text)
        };
        self.account.used();
        if !self.covariates.is_empty() {
            self.levels.clear();
            for k in 0..self.covariates.columns.len() {
                let c = self.covariates.columns[k];
                let l = self.covariates.level(k, get(Some(c)));
                self.levels.push(l);
            }
        }
        if self
            .batch
            .push(cust, (day, amount, order, line), &self.levels)
        {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.batch.flush(&mut self.customers, &mut self.tx) {
            self.too_many_ids = true;
        }
    }

    pub(super) fn finish(mut self, mut detected: Detected) -> Result<Ingested> {
        self.flush();
        if self.too_many_ids {
            return Err(Error::new(
                "too_many_customers",
                "the customer ids take more than 4 GiB (or there are over 4 billion of them)",
            )
            .with_hint("split the export into smaller files"));
        }
        self.tx.customer_names = std::mem::take(&mut self.customers).into_names();
        std::mem::take(&mut self.covariates).finish(&mut self.tx.covariates);
        self.tx.shrink_to_fit();
        let l = self.layout;
        let name = |c: Option<usize>| c.map(|i| self.col_name(i).to_string());
        detected.has_header = l.has_header;
        detected.decimal_separator = l.decimal.char().to_string();
        detected.date_format = l.date_format.clone();
        detected.date_format_ambiguous_with = l.date_ambiguous_with.clone();
        detected.cancelled_order_prefix =
            (l.cancel_prefix && l.roles.order.is_some()).then(|| "C".to_string());
        detected.columns = DetectedColumns {
            customer_id: name(l.roles.customer),
            date: name(l.roles.date),
            amount: name(l.roles.amount),
            order_id: name(l.roles.order),
            quantity: name(l.roles.quantity),
            unit_price: name(l.roles.unit_price),
            covariates: l.covariates.iter().map(|c| c.1.clone()).collect(),
        };
        detected.header = self.names.clone();
        Ok(Ingested::Transactions(self.tx, self.account, detected))
    }
}
