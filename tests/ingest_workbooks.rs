//! `.xlsx` and `.xls` read from bytes (fixtures made by scripts/make-workbook-fixtures.py).
#![cfg(not(target_arch = "wasm32"))]
mod common;
use common::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/ingest/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Both workbooks hold the same five rows: 3 customers, one return, revenue 149.75.
fn check_rows(v: &serde_json::Value) {
    assert_eq!(rows(v).1, 5, "{}", v["ingest"]);
    assert_eq!(customers(v), 3);
    assert_close(revenue(v), 149.75);
    assert_eq!(v["ingest"]["firstDate"], "2024-03-05");
    assert_eq!(v["ingest"]["lastDate"], "2024-04-03");
    assert_eq!(v["ingest"]["returnLines"], 1);
}

#[test]
fn xlsx_with_date_cells() {
    let v = run(&fixture("orders.xlsx"), "{}");
    let d = detected(&v);
    assert_eq!(d["source"], "xlsx");
    assert_eq!(d["dateFormat"], "excel-serial");
    assert_eq!(d["hasHeader"], true);
    assert_eq!(d["columns"]["customerId"], "Customer ID");
    assert_eq!(d["columns"]["date"], "Order Date");
    assert_eq!(d["columns"]["amount"], "Amount");
    check_rows(&v);
    // Seven data rows: five used, the blank row 7, and the one with a text date skipped
    // with its sheet row number.
    assert_eq!(rows(&v), (7, 5));
    assert_eq!(skipped(&v, "blankLine"), 1);
    assert_eq!(skipped(&v, "unparseableDate"), 1);
    assert_eq!(
        example(&v, "unparseableDate"),
        (8, "Order Date".into(), "not a date".into())
    );
}

#[test]
fn xls_with_russian_header() {
    let v = run(&fixture("orders.xls"), "{}");
    let d = detected(&v);
    assert_eq!(d["source"], "xls");
    assert_eq!(d["dateFormat"], "excel-serial");
    assert_eq!(d["columns"]["customerId"], "Клиент");
    assert_eq!(d["columns"]["date"], "Дата");
    assert_eq!(d["columns"]["amount"], "Сумма");
    assert_eq!(rows(&v), (5, 5));
    check_rows(&v);
}

#[test]
fn workbook_overrides_and_truncation() {
    let v = run(
        &fixture("orders.xlsx"),
        r#"{"ingest":{"returns":"drop","amountCol":"3"}}"#,
    );
    assert_eq!(skipped(&v, "returnDropped"), 1);
    assert_close(revenue(&v), 169.75);
    // A truncated workbook is an error, not a panic.
    let bytes = fixture("orders.xlsx");
    let e = error(&bytes[..bytes.len() / 2], "{}");
    assert_eq!(e.code, "unreadable_workbook", "{e}");
    let bytes = fixture("orders.xls");
    let e = error(&bytes[..bytes.len() / 2], "{}");
    assert_eq!(e.code, "unreadable_workbook", "{e}");
}

/// Fuzz finding: an .xls whose sector chain points past the end made calamine slice out of
/// bounds (a panic, fatal in wasm). Now an error.
#[test]
fn xls_with_sector_chain_past_the_end_is_an_error() {
    let bytes = fixture("fuzz-xls-short-sector.bin");
    for opts in ["{}", r#"{"ingest":{"returns":"keep","hasHeader":false}}"#] {
        let o = crm_lens::Options::from_json(opts).unwrap();
        if let Ok(r) = crm_lens::analyze(&bytes, &o) {
            assert_balanced(&serde_json::to_value(&r).unwrap());
        }
    }
}

/// A stray cell at XFD1048576 would make a bounding-box reader allocate 17 billion cells;
/// the streaming reader allocates only what exists (and ignores columns past 1024).
#[test]
fn xlsx_with_a_far_away_cell_stays_small() {
    let v = run(&fixture("far-cell.xlsx"), "{}");
    assert_eq!(detected(&v)["dateFormat"], "%Y-%m-%d");
    assert_eq!(rows(&v), (5, 5));
    check_rows(&v);
}
