//! Warnings about rows and values that were repaired or skipped for a reason an analyst must
//! hear about however rare: `many_rows_skipped` speaks only above 5% of the rows, but one
//! amount read with the other decimal separator, one stray quote or one mistyped year can
//! change a number. Each warning names the class, the first examples and the option.
use crate::ingest::{Detected, Repair, RowAccount, SkipExample, SkipReason, MAX_YEAR, MIN_YEAR};
use crate::report::Warning;

/// `"12,50" (line 11, column "amount"), …` for the examples of one reason or repair; `at`
/// is `line` for a file, `row` (the 0-based index the example carries) for data from memory.
fn examples(list: &[SkipExample], key: &str, at: &str) -> String {
    list.iter()
        .filter(|e| e.reason == key)
        .map(|e| match e.column.is_empty() {
            true => format!("{:?} ({at} {})", e.text, e.line),
            false => format!("{:?} ({at} {}, column {:?})", e.text, e.line, e.column),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: u64, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

pub(super) fn row_notes(account: &RowAccount, d: &Detected) -> Vec<Warning> {
    let mut w = Vec::new();
    let dec = d.decimal_separator.as_str();
    let other = if dec == "," { "." } else { "," };
    let repaired = |r: Repair| account.repaired.get(&r).copied().unwrap_or(0);
    let skipped = |r: SkipReason| account.skipped.get(&r).copied().unwrap_or(0);
    let at = match crate::ingest::MEMORY_SOURCES.contains(&d.source.as_str()) {
        true => "row",
        false => "line",
    };
    let repairs = |r: Repair| examples(&account.repair_examples, r.key(), at);
    let skips = |r: SkipReason| examples(&account.examples, r.key(), at);

    let n = repaired(Repair::OtherDecimal);
    if n > 0 {
        w.push(Warning::new(
            "amounts_other_decimal",
            format!(
                "{} read with {other:?} as the decimal separator, though the file's is {dec:?}: \
                 no group of three digits follows their {other:?}, and no amount of the column \
                 uses {other:?} for thousands. E.g. {}. Set --decimal {other} if the file uses \
                 {other:?} for decimals",
                plural(n, "amount was", "amounts were"),
                repairs(Repair::OtherDecimal)
            ),
        ));
    }
    let n = skipped(SkipReason::AmbiguousAmount);
    if n > 0 {
        w.push(Warning::new(
            "ambiguous_amounts",
            format!(
                "{} skipped (ambiguousAmount): their separators are neither thousands groups of \
                 three digits nor a decimal separator the column vouches for, so no reading is \
                 safe. E.g. {}. Set --decimal . or --decimal , to read the amounts one way",
                plural(n, "row was", "rows were"),
                skips(SkipReason::AmbiguousAmount)
            ),
        ));
    }
    let n = skipped(SkipReason::AmountOutOfRange);
    if n > 0 {
        w.push(Warning::new(
            "amounts_out_of_range",
            format!(
                "{} skipped (amountOutOfRange): an amount (or quantity × unit price) beyond \
                 ±10^15 is no money but an id or a code. E.g. {}. Check --amount-col",
                plural(n, "row was", "rows were"),
                skips(SkipReason::AmountOutOfRange)
            ),
        ));
    }
    let n = repaired(Repair::UnclosedQuote);
    if n > 0 {
        w.push(Warning::new(
            "unclosed_quote",
            format!(
                "{} never closed within {} line breaks or 1 MiB: the quote was dropped and the \
                 text after it read again as ordinary rows. E.g. {}. Check the export's quoting",
                plural(n, "quoted field", "quoted fields"),
                crate::ingest::MAX_QUOTED_LINES,
                repairs(Repair::UnclosedQuote)
            ),
        ));
    }
    let n = repaired(Repair::InvalidUtf8);
    if n > 0 {
        w.push(Warning::new(
            "invalid_utf8",
            format!(
                "the file is UTF-8 except for {}, replaced by U+FFFD (�): {}. If the file is in \
                 another encoding, set --encoding",
                plural(n, "invalid byte sequence", "invalid byte sequences"),
                repairs(Repair::InvalidUtf8)
            ),
        ));
    }
    let n = skipped(SkipReason::InvalidCustomerId);
    if n > 0 {
        w.push(Warning::new(
            "invalid_customer_ids",
            format!(
                "{} skipped (invalidCustomerId): the id holds control characters such as NUL, \
                 debris of a binary or damaged export. E.g. {}",
                plural(n, "row was", "rows were"),
                skips(SkipReason::InvalidCustomerId)
            ),
        ));
    }
    let n = skipped(SkipReason::DateOutOfRange);
    if n > 0 {
        w.push(Warning::new(
            "dates_out_of_range",
            format!(
                "{} skipped (dateOutOfRange): dates are read for the years {MIN_YEAR}–{MAX_YEAR} \
                 only; others are typos of the year or another column's numbers. E.g. {}. Check \
                 --date-col",
                plural(n, "row was", "rows were"),
                skips(SkipReason::DateOutOfRange)
            ),
        ));
    }
    if let Some(o) = &d.date_outliers {
        let list: Vec<String> = o
            .examples
            .iter()
            .map(|e| format!("{} ({at} {})", e.date, e.line))
            .collect();
        let what = match o.policy {
            crate::ingest::OutlierPolicy::Skip => "They were skipped (outlierDate), so they set \
                 neither the default asOf nor a first purchase; set --outlier-dates keep to use them",
            crate::ingest::OutlierPolicy::Keep => "They were kept as asked (outlierDates: keep)",
        };
        w.push(Warning::new(
            "outlier_dates",
            format!(
                "{} dated far outside the bulk of the dates ({} … {}; dates from {} to {} are \
                 accepted): {}. {what}",
                plural(o.rows, "row is", "rows are"),
                o.bulk_from,
                o.bulk_to,
                o.from,
                o.to,
                list.join(", ")
            ),
        ));
    }
    w
}
