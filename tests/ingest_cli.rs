//! The CLI's ingest flags reach the options the other ingest tests exercise through JSON.
//!
//! One flag per case, on an input where the forced value differs from what is sniffed: each
//! case first reads the file without the flag (the sniffed result), then with it, and asserts
//! both, so a flag that did nothing would fail its case.
#![cfg(not(target_arch = "wasm32"))]
use serde_json::Value;
use std::process::Command;

/// Runs `crm-lens analyze` on `bytes`: the Report, or the error text on stderr.
fn cli_result(name: &str, bytes: &[u8], flags: &[&str]) -> Result<Value, String> {
    let path = std::env::temp_dir().join(format!("crm-lens-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crm-lens"))
        .arg("analyze")
        .arg(&path)
        .args(flags)
        .output()
        .expect("run crm-lens");
    let _ = std::fs::remove_file(&path);
    match out.status.success() {
        true => Ok(serde_json::from_slice(&out.stdout).expect("JSON report")),
        false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
    }
}

fn cli(name: &str, bytes: &[u8], flags: &[&str]) -> Value {
    cli_result(name, bytes, flags).unwrap_or_else(|e| panic!("{flags:?}: {e}"))
}

fn detected(v: &Value) -> &Value {
    &v["ingest"]["detected"]
}

fn revenue(v: &Value) -> f64 {
    v["kpis"]["revenue"].as_f64().expect("revenue")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn encoding_flag() {
    // Windows-1251 Russian: detected as such; forced Windows-1252, the same bytes are Latin
    // letters, so the header no longer names the columns and they are inferred by content.
    let (cp, _, _) = encoding_rs::WINDOWS_1251
        .encode("Клиент;Дата;Сумма\nАня;03.04.2024;15\nБорис;05.04.2024;25\nАня;07.04.2024;3\n");
    let sniffed = cli("enc.csv", &cp, &[]);
    assert_eq!(detected(&sniffed)["encoding"], "windows-1251");
    assert_eq!(detected(&sniffed)["columns"]["customerId"], "Клиент");
    assert!(close(revenue(&sniffed), 43.0));
    let forced = cli("enc.csv", &cp, &["--encoding", "windows-1252"]);
    assert_eq!(detected(&forced)["encoding"], "windows-1252");
    assert_eq!(detected(&forced)["columns"]["customerId"], "Êëèåíò");
    assert_eq!(detected(&forced)["columns"]["amount"], "Ñóììà");
    assert_eq!(forced["kpis"]["customers"], 2);
    assert!(close(revenue(&forced), 43.0));
}

#[test]
fn delimiter_flag() {
    // `#` is not among the sniffed delimiters: without the flag no date column is found.
    let text = b"customer#date#amount\nA#2024-03-05#10\nB#2024-03-06#20\nA#2024-03-07#5\n";
    let err = cli_result("delim.csv", text, &[]).unwrap_err();
    assert!(err.contains("no_date_column"), "{err}");
    let forced = cli("delim.csv", text, &["--delimiter", "#"]);
    assert_eq!(detected(&forced)["delimiter"], "#");
    assert_eq!(forced["kpis"]["customers"], 2);
    assert!(close(revenue(&forced), 35.0));
    // Tab-separated ids with spaces: sniffed as tab; forced `spaces`, each id splits in two,
    // so the column named `date` holds surnames.
    let text = b"customer\tdate\tamount\nAnn Lee\t2024-03-05\t10\nBob Ray\t2024-03-06\t20\nAnn Lee\t2024-03-07\t5\nAnn Lee\t2024-03-08\t1\n";
    let sniffed = cli("tabs.csv", text, &[]);
    assert_eq!(detected(&sniffed)["delimiter"], "\\t");
    assert_eq!(sniffed["kpis"]["customers"], 2);
    let err = cli_result("tabs.csv", text, &["--delimiter", "spaces"]).unwrap_err();
    assert!(
        err.contains("unparseable_dates") && err.contains("Lee"),
        "{err}"
    );
}

#[test]
fn date_format_flag() {
    // 17 is no month: sniffed month-first. Forced day-first, that row is unparseable.
    let text = b"customer,date,amount\nA,03/05/2024,10\nB,03/17/2024,20\nA,04/01/2024,5\n";
    let sniffed = cli("dates.csv", text, &[]);
    assert_eq!(detected(&sniffed)["dateFormat"], "%m/%d/%Y");
    assert_eq!(sniffed["ingest"]["rowsUsed"], 3);
    assert_eq!(sniffed["ingest"]["firstDate"], "2024-03-05");
    let forced = cli("dates.csv", text, &["--date-format", "%d/%m/%Y"]);
    assert_eq!(detected(&forced)["dateFormat"], "%d/%m/%Y");
    assert_eq!(forced["ingest"]["rowsUsed"], 2);
    assert_eq!(forced["ingest"]["rowsSkipped"]["unparseableDate"], 1);
    assert_eq!(forced["ingest"]["firstDate"], "2024-01-04");
    assert_eq!(forced["ingest"]["lastDate"], "2024-05-03");
}

#[test]
fn decimal_flag() {
    // Three digits after the comma: read as thousands grouping unless forced.
    let text = b"customer,date,amount\nA,2024-03-05,\"10,500\"\nB,2024-03-06,\"2,250\"\n";
    let sniffed = cli("dec.csv", text, &[]);
    assert_eq!(detected(&sniffed)["decimalSeparator"], ".");
    assert!(close(revenue(&sniffed), 12_750.0));
    let forced = cli("dec.csv", text, &["--decimal", ","]);
    assert_eq!(detected(&forced)["decimalSeparator"], ",");
    assert!(close(revenue(&forced), 12.75));
}

#[test]
fn has_header_flag() {
    let text = b"A1,2024-03-05,12.50\nB2,2024-03-06,100\nA1,2024-04-01,7.25\nB2,2024-04-02,1\n";
    let sniffed = cli("header.csv", text, &[]);
    assert_eq!(detected(&sniffed)["hasHeader"], false);
    assert_eq!(sniffed["ingest"]["rowsRead"], 4);
    assert!(close(revenue(&sniffed), 120.75));
    let forced = cli("header.csv", text, &["--has-header", "true"]);
    assert_eq!(detected(&forced)["hasHeader"], true);
    assert_eq!(
        detected(&forced)["header"],
        serde_json::json!(["A1", "2024-03-05", "12.50"])
    );
    assert_eq!(forced["ingest"]["rowsRead"], 3);
    assert!(close(revenue(&forced), 108.25));
}

/// Two candidates for each column role: the flag picks the one sniffing passed over.
const TWO_OF_EACH: &[u8] = b"customer_id,email,order_date,ship_date,amount,tax,invoice,note\n\
    c1,x@a,2024-03-05,2024-03-07,10,1,i1,n1\n\
    c2,x@a,2024-03-05,2024-03-08,20,2,i1,n1\n\
    c1,y@a,2024-03-06,2024-04-09,30,3,i2,n2\n\
    c1,y@a,2024-03-06,2024-04-10,40,4,i3,n2\n";

#[test]
fn column_flags() {
    let sniffed = cli("cols.csv", TWO_OF_EACH, &[]);
    let cols = &detected(&sniffed)["columns"];
    assert_eq!(cols["customerId"], "customer_id");
    assert_eq!(cols["date"], "order_date");
    assert_eq!(cols["amount"], "amount");
    assert_eq!(cols["orderId"], "invoice");
    assert_eq!(sniffed["kpis"]["customers"], 2);
    assert_eq!(sniffed["ingest"]["lastDate"], "2024-03-06");
    assert!(close(revenue(&sniffed), 100.0));
    assert_eq!(sniffed["kpis"]["transactions"], 4);

    // x@a's two lines are one order (i1) on one day.
    let v = cli("cols.csv", TWO_OF_EACH, &["--customer-col", "email"]);
    assert_eq!(detected(&v)["columns"]["customerId"], "email");
    assert_eq!(v["kpis"]["transactions"], 3);

    let v = cli("cols.csv", TWO_OF_EACH, &["--date-col", "ship_date"]);
    assert_eq!(detected(&v)["columns"]["date"], "ship_date");
    assert_eq!(v["ingest"]["lastDate"], "2024-04-10");

    // A 1-based column number.
    let v = cli("cols.csv", TWO_OF_EACH, &["--amount-col", "6"]);
    assert_eq!(detected(&v)["columns"]["amount"], "tax");
    assert!(close(revenue(&v), 10.0));

    // c1's two lines of 2024-03-06 share note n2: one order.
    let v = cli("cols.csv", TWO_OF_EACH, &["--order-col", "note"]);
    assert_eq!(detected(&v)["columns"]["orderId"], "note");
    assert_eq!(v["kpis"]["transactions"], 3);
}

#[test]
fn quantity_and_unit_price_flags() {
    // No amount column: quantity × unit price, each from the column sniffing found first.
    let text = b"customer,date,qty,units,price,list_price\n\
        a,2024-03-05,2,3,1.5,2.5\n\
        b,2024-03-06,1,4,10,20\n";
    let sniffed = cli("qp.csv", text, &[]);
    let cols = &detected(&sniffed)["columns"];
    assert_eq!(cols["quantity"], "qty");
    assert_eq!(cols["unitPrice"], "price");
    assert!(close(revenue(&sniffed), 13.0));
    let v = cli("qp.csv", text, &["--quantity-col", "units"]);
    assert_eq!(detected(&v)["columns"]["quantity"], "units");
    assert!(close(revenue(&v), 44.5));
    let v = cli("qp.csv", text, &["--unit-price-col", "list_price"]);
    assert_eq!(detected(&v)["columns"]["unitPrice"], "list_price");
    assert!(close(revenue(&v), 25.0));
}

#[test]
fn returns_flag() {
    // C1 is a cancelled invoice: netted by default, skipped with `drop`, a purchase with `keep`.
    let text =
        b"invoice,customer,date,amount\nC1,a,2024-03-05,4\n2,a,2024-03-06,10\n3,b,2024-03-06,5\n";
    let sniffed = cli("ret.csv", text, &[]);
    assert_eq!(sniffed["ingest"]["returns"], "net");
    assert!(close(revenue(&sniffed), 11.0));
    assert_eq!(sniffed["kpis"]["transactions"], 2);
    let v = cli("ret.csv", text, &["--returns", "drop"]);
    assert_eq!(v["ingest"]["returns"], "drop");
    assert_eq!(v["ingest"]["rowsSkipped"]["returnDropped"], 1);
    assert!(close(revenue(&v), 15.0));
    let v = cli("ret.csv", text, &["--returns", "keep"]);
    assert_eq!(v["ingest"]["returns"], "keep");
    assert_eq!(v["kpis"]["transactions"], 3);
}

#[test]
fn summary_and_as_of_flags() {
    let text = b"customer_id,frequency,recency,T\na,1,5,10\nb,0,0,3\n";
    // A summary read as an order log would be one "purchase" per customer: refused.
    let err = cli_result("summary.csv", text, &[]).unwrap_err();
    assert!(err.contains("looks_like_summary"), "{err}");
    let v = cli("summary.csv", text, &["--summary", "--as-of", "2024-12-31"]);
    assert_eq!(detected(&v)["source"], "summary");
    assert_eq!(v["kpis"]["customers"], 2);

    let text = b"a,b,c,d\nx,2024-03-05,1,10\ny,2024-03-06,2,20\n";
    let v = cli("asof.csv", text, &["--amount-col", "4"]);
    assert_eq!(v["asOf"], "2024-03-06");
    let v = cli(
        "asof.csv",
        text,
        &["--amount-col", "4", "--as-of", "2024-03-05"],
    );
    assert_eq!(v["asOf"], "2024-03-05");
    assert_eq!(v["ingest"]["rowsSkipped"]["afterAsOf"], 1);
    assert!(close(revenue(&v), 10.0));
}
