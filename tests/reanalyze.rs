//! `Dataset::reanalyze` re-runs only the stages whose inputs changed, and its Report and
//! columns equal a fresh `analyze` with the same options, whatever ran before.
use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::{Analysis, Dataset, Options};

fn opts(json: &str) -> Options {
    // Small bootstrap and a fixed k keep the debug-build test quick; the keys are the same.
    let base = r#"{"segments":{"k":3},"clv":{"bootstrapDraws":20}}"#;
    let mut v: serde_json::Value = serde_json::from_str(base).unwrap();
    merge(&mut v, serde_json::from_str(json).unwrap());
    Options::from_json(&v.to_string()).unwrap()
}

fn merge(a: &mut serde_json::Value, b: serde_json::Value) {
    match (a, b) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(serde_json::Value::Null), v);
            }
        }
        (a, b) => *a = b,
    }
}

/// The stages of issue #17 in the order they run: churn after CLV and the lifecycle (it reads
/// the CLV model), the rules after everything they explain.
fn with_new_stages(stages: &[&'static str]) -> Vec<&'static str> {
    let mut out = Vec::new();
    for &s in stages {
        if s == "segments" && stages.contains(&"clv") {
            out.push("churn");
        }
        out.push(s);
    }
    if stages.contains(&"clv") && !stages.contains(&"segments") {
        out.push("churn");
    }
    if ["lifecycle", "segments", "clv"]
        .iter()
        .any(|s| stages.contains(s))
    {
        out.push("explain");
    }
    out
}

fn same(a: &Analysis, b: &Analysis, what: &str) {
    let json = |x: &Analysis| serde_json::to_string(&x.report).unwrap();
    assert_eq!(json(a), json(b), "{what}: Report differs from a fresh run");
    assert_eq!(a.customers, b.customers, "{what}: customers");
    assert_eq!(a.rfm, b.rfm, "{what}: rfm columns");
    assert_eq!(a.stages, b.stages, "{what}: stages");
    assert_eq!(a.segments, b.segments, "{what}: segment columns");
    assert_eq!(a.clv, b.clv, "{what}: clv columns");
}

#[test]
fn each_change_reruns_only_what_depends_on_it() {
    let csv = generate_csv(&SampleSpec {
        transactions: 3_000,
        ..Default::default()
    })
    .unwrap();
    let base = opts("{}");
    let mut ds = Dataset::from_bytes(csv.as_bytes(), &base).unwrap();
    let fresh = Dataset::from_bytes(csv.as_bytes(), &base).unwrap();
    let steps: [(&str, &str, &[&str]); 10] = [
        (
            "first run",
            "{}",
            &["customers", "rfm", "kpis", "clv", "lifecycle", "segments"],
        ),
        ("same options", "{}", &[]),
        // The default analysis date given explicitly (the page does so after the first run).
        ("asOf = the default", r#"{"asOf":"2023-12-31"}"#, &[]),
        ("k", r#"{"segments":{"k":4}}"#, &["segments"]),
        (
            "horizon",
            r#"{"segments":{"k":4},"clv":{"horizonMonths":6}}"#,
            &["clv", "lifecycle"],
        ),
        (
            "CLV as a k-means feature",
            r#"{"segments":{"k":4,"features":["recency","frequency","monetary","clv"]},"clv":{"horizonMonths":6}}"#,
            &["segments"],
        ),
        (
            "margin, with CLV a feature",
            r#"{"segments":{"k":4,"features":["recency","frequency","monetary","clv"]},"clv":{"horizonMonths":6,"marginRate":0.3}}"#,
            &["clv", "lifecycle", "segments"],
        ),
        (
            "bins",
            r#"{"rfm":{"bins":4}}"#,
            &["rfm", "clv", "lifecycle", "segments"],
        ),
        (
            "analysis date",
            r#"{"rfm":{"bins":4},"asOf":"2023-06-30"}"#,
            &["customers", "rfm", "kpis", "clv", "lifecycle", "segments"],
        ),
        (
            "back to the start",
            "{}",
            &["customers", "rfm", "kpis", "clv", "lifecycle", "segments"],
        ),
    ];
    for (what, json, expected) in steps {
        let o = opts(json);
        let a = ds.reanalyze(&o).unwrap();
        assert_eq!(
            ds.stages_run(),
            with_new_stages(expected),
            "{what}: stages re-run"
        );
        same(&a, &fresh.analyze(&o).unwrap(), what);
    }
}

/// `prepare` (the page calls it to report "fitting" before the models run) changes nothing:
/// prepare + reanalyze gives the Report, columns and `stagesRun` one reanalyze gives, and the
/// cheap stages it ran are not run again.
#[test]
fn prepare_then_analyze_equals_analyze() {
    let csv = generate_csv(&SampleSpec {
        transactions: 3_000,
        ..Default::default()
    })
    .unwrap();
    let base = opts("{}");
    let mut ds = Dataset::from_bytes(csv.as_bytes(), &base).unwrap();
    let mut plain = Dataset::from_bytes(csv.as_bytes(), &base).unwrap();
    let all = ["customers", "rfm", "kpis", "clv", "lifecycle", "segments"];
    let steps: [(&str, &str, &[&str]); 4] = [
        ("first run", "{}", &all),
        ("bins", r#"{"rfm":{"bins":4}}"#, &["rfm"]),
        (
            "k only",
            r#"{"rfm":{"bins":4},"segments":{"k":5}}"#,
            &["segments"],
        ),
        ("analysis date", r#"{"asOf":"2023-06-30"}"#, &all),
    ];
    for (what, json, expected) in steps {
        let o = opts(json);
        let first = ds
            .prepare(&o)
            .unwrap()
            .expect("transactions have first results");
        let a = ds.reanalyze(&o).unwrap();
        // The first results the page shows while the models are fitted are the Report's own.
        assert_eq!(first.kpis, a.report.kpis, "{what}: first results' KPIs");
        assert_eq!(first.rfm, a.report.rfm, "{what}: first results' RFM");
        assert_eq!(
            ds.stages_run(),
            with_new_stages(expected),
            "{what}: stages re-run"
        );
        same(&a, &plain.reanalyze(&o).unwrap(), what);
        assert_eq!(ds.stages_run(), plain.stages_run(), "{what}: stagesRun");
    }
    // Prepared with other options, then analysed: each stage is named once, the Report is right.
    ds.prepare(&opts(r#"{"rfm":{"bins":3}}"#)).unwrap();
    let o = opts(r#"{"rfm":{"bins":6}}"#);
    let a = ds.reanalyze(&o).unwrap();
    assert_eq!(
        ds.stages_run(),
        with_new_stages(&["customers", "rfm", "kpis", "clv", "lifecycle", "segments"])
    );
    same(
        &a,
        &plain.analyze(&o).unwrap(),
        "prepared with other options",
    );
    // A bad option is an error from prepare too (checked before any work), never a panic.
    let bad = opts(r#"{"asOf":"2023-13-45"}"#);
    let e = ds.prepare(&bad).unwrap_err();
    assert_eq!(e.code, "invalid_option");
}

/// The page's two workers: one fits CLV (`prepare_models`) while the other segments
/// (`segment_job` → `SegmentJob::run` → `provide_segments`); the Report is the one a single
/// `reanalyze` gives, and `stagesRun` names the same stages.
#[test]
fn segmentation_run_elsewhere_equals_reanalyze() {
    let csv = generate_csv(&SampleSpec {
        transactions: 3_000,
        ..Default::default()
    })
    .unwrap();
    let mut ds = Dataset::from_bytes(csv.as_bytes(), &opts("{}")).unwrap();
    let mut plain = ds.clone();
    for (what, json) in [
        ("first run", "{}"),
        ("k", r#"{"segments":{"k":5}}"#),
        (
            "horizon (segments kept)",
            r#"{"segments":{"k":5},"clv":{"horizonMonths":6}}"#,
        ),
        ("analysis date", r#"{"asOf":"2023-06-30"}"#),
    ] {
        let o = opts(json);
        let job = ds.segment_job(&o).unwrap();
        ds.prepare_models(&o).unwrap();
        if let Some(job) = &job {
            ds.provide_segments(&o, job.run()).unwrap();
        }
        let a = ds.reanalyze(&o).unwrap();
        same(&a, &plain.reanalyze(&o).unwrap(), what);
        assert_eq!(ds.stages_run(), plain.stages_run(), "{what}: stagesRun");
        assert_eq!(
            job.is_some(),
            plain.stages_run().contains(&"segments"),
            "{what}: a job exactly when the segmentation has to run"
        );
    }
    // With CLV as a feature the segmentation waits for CLV: no job.
    let with_clv = opts(r#"{"segments":{"features":["recency","frequency","clv"]}}"#);
    assert!(ds.segment_job(&with_clv).unwrap().is_none());
}

#[test]
fn a_stale_segmentation_is_refused() {
    let csv = generate_csv(&SampleSpec {
        transactions: 2_000,
        ..Default::default()
    })
    .unwrap();
    let o = opts("{}");
    let mut ds = Dataset::from_bytes(csv.as_bytes(), &o).unwrap();
    let job = ds.segment_job(&o).unwrap().expect("a first run segments");
    let result = job.run();
    // Other options, then another analysis date: the old result belongs to neither.
    let k5 = opts(r#"{"segments":{"k":5}}"#);
    assert_eq!(
        ds.provide_segments(&k5, result.clone()).unwrap_err().code,
        "stale_segments"
    );
    let later = opts(r#"{"asOf":"2023-06-30"}"#);
    assert_eq!(
        ds.provide_segments(&later, result.clone())
            .unwrap_err()
            .code,
        "stale_segments"
    );
    // Back to its options and date: the customer table was rebuilt (a new generation), so
    // even the old result is refused; a fresh job's is taken.
    let fresh = ds.segment_job(&o).unwrap().expect("the table changed");
    assert_eq!(
        ds.provide_segments(&o, result).unwrap_err().code,
        "stale_segments"
    );
    ds.provide_segments(&o, fresh.run()).unwrap();
    assert!(ds.segment_job(&o).unwrap().is_none(), "remembered now");
}
