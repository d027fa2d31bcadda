//! Errors and warnings about the rows themselves, each naming the option that fixes it.
use crate::error::Error;
use crate::ingest::{Detected, RowAccount, SkipReason};
use crate::report::Warning;

/// Share of skipped rows above which the Report warns that a guess is probably wrong.
const SKIP_WARNING_SHARE: f64 = 0.05;

pub(super) fn no_rows_error(account: &RowAccount, detected: &Detected) -> Error {
    let top = account
        .skipped
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(r, n)| format!("{n} rows {}", r.key()));
    Error::new(
        "no_usable_rows",
        format!(
            "no usable rows: {} read, {} skipped ({}); detected columns {:?}, date format {:?}",
            account.rows_read,
            account.skipped_total(),
            top.unwrap_or_else(|| "none".into()),
            detected.columns,
            detected.date_format
        ),
    )
    .with_hint(hint_for(account, detected))
}

/// The option that most likely fixes the dominant skip reason.
fn hint_for(account: &RowAccount, d: &Detected) -> String {
    let top = account
        .skipped
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(r, _)| *r);
    match top {
        Some(SkipReason::UnparseableDate) => {
            format!("--date-format (detected {:?}) or --date-col", d.date_format)
        }
        Some(SkipReason::NonNumericAmount) => format!(
            "--decimal (detected {:?}) or --amount-col",
            d.decimal_separator
        ),
        Some(SkipReason::WrongFieldCount) => format!("--delimiter (detected {:?})", d.delimiter),
        Some(SkipReason::MissingCustomerId) => "--customer-col".to_string(),
        Some(SkipReason::AfterAsOf) => "--as-of (a later date)".to_string(),
        _ => "check the column mapping (--customer-col, --date-col, --amount-col)".to_string(),
    }
}

pub(super) fn ingest_warnings(account: &RowAccount, d: &Detected) -> Vec<Warning> {
    let mut w = Vec::new();
    let skipped = account.skipped_total()
        - account
            .skipped
            .get(&SkipReason::AfterAsOf)
            .copied()
            .unwrap_or(0);
    if account.rows_read > 0 && skipped as f64 > SKIP_WARNING_SHARE * account.rows_read as f64 {
        w.push(Warning::new(
            "many_rows_skipped",
            format!(
                "{skipped} of {} rows ({:.1}%) were skipped; likely fix: {}",
                account.rows_read,
                100.0 * skipped as f64 / account.rows_read as f64,
                hint_for(account, d)
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
