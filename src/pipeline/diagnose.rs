//! Errors and warnings about the rows themselves, each naming the guess that is likely wrong
//! and the option that fixes it.
use crate::error::Error;
use crate::ingest::{Detected, RowAccount, SkipReason};
use crate::report::Warning;

/// Share of skipped rows above which the Report warns that a guess is probably wrong.
const SKIP_WARNING_SHARE: f64 = 0.05;

/// Skips that follow from the data or an option as intended, not from a wrong guess: rows
/// after `asOf`, customers with no purchase up to it, returns under `returns: drop`, and
/// blank lines. They never count toward the warning's share, nor choose its hint.
pub(crate) fn by_design(r: SkipReason) -> bool {
    matches!(
        r,
        SkipReason::AfterAsOf
            | SkipReason::NoPurchaseInPeriod
            | SkipReason::ReturnDropped
            | SkipReason::BlankLine
            | SkipReason::OutlierDate
    )
}

/// The most frequent reason among those `keep` admits (ties: the first in reason order).
pub(crate) fn dominant(
    account: &RowAccount,
    keep: impl Fn(SkipReason) -> bool,
) -> Option<(SkipReason, u64)> {
    account
        .skipped
        .iter()
        .filter(|(r, n)| keep(**r) && **n > 0)
        .fold(None, |best: Option<(SkipReason, u64)>, (r, n)| match best {
            Some((_, m)) if m >= *n => best,
            _ => Some((*r, *n)),
        })
}

fn quoted(name: &Option<String>) -> String {
    format!("{:?}", name.as_deref().unwrap_or("?"))
}

/// For a skip reason: the detected setting that most likely caused it (`None` when no guess
/// is involved), and the option that changes it.
fn guess_and_fix(reason: SkipReason, d: &Detected) -> (Option<String>, String) {
    let c = &d.columns;
    // Data from memory has no columns to choose by option: its mapping names them.
    let memory = crate::ingest::MEMORY_SOURCES.contains(&d.source.as_str());
    match reason {
        SkipReason::UnparseableDate => {
            let example = d
                .date_format_ambiguous_with
                .as_deref()
                .unwrap_or("%d.%m.%Y");
            (
                Some(format!(
                    "dates read as {:?} from column {}",
                    d.date_format,
                    quoted(&c.date)
                )),
                if memory {
                    format!("dateFormat '{example}' for text dates, or pass Date objects, epoch milliseconds or an Int32Array of epoch days")
                } else {
                    format!("--date-format '{example}' (or the right format) or --date-col")
                },
            )
        }
        SkipReason::NonNumericAmount | SkipReason::AmbiguousAmount => {
            let from = match (&c.amount, &c.quantity, &c.unit_price) {
                (None, Some(_), Some(_)) => format!(
                    "columns {} × {}",
                    quoted(&c.quantity),
                    quoted(&c.unit_price)
                ),
                _ => format!("column {}", quoted(&c.amount)),
            };
            (
                Some(format!(
                    "amounts read with decimal separator {:?} from {from}",
                    d.decimal_separator
                )),
                if memory {
                    "decimal (for text amounts) or the amount column of the mapping".into()
                } else {
                    "--decimal or --amount-col".into()
                },
            )
        }
        SkipReason::WrongFieldCount => (
            Some(format!(
                "fields split on {:?} ({} columns from the header or the sample)",
                d.delimiter,
                d.header.len()
            )),
            "--delimiter (or --encoding if the text looks garbled)".into(),
        ),
        SkipReason::MissingCustomerId => (
            Some(format!(
                "customer ids read from column {}",
                quoted(&c.customer_id)
            )),
            if memory {
                "the customer column of the mapping".into()
            } else {
                "--customer-col".into()
            },
        ),
        SkipReason::InvalidCustomerId => (
            Some(format!(
                "customer ids read from column {}",
                quoted(&c.customer_id)
            )),
            "--customer-col (the ids hold control characters such as NUL; or --encoding)".into(),
        ),
        SkipReason::DateOutOfRange => (
            Some(format!(
                "dates read as {:?} from column {}",
                d.date_format,
                quoted(&c.date)
            )),
            format!(
                "--date-col or --date-format; years outside {}–{} are not read",
                crate::ingest::MIN_YEAR,
                crate::ingest::MAX_YEAR
            ),
        ),
        SkipReason::AmountOutOfRange => (
            None,
            "--amount-col (amounts beyond ±10^15 are not money: an id or a barcode?)".into(),
        ),
        SkipReason::OutlierDate => (
            None,
            "--outlier-dates keep to use rows far outside the bulk of the dates".into(),
        ),
        SkipReason::AfterAsOf => (None, "--as-of (a later date)".into()),
        SkipReason::ReturnDropped => (None, "--returns net or keep".into()),
        SkipReason::EndBeforeStart => (
            None,
            "check the start and end columns (an end before its start)".into(),
        ),
        SkipReason::InvalidSummaryRow => (
            None,
            "check the summary's frequency, recency and T columns".into(),
        ),
        SkipReason::BeyondRowLimit => (
            None,
            "move the rows after sheet row 1,048,576 (the last one Excel shows) to a second sheet file or a CSV".into(),
        ),
        SkipReason::BlankLine | SkipReason::NoPurchaseInPeriod => (
            None,
            "check the column mapping (--customer-col, --date-col, --amount-col)".into(),
        ),
    }
}

/// "`guess` is likely wrong; fix: `option`" for the dominant reason, or the generic hint.
fn hint(top: Option<SkipReason>, d: &Detected) -> String {
    let Some(reason) = top else {
        return "check the column mapping (--customer-col, --date-col, --amount-col)".into();
    };
    match guess_and_fix(reason, d) {
        (Some(guess), fix) => format!("{guess} is likely wrong; set {fix}"),
        (None, fix) => fix,
    }
}

/// `customer "id", date "day", amount "total"` (the roles found, in words).
fn columns_text(d: &Detected) -> String {
    let c = &d.columns;
    let roles = [
        ("customer", &c.customer_id),
        ("date", &c.date),
        ("amount", &c.amount),
        ("order", &c.order_id),
        ("quantity", &c.quantity),
        ("unit price", &c.unit_price),
    ];
    let found: Vec<String> = roles
        .iter()
        .filter_map(|(role, col)| col.as_ref().map(|name| format!("{role} {name:?}")))
        .collect();
    match found.is_empty() {
        true => "none".into(),
        false => found.join(", "),
    }
}

pub(super) fn no_rows_error(account: &RowAccount, detected: &Detected) -> Error {
    // The dominant guess-related reason if any row failed that way, else whatever left the
    // rows out (e.g. every row after `asOf`).
    let top = dominant(account, |r| !by_design(r)).or_else(|| dominant(account, |_| true));
    let returns_only = match top {
        Some((SkipReason::NoPurchaseInPeriod, _)) => Some("--returns keep to count returns as transactions of negative value, or check the amount column (--amount-col) and its signs"),
        Some((SkipReason::ReturnDropped, _)) => Some("--returns net or keep"),
        _ => None,
    };
    if let (Some(hint), Some((_, n))) = (returns_only, top) {
        return Error::new(
            "no_usable_rows",
            format!(
                "every row was a return: {} read, {n} of them returns (negative amounts or lines of cancelled invoices), and no purchase to analyse; columns: {}",
                account.rows_read,
                columns_text(detected)
            ),
        )
        .with_hint(hint);
    }
    Error::new(
        "no_usable_rows",
        format!(
            "no usable rows: {} read, {} skipped ({}); columns: {}; date format {:?}",
            account.rows_read,
            account.skipped_total(),
            top.map(|(r, n)| format!("{n} rows {}", r.key()))
                .unwrap_or_else(|| "none".into()),
            columns_text(detected),
            detected.date_format
        ),
    )
    .with_hint(hint(top.map(|(r, _)| r), detected))
}

pub(super) fn ingest_warnings(account: &RowAccount, d: &Detected) -> Vec<Warning> {
    let mut w = Vec::new();
    let skipped: u64 = account
        .skipped
        .iter()
        .filter(|(r, _)| !by_design(**r))
        .map(|(_, n)| n)
        .sum();
    if account.rows_read > 0 && skipped as f64 > SKIP_WARNING_SHARE * account.rows_read as f64 {
        let top = dominant(account, |r| !by_design(r));
        w.push(Warning::new(
            "many_rows_skipped",
            format!(
                "{skipped} of {} rows ({:.1}%) could not be read, most as {}: {}",
                account.rows_read,
                100.0 * skipped as f64 / account.rows_read as f64,
                top.map(|(r, n)| format!("{} ({n})", r.key()))
                    .unwrap_or_default(),
                hint(top.map(|(r, _)| r), d)
            ),
        ));
    }
    if let Some(other) = &d.date_format_ambiguous_with {
        w.push(Warning::new(
            "ambiguous_date_format",
            format!(
                "every date reads both as {:?} and as {other:?}; we used {:?}. Set --date-format if that is wrong",
                d.date_format, d.date_format
            ),
        ));
    }
    w
}
