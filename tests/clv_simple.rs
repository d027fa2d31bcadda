//! Simple CLV `m · r / (1 + d − r)` and its options, every expected value worked out by hand:
//! `m` = net spend / max(tenure months, 1) × marginRate (a month is 30.4375 days), `r` the
//! monthly retention (option, else the measured KPI), `d` the monthly discount rate.
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::clv::{run, ClvInput, ClvOptions, TimeUnit};
use crm_lens::report::Warning;
use crm_lens::{Analysis, Dataset, Options};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

/// Three customers: 300 over 3 months (91.3125 days), 50 over 10 days (counts as 1 month),
/// -20 (refunds) over 2 months.
fn simple(opts: &ClvOptions, measured: Option<f64>) -> (Vec<f64>, serde_json::Value, Vec<Warning>) {
    let z = [0.0; 3];
    let input = ClvInput {
        x: &z,
        t_x: &z,
        t: &z,
        monetary: &z,
        total_spend: &[300.0, 50.0, -20.0],
        tenure_days: &[91.3125, 10.0, 60.875],
        time_unit: TimeUnit::Day,
        measured_monthly_retention: measured,
        holdout: None,
        discrete: false,
        covariates: &[],
        weights: None,
    };
    let (rep, cols, w) = run(&input, opts);
    assert_eq!(
        cols.clv, cols.simple_clv,
        "fewer than 10 customers: CLV is simple CLV"
    );
    (
        cols.simple_clv,
        serde_json::to_value(&rep.simple).unwrap(),
        w,
    )
}

fn has(w: &[Warning], code: &str) -> bool {
    w.iter().any(|x| x.code == code)
}

#[test]
fn margin_discount_and_retention_options() {
    let opts = ClvOptions {
        margin_rate: 0.4,
        discount_rate: 0.02,
        retention_rate: Some(0.8),
        ..Default::default()
    };
    // The option overrides the measured 0.7. m = 40, 20, -4; multiplier 0.8 / 0.22 = 40/11.
    let (v, rep, _) = simple(&opts, Some(0.7));
    assert!(close(v[0], 40.0 * 40.0 / 11.0));
    assert!(close(v[1], 20.0 * 40.0 / 11.0));
    assert!(close(v[2], -4.0 * 40.0 / 11.0));
    assert_eq!(rep["retentionRate"], 0.8);
    assert_eq!(rep["retentionSource"], "options");
    assert_eq!(
        (rep["marginRate"].as_f64(), rep["discountRate"].as_f64()),
        (Some(0.4), Some(0.02))
    );
    assert!(close(rep["multiplier"].as_f64().unwrap(), 40.0 / 11.0));
    assert!(close(
        rep["meanMonthlyMargin"].as_f64().unwrap(),
        56.0 / 3.0
    ));
    assert!(close(rep["total"].as_f64().unwrap(), 56.0 * 40.0 / 11.0));
    assert!(close(rep["mean"].as_f64().unwrap(), 56.0 * 40.0 / 33.0));
}

#[test]
fn measured_retention_and_its_absence() {
    // Defaults: margin 1, d = 0.01; measured r = 0.7: multiplier 0.7 / 0.31; m = 100, 50, -10.
    let (v, rep, w) = simple(&ClvOptions::default(), Some(0.7));
    assert!(close(v[0], 100.0 * 0.7 / 0.31));
    assert!(close(v[1], 50.0 * 0.7 / 0.31));
    assert!(close(v[2], -10.0 * 0.7 / 0.31));
    assert_eq!(rep["retentionSource"], "measured");
    assert!(!has(&w, "simple_clv_no_retention"));
    // Nothing measured, nothing given: r = 0, simple CLV 0, with a warning.
    let (v, rep, w) = simple(&ClvOptions::default(), None);
    assert_eq!(v, vec![0.0; 3]);
    assert_eq!(rep["retentionSource"], "none");
    assert!(has(&w, "simple_clv_no_retention"));
    // A measured value outside [0, 1] is not used.
    let (_, rep, _) = simple(&ClvOptions::default(), Some(1.5));
    assert_eq!(rep["retentionSource"], "none");
}

#[test]
fn a_divergent_perpetuity_uses_the_horizon_sum() {
    // r = 1, d = 0: 1 + d - r = 0, so the 12-month sum of 1^i: multiplier 12.
    let opts = ClvOptions {
        retention_rate: Some(1.0),
        discount_rate: 0.0,
        ..Default::default()
    };
    let (v, rep, w) = simple(&opts, None);
    assert!(has(&w, "simple_clv_divergent"));
    assert_eq!(rep["multiplier"], 12.0);
    assert!(close(v[0], 1200.0));
    // r = 0.9, d = -0.2 over 6 months: q = 1.125, sum q^i = q (q^6 - 1) / (q - 1).
    let opts = ClvOptions {
        retention_rate: Some(0.9),
        discount_rate: -0.2,
        horizon_months: 6,
        ..Default::default()
    };
    let (v, _, w) = simple(&opts, None);
    let q: f64 = 1.125;
    let want = q * (q.powi(6) - 1.0) / (q - 1.0);
    assert!(has(&w, "simple_clv_divergent"));
    assert!(
        (v[1] - 50.0 * want).abs() < 1e-9,
        "{} vs {}",
        v[1],
        50.0 * want
    );
}

/// The log of tests/kpis_hand.rs, whose monthly retention (0.9) is worked out there.
const LOG: &str = "customer_id,order_id,order_date,amount
A,1,2024-01-05,100
B,3,2024-01-20,40
C,5,2024-01-25,30
F,12,2024-02-01,20
F,13,2024-02-05,20
A,2,2024-02-10,50
A,2,2024-02-10,25
G,14,2024-02-15,15
C,6,2024-02-20,-10
D,7,2024-03-01,200
B,4,2024-03-15,60
E,8,2024-03-31,10
";

const LIFECYCLE: &str = r#""lifecycle": {"newWindowDays": 30, "churnWindowDays": 60,
    "loyalMinTransactions": 2, "loyalMinTenureDays": 60, "atRiskFactor": 1.5, "compareDays": 30}"#;

fn analyze(clv: &str) -> Analysis {
    let o = Options::from_json(&format!(r#"{{{LIFECYCLE}, "clv": {clv}}}"#)).unwrap();
    Dataset::from_bytes(LOG.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap()
}

fn simple_of(a: &Analysis, id: &str) -> f64 {
    let i = a.customers.ids.iter().position(|x| x == id).unwrap();
    a.clv.simple_clv[i]
}

#[test]
fn measured_retention_end_to_end() {
    let a = analyze(r#"{"discountRate": 0.05, "marginRate": 0.5}"#);
    assert!(close(a.report.kpis.retention_rate.unwrap(), 0.9));
    let s = &a.report.clv.simple;
    assert_eq!(
        (s.retention_source.as_str(), s.retention_rate),
        ("measured", 0.9)
    );
    // multiplier 0.9 / (1.05 - 0.9) = 6.
    assert!(close(s.multiplier, 6.0));
    // A: 175 over 86 days (01-05 .. 03-31); C: 30 - 10 over 66 days; D: 200 over 30 days
    // (under a month: 1); E: 10 on the last day (1 month).
    assert!(close(
        simple_of(&a, "A"),
        175.0 / (86.0 / 30.4375) * 0.5 * 6.0
    ));
    assert!(close(
        simple_of(&a, "C"),
        20.0 / (66.0 / 30.4375) * 0.5 * 6.0
    ));
    assert!(close(simple_of(&a, "D"), 200.0 * 0.5 * 6.0));
    assert!(close(simple_of(&a, "E"), 10.0 * 0.5 * 6.0));
    // The option overrides the measured rate: 0.5 / (1.05 - 0.5).
    let a = analyze(r#"{"discountRate": 0.05, "marginRate": 0.5, "retentionRate": 0.5}"#);
    assert_eq!(a.report.clv.simple.retention_source, "options");
    assert!(close(simple_of(&a, "D"), 200.0 * 0.5 * 0.5 / 0.55));
}
