//! The row account: every input row is either used or counted under a named reason.
//!
//! `rows_read == rows_used + Σ rows_skipped` is an invariant checked by tests on every fixture;
//! this type is the only place that moves counts, so the invariant holds by construction.
use serde::Serialize;
use std::collections::BTreeMap;

/// How many examples to keep per reason: enough to see the pattern, small enough for JSON.
pub const EXAMPLES_PER_REASON: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SkipReason {
    BlankLine,
    WrongFieldCount,
    MissingCustomerId,
    UnparseableDate,
    NonNumericAmount,
    ReturnDropped,
    AfterAsOf,
    NoPurchaseInPeriod,
    InvalidSummaryRow,
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
            SkipReason::UnparseableDate => "unparseableDate",
            SkipReason::NonNumericAmount => "nonNumericAmount",
            SkipReason::ReturnDropped => "returnDropped",
            SkipReason::AfterAsOf => "afterAsOf",
            SkipReason::NoPurchaseInPeriod => "noPurchaseInPeriod",
            SkipReason::InvalidSummaryRow => "invalidSummaryRow",
            SkipReason::BeyondRowLimit => "beyondRowLimit",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkipExample {
    /// 1-based physical line in the file (sheet row for workbooks).
    pub line: u64,
    /// Column name (or `#n`, 1-based) the problem was found in; empty for whole-row problems.
    pub column: String,
    pub reason: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowAccount {
    pub rows_read: u64,
    pub rows_used: u64,
    pub skipped: BTreeMap<SkipReason, u64>,
    pub examples: Vec<SkipExample>,
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
            let text: String = text.chars().take(200).collect();
            self.examples.push(SkipExample {
                line,
                column: column.to_string(),
                reason: reason.key(),
                text,
            });
        }
    }

    /// Moves a row that ingest used into a skip reason decided later (e.g. after `asOf`).
    pub fn unuse(&mut self, reason: SkipReason, line: u64, column: &str, text: &str) {
        self.rows_used = self.rows_used.saturating_sub(1);
        self.skip(reason, line, column, text);
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
}
