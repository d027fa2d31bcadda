//! Hostile workbooks (tests/fixtures/hostile/workbooks, made by
//! scripts/make-hostile-workbooks.py): every class ends in a Report or a `{code, message,
//! hint}` error, never an abort, and memory is bounded before it is taken.
//!
//! Each file runs through the CLI as a child process, so an abort (calamine's way of failing
//! an allocation of hundreds of gigabytes) is observed as a signal, not fatal to this runner.
//! The bound on memory is asserted structurally: the error comes from the limit, before the
//! allocation (the committed files are small versions of each class; docs/reliability.md has
//! the peak memory of the full-size ones, measured).
#![cfg(not(target_arch = "wasm32"))]
use serde_json::Value;
use std::process::Command;

/// `crm-lens analyze` on a fixture: the Report, or the error's code (from `... (code)`).
fn cli(name: &str) -> Result<Value, String> {
    let path = format!(
        "{}/tests/fixtures/hostile/workbooks/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = Command::new(env!("CARGO_BIN_EXE_crm-lens"))
        .args(["analyze", &path])
        .output()
        .expect("run crm-lens");
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => Ok(serde_json::from_slice(&out.stdout).expect("JSON report")),
        Some(2) => {
            assert!(
                stderr.contains("\nhint: "),
                "{name}: an error without a hint: {stderr}"
            );
            let code = stderr
                .lines()
                .next()
                .and_then(|l| l.rsplit_once(" ("))
                .map(|(_, c)| c.trim_end_matches(')').to_string());
            Err(code.unwrap_or_else(|| panic!("{name}: no error code in {stderr}")))
        }
        other => panic!("{name}: the CLI ended with {other:?} (a signal: aborted): {stderr}"),
    }
}

fn error_code(name: &str) -> String {
    match cli(name) {
        Ok(v) => panic!(
            "{name}: read as a Report ({} rows), expected an error",
            v["ingest"]["rowsRead"]
        ),
        Err(code) => code,
    }
}

/// The five rows every fixture's orders table holds: 3 customers, revenue 149.75.
fn assert_orders(name: &str) -> Value {
    let v = cli(name).unwrap_or_else(|code| panic!("{name}: error {code}"));
    let i = &v["ingest"];
    assert_eq!(i["rowsUsed"], 5, "{name}: {i}");
    assert_eq!(v["kpis"]["customers"], 3, "{name}");
    let revenue = v["kpis"]["revenue"].as_f64().unwrap();
    assert!((revenue - 149.75).abs() < 1e-9, "{name}: revenue {revenue}");
    v
}

#[test]
fn normal_workbooks_of_each_format_read_the_same_rows() {
    for (name, source) in [
        ("normal.xlsx", "xlsx"),
        ("normal.xls", "xls"),
        ("normal.ods", "ods"),
    ] {
        let v = assert_orders(name);
        assert_eq!(v["ingest"]["rowsRead"], 5, "{name}");
        assert_eq!(v["ingest"]["detected"]["source"], source, "{name}");
        assert_eq!(v["ingest"]["detected"]["dateFormat"], "%Y-%m-%d", "{name}");
    }
}

/// An .xls DIMENSIONS record whose first row is after its last: calamine reserved 515 GB
/// and aborted. No record's claim is trusted now: the cells are read as they come.
#[test]
fn xls_with_inverted_dimensions_reads_its_cells() {
    assert_orders("xls-dimensions.xls");
}

/// A cell at row 65535, column 65535: calamine allocated the bounding box (137 GB, abort).
/// Columns past 1024 are not read, and nothing is allocated for the space between.
#[test]
fn xls_with_a_far_cell_reads_its_cells() {
    assert_orders("xls-far-cell.xls");
}

/// 4,000 cells that each refer to one 8,000-character shared string: 32 MB of text from a
/// 66 KB file (at full size 350,000 cells: 2.8 GB). Each copy is charged before it is made.
#[test]
fn xls_shared_string_copies_stop_at_the_limit() {
    assert_eq!(
        error_code("xls-shared-string-refs.xls"),
        "workbook_too_large"
    );
}

/// A compound-file sector chain that loops, and an SST that declares 4 billion strings:
/// the stream's own size ends the chain, and the strings end where the record does.
#[test]
fn xls_container_claims_are_checked() {
    assert_orders("xls-sector-loop.xls");
    assert_orders("xls-sst-count.xls");
}

/// `uniqueCount="100000000000"` in sharedStrings.xml: calamine reserved 2.4 TB and aborted.
/// The declared count is not used.
#[test]
fn xlsx_declared_shared_string_count_is_not_trusted() {
    assert_orders("shared-strings-count.xlsx");
}

/// 8 MiB of whitespace between two elements (at full size 4 GB from a 4 MB file, all of it
/// buffered as one text event): the token limit stops it while streaming.
#[test]
fn xlsx_whitespace_run_stops_at_the_token_limit() {
    assert_eq!(error_code("whitespace.xlsx"), "workbook_too_large");
}

/// One inline string of 6 MiB (at full size 530 MB, which calamine copied four times): the
/// token limit stops it while streaming.
#[test]
fn xlsx_huge_inline_string_stops_at_the_token_limit() {
    assert_eq!(error_code("inline-string.xlsx"), "workbook_too_large");
}

/// Six million empty shared strings from 45 KB (calamine: 24 bytes each; at full size 60
/// million from 2.5 MB): 30 MB of XML, past the inflated limit of a 45 KB file.
#[test]
fn xlsx_many_shared_strings_stop_at_the_limit() {
    assert_eq!(error_code("shared-strings.xlsx"), "workbook_too_large");
}

/// A sheet of 40 million empty elements: nothing is kept, but its inflated size passes the
/// limit for a file of 157 KB (calamine spent 7 s reading it).
#[test]
fn xlsx_inflation_stops_at_the_inflated_limit() {
    assert_eq!(error_code("inflation.xlsx"), "workbook_too_large");
}

/// Zip headers that declare 1,000 bytes for a 32 MB sheet: the declared size passes the
/// check before inflating, and the read stops where the declared size ends (zip checks it;
/// the guard counts inflated bytes in any case).
#[test]
fn xlsx_lying_declared_size_stops_at_the_declared_size() {
    assert_eq!(error_code("size-lie.xlsx"), "unreadable_workbook");
}

/// A document type declaration (where entity-expansion bombs live) is refused.
#[test]
fn xlsx_with_a_doctype_is_refused() {
    assert_eq!(error_code("doctype.xlsx"), "unreadable_workbook");
}

/// Rows at 1,048,577 and 1,048,580, past Excel's last row, vanished before. They are counted
/// under `beyondRowLimit`, with their sheet rows as examples.
#[test]
fn xlsx_rows_past_the_last_sheet_row_are_counted() {
    let v = cli("rows-past-limit.xlsx").unwrap();
    let i = &v["ingest"];
    assert_eq!(i["rowsRead"], 7, "{i}");
    assert_eq!(i["rowsUsed"], 5);
    assert_eq!(i["rowsSkipped"]["beyondRowLimit"], 2);
    let lines: Vec<u64> = i["examples"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["reason"] == "beyondRowLimit")
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1_048_577, 1_048_580]);
}

/// A row of 1,000 non-empty cells repeated 20,000 times in 958 bytes (calamine built all 20
/// million cells: 2.3 GB). Each written copy is charged; the budget ends it.
#[test]
fn ods_repeated_cells_stop_at_the_limit() {
    assert_eq!(error_code("repeated-cells.ods"), "workbook_too_large");
}

/// `<text:s text:c="2000000000"/>`: two billion spaces in one cell (calamine: 7.6 GB, 44 s).
#[test]
fn ods_space_count_stops_at_the_limit() {
    assert_eq!(error_code("repeated-spaces.ods"), "workbook_too_large");
}
