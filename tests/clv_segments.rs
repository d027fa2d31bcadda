//! CLV per RFM segment (`clv.rfmSegments`), checked against an independent group-by of the
//! exported per-customer CSV (rfmSegment, clv, simpleClv columns).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::{export, Dataset, Options};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn segment_clv_equals_a_group_by_of_the_export() {
    let csv = generate_csv(&SampleSpec {
        transactions: 6000,
        seed: 17,
        ..Default::default()
    })
    .unwrap();
    let o = Options::from_json(r#"{"clv": {"bootstrapDraws": 0, "horizonMonths": 24}}"#).unwrap();
    let a = Dataset::from_bytes(csv.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    assert_ne!(
        a.report.clv.chosen_model, "simple",
        "a model must drive CLV here"
    );
    let bytes = export::customers_csv(&a).unwrap();
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (seg, clv, simple) = (col("rfmSegment"), col("clv"), col("simpleClv"));
    // name -> (customers, sum clv, sum simple clv)
    let mut want: BTreeMap<String, (u64, f64, f64)> = BTreeMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        let e = want.entry(r[seg].to_string()).or_default();
        e.0 += 1;
        e.1 += r[clv].parse::<f64>().unwrap();
        e.2 += r[simple].parse::<f64>().unwrap();
    }
    let v = serde_json::to_value(&a.report).unwrap();
    let rows = v["clv"]["rfmSegments"].as_array().expect("clv.rfmSegments");
    let rfm = v["rfm"]["segments"].as_array().unwrap();
    assert_eq!(rows.len(), rfm.len(), "one row per rfm.segments row");
    let mut seen = 0;
    for (row, seg) in rows.iter().zip(rfm) {
        let name = row["name"].as_str().unwrap();
        assert_eq!(
            name,
            seg["name"].as_str().unwrap(),
            "same order as rfm.segments"
        );
        assert_eq!(row["customers"], seg["customers"]);
        let n = row["customers"].as_u64().unwrap();
        let f = |k: &str| row[k].as_f64().unwrap();
        match want.get(name) {
            None => {
                assert_eq!(n, 0, "{name}");
                assert_eq!((f("clvTotal"), f("clvMean")), (0.0, 0.0));
            }
            Some(&(k, c, s)) => {
                seen += 1;
                assert_eq!(n, k, "{name}");
                assert!(close(f("clvTotal"), c), "{name}: {} vs {c}", f("clvTotal"));
                assert!(close(f("simpleClvTotal"), s), "{name}");
                assert!(close(f("clvMean"), c / k as f64), "{name}");
                assert!(close(f("simpleClvMean"), s / k as f64), "{name}");
            }
        }
    }
    assert_eq!(seen, want.len(), "every exported segment has a row");
    assert!(seen >= 3, "the sample must spread over several segments");
    // The segment totals add up to the CLV totals.
    let total: f64 = rows.iter().map(|r| r["clvTotal"].as_f64().unwrap()).sum();
    assert!(close(total, v["clv"]["totals"]["clv"].as_f64().unwrap()));
    let total: f64 = rows
        .iter()
        .map(|r| r["simpleClvTotal"].as_f64().unwrap())
        .sum();
    assert!(close(total, v["clv"]["simple"]["total"].as_f64().unwrap()));
}
