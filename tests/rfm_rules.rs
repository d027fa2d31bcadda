//! `rfm.rules`: a user's own segment table replaces the default one. First matching rule wins,
//! customers no rule matches are "Others", and a malformed range is a clear option error.
//!
//! The log has ten customers whose scores were worked out by hand: customer `Ci` has `i`
//! orders (F scores 1,1,2,2,…,5,5), and recency days and net spend chosen so that each R and
//! M score is held by exactly two customers (qcut edges 0, 9, 18, 27, 36, 45 days and 10, 28,
//! 46, 64, 82, 100).
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::{Analysis, Dataset, Options};

/// (id, recency days, net spend): the hand-computed (R, F, M) follow in `EXPECTED`.
const CUSTOMERS: [(&str, i64, f64); 10] = [
    ("C01", 5, 10.0),
    ("C02", 20, 30.0),
    ("C03", 30, 90.0),
    ("C04", 40, 50.0),
    ("C05", 35, 40.0),
    ("C06", 45, 20.0),
    ("C07", 10, 70.0),
    ("C08", 25, 60.0),
    ("C09", 0, 100.0),
    ("C10", 15, 80.0),
];

/// (id, R, F, M, segment with the VIP-first table).
const EXPECTED: [(&str, u8, u8, u8, &str); 10] = [
    ("C01", 5, 1, 1, "Fresh"),
    ("C02", 3, 1, 2, "Others"),
    ("C03", 2, 2, 5, "Big spender"),
    ("C04", 1, 2, 3, "Others"),
    ("C05", 2, 3, 2, "Others"),
    ("C06", 1, 3, 1, "Others"),
    ("C07", 4, 4, 4, "VIP"),
    ("C08", 3, 4, 3, "Others"),
    ("C09", 5, 5, 5, "VIP"),
    ("C10", 4, 5, 4, "VIP"),
];

const VIP: &str = r#"{"name": "VIP", "r": [4, 5], "f": [4, 5], "m": [4, 5]}"#;
const BIG: &str = r#"{"name": "Big spender", "r": [1, 5], "f": [1, 5], "m": [5, 5]}"#;
const FRESH: &str = r#"{"name": "Fresh", "r": [5, 5], "f": [1, 2], "m": [1, 4]}"#;

/// Customer `Ci` buys `i` orders on consecutive days ending `recency` days before 2024-06-30;
/// the first order carries the spend that the others (1.00 each) do not.
fn log() -> String {
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    let mut s = String::from("customer_id,order_id,order_date,amount\n");
    for (i, (id, recency, spend)) in CUSTOMERS.iter().enumerate() {
        let orders = i as i64 + 1;
        for j in 0..orders {
            let day = as_of - chrono::Duration::days(recency + orders - 1 - j);
            let amount = if j == 0 {
                spend - (orders - 1) as f64
            } else {
                1.0
            };
            s += &format!("{id},O{i}-{j},{day},{amount}\n");
        }
    }
    s
}

/// CLV's bootstrap is off: it has no bearing on RFM, and on this tiny log it takes a minute.
fn analyze(rules: &[&str]) -> Analysis {
    let json = format!(
        r#"{{"rfm": {{"rules": [{}]}}, "clv": {{"bootstrapDraws": 0}}}}"#,
        rules.join(",")
    );
    let o = Options::from_json(&json).unwrap();
    Dataset::from_bytes(log().as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap()
}

fn segment_of(a: &Analysis, id: &str) -> String {
    let i = a.customers.ids.iter().position(|x| x == id).unwrap();
    a.report.rfm.segments[a.rfm.segment[i] as usize]
        .name
        .clone()
}

#[test]
fn custom_table_scores_and_segments() {
    let a = analyze(&[VIP, BIG, FRESH]);
    let names: Vec<&str> = a
        .report
        .rfm
        .segments
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["VIP", "Big spender", "Fresh", "Others"]);
    let rules: Vec<&str> = a.report.rfm.rules.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        rules,
        ["VIP", "Big spender", "Fresh"],
        "the table used is reported"
    );
    for (id, r, f, m, seg) in EXPECTED {
        let i = a.customers.ids.iter().position(|x| x == id).unwrap();
        assert_eq!(
            (a.rfm.r[i], a.rfm.f[i], a.rfm.m[i]),
            (r, f, m),
            "{id} scores"
        );
        assert_eq!(
            a.rfm.score[i],
            100 * r as u16 + 10 * f as u16 + m as u16,
            "{id} rfmScore"
        );
        assert_eq!(segment_of(&a, id), seg, "{id} segment");
    }
    let counts: Vec<u64> = a.report.rfm.segments.iter().map(|s| s.customers).collect();
    assert_eq!(counts, [3, 1, 1, 5]);
}

#[test]
fn first_matching_rule_wins() {
    // C09 (5, 5, 5) matches both VIP and Big spender: the earlier rule takes it.
    let vip_first = analyze(&[VIP, BIG, FRESH]);
    assert_eq!(segment_of(&vip_first, "C09"), "VIP");
    let big_first = analyze(&[BIG, VIP, FRESH]);
    assert_eq!(segment_of(&big_first, "C09"), "Big spender");
    // Customers matching only one rule keep it whatever the order.
    for a in [&vip_first, &big_first] {
        assert_eq!(segment_of(a, "C03"), "Big spender");
        assert_eq!(segment_of(a, "C07"), "VIP");
        assert_eq!(segment_of(a, "C01"), "Fresh");
    }
}

#[test]
fn unmatched_customers_are_others_and_an_empty_table_leaves_only_others() {
    let a = analyze(&[FRESH]);
    let others = a.report.rfm.segments.last().unwrap();
    assert_eq!(others.name, "Others");
    assert_eq!(others.customers, 9);
    assert_eq!(segment_of(&a, "C01"), "Fresh");
    let none = analyze(&[]);
    assert_eq!(none.report.rfm.segments.len(), 1);
    assert_eq!(none.report.rfm.segments[0].customers, 10);
}

#[test]
fn an_invalid_range_is_a_clear_option_error() {
    for (bad, found) in [
        (
            r#"{"name": "Bad", "r": [1, 5], "f": [1, 5], "m": [4, 2]}"#,
            "m range [4, 2]",
        ),
        (
            r#"{"name": "Bad", "r": [0, 3], "f": [1, 5], "m": [1, 5]}"#,
            "r range [0, 3]",
        ),
        (
            r#"{"name": "Bad", "r": [1, 5], "f": [2, 6], "m": [1, 5]}"#,
            "f range [2, 6]",
        ),
    ] {
        let json = format!(r#"{{"rfm": {{"rules": [{VIP}, {bad}]}}}}"#);
        let o = Options::from_json(&json).unwrap();
        let err = Dataset::from_bytes(log().as_bytes(), &o).unwrap_err();
        assert_eq!(err.code, "invalid_option");
        assert!(
            err.message.contains("rfm.rules[1]") && err.message.contains(found),
            "names the rule and what was found: {}",
            err.message
        );
        let hint = err.hint.unwrap_or_default();
        assert!(
            hint.contains("1 ≤ low ≤ high ≤ 5"),
            "says how to fix it: {hint}"
        );
    }
    // A rule that is not of the table's shape is rejected when the options are read.
    let err =
        Options::from_json(r#"{"rfm": {"rules": [{"name": "X", "r": [1, 5]}]}}"#).unwrap_err();
    assert_eq!(err.code, "invalid_option");
    assert!(err.message.contains("missing field `f`"), "{}", err.message);
}
