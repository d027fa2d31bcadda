//! Hostile and careless text inputs (issue #13), one test per class, on the files of
//! tests/fixtures/hostile/text/ (made by scripts/make-hostile-fixtures.py). Each class once
//! gave a wrong number without a warning, a false error, or an unsafe export; each test states
//! the right reading, its count and its warning. Every Report is also checked the browser's
//! way (the formats module's `decode`, then the core), which must give the same.
#![cfg(not(target_arch = "wasm32"))]
mod common;
use common::*;
use serde_json::Value;

use crm_lens::{export, ingest, Dataset, Options};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/hostile/text/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run scripts/make-hostile-fixtures.py)"))
}

/// The Report of a fixture, checked to be the same the browser's way.
fn report(name: &str, options: &str) -> Value {
    let bytes = fixture(name);
    let v = run(&bytes, options);
    let opts = Options::from_json(options).unwrap();
    let decoded = ingest::decode(&bytes, &opts.ingest)
        .and_then(|(info, text)| Dataset::from_decoded(&info, &text, &opts))
        .and_then(|d| d.analyze(&opts))
        .map(|a| serde_json::to_value(&a.report).unwrap())
        .unwrap();
    if let Some(path) = first_difference(&v, &decoded, String::new()) {
        panic!("{name}: the formats module's way differs at {path}");
    }
    v
}

/// The path of the first value where `a` and `b` differ, with both values.
fn first_difference(a: &Value, b: &Value, path: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x
            .iter()
            .find_map(|(k, v)| {
                first_difference(v, y.get(k).unwrap_or(&Value::Null), format!("{path}.{k}"))
            })
            .or_else(|| (x.len() != y.len()).then(|| format!("{path}: keys differ"))),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_difference(v, w, format!("{path}[{i}]"))),
        _ => (a != b).then(|| format!("{path}: {a} vs {b}")),
    }
}

fn repaired(v: &Value, kind: &str) -> u64 {
    v["ingest"]["repairs"][kind].as_u64().unwrap_or(0)
}

/// The data lines of a fixture (after the header), split on `sep`.
fn data_lines(name: &str) -> Vec<String> {
    String::from_utf8_lossy(&fixture(name))
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// Sum of the amounts (last field) of lines that read as plain numbers under `dec`.
fn plain_sum(name: &str, sep: char, dec: char) -> f64 {
    data_lines(name)
        .iter()
        .filter_map(|l| l.rsplit(sep).next())
        .filter(|a| a.chars().all(|c| c.is_ascii_digit() || c == dec))
        .map(|a| a.replace(dec, ".").parse::<f64>().unwrap())
        .sum()
}

#[test]
fn grouping_separators_only_in_groups_of_three_dot_decimal() {
    let v = report("grouping-dot.csv", "{}");
    assert_eq!(detected(&v)["decimalSeparator"], ".");
    // `12,50` and `1,5` read with "," (once 1250 and 15); `1,2,3` and `12 50` skipped (once
    // 123 and 1250).
    assert_eq!(repaired(&v, "otherDecimal"), 2);
    assert_eq!(skipped(&v, "ambiguousAmount"), 2);
    assert_eq!(rows(&v), (200, 198));
    assert_close(
        revenue(&v),
        plain_sum("grouping-dot.csv", ',', '.') + 12.5 + 1.5,
    );
    let w = warning(&v, "amounts_other_decimal");
    assert!(w.contains("\"12,50\" (line 12, column \"amount\")"), "{w}");
    assert!(w.contains("--decimal ,"), "{w}");
    let w = warning(&v, "ambiguous_amounts");
    assert!(
        w.contains("\"1,2,3\" (line 32, column \"amount\")") && w.contains("--decimal"),
        "{w}"
    );
}

#[test]
fn grouping_separators_when_the_column_uses_commas_for_thousands() {
    let v = report("grouping-dot-thousands.csv", "{}");
    assert_eq!(detected(&v)["decimalSeparator"], ".");
    // "," is this column's thousands separator: `12,50` is neither 1250 nor 12.5.
    assert_eq!(skipped(&v, "ambiguousAmount"), 1);
    assert_eq!(example(&v, "ambiguousAmount").2, "12,50");
    assert_eq!(repaired(&v, "otherDecimal"), 0);
    let expected: f64 = data_lines("grouping-dot-thousands.csv")
        .iter()
        .filter_map(|l| {
            l.split_once(",\"")
                .map(|(_, a)| a.trim_end_matches('"').to_string())
        })
        .filter(|a| a != "12,50")
        .map(|a| a.replace(',', "").parse::<f64>().unwrap())
        .sum();
    assert_close(revenue(&v), expected);
}

#[test]
fn grouping_separators_comma_decimal() {
    let v = report("grouping-comma.csv", "{}");
    assert_eq!(detected(&v)["decimalSeparator"], ",");
    assert_eq!(repaired(&v, "otherDecimal"), 1, "7.25 (once 725)");
    assert_eq!(skipped(&v, "ambiguousAmount"), 2, "1.2.3 and 12 50");
    assert_close(
        revenue(&v),
        plain_sum("grouping-comma.csv", ';', ',') + 7.25,
    );
    assert!(warning(&v, "amounts_other_decimal").contains("--decimal ."));

    let v = report("grouping-comma-thousands.csv", "{}");
    assert_eq!(
        skipped(&v, "ambiguousAmount"),
        1,
        "12.50 where . groups thousands"
    );
    assert_eq!(repaired(&v, "otherDecimal"), 0);
    // The option still wins: read as "." decimals, `1.234,56` is ambiguous instead.
    let v = report(
        "grouping-comma-thousands.csv",
        r#"{"ingest":{"decimal":"."}}"#,
    );
    assert_eq!(detected(&v)["decimalSeparator"], ".");
    assert!(skipped(&v, "ambiguousAmount") + repaired(&v, "otherDecimal") > 100);
}

#[test]
fn an_unclosed_quote_does_not_swallow_the_file() {
    let v = report("unclosed-quote.csv", "{}");
    // Once: 999 rows in one wrongFieldCount row, half the revenue, no warning.
    assert_eq!(rows(&v), (2000, 2000));
    let expected: f64 = (0..2000).map(|i| 10.0 + (i % 90) as f64 + 0.5).sum();
    assert_close(revenue(&v), expected);
    assert_eq!(repaired(&v, "unclosedQuote"), 1);
    let w = warning(&v, "unclosed_quote");
    assert!(w.contains("line 1001"), "{w}");
}

#[test]
fn amounts_that_overflow_are_skipped_and_every_kpi_stays_finite() {
    let opts = r#"{"clv":{"bootstrapDraws":20}}"#;
    let v = report("overflow.csv", opts);
    assert_eq!(skipped(&v, "amountOutOfRange"), 3);
    assert_close(revenue(&v), 97.0 * 10.0);
    for k in ["revenue", "averageOrderValue", "revenuePerCustomer"] {
        assert!(
            v["kpis"][k].as_f64().is_some_and(f64::is_finite),
            "{k}: {}",
            v["kpis"][k]
        );
    }
    assert!(warning(&v, "amounts_out_of_range").contains("1.7e308"));
    // No empty cell in the export.
    let o = Options::from_json(opts).unwrap();
    let a = Dataset::from_bytes(&fixture("overflow.csv"), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    let csv = export::customers_csv(&a).unwrap();
    let mut rdr = csv::Reader::from_reader(&csv[3..]);
    let header = rdr.headers().unwrap().clone();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        // pAliveAtDate is empty by design without clv.pAliveDate.
        for (name, cell) in header
            .iter()
            .zip(rec.iter())
            .filter(|(n, _)| *n != "pAliveAtDate")
        {
            assert!(!cell.is_empty(), "empty {name} in {rec:?}");
        }
    }
}

#[test]
fn a_few_stray_bytes_leave_a_file_utf8() {
    let v = report("utf8-stray-bytes.csv", "{}");
    // Once: windows-1252, every Cyrillic id as mojibake, no warning.
    assert_eq!(detected(&v)["encoding"], "UTF-8");
    assert_eq!(detected(&v)["columns"]["customerId"], "Клиент");
    assert_eq!(repaired(&v, "invalidUtf8"), 2);
    assert_eq!(rows(&v), (300, 300));
    let w = warning(&v, "invalid_utf8");
    assert!(w.contains("bytes e9") && w.contains("bytes ff"), "{w}");
    // A real windows-1251 file is still windows-1251 (tests/ingest_formats.rs has the rest).
    let text = String::from_utf8(fixture("grouping-comma.csv"))
        .unwrap()
        .replace("customer_id", "Клиент")
        .replace(";C0", ";Покупатель ")
        .replace("\nC0", "\nПокупатель ");
    let (cp, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
    assert_eq!(detected(&run(&cp, "{}"))["encoding"], "windows-1251");
}

#[test]
fn a_mistyped_year_is_an_outlier_not_the_analysis_date() {
    let v = report("mistyped-year.csv", "{}");
    assert_eq!(skipped(&v, "outlierDate"), 1);
    let (line, column, text) = example(&v, "outlierDate");
    assert_eq!((line, column.as_str()), (501, "order_date"));
    assert!(text.starts_with("2032-"), "{text}");
    // The default asOf is the last ordinary date, not 2032.
    assert_eq!(v["asOf"], v["ingest"]["lastDate"]);
    assert!(
        v["asOf"].as_str().unwrap().starts_with("2024-"),
        "{}",
        v["asOf"]
    );
    // The analysis is that of the file without the row: the same stages, KPIs and segments.
    let text = String::from_utf8(fixture("mistyped-year.csv")).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.contains(",2032-"))
        .map(|l| format!("{l}\n"))
        .collect();
    let clean = run(without.as_bytes(), "{}");
    for key in ["kpis", "rfm", "lifecycle", "segments"] {
        assert_eq!(v[key], clean[key], "{key}");
    }
    // Kept on request, the row moves asOf to 2032 and most customers look lost.
    let kept = report("mistyped-year.csv", r#"{"ingest":{"outlierDates":"keep"}}"#);
    assert!(kept["asOf"].as_str().unwrap().starts_with("2032-"));
    let lost = |r: &Value| {
        r["lifecycle"]["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["stage"] == "lost")
            .unwrap()["customers"]
            .as_u64()
            .unwrap()
    };
    assert!(lost(&kept) > lost(&v), "{} vs {}", lost(&kept), lost(&v));
    assert!(warning(&kept, "outlier_dates").contains("kept as asked"));
    let w = warning(&v, "outlier_dates");
    assert!(
        w.contains("line 501") && w.contains("--outlier-dates keep"),
        "{w}"
    );
    let d = &detected(&v)["dateOutliers"];
    assert_eq!(
        (d["rows"].as_u64(), d["policy"].as_str()),
        (Some(1), Some("skip"))
    );
}

#[test]
fn years_outside_the_range_are_named_with_the_range() {
    let v = report("year-out-of-range.csv", "{}");
    assert_eq!(skipped(&v, "dateOutOfRange"), 2);
    assert_eq!(skipped(&v, "unparseableDate"), 0);
    let w = warning(&v, "dates_out_of_range");
    assert!(w.contains("1900–2200") && w.contains("0202-03-05"), "{w}");
    // When they are the rows' main problem, the hint names the range, not another format.
    let mut log = String::from("customer,date,amount\n");
    for i in 0..30 {
        let year = if i < 10 { 2024 } else { 2301 };
        log += &format!("c{},{year}-03-{:02},10\n", i % 5, 1 + i % 28);
    }
    let v = run(log.as_bytes(), "{}");
    assert_eq!(skipped(&v, "dateOutOfRange"), 20);
    let w = warning(&v, "many_rows_skipped");
    assert!(
        w.contains("1900–2200") && !w.contains("--date-format '%d.%m.%Y'"),
        "{w}"
    );
    let e = error(log.replace("2024-", "0202-").as_bytes(), "{}");
    assert_eq!(e.code, "unparseable_dates");
    assert!(e.message.contains("1900–2200"), "{e}");
    assert!(e.hint.unwrap().contains("1900–2200"));
}

#[test]
fn excel_sep_line_names_the_delimiter() {
    let v = report("excel-sep.csv", "{}");
    let d = detected(&v);
    assert_eq!(d["sepLine"], true);
    assert_eq!(d["delimiter"], ";");
    assert_eq!(d["hasHeader"], true);
    assert_eq!(d["columns"]["customerId"], "Customer");
    assert_eq!(d["columns"]["orderId"], "Order");
    assert_eq!(rows(&v), (120, 120));
    assert_eq!(customers(&v), 25, "once 1,743 order ids as customers");
    // Lines still count the sep line: the first data row is line 3.
    let bytes = String::from_utf8(fixture("excel-sep.csv"))
        .unwrap()
        .replacen("1000;K00;", "1000;K00;not a date;", 1);
    let v = run(bytes.as_bytes(), "{}");
    assert_eq!(example(&v, "wrongFieldCount").0, 3);
}

#[test]
fn example_lines_are_physical_lines_after_crlf_and_blank_lines() {
    let v = report("crlf-blank-lines.csv", "{}");
    let text = String::from_utf8(fixture("crlf-blank-lines.csv")).unwrap();
    let expected: Vec<u64> = text
        .split("\r\n")
        .enumerate()
        .filter(|(_, l)| l.ends_with(",oops"))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    let lines: Vec<u64> = v["ingest"]["examples"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["reason"] == "nonNumericAmount")
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, expected);
}

#[test]
fn long_first_rows_and_leading_blank_lines_are_not_empty_files() {
    let v = report("leading-blank-lines.csv", "{}");
    assert_eq!(rows(&v), (50, 50));
    let v = report("long-first-row.csv", "{}");
    assert_eq!(rows(&v), (50, 50));
    // The giant column name is clipped where it is reported.
    let header = detected(&v)["header"].as_array().unwrap();
    assert!(header[3].as_str().unwrap().chars().count() <= 100);
}

#[test]
fn a_nul_byte_never_enters_an_id() {
    let v = report("nul-in-id.csv", "{}");
    assert_eq!(skipped(&v, "invalidCustomerId"), 1);
    assert_eq!(example(&v, "invalidCustomerId").0, 501);
    assert!(warning(&v, "invalid_customer_ids").contains("NUL"));
    let o = Options::default();
    let a = Dataset::from_bytes(&fixture("nul-in-id.csv"), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    assert!(a.customers.ids.iter().all(|id| !id.contains('\0')));
}

#[test]
fn error_messages_are_bounded() {
    let e = error(&fixture("long-line-error.csv"), "{}");
    assert_eq!(e.code, "no_date_column");
    assert!(e.message.len() < 2_000, "{} bytes", e.message.len());
    assert!(e.message.contains("\"customer\""), "{e}");
    assert!(e.hint.is_some());
}

#[test]
fn utf16be_without_bom_gets_its_own_hint() {
    let e = error(&fixture("utf16be-no-bom.csv"), "{}");
    assert_eq!(e.code, "binary_file");
    assert!(e.hint.as_deref().unwrap().contains("utf-16be"), "{e}");
    let v = run(
        &fixture("utf16be-no-bom.csv"),
        r#"{"ingest":{"encoding":"utf-16be"}}"#,
    );
    assert_eq!(rows(&v), (20, 20));
}

#[test]
fn every_row_a_return_says_so() {
    let e = error(&fixture("all-returns.csv"), "{}");
    assert_eq!(e.code, "no_usable_rows");
    assert!(e.message.contains("every row was a return"), "{e}");
    assert!(
        e.hint.as_deref().unwrap().contains("--returns keep"),
        "{e:?}"
    );
    // In words, not Rust's Debug text.
    assert!(
        !e.message.contains("Some(") && !e.message.contains("DetectedColumns"),
        "{e}"
    );
}

#[test]
fn formulas_in_ids_are_neutralised_in_the_export() {
    let o = Options::from_json(r#"{"clv":{"bootstrapDraws":0}}"#).unwrap();
    let a = Dataset::from_bytes(&fixture("formula-ids.csv"), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    let ids = |raw: bool| -> (Vec<String>, Vec<csv::StringRecord>) {
        let bytes = export::customers_csv_with(&a, &export::ExportOptions { raw }).unwrap();
        let mut rdr = csv::Reader::from_reader(&bytes[3..]);
        let recs: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
        (recs.iter().map(|r| r[0].to_string()).collect(), recs)
    };
    let (safe, recs) = ids(false);
    for id in &safe {
        assert!(
            ["plain", "TAB", "CR"].contains(&id.as_str()) || id.starts_with('\''),
            "{id:?} would run as a formula"
        );
    }
    assert!(safe.contains(&"'=HYPERLINK(\"http://x.test\",\"click\")".to_string()));
    assert!(safe.contains(&"'+1+1".to_string()) && safe.contains(&"'@SUM(A1)".to_string()));
    // A leading tab or CR is trimmed off ids when they are read (the export's rule for them
    // is in src/export.rs's tests).
    assert!(safe.contains(&"TAB".to_string()) && safe.contains(&"CR".to_string()));
    // Numbers stay numbers, negative ones included (the projection has some).
    let px = export::COLUMNS.iter().position(|c| *c == "px").unwrap();
    let negative = recs.iter().filter(|r| r[px].starts_with('-')).count();
    assert!(negative > 0, "some customer has a negative px");
    assert!(recs.iter().all(|r| r[px].parse::<f64>().is_ok()));
    // Raw output, for machine re-import.
    let (raw, _) = ids(true);
    assert!(raw.contains(&"-2+3".to_string()) && raw.contains(&"@SUM(A1)".to_string()));
}

#[test]
fn out_of_range_survey_and_spend_inputs_are_errors() {
    let log = fixture("grouping-dot.csv");
    for (opts, what) in [
        (r#"{"kpis":{"npsAnswers":[9,11]}}"#, "npsAnswers[1]"),
        (r#"{"kpis":{"npsAnswers":[7.5]}}"#, "npsAnswers[0]"),
        (r#"{"kpis":{"csatAnswers":[0]}}"#, "csatAnswers[0]"),
        (
            r#"{"kpis":{"marketingSpend":{"2024-03":-5}}}"#,
            "marketingSpend",
        ),
        (
            r#"{"kpis":{"marketingSpend":{"March":5}}}"#,
            "marketingSpend",
        ),
    ] {
        let e = error(&log, opts);
        assert_eq!(e.code, "invalid_option", "{opts}");
        assert!(e.message.contains(what), "{opts}: {e}");
    }
}
