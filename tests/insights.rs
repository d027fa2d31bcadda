//! The findings (`insights`, src/insights/) on logs whose findings are known: the bundled
//! sample, a shop whose retention falls in its last quarter, a file with unreadable rows, and
//! tiny or degenerate data (fewer findings, never silly ones; no NaN).
#![cfg(not(target_arch = "wasm32"))]

use std::fmt::Write as _;

use crm_lens::insights::{Finding, Value};
use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::{Analysis, Dataset, Options};

fn analyse(log: &str) -> Analysis {
    let o = Options::from_json(r#"{"clv": {"bootstrapDraws": 0}}"#).unwrap();
    Dataset::from_bytes(log.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap()
}

fn codes(a: &Analysis) -> Vec<&str> {
    a.report
        .insights
        .findings
        .iter()
        .map(|f| f.code.as_str())
        .collect()
}

fn num(f: &Finding, key: &str) -> f64 {
    match f.values.get(key) {
        Some(Value::Number(x)) => *x,
        other => panic!("{}: {key} is {other:?}", f.code),
    }
}

fn text<'a>(f: &'a Finding, key: &str) -> &'a str {
    match f.values.get(key) {
        Some(Value::Text(s)) => s,
        other => panic!("{}: {key} is {other:?}", f.code),
    }
}

fn finding<'a>(a: &'a Analysis, code: &str) -> &'a Finding {
    a.report
        .insights
        .findings
        .iter()
        .find(|f| f.code == code)
        .unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn the_sample_says_at_risk_clv_concentration_stage_one_time_buyers_champions() {
    let a = analyse(&generate_csv(&SampleSpec::default()).unwrap());
    let r = &a.report;
    assert_eq!(
        codes(&a),
        [
            "segmentSlipping",
            "clvConcentration",
            "stageAtRisk",
            "oneTimeBuyers",
            "champions"
        ]
    );
    let ranks: Vec<u32> = r.insights.findings.iter().map(|f| f.rank).collect();
    assert_eq!(ranks, [1, 2, 3, 4, 5]);
    // At Risk holds the most revenue of the slipping segments; its numbers are the table's.
    let f = finding(&a, "segmentSlipping");
    assert_eq!(text(f, "segment"), "At Risk");
    let seg = r.rfm.segments.iter().find(|s| s.name == "At Risk").unwrap();
    assert_eq!(num(f, "customers"), seg.customers as f64);
    assert!(close(num(f, "revenueShare"), seg.revenue_share));
    let list = f.list.as_ref().unwrap();
    assert_eq!((list.kind.as_str(), list.key.as_str()), ("rfm", "At Risk"));
    // Its median P(alive), from the per-customer column (MBG/NBD estimates every one).
    let code = r
        .rfm
        .segments
        .iter()
        .position(|s| s.name == "At Risk")
        .unwrap() as u16;
    let mut p: Vec<f64> = (0..a.customers.len())
        .filter(|&i| a.rfm.segment[i] == code)
        .map(|i| a.clv.p_alive[i])
        .collect();
    p.sort_by(f64::total_cmp);
    let m = p.len();
    let median = if m % 2 == 1 {
        p[m / 2]
    } else {
        (p[m / 2 - 1] + p[m / 2]) / 2.0
    };
    assert!(close(num(f, "medianPAlive"), median));
    // The top 10% by CLV and what they hold, recomputed.
    let f = finding(&a, "clvConcentration");
    let mut clv = a.clv.clv.clone();
    clv.sort_by(|x, y| y.total_cmp(x));
    let top = (clv.len() as f64 / 10.0).ceil() as usize;
    assert_eq!(num(f, "customers"), top as f64);
    let share = clv[..top].iter().sum::<f64>() / clv.iter().sum::<f64>();
    assert!((num(f, "valueShare") - share).abs() < 1e-9);
    assert!(
        num(f, "valueShare") > 0.5,
        "a skewed CLV: {}",
        num(f, "valueShare")
    );
    let once = a.customers.transactions.iter().filter(|&&t| t == 1).count();
    assert_eq!(num(finding(&a, "oneTimeBuyers"), "customers"), once as f64);
    // Deterministic: the same log gives the same findings.
    let b = analyse(&generate_csv(&SampleSpec::default()).unwrap());
    assert_eq!(b.report.insights, a.report.insights);
}

/// 300 customers buy on the 1st of each month of 2023; from August, 15 a month stop for good.
fn falling_retention_log() -> String {
    let mut log = String::from("customer,date,amount\n");
    for c in 0..300u32 {
        // Customers 0..90 stop after month 7..12 (15 per month); the rest keep buying.
        let last = if c < 90 { 7 + c / 15 } else { 12 };
        for m in 1..=last {
            let _ = writeln!(log, "K{c:03},2023-{m:02}-01,{}", 20 + c % 7);
        }
    }
    // The analysis date closes December: every month is complete.
    log.push_str("K299,2023-12-31,5\n");
    log
}

#[test]
fn retention_that_falls_in_the_last_quarter_is_a_finding_with_the_periods_means() {
    let a = analyse(&falling_retention_log());
    let f = finding(&a, "retentionFell");
    assert_eq!(f.panel, "kpis");
    assert_eq!(text(f, "period"), "month");
    // The means of the Report's own monthly rates: the last three months and the three before.
    let rates: Vec<f64> = a
        .report
        .kpis
        .periods
        .iter()
        .filter_map(|p| p.retention_rate)
        .collect();
    let n = rates.len();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(close(num(f, "to"), mean(&rates[n - 3..])));
    assert!(close(num(f, "from"), mean(&rates[n - 6..n - 3])));
    assert!(num(f, "from") - num(f, "to") >= 0.02);
    assert!(!codes(&a).contains(&"retentionRose"));
}

#[test]
fn unreadable_rows_come_first_and_name_their_reason() {
    let mut log = String::from("customer,date,amount\n");
    for i in 0..400 {
        let _ = writeln!(
            log,
            "C{},2024-{:02}-{:02},{}",
            i % 60,
            1 + i % 12,
            1 + i % 28,
            10 + i % 9
        );
    }
    for i in 0..12 {
        let _ = writeln!(log, "C{i},yesterday,5");
    }
    let a = analyse(&log);
    let f = &a.report.insights.findings[0];
    assert_eq!(
        (f.code.as_str(), f.rank, f.panel.as_str()),
        ("rowsSkipped", 1, "ingest")
    );
    assert_eq!(num(f, "rows"), 12.0);
    assert_eq!(text(f, "reason"), "unparseableDate");
    assert!(close(num(f, "share"), 12.0 / 412.0));
}

#[test]
fn tiny_and_degenerate_data_give_fewer_findings_and_no_nan() {
    // Five customers: too few for any share of customers.
    let a = analyse(
        "customer,date,amount\nA,2024-01-01,10\nB,2024-01-02,5\nC,2024-02-01,7\nA,2024-03-01,3\nD,2024-03-02,4\nE,2024-03-03,2\n",
    );
    assert_eq!(codes(&a), Vec::<&str>::new());
    // Forty customers, every one buying once on the same day: their RFM recency and frequency
    // scores are ranks of ties, so no segment is "slipping" and none are "champions"; no model,
    // no trend. What is said is true (all bought once; k-means on spend alone) and finite.
    let mut log = String::from("customer,date,amount\n");
    for i in 0..40 {
        let _ = writeln!(log, "C{i},2024-05-01,{}", 10 + i);
    }
    let a = analyse(&log);
    assert_eq!(a.report.clv.chosen_model, "simple");
    assert_eq!(codes(&a), ["oneTimeBuyers", "largestCluster"]);
    assert_eq!(num(finding(&a, "oneTimeBuyers"), "share"), 1.0);
    for f in &a.report.insights.findings {
        for v in f.values.values() {
            assert!(matches!(v, Value::Text(_)) || matches!(v, Value::Number(x) if x.is_finite()));
        }
    }
}
