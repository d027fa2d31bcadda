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

/// Where a pandas RFM fixture's input comes from.
enum Input {
    /// `crm-lens sample --transactions T --seed S --days D`.
    Sample(usize, u64, u32),
    /// A committed log under tests/fixtures/reference/.
    File(&'static str),
}

/// (fixture under tests/fixtures/reference/, input, options): quintiles on two generated logs,
/// 4 and 10 bins, and ties that make `pd.qcut` raise so scores fall back to first-ranks. The
/// pandas recipe ranks F with `rank(method="first")`: `rfm.ties: "first"` (the default shares
/// tied scores instead; `rfm_default_ties_are_shared` checks it against the same fixtures).
const FIRST: &str = r#"{"rfm": {"ties": "first"}}"#;

const RFM_CASES: [(&str, Input, &str); 6] = [
    (
        "sample-10000-seed7.rfm.json",
        Input::Sample(10_000, 7, 730),
        FIRST,
    ),
    (
        "sample-3000-seed11.rfm.json",
        Input::Sample(3_000, 11, 730),
        FIRST,
    ),
    (
        "sample-10000-seed7.rfm-bins4.json",
        Input::Sample(10_000, 7, 730),
        r#"{"rfm": {"bins": 4, "ties": "first"}}"#,
    ),
    (
        "sample-10000-seed7.rfm-bins10.json",
        Input::Sample(10_000, 7, 730),
        r#"{"rfm": {"bins": 10, "ties": "first"}}"#,
    ),
    (
        "sample-3000-seed11-days3.rfm.json",
        Input::Sample(3_000, 11, 3),
        FIRST,
    ),
    (
        "ties-subscriptions.rfm.json",
        Input::File("ties-subscriptions.csv"),
        FIRST,
    ),
];

fn rfm_input(input: &Input, fx: &Value) -> Vec<u8> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reference");
    match *input {
        Input::Sample(transactions, seed, days) => {
            let csv = generate_csv(&SampleSpec {
                transactions,
                seed,
                days,
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
        Input::File(name) => std::fs::read(format!("{dir}/{name}")).unwrap(),
    }
}

#[test]
fn rfm_equals_pandas() {
    for (name, source, options) in RFM_CASES {
        let path = format!(
            "{}/tests/fixtures/reference/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let fx: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let a = run(&rfm_input(&source, &fx), options);
        assert_eq!(a.report.as_of, fx["asOf"], "{name}");
        assert_eq!(
            a.report.rfm.bins as u64,
            fx["bins"].as_u64().unwrap(),
            "{name}"
        );
        let expected = fx["customers"].as_array().unwrap();
        assert_eq!(a.customers.len(), expected.len(), "{name}");
        let seg_names: Vec<&str> = a
            .report
            .rfm
            .segments
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        let pos = index(&a);
        let mut off = 0;
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
            // pandas sums each customer's amounts in file order (compensated); crm-lens rounds
            // the exact sum once, so that no row order changes it: Python's math.fsum to the
            // bit, and pandas' sum up to its rounding (18.04 + 92.07 − 92.07 is
            // 18.039999999999992 in pandas).
            let exact: f64 = row[8].as_str().unwrap().parse().unwrap();
            assert_eq!(t.revenue[i], exact, "{name}: {id} monetary");
            let monetary: f64 = row[3].as_str().unwrap().parse().unwrap();
            assert!(
                (t.revenue[i] - monetary).abs() <= 1e-12 * monetary.abs().max(1.0),
                "{name}: {id} monetary {} vs pandas {monetary}",
                t.revenue[i]
            );
            off += usize::from(t.revenue[i] != monetary);
            let scores = (a.rfm.r[i] as u64, a.rfm.f[i] as u64, a.rfm.m[i] as u64);
            let want = (
                row[4].as_u64().unwrap(),
                row[5].as_u64().unwrap(),
                row[6].as_u64().unwrap(),
            );
            assert_eq!(scores, want, "{name}: {id} scores");
            assert_eq!(
                a.rfm.score[i] as u64,
                100 * want.0 + 10 * want.1 + want.2,
                "{name}: {id} rfmScore"
            );
            assert_eq!(
                seg_names[a.rfm.segment[i] as usize],
                row[7].as_str().unwrap(),
                "{name}: {id} segment"
            );
        }
        // Rare (68 of 3,653 customers in the 10k log): no quantile edge falls between two
        // customers it reorders here, so every score is pandas'.
        assert!(
            off * 20 < expected.len(),
            "{name}: {off} sums differ from pandas'"
        );
        assert_segment_summary(&a, &fx["segments"], name);
        let how = &a.report.rfm.scoring;
        let scoring = |s: Option<crm_lens::rfm::Scoring>| serde_json::to_value(s).unwrap();
        assert_eq!(scoring(how.recency), fx["scoring"]["recency"], "{name}");
        assert_eq!(scoring(how.frequency), fx["scoring"]["frequency"], "{name}");
        assert_eq!(scoring(how.monetary), fx["scoring"]["monetary"], "{name}");
    }
}

/// Default ties (`shared`): a variable whose pandas scoring is `qcut` scores exactly as pandas
/// (value quantiles are order-free already); F and every `rankFirst` variable give each
/// distinct value one score, ordered by value, with the lowest value 1 and the highest the
/// top score.
#[test]
fn rfm_default_ties_are_shared() {
    for (name, source, options) in RFM_CASES {
        let path = format!(
            "{}/tests/fixtures/reference/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let fx: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let shared = options.replace(r#""ties": "first""#, r#""ties": "shared""#);
        let a = run(&rfm_input(&source, &fx), &shared);
        let bins = a.report.rfm.bins;
        let pos = index(&a);
        let t = &a.customers;
        let tx: Vec<f64> = t.transactions.iter().map(|&v| v as f64).collect();
        let how = &a.report.rfm.scoring;
        let vars = [
            ("recency", 4, &t.recency_days, &a.rfm.r, how.recency, true),
            ("frequency", 5, &tx, &a.rfm.f, how.frequency, false),
            ("monetary", 6, &t.revenue, &a.rfm.m, how.monetary, false),
        ];
        for (var, col, values, scores, scoring, reverse) in vars {
            let scoring = serde_json::to_value(scoring).unwrap();
            if fx["scoring"][var] == "qcut" && var != "frequency" {
                assert_eq!(scoring, "qcut", "{name} {var}");
                for row in fx["customers"].as_array().unwrap() {
                    let i = pos[row[0].as_str().unwrap()];
                    assert_eq!(scores[i] as u64, row[col].as_u64().unwrap(), "{name} {var}");
                }
                continue;
            }
            let mut by_value: Vec<(f64, u8)> =
                values.iter().copied().zip(scores.iter().copied()).collect();
            by_value.sort_by(|x, y| x.0.total_cmp(&y.0));
            for w in by_value.windows(2) {
                let ((v0, s0), (v1, s1)) = (w[0], w[1]);
                if v0 == v1 {
                    assert_eq!(s0, s1, "{name} {var}: tied {v0} split");
                } else if reverse {
                    assert!(s0 >= s1, "{name} {var}");
                } else {
                    assert!(s0 <= s1, "{name} {var}");
                }
            }
            let (lo, hi) = (by_value[0].1, by_value[by_value.len() - 1].1);
            let (lo, hi) = if reverse { (hi, lo) } else { (lo, hi) };
            if by_value[0].0 != by_value[by_value.len() - 1].0 {
                assert_eq!((lo, hi), (1, bins), "{name} {var} ({scoring})");
            }
        }
    }
}

/// The Report's segment summary equals pandas' groupby over the per-customer rows.
fn assert_segment_summary(a: &Analysis, expected: &Value, name: &str) {
    let got = &a.report.rfm.segments;
    let expected = expected.as_array().unwrap();
    assert_eq!(got.len(), expected.len(), "{name}: segments");
    let close = |g: f64, e: &Value| {
        let e = e.as_f64().unwrap();
        (g - e).abs() <= 1e-9 * e.abs().max(1.0)
    };
    for (g, e) in got.iter().zip(expected) {
        let what = format!("{name}: {}", g.name);
        assert_eq!(g.name, e["name"].as_str().unwrap(), "{what}");
        assert_eq!(g.customers, e["customers"].as_u64().unwrap(), "{what}");
        for (value, key) in [
            (g.share, "share"),
            (g.revenue, "revenue"),
            (g.revenue_share, "revenueShare"),
            (g.mean_recency, "meanRecency"),
            (g.mean_frequency, "meanFrequency"),
            (g.mean_monetary, "meanMonetary"),
            (g.mean_r, "meanR"),
            (g.mean_f, "meanF"),
            (g.mean_m, "meanM"),
        ] {
            assert!(
                close(value, &e[key]),
                "{what} {key}: {value} vs pandas {}",
                e[key]
            );
        }
    }
    let customers: u64 = got.iter().map(|s| s.customers).sum();
    assert_eq!(
        customers as usize,
        a.customers.len(),
        "{name}: every customer once"
    );
}

/// The fixtures cover what they claim: other bin counts, and pandas' qcut raising on ties.
#[test]
fn rfm_fixtures_cover_bins_and_the_rank_fallback() {
    let fx = |name: &str| -> Value {
        let path = format!(
            "{}/tests/fixtures/reference/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    for (name, bins) in [
        ("sample-10000-seed7.rfm-bins4.json", 4),
        ("sample-10000-seed7.rfm-bins10.json", 10),
    ] {
        let f = fx(name);
        let max_r = f["customers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r[4].as_u64().unwrap())
            .max();
        assert_eq!(max_r, Some(bins), "{name}");
    }
    assert_eq!(
        fx("sample-3000-seed11-days3.rfm.json")["scoring"]["recency"],
        "rankFirst"
    );
    let ties = fx("ties-subscriptions.rfm.json");
    assert_eq!(ties["scoring"]["recency"], "rankFirst");
    assert_eq!(ties["scoring"]["monetary"], "rankFirst");
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
