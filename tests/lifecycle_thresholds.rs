//! Lifecycle thresholds derived from the data's rhythm, the fallback without repeat buyers,
//! and At Risk through a fitted model's P(alive).
//!
//! The small log below was worked out by hand (days are before `asOf` = 2024-12-31):
//!
//! | id | purchase days (orders) | usual gap | transactions | recency | tenure | stage |
//! |----|------------------------|-----------|--------------|---------|--------|-------|
//! | A  | 60, 40                 | 20        | 2            | 40      | 60     | At Risk (40 > 1.5 × 20) |
//! | B  | 100, 70, 40            | 30        | 3            | 40      | 100    | Active (3 < 4 transactions) |
//! | C  | 160, 120, 80, 40       | 40        | 4            | 40      | 160    | Loyal |
//! | D  | 250, 200               | 50        | 2            | 200     | 250    | Lost (200 > 150) |
//! | E  | 130 (3), 30 (2)        | 100       | 5            | 30      | 130    | Active (tenure 130 < 150) |
//! | F  | 210, 10                | 200       | 2            | 10      | 210    | Active |
//! | G  | 20                     | —         | 1            | 20      | 20     | New (20 ≤ 45) |
//! | H  | 100                    | —         | 1            | 100     | 100    | At Risk (100 > 1.5 × 45) |
//! | I  | 60                     | —         | 1            | 60      | 60     | Active (60 ≤ 67.5) |
//! | J  | 0                      | —         | 1            | 0       | 0      | New |
//! | K  | 400                    | —         | 1            | 400     | 400    | Lost |
//!
//! Usual gaps of repeat buyers, sorted: 20, 30, 40, 50, 100, 200. numpy's linear median is
//! 45 (new window), the 90th percentile 100 + 0.5 × 100 = 150 (churn window). Repeat buyers'
//! transactions 2, 2, 2, 3, 4, 5: 75th percentile 3.75, so loyal = at least max(3, ⌈3.75⌉) = 4
//! transactions and a tenure of at least the churn window, 150 days.
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::lifecycle::{Stage, Thresholds};
use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::{Analysis, Dataset, Options};
use std::collections::BTreeMap;

const AS_OF: &str = "2024-12-31";

/// (id, [(days before asOf, orders that day)]).
const LOG: [(&str, &[(i64, u32)]); 11] = [
    ("A", &[(60, 1), (40, 1)]),
    ("B", &[(100, 1), (70, 1), (40, 1)]),
    ("C", &[(160, 1), (120, 1), (80, 1), (40, 1)]),
    ("D", &[(250, 1), (200, 1)]),
    ("E", &[(130, 3), (30, 2)]),
    ("F", &[(210, 1), (10, 1)]),
    ("G", &[(20, 1)]),
    ("H", &[(100, 1)]),
    ("I", &[(60, 1)]),
    ("J", &[(0, 1)]),
    ("K", &[(400, 1)]),
];

fn csv(log: &[(&str, &[(i64, u32)])]) -> String {
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
    let mut s = String::from("customer_id,order_id,order_date,amount\n");
    let mut order = 0;
    for (id, days) in log {
        for (before, orders) in *days {
            for _ in 0..*orders {
                order += 1;
                let day = as_of - chrono::Duration::days(*before);
                s += &format!("{id},O{order},{day},25\n");
            }
        }
    }
    s
}

fn analyze(text: &str, json: &str) -> Analysis {
    let o = Options::from_json(json).unwrap();
    Dataset::from_bytes(text.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap()
}

/// numpy `quantile(method="linear")` of unsorted values.
fn quantile(mut v: Vec<f64>, q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let pos = (v.len() - 1) as f64 * q;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// The thresholds computed from the log itself, without the crate: usual gap = days from
/// the first to the last purchase day / (purchase days − 1), over repeat buyers.
fn independent(log: &[(&str, &[(i64, u32)])]) -> (u32, u32, u32, f64) {
    let mut gaps = Vec::new();
    let mut repeat_tx = Vec::new();
    for (_, days) in log.iter().filter(|(_, d)| d.len() > 1) {
        let first = days.iter().map(|d| d.0).max().unwrap();
        let last = days.iter().map(|d| d.0).min().unwrap();
        gaps.push((first - last) as f64 / (days.len() - 1) as f64);
        repeat_tx.push(days.iter().map(|d| d.1).sum::<u32>() as f64);
    }
    let median = quantile(gaps.clone(), 0.5);
    let new = median.round().clamp(14.0, 180.0) as u32;
    let churn = quantile(gaps, 0.9).round().clamp(60.0, 730.0) as u32;
    let loyal = (quantile(repeat_tx, 0.75).ceil() as u32).max(3);
    (new, churn, loyal, median)
}

fn thresholds(a: &Analysis) -> &Thresholds {
    a.report.lifecycle.thresholds.as_ref().unwrap()
}

fn warning_codes(a: &Analysis) -> Vec<&str> {
    a.report.warnings.iter().map(|w| w.code.as_str()).collect()
}

#[test]
fn thresholds_come_from_the_data_rhythm() {
    assert_eq!(
        independent(&LOG),
        (45, 150, 4, 45.0),
        "the hand computation"
    );
    // P(alive) is switched off here (threshold 0), so only the gap rule makes At Risk.
    let a = analyze(
        &csv(&LOG),
        &format!(
            r#"{{"asOf": "{AS_OF}", "lifecycle": {{"pAliveThreshold": 0}}, "clv": {{"bootstrapDraws": 0}}}}"#
        ),
    );
    let th = thresholds(&a);
    assert_eq!(th.source, "data");
    assert_eq!(th.new_window_days, 45);
    assert_eq!(th.churn_window_days, 150);
    assert_eq!(th.loyal_min_transactions, 4);
    assert_eq!(th.loyal_min_tenure_days, 150);
    assert_eq!(th.typical_gap_days, 45.0);
    assert_eq!(th.at_risk_factor, 1.5);
    assert_eq!(
        a.report.kpis.churn_window_days, 150,
        "KPIs use the same window"
    );
    assert!(!warning_codes(&a).contains(&"lifecycle_fallback_thresholds"));
    let expected = [
        ("A", Stage::AtRisk),
        ("B", Stage::Active),
        ("C", Stage::Loyal),
        ("D", Stage::Lost),
        ("E", Stage::Active),
        ("F", Stage::Active),
        ("G", Stage::New),
        ("H", Stage::AtRisk),
        ("I", Stage::Active),
        ("J", Stage::New),
        ("K", Stage::Lost),
    ];
    for (id, stage) in expected {
        let i = a.customers.ids.iter().position(|x| x == id).unwrap();
        assert_eq!(a.stages[i], stage, "{id}");
    }
    // Setting one threshold keeps the others derived (and the source `data`).
    let b = analyze(
        &csv(&LOG),
        &format!(
            r#"{{"asOf": "{AS_OF}", "lifecycle": {{"newWindowDays": 25}}, "clv": {{"bootstrapDraws": 0}}}}"#
        ),
    );
    let th = thresholds(&b);
    assert_eq!(
        (th.new_window_days, th.churn_window_days, th.source),
        (25, 150, "data")
    );
}

#[test]
fn derived_windows_are_clamped() {
    // Everyone buys every 2 days: median and p90 gap 2, clamped to 14 and 60 days.
    let log: Vec<(&str, &[(i64, u32)])> = vec![
        ("a", &[(4, 1), (2, 1), (0, 1)]),
        ("b", &[(6, 1), (4, 1)]),
        ("c", &[(3, 1)]),
    ];
    let a = analyze(&csv(&log), r#"{"clv": {"bootstrapDraws": 0}}"#);
    let th = thresholds(&a);
    assert_eq!((th.new_window_days, th.churn_window_days), (14, 60));
    assert_eq!(th.typical_gap_days, 2.0);
    assert_eq!(
        th.loyal_min_transactions, 3,
        "at least 3 even when p75 is lower"
    );
}

#[test]
fn without_repeat_buyers_the_fallback_is_used_and_said() {
    let log: Vec<(&str, &[(i64, u32)])> =
        vec![("a", &[(0, 1)]), ("b", &[(50, 1)]), ("c", &[(200, 2)])];
    let a = analyze(&csv(&log), r#"{"clv": {"bootstrapDraws": 0}}"#);
    let th = thresholds(&a);
    assert_eq!(th.source, "fallback");
    assert_eq!((th.new_window_days, th.churn_window_days), (30, 180));
    assert_eq!(
        (th.loyal_min_transactions, th.loyal_min_tenure_days),
        (3, 180)
    );
    assert_eq!(th.typical_gap_days, 30.0);
    assert!(
        !a.report.lifecycle.uses_p_alive,
        "under 10 customers no model, so no P(alive)"
    );
    let w = a
        .report
        .warnings
        .iter()
        .find(|w| w.code == "lifecycle_fallback_thresholds")
        .expect("the fallback is announced");
    assert!(
        w.message.contains("lifecycle.newWindowDays"),
        "{}",
        w.message
    );
    // Every threshold set by the user: source `options`, no warning.
    let b = analyze(
        &csv(&log),
        r#"{"lifecycle": {"newWindowDays": 10, "churnWindowDays": 100, "loyalMinTransactions": 2,
            "loyalMinTenureDays": 30}, "clv": {"bootstrapDraws": 0}}"#,
    );
    assert_eq!(thresholds(&b).source, "options");
    assert!(!warning_codes(&b).contains(&"lifecycle_fallback_thresholds"));
}

/// The stage rules restated from docs/report.md, evaluated on the table's columns and the
/// exported P(alive).
fn expected_stage(a: &Analysis, i: usize, use_p_alive: bool) -> Stage {
    let (t, th) = (&a.customers, thresholds(a));
    if t.recency_days[i] > th.churn_window_days as f64 {
        return Stage::Lost;
    }
    if t.tenure_days[i] <= th.new_window_days as f64 {
        return Stage::New;
    }
    let purchase_days = t.frequency[i];
    let usual = if purchase_days > 0.0 {
        (t.last_day[i] - t.first_day[i]) as f64 / purchase_days
    } else {
        th.typical_gap_days
    };
    let slipping = t.recency_days[i] > th.at_risk_factor * usual.max(1.0);
    if slipping || (use_p_alive && a.clv.p_alive[i] < th.p_alive_threshold) {
        return Stage::AtRisk;
    }
    if t.transactions[i] >= th.loyal_min_transactions
        && t.tenure_days[i] >= th.loyal_min_tenure_days as f64
    {
        return Stage::Loyal;
    }
    Stage::Active
}

#[test]
fn at_risk_uses_p_alive_once_a_model_is_fitted() {
    let log = generate_csv(&SampleSpec {
        transactions: 4000,
        seed: 3,
        ..Default::default()
    })
    .unwrap();
    // At the default 0.3, P(alive) rarely adds to the gap rule (the unlikely alive are long
    // silent too); 0.8 makes the P(alive) branch decide for many customers.
    let a = analyze(
        &log,
        r#"{"lifecycle": {"pAliveThreshold": 0.8}, "clv": {"bootstrapDraws": 0}}"#,
    );
    assert!(a.customers.len() >= 10);
    assert!(a.clv.model.is_some(), "a BTYD model is fitted");
    assert!(a.report.lifecycle.uses_p_alive);
    let mut by_p_alive_only = 0;
    for i in 0..a.customers.len() {
        let want = expected_stage(&a, i, true);
        assert_eq!(a.stages[i], want, "customer {}", &a.customers.ids[i]);
        if want == Stage::AtRisk && expected_stage(&a, i, false) != Stage::AtRisk {
            by_p_alive_only += 1;
        }
    }
    println!(
        "{by_p_alive_only} of {} At Risk by P(alive) only",
        a.customers.len()
    );
    assert!(
        by_p_alive_only > 0,
        "some customers are At Risk only by P(alive)"
    );
    // With the P(alive) rule off, exactly those customers leave At Risk.
    let b = analyze(
        &log,
        r#"{"lifecycle": {"pAliveThreshold": 0}, "clv": {"bootstrapDraws": 0}}"#,
    );
    let count = |a: &Analysis| {
        let mut m = BTreeMap::new();
        for s in a.stages.iter() {
            *m.entry(*s).or_insert(0) += 1;
        }
        m
    };
    let (with, without) = (count(&a), count(&b));
    assert_eq!(
        with[&Stage::AtRisk] - without[&Stage::AtRisk],
        by_p_alive_only
    );
    for i in 0..b.customers.len() {
        assert_eq!(b.stages[i], expected_stage(&b, i, false));
    }
}
