//! The CLI's ingest flags reach the same options the tests above exercise through JSON.
#![cfg(not(target_arch = "wasm32"))]
use serde_json::Value;
use std::process::Command;

fn cli(name: &str, bytes: &[u8], flags: &[&str]) -> Value {
    let path = std::env::temp_dir().join(format!("crm-lens-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crm-lens"))
        .arg("analyze")
        .arg(&path)
        .args(flags)
        .output()
        .expect("run crm-lens");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{flags:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

#[test]
fn ingest_flags() {
    let (cp, _, _) = encoding_rs::WINDOWS_1251
        .encode("ref|who|when|qty|each|sum\nC1|Аня|03.04.2024|2|1,5|x\n2|Аня|05.04.2024|1|2,5|x\n3|Борис|05.04.2024|4|1,0|x\n");
    let v = cli(
        "flags.txt",
        &cp,
        &[
            "--encoding",
            "windows-1251",
            "--delimiter",
            "|",
            "--has-header",
            "true",
            "--customer-col",
            "who",
            "--date-col",
            "when",
            "--quantity-col",
            "qty",
            "--unit-price-col",
            "each",
            "--order-col",
            "ref",
            "--date-format",
            "%d.%m.%Y",
            "--decimal",
            ",",
            "--returns",
            "drop",
        ],
    );
    let ing = &v["ingest"];
    let d = &ing["detected"];
    assert_eq!(d["encoding"], "windows-1251");
    assert_eq!(d["delimiter"], "|");
    assert_eq!(d["dateFormat"], "%d.%m.%Y");
    assert_eq!(d["decimalSeparator"], ",");
    assert_eq!(d["columns"]["customerId"], "who");
    assert_eq!(d["columns"]["orderId"], "ref");
    assert_eq!(ing["returns"], "drop");
    assert_eq!(
        ing["rowsSkipped"]["returnDropped"], 1,
        "C1 is a cancelled invoice"
    );
    assert_eq!(v["kpis"]["customers"], 2);
    assert_eq!(v["kpis"]["revenue"], 6.5);

    let amount = cli(
        "amount.csv",
        b"a,b,c,d\nx,2024-03-05,1,10\ny,2024-03-06,2,20\n",
        &["--amount-col", "4", "--as-of", "2024-03-05"],
    );
    assert_eq!(amount["ingest"]["detected"]["columns"]["amount"], "d");
    assert_eq!(amount["ingest"]["rowsSkipped"]["afterAsOf"], 1);
    assert_eq!(amount["kpis"]["revenue"], 10.0);

    let summary = cli(
        "summary.csv",
        b"customer_id,frequency,recency,T\na,1,5,10\nb,0,0,3\n",
        &["--summary", "--as-of", "2024-12-31"],
    );
    assert_eq!(summary["ingest"]["detected"]["source"], "summary");
    assert_eq!(summary["kpis"]["customers"], 2);
}
