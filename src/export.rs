//! Per-customer results as CSV, for re-import into the CRM.
//!
//! UTF-8 with a BOM, so Excel opens Chinese and Russian ids correctly. Shared by the CLI
//! (`--export-customers`) and the page (through wasm), so both write the same columns.
//!
//! Ids come from the file, and files come from outsiders: a text cell starting with `=`, `+`,
//! `-`, `@`, a tab or a carriage return (or their full-width forms `＝＋－＠`) is a formula to
//! Excel and LibreOffice (`=HYPERLINK(…)` exfiltrates, `@SUM(…)` runs). Such cells get a
//! leading `'`, as OWASP advises for CSV injection; numbers are numbers and never touched.
//! [`ExportOptions::raw`] writes the text as it is, for a machine re-import.
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

use crate::error::Error;
use crate::pipeline::Analysis;

/// How the customer CSV is written (CLI `--export-raw`, JS `exportCustomersCsv({ raw })`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ExportOptions {
    /// Text cells exactly as they are: no `'` before those a spreadsheet would run.
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub raw: bool,
}

/// A text cell, neutralised unless `raw` (see the module docs).
pub fn text_cell(s: &str, raw: bool) -> Cow<'_, str> {
    const FORMULA_START: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];
    if !raw && s.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

pub const COLUMNS: [&str; 31] = [
    "customerId",
    "firstPurchase",
    "lastPurchase",
    "recencyDays",
    "frequency",
    "monetary",
    "averageSpend",
    "rScore",
    "fScore",
    "mScore",
    "rfmScore",
    "rfmCell",
    "rfmSegment",
    "stage",
    "cluster",
    "px",
    "py",
    "x",
    "tX",
    "T",
    "monetaryValue",
    "tenureDays",
    "pAlive",
    "expectedPurchases",
    "expectedSpend",
    "clv",
    "clvLow",
    "clvHigh",
    "simpleClv",
    "pAliveAtDate",
    "churnRisk",
];

/// A number in the shortest form that reads back to the same f64: plain digits in the usual
/// range, exponent form beyond it (`1e20`, not a 21-digit integer that pandas reads as text
/// past the 64-bit integers; `2.5e-9`, not nine zeros).
fn num(v: f64) -> String {
    if !v.is_finite() {
        String::new()
    } else if v != 0.0 && !(1e-6..1e16).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

fn col(v: &[f64], i: usize) -> String {
    v.get(i).map_or(String::new(), |x| num(*x))
}

/// The projection columns are `f32`: written as the shortest text of the `f32`.
fn col32(v: &[f32], i: usize) -> String {
    v.get(i)
        .filter(|x| x.is_finite())
        .map_or(String::new(), |x| format!("{x}"))
}

/// The CSV bytes, with text cells neutralised (see the module docs).
pub fn customers_csv(a: &Analysis) -> Result<Vec<u8>, Error> {
    customers_csv_with(a, &ExportOptions::default())
}

/// The CSV bytes of every customer; a row's length is tied to [`COLUMNS`] by its type, so they
/// cannot drift.
pub fn customers_csv_with(a: &Analysis, opts: &ExportOptions) -> Result<Vec<u8>, Error> {
    customers_csv_rows(a, 0..a.customers.len(), opts)
}

/// The CSV of some customers only (a segment, a stage, a cluster, a filtered table), in the
/// order given: the same columns and values as the full export, row for row. Rows past the
/// last customer are an `invalid_option` error, not skipped silently.
pub fn customers_csv_rows(
    a: &Analysis,
    rows: impl IntoIterator<Item = usize> + Clone,
    opts: &ExportOptions,
) -> Result<Vec<u8>, Error> {
    let len = a.customers.len();
    if let Some(bad) = rows.clone().into_iter().find(|&i| i >= len) {
        return Err(Error::option(format!(
            "customer row {bad} does not exist ({len} customers)"
        )));
    }
    let count = rows.clone().into_iter().count();
    let mut out = Vec::with_capacity(count * 120 + 3);
    out.extend_from_slice(b"\xEF\xBB\xBF");
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let fail =
        |e: csv::Error| Error::new("export_failed", format!("writing the customer CSV: {e}"));
    w.write_record(COLUMNS).map_err(fail)?;
    let t = &a.customers;
    let seg_names: Vec<&str> = a
        .report
        .rfm
        .segments
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    for i in rows {
        let cluster = a
            .segments
            .cluster
            .get(i)
            .map_or(String::new(), |c| c.to_string());
        let row: [String; COLUMNS.len()] = [
            text_cell(&t.ids[i], opts.raw).into_owned(),
            crate::dates::format_day(t.first_day[i]),
            crate::dates::format_day(t.last_day[i]),
            num(t.recency_days[i]),
            t.transactions[i].to_string(),
            num(t.revenue[i]),
            num(t.average_spend[i]),
            a.rfm.r[i].to_string(),
            a.rfm.f[i].to_string(),
            a.rfm.m[i].to_string(),
            a.rfm.score[i].to_string(),
            crate::rfm::cell(a.rfm.r[i], a.rfm.f[i], a.rfm.m[i]),
            text_cell(
                seg_names
                    .get(a.rfm.segment[i] as usize)
                    .copied()
                    .unwrap_or("Others"),
                opts.raw,
            )
            .into_owned(),
            a.stages[i].key().to_string(),
            cluster,
            col32(&a.segments.x, i),
            col32(&a.segments.y, i),
            num(t.frequency[i]),
            num(t.recency[i]),
            num(t.t[i]),
            num(t.monetary_value[i]),
            num(t.tenure_days[i]),
            col(&a.clv.p_alive, i),
            col(&a.clv.expected_purchases, i),
            col(&a.clv.expected_spend, i),
            col(&a.clv.clv, i),
            col(&a.clv.clv_low, i),
            col(&a.clv.clv_high, i),
            col(&a.clv.simple_clv, i),
            // Empty without `clv.pAliveDate`.
            col(&a.clv.p_alive_at_date, i),
            col(&a.churn.risk, i),
        ];
        w.write_record(&row).map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| Error::new("export_failed", format!("writing the customer CSV: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        for s in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "＝1",
        ] {
            assert_eq!(text_cell(s, false), format!("'{s}"));
            assert_eq!(text_cell(s, true), s);
        }
        assert_eq!(text_cell("plain", false), "plain");
        assert_eq!(text_cell("a=b", false), "a=b");
        assert_eq!(num(-2.5), "-2.5");
    }

    #[test]
    fn large_and_tiny_numbers_in_exponent_form() {
        assert_eq!(num(1e20), "1e20");
        assert_eq!(num(-1.7e308), "-1.7e308");
        assert_eq!(num(123456789012345.6), "123456789012345.6");
        assert_eq!(num(2.5e-9), "2.5e-9");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(f64::NAN), "");
        for v in [1e20, 3.3e17, 1.234e-7, -9.87e25] {
            assert_eq!(num(v).parse::<f64>().unwrap(), v);
        }
    }
}
