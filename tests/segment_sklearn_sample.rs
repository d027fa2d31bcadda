//! Accuracy against scikit-learn on the issue's own data: the customers of
//! `crm-lens sample --transactions 1000000 --seed 42`, their default features (recency days,
//! transactions, net spend) standardised, k = 2..10. Inertia must be within 0.1% of
//! `KMeans(n_init=10, random_state=0)` on both sides. Fixture:
//! tests/fixtures/segment/kmeans_reference_sample_1000000_seed42.json, written by
//! tests/reference/kmeans_sample_reference.py from the CSV that `write_sample_csv` produces
//! (the same bytes as the CLI's `sample` command); the features are computed there by pandas,
//! independently of this crate.
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::customers::CustomerTable;
use crm_lens::ingest::{self, Ingested, ReturnsPolicy};
use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::segment::{run, SegmentInput, SegmentOptions};
use crm_lens::units::TimeUnit;
use crm_lens::Options;
use serde_json::Value;
use std::time::Instant;

const TRANSACTIONS: usize = 1_000_000;
const SEED: u64 = 42;

/// The generated log exactly as `crm-lens sample` writes it (trailing newline trimmed).
fn sample_csv() -> String {
    let mut csv = generate_csv(&SampleSpec {
        transactions: TRANSACTIONS,
        seed: SEED,
        ..Default::default()
    })
    .unwrap();
    csv.truncate(csv.trim_end().len());
    csv
}

const FIXTURE: &str = "kmeans_reference_sample_1000000_seed42.json";

fn fnv1a64(data: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in data {
        h = (h ^ *b as u64).wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// Writes the input of the Python reference. Run with
/// `cargo test --release --test segment_sklearn_sample -- --ignored write_sample_csv`.
#[test]
#[ignore]
fn write_sample_csv() {
    let dir = format!("{}/tests/reference/out", env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = format!("{dir}/sample-{TRANSACTIONS}-seed{SEED}.csv");
    std::fs::write(path, sample_csv()).unwrap();
}

#[test]
fn inertia_matches_sklearn_on_the_1m_transaction_sample() {
    let path = format!(
        "{}/tests/fixtures/segment/{FIXTURE}",
        env!("CARGO_MANIFEST_DIR")
    );
    let fx: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let started = Instant::now();
    let csv = sample_csv();
    assert_eq!(fx["input"]["bytes"].as_u64(), Some(csv.len() as u64));
    assert_eq!(
        fx["input"]["fnv1a64"].as_str().unwrap(),
        fnv1a64(csv.as_bytes()),
        "the generator changed: regenerate the fixture (see tests/reference/regenerate.sh)"
    );
    let opts = Options::default();
    let Ok(Ingested::Transactions(tx, _, _)) = ingest::ingest(csv.as_bytes(), &opts.ingest) else {
        panic!("the sample must ingest as transactions");
    };
    drop(csv);
    let as_of = *tx.day.iter().max().unwrap();
    assert_eq!(crm_lens::dates::format_day(as_of), fx["asOf"]);
    let (t, _) = CustomerTable::build(&tx, as_of, TimeUnit::Day, ReturnsPolicy::Net);
    drop(tx);
    println!("sample + ingest + table: {:?}", started.elapsed());
    // The pipeline's default features, as it passes them to k-means.
    let frequency: Vec<f64> = t.transactions.iter().map(|&x| x as f64).collect();
    assert_eq!(fx["customers"].as_u64(), Some(t.len() as u64));
    for (key, col) in [
        ("recency", &t.recency_days),
        ("frequency", &frequency),
        ("monetary", &t.revenue),
    ] {
        let want = fx["featureSums"][key].as_f64().unwrap();
        let got: f64 = col.iter().sum();
        assert!(
            (got - want).abs() <= 1e-9 * want.abs(),
            "{key}: sum {got} vs pandas {want}"
        );
    }
    let input = SegmentInput {
        recency_days: &t.recency_days,
        frequency: &frequency,
        monetary: &t.revenue,
        tenure_days: &t.tenure_days,
        clv: None,
    };
    for k in 2..=10 {
        let seg = SegmentOptions {
            k: Some(k),
            ..SegmentOptions::default()
        };
        let (rep, cols, w) = run(&input, &seg, None);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(cols.cluster.len(), t.len());
        for (tr, key) in rep
            .transform
            .per_feature
            .iter()
            .zip(["recency", "frequency", "monetary"])
        {
            let m = fx["means"][key].as_f64().unwrap();
            let s = fx["stds"][key].as_f64().unwrap();
            assert!((tr.mean - m).abs() <= 1e-9 * m.abs().max(1.0), "{key} mean");
            assert!((tr.std - s).abs() <= 1e-9 * s, "{key} std");
        }
        let sk = fx["inertia"][k.to_string()].as_f64().unwrap();
        let rel = (rep.inertia - sk) / sk;
        println!(
            "k={k}: ours {:.3} sklearn {sk:.3} rel {rel:+.2e}",
            rep.inertia
        );
        assert!(
            rel.abs() <= 1e-3,
            "k={k}: inertia {} vs sklearn {sk} (rel {rel:+.2e})",
            rep.inertia
        );
    }
    println!("whole test: {:?}", started.elapsed());
}
