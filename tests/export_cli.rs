//! The real CLI's `--export-customers` file holds the values of the analysis, customer by
//! customer: the export is what a CRM re-imports, so every column is compared, not just
//! present.
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::{Analysis, Dataset, Options};
use std::process::Command;

/// Runs `crm-lens analyze LOG --export-customers OUT.csv --out REPORT.json [flags]`; returns
/// the CSV rows (header first) and the Report.
fn cli_export(log: &str, flags: &[&str]) -> (Vec<csv::StringRecord>, serde_json::Value) {
    let dir = std::env::temp_dir().join(format!("crm-lens-export-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (input, export, report) = (
        dir.join("orders.csv"),
        dir.join("customers.csv"),
        dir.join("report.json"),
    );
    std::fs::write(&input, log).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crm-lens"))
        .arg("analyze")
        .arg(&input)
        .arg("--export-customers")
        .arg(&export)
        .arg("--out")
        .arg(&report)
        .args(flags)
        .output()
        .expect("run crm-lens");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&export).unwrap();
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    (rdr.records().map(|r| r.unwrap()).collect(), report)
}

fn in_process(log: &str, json: &str) -> Analysis {
    let o = Options::from_json(json).unwrap();
    Dataset::from_bytes(log.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap()
}

#[test]
fn cli_export_equals_the_analysis() {
    let log = generate_csv(&SampleSpec {
        transactions: 3000,
        seed: 5,
        ..Default::default()
    })
    .unwrap();
    let json = r#"{"timeUnit": "week", "segments": {"k": 4}, "clv": {"pAliveDate": "2099-01-01"}}"#;
    let (rows, report) = cli_export(&log, &["--options", json]);
    let a = in_process(&log, json);
    assert_eq!(report["segments"]["k"], 4, "the CLI read the options");
    let header = &rows[0];
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let rows = &rows[1..];
    let t = &a.customers;
    assert_eq!(rows.len(), t.len());
    let segments = &a.report.rfm.segments;
    let mut clusters_seen = std::collections::BTreeSet::new();
    for (i, r) in rows.iter().enumerate() {
        let id = &t.ids[i];
        assert_eq!(&r[col("customerId")], id);
        let f = |name: &str| -> f64 {
            r[col(name)]
                .parse()
                .unwrap_or_else(|e| panic!("{id} {name}: {e}"))
        };
        let u = |name: &str| -> u64 { r[col(name)].parse().unwrap() };
        // Exact: the export writes the shortest text that reads back to the same number.
        assert_eq!(f("recencyDays"), t.recency_days[i], "{id}");
        assert_eq!(u("frequency"), t.transactions[i] as u64, "{id}");
        assert_eq!(f("monetary"), t.revenue[i], "{id}");
        assert_eq!(f("averageSpend"), t.average_spend[i], "{id}");
        assert_eq!(
            f("averageSpend"),
            t.revenue[i] / t.transactions[i] as f64,
            "{id}"
        );
        assert_eq!(f("x"), t.frequency[i], "{id} x");
        assert_eq!(f("tX"), t.recency[i], "{id} tX");
        assert_eq!(f("T"), t.t[i], "{id} T");
        let (rs, fs, ms) = (a.rfm.r[i], a.rfm.f[i], a.rfm.m[i]);
        assert_eq!(
            (u("rScore"), u("fScore"), u("mScore")),
            (rs as u64, fs as u64, ms as u64),
            "{id}"
        );
        assert_eq!(
            u("rfmScore"),
            100 * rs as u64 + 10 * fs as u64 + ms as u64,
            "{id}"
        );
        assert_eq!(&r[col("rfmCell")], format!("R{rs} F{fs} M{ms}"), "{id}");
        assert_eq!(
            &r[col("rfmSegment")],
            segments[a.rfm.segment[i] as usize].name,
            "{id}"
        );
        assert_eq!(&r[col("stage")], a.stages[i].key(), "{id}");
        assert_eq!(u("cluster"), a.segments.cluster[i] as u64, "{id}");
        clusters_seen.insert(a.segments.cluster[i]);
        let f32_of = |name: &str| -> f32 { r[col(name)].parse().unwrap() };
        assert_eq!(f32_of("px"), a.segments.x[i], "{id} px");
        assert_eq!(f32_of("py"), a.segments.y[i], "{id} py");
        assert_eq!(f("pAlive"), a.clv.p_alive[i], "{id} pAlive");
        assert_eq!(f("clv"), a.clv.clv[i], "{id} clv");
        assert_eq!(
            f("pAliveAtDate"),
            a.clv.p_alive_at_date[i],
            "{id} pAliveAtDate"
        );
    }
    assert_eq!(clusters_seen.len(), 4);
    // The Report on disk is the in-process Report (both read through the same JSON parser).
    let ours: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&a.report).unwrap()).unwrap();
    assert!(report == ours, "the CLI's Report differs from the analysis");
}
