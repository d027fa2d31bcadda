//! The per-customer CSV: BOM, every documented column, one row per customer, reads back.
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::{export, Dataset, Options};

#[test]
fn customer_csv_has_a_row_per_customer_and_every_column() {
    let csv = generate_csv(&SampleSpec {
        transactions: 3000,
        seed: 5,
        ..Default::default()
    })
    .unwrap();
    let o = Options::default();
    let a = Dataset::from_bytes(csv.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    let bytes = export::customers_csv(&a).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    for col in [
        "customerId",
        "recencyDays",
        "frequency",
        "monetary",
        "rScore",
        "fScore",
        "mScore",
        "rfmSegment",
        "stage",
        "cluster",
        "x",
        "tX",
        "T",
        "pAlive",
        "expectedPurchases",
        "clv",
        "clvLow",
        "clvHigh",
    ] {
        assert!(header.iter().any(|h| h == col), "missing column {col}");
    }
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), a.customers.len());
    let i = header.iter().position(|h| h == "clv").unwrap();
    let lo = header.iter().position(|h| h == "clvLow").unwrap();
    let hi = header.iter().position(|h| h == "clvHigh").unwrap();
    for r in &rows {
        let (c, l, h): (f64, f64, f64) = (
            r[i].parse().unwrap(),
            r[lo].parse().unwrap(),
            r[hi].parse().unwrap(),
        );
        assert!(
            l <= c + 1e-9 && c <= h + 1e-9,
            "interval brackets the point: {l} {c} {h}"
        );
    }
}
