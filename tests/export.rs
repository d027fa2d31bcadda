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

/// Average spend, the RFM cell and `rfmScore` per customer, on a log worked out by hand: A
/// buys order 1 (100) and order 2 in two lines (50 + 25), so 2 transactions, 175 net, 87.5 per
/// transaction; B buys 40 once and returns 10 (net 30, one transaction); C buys 5 and 15.
#[test]
fn average_spend_rfm_cell_and_score() {
    let log = "customer_id,order_id,order_date,amount
A,1,2024-01-05,100
B,3,2024-01-20,40
A,2,2024-02-10,50
A,2,2024-02-10,25
C,5,2024-02-11,5
B,4,2024-02-20,-10
C,6,2024-03-01,15
";
    let o = Options::from_json(r#"{"clv": {"bootstrapDraws": 0}}"#).unwrap();
    let a = Dataset::from_bytes(log.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    let avg: Vec<f64> = a.customers.average_spend.to_vec();
    assert_eq!(avg, [87.5, 30.0, 10.0]);
    let bytes = export::customers_csv(&a).unwrap();
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    let header = rdr.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (&r[col("customerId")], &r[col("averageSpend")]))
        .collect();
    assert_eq!(got, [("A", "87.5"), ("B", "30"), ("C", "10")]);
    for r in &rows {
        let score = |name: &str| r[col(name)].parse::<u16>().unwrap();
        let (rs, fs, ms) = (score("rScore"), score("fScore"), score("mScore"));
        assert_eq!(&r[col("rfmCell")], format!("R{rs} F{fs} M{ms}"));
        assert_eq!(score("rfmScore"), 100 * rs + 10 * fs + ms);
    }
    // By hand (numpy linear quantiles at 0, .2, …, 1 of three values, index 2q):
    // R days [20, 41, 0] → edges 0, 8, 16, 24.2, 32.6, 41 → bins 3, 5, 1 → reversed 3, 1, 5;
    // F [2, 1, 2]: edges 1, 1.4, 1.8, 2, 2, 2 repeat, so tie blocks: two values, the lowest
    // scores 1 and the highest 5, A and C alike (pandas' first-ranks [2, 1, 3] → edges 1,
    // 1.4, 1.8, 2.2, 2.6, 3 would give A 3 and C 5, by row position: `rfm.ties: "first"`);
    // M [175, 30, 20] → edges 20, 24, 28, 59, 117, 175 → 5, 3, 1.
    let cells: Vec<&str> = rows.iter().map(|r| &r[col("rfmCell")]).collect();
    assert_eq!(cells, ["R3 F5 M5", "R1 F1 M3", "R5 F5 M1"]);
    let first =
        Options::from_json(r#"{"clv": {"bootstrapDraws": 0}, "rfm": {"ties": "first"}}"#).unwrap();
    let a = Dataset::from_bytes(log.as_bytes(), &first)
        .unwrap()
        .analyze(&first)
        .unwrap();
    assert_eq!(a.rfm.f, [3, 1, 5]);
}
