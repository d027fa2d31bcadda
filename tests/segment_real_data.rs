//! k-means on real customers (issue #13): the inertia at every k of the scan reaches
//! scikit-learn's best `KMeans(n_init=10)` (within 0.1%) on CDNOW's 1/10 sample (2,357 real
//! customers, tests/reference/kmeans_cdnow_reference.py), both when the scan runs on all
//! customers and when it runs on a 1,000-customer sample and the runs are refined on all of
//! them (the path of bases above `scanSample`). Before: k = 9 was +1.9% (best of 6 runs).
//! Lower than scikit-learn is allowed (its 10 runs can miss the best optimum: k = 10 here),
//! down to 3% (a bigger gap would mean another objective or space).
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::segment::{run, SegmentInput, SegmentOptions};
use serde_json::Value;

fn features() -> [Vec<f64>; 3] {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/segment/cdnow_sample_features.csv"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut cols = [Vec::new(), Vec::new(), Vec::new()];
    for line in text.lines().skip(1) {
        for (c, v) in cols.iter_mut().zip(line.split(',')) {
            c.push(v.parse::<f64>().unwrap());
        }
    }
    cols
}

fn sklearn() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/segment/kmeans_reference_cdnow_sample.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn scan_reaches_sklearn(scan_sample: usize) {
    let [recency, frequency, monetary] = features();
    let input = SegmentInput {
        recency_days: &recency,
        frequency: &frequency,
        monetary: &monetary,
        tenure_days: &recency,
        clv: None,
    };
    let opts = SegmentOptions {
        k_max: 10,
        scan_sample,
        ..SegmentOptions::default()
    };
    let (rep, _, w) = run(&input, &opts, None);
    assert!(w.is_empty(), "{w:?}");
    let sk = sklearn();
    assert_eq!(rep.scan.len(), 9);
    for p in &rep.scan {
        let want = sk["inertia"][p.k.to_string()].as_f64().unwrap();
        let rel = p.inertia / want - 1.0;
        println!("scanSample {scan_sample} k={}: {rel:+.3e}", p.k);
        assert!(
            (-0.03..=1e-3).contains(&rel),
            "scanSample {scan_sample}, k = {}: {} vs scikit-learn {want} ({rel:+.2e})",
            p.k,
            p.inertia
        );
    }
    let chosen = rep.scan.iter().find(|p| p.k == rep.k).unwrap();
    assert!(rep.inertia <= chosen.inertia, "the final fit is the scan's");
}

#[test]
fn the_scan_on_all_customers_reaches_sklearn() {
    scan_reaches_sklearn(0);
}

#[test]
fn the_scan_on_a_sample_refined_on_all_reaches_sklearn() {
    scan_reaches_sklearn(1000);
}
