//! The row account: every input row is either used or counted under a named reason.
//!
//! `rows_read == rows_used + Σ rows_skipped` is an invariant checked by tests on every fixture;
//! this type is the only place that moves counts, so the invariant holds by construction.
//!
//! Values that were used after a documented repair (an amount read with the other decimal
//! separator, a stray quote dropped, invalid UTF-8 bytes replaced) are counted too, under
//! [`Repair`]: they are rows used, so they never enter the balance, but each is warned about.
use serde::Serialize;
use std::collections::BTreeMap;

/// How many examples to keep per reason: enough to see the pattern, small enough for JSON.
pub const EXAMPLES_PER_REASON: usize = 3;

/// Characters of a row's text kept in an example.
const EXAMPLE_CHARS: usize = 200;

/// Characters of a column name kept in an example.
const COLUMN_CHARS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum SkipReason {
    BlankLine,
    WrongFieldCount,
    MissingCustomerId,
    /// A customer id holding control characters (NUL, …): binary debris, not an id.
    InvalidCustomerId,
    UnparseableDate,
    /// A date that reads in the format but lies outside 1900–2200.
    DateOutOfRange,
    /// A date far outside the bulk of the file's dates (see `outliers`).
    OutlierDate,
    NonNumericAmount,
    /// Separators that are neither thousands groups of three nor a decimal point we can
    /// vouch for (see `number`).
    AmbiguousAmount,
    /// An amount (or quantity × unit price) beyond ±[`super::number::MAX_AMOUNT`].
    AmountOutOfRange,
    ReturnDropped,
    AfterAsOf,
    NoPurchaseInPeriod,
    InvalidSummaryRow,
    EndBeforeStart,
    /// A workbook row after sheet row 1,048,576 (Excel's and LibreOffice's last row): no
    /// spreadsheet program shows it, so it is counted, not read.
    BeyondRowLimit,
}

impl SkipReason {
    pub fn key(self) -> &'static str {
        match self {
            SkipReason::BlankLine => "blankLine",
            SkipReason::WrongFieldCount => "wrongFieldCount",
            SkipReason::MissingCustomerId => "missingCustomerId",
            SkipReason::InvalidCustomerId => "invalidCustomerId",
            SkipReason::UnparseableDate => "unparseableDate",
            SkipReason::DateOutOfRange => "dateOutOfRange",
            SkipReason::OutlierDate => "outlierDate",
            SkipReason::NonNumericAmount => "nonNumericAmount",
            SkipReason::AmbiguousAmount => "ambiguousAmount",
            SkipReason::AmountOutOfRange => "amountOutOfRange",
            SkipReason::ReturnDropped => "returnDropped",
            SkipReason::AfterAsOf => "afterAsOf",
            SkipReason::NoPurchaseInPeriod => "noPurchaseInPeriod",
            SkipReason::InvalidSummaryRow => "invalidSummaryRow",
            SkipReason::EndBeforeStart => "endBeforeStart",
            SkipReason::BeyondRowLimit => "beyondRowLimit",
        }
    }
}

/// A documented repair of a value that was then used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Repair {
    /// An amount read with the other decimal separator (`12,50` in a dot-decimal column).
    OtherDecimal,
    /// A quote that opened a field and never closed (within bounds): dropped, and the text
    /// after it read again as ordinary fields.
    UnclosedQuote,
    /// A byte sequence that is not UTF-8 in an otherwise UTF-8 file, replaced by U+FFFD.
    InvalidUtf8,
}

impl Repair {
    pub fn key(self) -> &'static str {
        match self {
            Repair::OtherDecimal => "otherDecimal",
            Repair::UnclosedQuote => "unclosedQuote",
            Repair::InvalidUtf8 => "invalidUtf8",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SkipExample {
    /// 1-based physical line in the file (sheet row for workbooks).
    pub line: u64,
    /// Column name (or `#n`, 1-based) the problem was found in; empty for whole-row problems.
    pub column: String,
    /// The skip reason's key (or the repair's, in `repairExamples`).
    pub reason: &'static str,
    pub text: String,
}

impl SkipExample {
    fn new(line: u64, column: &str, reason: &'static str, text: &str) -> SkipExample {
        SkipExample {
            line,
            column: crate::error::clip(column, COLUMN_CHARS),
            reason,
            text: crate::error::clip(text, EXAMPLE_CHARS),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowAccount {
    pub rows_read: u64,
    pub rows_used: u64,
    pub skipped: BTreeMap<SkipReason, u64>,
    pub examples: Vec<SkipExample>,
    /// Values used after a repair, by kind (not part of the balance: their rows are used).
    pub repaired: BTreeMap<Repair, u64>,
    pub repair_examples: Vec<SkipExample>,
}

impl RowAccount {
    pub fn read(&mut self) {
        self.rows_read += 1;
    }

    pub fn used(&mut self) {
        self.rows_used += 1;
    }

    /// `n` rows read and skipped for one reason at once, with their first examples
    /// (line, text).
    pub fn skip_many(&mut self, reason: SkipReason, n: u64, examples: &[(u64, String)]) {
        if n == 0 {
            return;
        }
        self.rows_read += n;
        *self.skipped.entry(reason).or_insert(0) += n;
        for (line, text) in examples.iter().take(EXAMPLES_PER_REASON) {
            self.examples.push(SkipExample {
                line: *line,
                column: String::new(),
                reason: reason.key(),
                text: text.chars().take(200).collect(),
            });
        }
    }

    pub fn skip(&mut self, reason: SkipReason, line: u64, column: &str, text: &str) {
        let n = self.skipped.entry(reason).or_insert(0);
        *n += 1;
        if *n as usize <= EXAMPLES_PER_REASON {
            self.examples
                .push(SkipExample::new(line, column, reason.key(), text));
        }
    }

    /// Whether the next skip for `reason` keeps an example (so its text is worth building).
    pub fn keeps_example(&self, reason: SkipReason) -> bool {
        self.skipped.get(&reason).copied().unwrap_or(0) < EXAMPLES_PER_REASON as u64
    }

    /// Moves a row that ingest used into a skip reason decided later (e.g. after `asOf`).
    pub fn unuse(&mut self, reason: SkipReason, line: u64, column: &str, text: &str) {
        self.rows_used = self.rows_used.saturating_sub(1);
        self.skip(reason, line, column, text);
    }

    /// Counts `n` repairs of one kind; the example (if any) describes the first of them.
    pub fn repair(&mut self, kind: Repair, n: u64, example: Option<(u64, &str, &str)>) {
        let count = self.repaired.entry(kind).or_insert(0);
        let before = *count;
        *count += n;
        if let Some((line, column, text)) = example {
            if (before as usize) < EXAMPLES_PER_REASON {
                self.repair_examples
                    .push(SkipExample::new(line, column, kind.key(), text));
            }
        }
    }

    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    pub fn is_balanced(&self) -> bool {
        self.rows_read == self.rows_used + self.skipped_total()
    }

    pub fn skipped_by_key(&self) -> BTreeMap<String, u64> {
        self.skipped
            .iter()
            .map(|(r, n)| (r.key().to_string(), *n))
            .collect()
    }

    pub fn repaired_by_key(&self) -> BTreeMap<String, u64> {
        self.repaired
            .iter()
            .map(|(r, n)| (r.key().to_string(), *n))
            .collect()
    }

    /// The Report's `ingest` section: this account, what was detected, the span of days used
    /// (first, last), the returns policy and the return lines among the used rows.
    pub fn report(
        &self,
        detected: &super::Detected,
        span: Option<(i32, i32)>,
        returns: super::ReturnsPolicy,
        return_lines: u64,
    ) -> super::IngestReport {
        super::IngestReport {
            rows_read: self.rows_read,
            rows_used: self.rows_used,
            rows_skipped: self.skipped_by_key(),
            examples: self.examples.clone(),
            repairs: self.repaired_by_key(),
            repair_examples: self.repair_examples.clone(),
            detected: detected.clone(),
            first_date: span.map(|s| crate::dates::format_day(s.0)),
            last_date: span.map(|s| crate::dates::format_day(s.1)),
            returns,
            return_lines,
        }
    }
}
