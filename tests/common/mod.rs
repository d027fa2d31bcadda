//! Helpers shared by the ingest tests: run the public pipeline, check the row account.
#![allow(dead_code)]
use serde_json::Value;

use crm_lens::{Error, Options};

/// Analyses `bytes` with options given as JSON; the Report as JSON, with the account checked.
pub fn run(bytes: &[u8], options: &str) -> Value {
    let opts = Options::from_json(options).unwrap_or_else(|e| panic!("options: {e}"));
    let report = crm_lens::analyze(bytes, &opts).unwrap_or_else(|e| panic!("analyze: {e}"));
    let v = serde_json::to_value(&report).expect("report serialises");
    assert_balanced(&v);
    v
}

/// The error `bytes` must produce.
pub fn error(bytes: &[u8], options: &str) -> Error {
    let opts = Options::from_json(options).unwrap_or_else(|e| panic!("options: {e}"));
    match crm_lens::analyze(bytes, &opts) {
        Ok(r) => panic!("expected an error, got a report: {:?}", r.ingest),
        Err(e) => e,
    }
}

/// `rowsRead == rowsUsed + Σ rowsSkipped`, and every example names a counted reason.
pub fn assert_balanced(v: &Value) {
    let ing = &v["ingest"];
    let read = ing["rowsRead"].as_u64().expect("rowsRead");
    let used = ing["rowsUsed"].as_u64().expect("rowsUsed");
    let skipped: u64 = ing["rowsSkipped"]
        .as_object()
        .expect("rowsSkipped")
        .values()
        .map(|n| n.as_u64().unwrap_or(0))
        .sum();
    assert_eq!(read, used + skipped, "row account: {ing}");
    for ex in ing["examples"].as_array().expect("examples") {
        let reason = ex["reason"].as_str().expect("reason");
        assert!(ing["rowsSkipped"][reason].as_u64() > Some(0), "{ex}");
        assert!(ex["line"].as_u64().is_some(), "{ex}");
    }
}

pub fn detected(v: &Value) -> &Value {
    &v["ingest"]["detected"]
}

pub fn customers(v: &Value) -> u64 {
    v["kpis"]["customers"].as_u64().expect("customers")
}

pub fn revenue(v: &Value) -> f64 {
    v["kpis"]["revenue"].as_f64().expect("revenue")
}

pub fn transactions(v: &Value) -> u64 {
    v["kpis"]["transactions"].as_u64().expect("transactions")
}

pub fn rows(v: &Value) -> (u64, u64) {
    let i = &v["ingest"];
    (
        i["rowsRead"].as_u64().unwrap_or(0),
        i["rowsUsed"].as_u64().unwrap_or(0),
    )
}

pub fn skipped(v: &Value, reason: &str) -> u64 {
    v["ingest"]["rowsSkipped"][reason].as_u64().unwrap_or(0)
}

/// The first example kept for `reason`: (line, column, text).
pub fn example(v: &Value, reason: &str) -> (u64, String, String) {
    let ex = v["ingest"]["examples"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["reason"] == reason))
        .unwrap_or_else(|| panic!("no example for {reason}: {}", v["ingest"]));
    (
        ex["line"].as_u64().unwrap_or(0),
        ex["column"].as_str().unwrap_or("").to_string(),
        ex["text"].as_str().unwrap_or("").to_string(),
    )
}

pub fn warning_codes(v: &Value) -> Vec<String> {
    v["warnings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|w| w["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub fn warning(v: &Value, code: &str) -> String {
    v["warnings"]
        .as_array()
        .and_then(|a| a.iter().find(|w| w["code"] == code))
        .and_then(|w| w["message"].as_str())
        .unwrap_or_else(|| panic!("no warning {code}: {}", v["warnings"]))
        .to_string()
}

pub fn assert_close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} != {b}");
}
