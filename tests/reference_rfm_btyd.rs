//! RFM against pandas and the BTYD summary against lifetimes 0.11.3, customer by customer.
//! Fixtures: tests/fixtures/reference/*.json, made by tests/reference/regenerate.sh.
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::{Analysis, Dataset, Options};
use serde_json::Value;
use std::collections::HashMap;

const SPECS: [(usize, u64); 2] = [(10_000, 7), (3_000, 11)];

fn fnv1a64(data: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in data {
        h = (h ^ *b as u64).wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

fn fixture(transactions: usize, seed: u64, kind: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/reference/sample-{transactions}-seed{seed}.{kind}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The generated log, checked to be byte-identical to the one the fixture was made from.
fn input(transactions: usize, seed: u64, fx: &Value) -> Vec<u8> {
    let csv = generate_csv(&SampleSpec {
        transactions,
        seed,
        ..Default::default()
    })
    .unwrap()
    .into_bytes();
    assert_eq!(
        fx["input"]["fnv1a64"].as_str().unwrap(),
        fnv1a64(csv.trim_ascii_end()),
        "the generator changed: run tests/reference/regenerate.sh"
    );
    csv
}

fn run(bytes: &[u8], json: &str) -> Analysis {
    let o = Options::from_json(json).unwrap();
    Dataset::from_bytes(bytes, &o).unwrap().analyze(&o).unwrap()
}

fn index(a: &Analysis) -> HashMap<&str, usize> {
    a.customers
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect()
}

#[test]
fn rfm_equals_pandas() {
    for (n, seed) in SPECS {
        let fx = fixture(n, seed, "rfm");
        let a = run(&input(n, seed, &fx), "{}");
        assert_eq!(a.report.as_of, fx["asOf"]);
        let expected = fx["customers"].as_array().unwrap();
        assert_eq!(a.customers.len(), expected.len());
        let seg_names: Vec<&str> = a
            .report
            .rfm
            .segments
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        let pos = index(&a);
        for row in expected {
            let id = row[0].as_str().unwrap();
            let i = pos[id];
            let t = &a.customers;
            assert_eq!(t.recency_days[i], row[1].as_f64().unwrap(), "{id} recency");
            assert_eq!(
                t.transactions[i] as u64,
                row[2].as_u64().unwrap(),
                "{id} frequency"
            );
            assert!(
                (t.revenue[i] - row[3].as_f64().unwrap()).abs() < 1e-6,
                "{id} monetary"
            );
            let scores = (a.rfm.r[i] as u64, a.rfm.f[i] as u64, a.rfm.m[i] as u64);
            let want = (
                row[4].as_u64().unwrap(),
                row[5].as_u64().unwrap(),
                row[6].as_u64().unwrap(),
            );
            assert_eq!(scores, want, "{id} scores");
            assert_eq!(
                seg_names[a.rfm.segment[i] as usize],
                row[7].as_str().unwrap(),
                "{id} segment"
            );
        }
        let how = &a.report.rfm.scoring;
        let name = |s: Option<crm_lens::rfm::Scoring>| serde_json::to_value(s).unwrap();
        assert_eq!(name(how.recency), fx["scoring"]["recency"]);
        assert_eq!(name(how.monetary), fx["scoring"]["monetary"]);
    }
}

fn assert_btyd(a: &Analysis, expected: &Value, what: &str) {
    let rows = expected.as_array().unwrap();
    assert_eq!(a.customers.len(), rows.len(), "{what}: customers");
    let pos = index(a);
    let t = &a.customers;
    for row in rows {
        let id = row[0].as_str().unwrap();
        let i = pos[id];
        let got = [t.frequency[i], t.recency[i], t.t[i], t.monetary_value[i]];
        for (k, g) in got.iter().enumerate() {
            let e = row[k + 1].as_f64().unwrap();
            assert!(
                (g - e).abs() <= 1e-9 * e.abs().max(1.0),
                "{what} {id} column {k}: {g} vs lifetimes {e}"
            );
        }
    }
}

#[test]
fn btyd_summary_equals_lifetimes() {
    for (n, seed) in SPECS {
        let fx = fixture(n, seed, "btyd");
        let bytes = input(n, seed, &fx);
        let keep = run(
            &bytes,
            r#"{"timeUnit": "day", "ingest": {"returns": "keep"}}"#,
        );
        assert_btyd(&keep, &fx["keepDay"], "keep/day");
        let net = run(&bytes, r#"{"timeUnit": "week"}"#);
        assert_btyd(&net, &fx["netWeek"], "net/week");
    }
}
