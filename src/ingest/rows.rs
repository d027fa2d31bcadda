//! The row parser: one record in, one transaction (or one counted skip) out.
//!
//! This is the hot loop of ingest. It sees each record once, borrows its fields, and appends
//! to four columns; nothing per row is allocated except a customer's name the first time it
//! appears.
use std::borrow::Cow;

use super::accounting::{Repair, RowAccount, SkipReason};
use super::batch::Batch;
use super::covariates::{CovariateColumn, CovariateReader};
use super::date::{DateParser, DateRead};
use super::lines::Lines;
use super::names::{Interner, Names};
use super::number::{read_amount, Amount, MAX_AMOUNT};
use super::outliers::{self, DateOutliers, OutlierPolicy};
use super::sniff::Layout;
use super::{Detected, DetectedColumns, IngestOptions, Ingested, ReturnsPolicy};
use crate::dates::format_day;
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

    /// Keeps the rows `keep` accepts, in order (a rare path: rows with outlier dates).
    pub(super) fn retain(&mut self, keep: impl Fn(usize) -> bool) {
        let mut lines = Lines::default();
        let mut w = 0;
        for i in 0..self.len() {
            if keep(i) {
                self.customer[w] = self.customer[i];
                self.day[w] = self.day[i];
                self.amount[w] = self.amount[i];
                self.order[w] = self.order[i];
                for c in &mut self.covariates {
                    c.values[w] = c.values[i];
                }
                lines.push(self.lines.get(i));
                w += 1;
            }
        }
        self.customer.truncate(w);
        self.day.truncate(w);
        self.amount.truncate(w);
        self.order.truncate(w);
        for c in &mut self.covariates {
            c.values.truncate(w);
        }
        self.lines = lines;
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

/// Whether `id` holds a control character other than tab, LF and CR (or DEL). Eight bytes
/// at a time: this runs on every row.
pub(super) fn has_control(id: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Some byte below 0x20, or equal to 0x7F (the classic "has less" and "has zero" tricks;
    // they may flag a false positive only next to a true one, so a hit is checked exactly).
    let suspect = |v: u64| {
        let del = v ^ (0x7F * ONES);
        (v.wrapping_sub(0x20 * ONES) & !v & HIGH) != 0
            || (del.wrapping_sub(ONES) & !del & HIGH) != 0
    };
    let exact = |b: &u8| (*b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || *b == 0x7F;
    let mut chunks = id.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        if suspect(v) && c.iter().any(exact) {
            return true;
        }
    }
    chunks.remainder().iter().any(exact)
}

pub(super) struct RowParser<'a> {
    layout: &'a Layout,
    names: Vec<String>,
    pub(super) dates: DateParser,
    returns: ReturnsPolicy,
    outlier_dates: OutlierPolicy,
    pub(super) account: RowAccount,
    tx: Transactions,
    customers: Interner,
    /// Used rows waiting for their customer index (see `batch`).
    batch: Batch,
    needed: usize,
    /// The id arena passed its 4 GiB limit (see `Names::push`): ingest fails in `finish`.
    too_many_ids: bool,
    /// The money column of this row read with the other decimal separator, if any.
    repaired: Option<usize>,
    /// Levels of the covariate columns; the row's levels are queued in the batch.
    covariates: CovariateReader,
    levels: Vec<u32>,
}

impl<'a> RowParser<'a> {
    /// `capacity`: expected rows, so the columns are allocated once (no doubling copies).
    /// `seed`: keys the id table's and the date memo's hashes (see `seeded`).
    pub(super) fn new(
        layout: &'a Layout,
        opts: &IngestOptions,
        capacity: usize,
        seed: u64,
    ) -> Self {
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
            dates: DateParser::new(&layout.date_format, seed),
            returns: opts.returns,
            outlier_dates: opts.outlier_dates,
            account: RowAccount::default(),
            tx: Transactions {
                covariates: covariates.columns(),
                ..Transactions::with_capacity(capacity)
            },
            customers: Interner::with_seed(seed),
            batch: Batch::default(),
            needed: layout
                .roles
                .claimed()
                .into_iter()
                .max()
                .map_or(0, |m| m + 1)
                .max(layout.covariates.iter().map(|c| c.0 + 1).max().unwrap_or(0)),
            too_many_ids: false,
            repaired: None,
            covariates,
            levels: Vec::new(),
        }
    }

    pub(super) fn col_name(&self, i: usize) -> &str {
        self.names.get(i).map_or("", String::as_str)
    }

    /// A new row is read (a file's record, or a row from memory).
    pub(super) fn start_row(&mut self) {
        self.account.read();
        self.repaired = None;
    }

    pub(super) fn push(&mut self, rec: &impl Fields, line: u64) {
        self.start_row();
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
            // The row's text only for the examples kept: a hostile file may hold a million
            // such rows, or one of megabytes.
            let text = match self.account.keeps_example(SkipReason::WrongFieldCount) {
                true => {
                    let fields: Vec<String> = (0..n)
                        .filter_map(|i| rec.field(i))
                        .take(50)
                        .map(|f| crate::error::clip(f, 100))
                        .collect();
                    format!("{n} fields: {}", fields.join("|"))
                }
                false => String::new(),
            };
            self.account
                .skip(SkipReason::WrongFieldCount, line, "", &text);
            return;
        }
        let layout: &'a Layout = self.layout;
        let roles = &layout.roles;
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
        // Control characters (NUL above all) are binary debris, not part of an id; a line
        // break inside a quoted id is the file's business.
        if has_control(cust.as_bytes()) {
            let name = self.col_name(roles.customer.unwrap_or(0)).to_string();
            let text = cust.escape_debug().to_string();
            self.account
                .skip(SkipReason::InvalidCustomerId, line, &name, &text);
            return;
        }
        let date_text = get(roles.date);
        let day = match self.dates.parse(date_text) {
            DateRead::Day(day) => day,
            bad => {
                let c = self.col_name(roles.date.unwrap_or(0)).to_string();
                let reason = match bad {
                    DateRead::OutOfRange => SkipReason::DateOutOfRange,
                    _ => SkipReason::UnparseableDate,
                };
                self.account.skip(reason, line, &c, date_text);
                return;
            }
        };
        let amount = match roles.amount {
            Some(a) => self.amount(rec, a),
            None => {
                let (q, p) = (roles.quantity.unwrap_or(0), roles.unit_price.unwrap_or(0));
                match (self.amount(rec, q), self.amount(rec, p)) {
                    (Ok(q), Ok(p)) if (q * p).abs() <= MAX_AMOUNT => Ok(q * p),
                    (Ok(_), Ok(_)) => Err((q, SkipReason::AmountOutOfRange)),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                }
            }
        };
        let amount = match amount {
            Ok(v) => v,
            Err((c, reason)) => {
                let name = self.col_name(c).to_string();
                let text = match reason {
                    SkipReason::AmountOutOfRange if roles.amount.is_none() => {
                        format!("{} × {}", get(roles.quantity), get(roles.unit_price))
                    }
                    _ => get(Some(c)).to_string(),
                };
                self.account.skip(reason, line, &name, &text);
                return;
            }
        };
        self.accept(cust, day, amount, get(roles.order), line, |c| {
            get(Some(c)).into()
        });
    }

    /// The end of every row with a customer, a day and an amount within bounds, whatever it
    /// was read from (a file's fields here, or cells from memory in `memory`): cancelled
    /// invoices, the returns policy, the order id; then the row is used, and a money value
    /// read with the other decimal separator (`repaired`) is counted. `order` may be
    /// untrimmed; `field(i)` is the text of field `i` (covariates, the repaired value), asked
    /// for used rows only (a level seen only on dropped rows would be a level without
    /// customers).
    pub(super) fn accept<'r>(
        &mut self,
        cust: &str,
        day: i32,
        mut amount: f64,
        order: &str,
        line: u64,
        field: impl Fn(usize) -> Cow<'r, str>,
    ) {
        let order_text = order.trim();
        if self.layout.cancel_prefix && is_cancelled_invoice(order_text) {
            amount = -amount.abs();
        }
        if amount < 0.0 && self.returns == ReturnsPolicy::Drop {
            let roles = &self.layout.roles;
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
        if let Some(c) = self.repaired {
            let name = self.col_name(c).to_string();
            let text = field(c);
            self.account
                .repair(Repair::OtherDecimal, 1, Some((line, &name, &text)));
        }
        if !self.covariates.is_empty() {
            self.levels.clear();
            for k in 0..self.covariates.columns.len() {
                let c = self.covariates.columns[k];
                let l = self.covariates.level(k, &field(c));
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

    /// The value of money column `c`, or the column and the reason to skip the row. A value
    /// read with the other decimal separator is remembered in `repaired`, and counted as a
    /// repair once the row is used.
    #[inline]
    fn amount(
        &mut self,
        rec: &impl Fields,
        c: usize,
    ) -> std::result::Result<f64, (usize, SkipReason)> {
        self.money(rec.field(c).unwrap_or(""), c)
    }

    /// The value of text `text` of money column `c` (a file's field, or a text cell from
    /// memory), as [`Self::amount`].
    pub(super) fn money(
        &mut self,
        text: &str,
        c: usize,
    ) -> std::result::Result<f64, (usize, SkipReason)> {
        match read_amount(text, self.layout.decimal, self.layout.style(c)) {
            Amount::Value(v) => Ok(v),
            Amount::OtherDecimal(v) => {
                self.repaired.get_or_insert(c);
                Ok(v)
            }
            Amount::Ambiguous => Err((c, SkipReason::AmbiguousAmount)),
            Amount::OutOfRange => Err((c, SkipReason::AmountOutOfRange)),
            Amount::NotANumber => Err((c, SkipReason::NonNumericAmount)),
        }
    }

    fn flush(&mut self) {
        if !self.batch.flush(&mut self.customers, &mut self.tx) {
            self.too_many_ids = true;
        }
    }

    /// Rows dated far outside the bulk of the dates (see `outliers`): described, and skipped
    /// unless the options keep them.
    fn date_outliers(&mut self) -> Option<DateOutliers> {
        let w = outliers::window(&self.tx.day)?;
        let mut found = DateOutliers::new(&w, self.outlier_dates);
        let column = self
            .col_name(self.layout.roles.date.unwrap_or(0))
            .to_string();
        for (i, &day) in self.tx.day.iter().enumerate() {
            if w.outside(day) {
                let line = self.tx.line(i);
                found.add(line, day);
                if self.outlier_dates == OutlierPolicy::Skip {
                    self.account
                        .unuse(SkipReason::OutlierDate, line, &column, &format_day(day));
                }
            }
        }
        if self.outlier_dates == OutlierPolicy::Skip {
            let keep: Vec<bool> = self.tx.day.iter().map(|&d| !w.outside(d)).collect();
            self.tx.retain(|i| keep[i]);
        }
        Some(found)
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
        detected.date_outliers = self.date_outliers();
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
            end: None,
            covariates: l.covariates.iter().map(|c| c.1.clone()).collect(),
        };
        detected.header = self.names.clone();
        Ok(Ingested::Transactions(self.tx, self.account, detected))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_in_ids() {
        for id in [
            "C0002035",
            "客户12345678",
            "a\tb",
            "line\nbreak\r\n",
            "",
            "~~~~~~~~~~~",
        ] {
            assert!(!has_control(id.as_bytes()), "{id:?}");
        }
        for id in [
            "a\0",
            "12345678\0",
            "\u{1}abcdefgh",
            "abcdefg\u{7f}",
            "x\u{1b}[31m",
        ] {
            assert!(has_control(id.as_bytes()), "{id:?}");
        }
    }
}
