//! Forward-looking CLV outputs (issue #17 item 6) against lifetimes 0.11.3 (fixture
//! tests/fixtures/clv/future.json, made by tests/reference/clv_future_reference.py at the
//! parameters of the `days_small` and `weeks_small` fixtures):
//! * P(alive) on a later date with no purchase meanwhile = lifetimes'
//!   `conditional_probability_alive(x, t_x, T + t)`;
//! * a brand-new customer's expected purchases (`expected_number_of_purchases_up_to_time`) and
//!   value month by month;
//! * CLV per window: each customer's CLV by month k = lifetimes' `customer_lifetime_value(time
//!   = k)`, k = 1..12, and the group curves built from them.
//!
//! Our fits stand in for lifetimes' refined optimum, which they match to ~1e-7, so values are
//! held to 1e-6.
#![cfg(not(target_arch = "wasm32"))]
mod common;
use common::*;
use serde_json::Value;

use crm_lens::clv::prediction::palive::p_alive_later;
use crm_lens::clv::{run, ClvInput, ClvOptions, ModelChoice, TimeUnit};

fn load(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/clv/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn vecf(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_f64().unwrap())
        .collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1e-9)
}

const MODELS: [(ModelChoice, &str); 3] = [
    (ModelChoice::Bgnbd, "bgnbd"),
    (ModelChoice::Mbgnbd, "mbgnbd"),
    (ModelChoice::ParetoNbd, "paretoNbd"),
];

#[test]
fn later_p_alive_new_customer_and_windows_match_lifetimes() {
    let future = load("future");
    for (name, unit) in [
        ("days_small", TimeUnit::Day),
        ("weeks_small", TimeUnit::Week),
    ] {
        let src = load(name);
        let want = &future[name];
        let (x, tx, t, m) = (
            vecf(&src["x"]),
            vecf(&src["tx"]),
            vecf(&src["T"]),
            vecf(&src["monetary"]),
        );
        let zeros = vec![0.0; x.len()];
        let input = ClvInput {
            x: &x,
            t_x: &tx,
            t: &t,
            monetary: &m,
            total_spend: &zeros,
            tenure_days: &zeros,
            time_unit: unit,
            measured_monthly_retention: None,
            holdout: None,
            discrete: false,
            covariates: &[],
            weights: None,
        };
        for (model, key) in MODELS {
            let opts = ClvOptions {
                model,
                bootstrap_draws: 0,
                ..Default::default()
            };
            let (rep, cols, _) = run(&input, &opts);
            assert_eq!(rep.chosen_model, key);
            let w = &want[key];
            for days in [30, 90] {
                let later = days as f64 / want["unitDays"].as_f64().unwrap();
                let got = p_alive_later(&cols, &x, &tx, &t, later);
                for (c, (g, e)) in got
                    .iter()
                    .zip(vecf(&w["pAliveAt"][days.to_string()]))
                    .enumerate()
                {
                    assert!(
                        close(*g, e, 1e-6),
                        "{name}/{key} +{days}d customer {c}: {g} vs {e}"
                    );
                }
            }
            let nc = rep.new_customer.as_ref().unwrap();
            for (i, e) in vecf(&w["newCustomer"]).iter().enumerate() {
                assert!(
                    close(nc.expected_purchases[i], *e, 1e-6),
                    "{name}/{key} new customer month {i}"
                );
            }
            assert!(close(
                nc.spend_per_purchase,
                want["spendPerPurchase"].as_f64().unwrap(),
                1e-6
            ));
            for (i, e) in vecf(&w["newCustomerValue"]).iter().enumerate() {
                assert!(
                    close(nc.value[i + 1], *e, 1e-6),
                    "{name}/{key} new customer value month {}",
                    i + 1
                );
            }
            assert_eq!(nc.value[0], 0.0);
            for k in 1..=12 {
                let want_k = vecf(&w["windows"][k - 1]);
                for (c, e) in want_k.iter().enumerate() {
                    let g = cols.windows.clv(c, k);
                    assert!(
                        close(g, *e, 1e-6),
                        "{name}/{key} month {k} customer {c}: {g} vs {e}"
                    );
                }
            }
            // The 12th month's window is the CLV of a 12-month horizon.
            for c in 0..x.len() {
                assert!(close(cols.windows.clv(c, 12), cols.clv[c], 1e-12));
            }
        }
    }
}

fn analysis(csv: &str, options: &str) -> crm_lens::Analysis {
    let o = crm_lens::Options::from_json(options).unwrap();
    crm_lens::Dataset::from_bytes(csv.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap()
}

/// Through the pipeline: the date becomes days after `asOf` in the model's unit; the groups'
/// curves add up to the total, whose last month is the 12-month CLV.
#[test]
fn pipeline_date_groups_and_validation() {
    let src = load("weeks_small");
    let mut csv = String::from("customer_id,frequency,recency,T,monetary_value\n");
    let (x, tx, t, m) = (
        vecf(&src["x"]),
        vecf(&src["tx"]),
        vecf(&src["T"]),
        vecf(&src["monetary"]),
    );
    for i in 0..x.len() {
        csv.push_str(&format!("c{i},{},{},{},{}\n", x[i], tx[i], t[i], m[i]));
    }
    let base = r#""asOf": "2024-06-30", "timeUnit": "week", "ingest": {"summary": true}"#;
    let a = analysis(
        &csv,
        &format!(
            r#"{{{base}, "clv": {{"model": "bgnbd", "bootstrapDraws": 0, "pAliveDate": "2024-07-30"}}}}"#
        ),
    );
    let r = &a.report.clv;
    let p = r.p_alive_at_date.as_ref().unwrap();
    assert_eq!((p.days, p.model.as_str()), (30, "bgnbd"));
    assert!(close(p.units, 30.0 / 7.0, 1e-15));
    let want = vecf(&load("future")["weeks_small"]["bgnbd"]["pAliveAt"]["30"]);
    // The customer table is in id order: customer `c<i>` is row i of the reference.
    for (c, id) in a.customers.ids.iter().enumerate() {
        let i: usize = id[1..].parse().unwrap();
        assert!(
            close(a.clv.p_alive_at_date[c], want[i], 1e-6),
            "customer {id}"
        );
    }
    assert!(close(
        p.mean,
        want.iter().sum::<f64>() / want.len() as f64,
        1e-6
    ));
    let w = r.windows.as_ref().unwrap();
    assert_eq!(w.months, (1..=12).collect::<Vec<u32>>());
    assert_eq!(w.source, "bgnbd");
    assert!(close(w.total[11], r.totals.clv, 1e-9));
    for groups in [&w.by_rfm_segment, &w.by_stage, &w.by_cluster] {
        let n: u64 = groups.iter().map(|g| g.customers).sum();
        assert_eq!(n, x.len() as u64);
        for k in 0..12 {
            let s: f64 = groups.iter().map(|g| g.total[k]).sum();
            assert!(close(s, w.total[k], 1e-9), "month {}", k + 1);
        }
        for g in groups.iter().filter(|g| g.customers > 0) {
            assert!(close(g.mean[11] * g.customers as f64, g.total[11], 1e-12));
            assert!(
                g.total.windows(2).all(|v| v[1] >= v[0]),
                "{}: a CLV curve never falls",
                g.name
            );
        }
    }
    // By RFM segment, in rfm.segments' order; the k-means clusters by id.
    let names: Vec<&str> = a
        .report
        .rfm
        .segments
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let got: Vec<&str> = w.by_rfm_segment.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(got, names);
    assert_eq!(w.by_cluster.len(), a.report.segments.clusters.len());
    // Options are validated: a malformed date, and a date before asOf.
    let bad = format!(r#"{{{base}, "clv": {{"pAliveDate": "30.07.2024"}}}}"#);
    assert_eq!(error(csv.as_bytes(), &bad).code, "invalid_option");
    let before = format!(r#"{{{base}, "clv": {{"pAliveDate": "2024-06-01"}}}}"#);
    let e = error(csv.as_bytes(), &before);
    assert_eq!(e.code, "invalid_option");
    assert!(e.message.contains("before"));
    // Without the option: no section, no column.
    let a = analysis(
        &csv,
        &format!(r#"{{{base}, "clv": {{"bootstrapDraws": 0}}}}"#),
    );
    assert!(a.report.clv.p_alive_at_date.is_none() && a.clv.p_alive_at_date.is_empty());
}

/// BG/BB: P(alive) on a later date counts the whole opportunities before it; a new customer's
/// value and the windows follow its discounted transactions; the simple-CLV fallback has its
/// windows too.
#[test]
fn discrete_and_fallback_windows() {
    let donations = include_str!("fixtures/clv/donations.csv");
    let f = load("bgbb_donations");
    // Donations in years, asOf 2001-01-01: 2006-03-01 holds 5 whole years (and 2 months).
    let a = analysis(
        donations,
        r#"{"asOf": "2001-01-01", "timeUnit": "year", "ingest": {"summary": true}, "clv": {"bootstrapDraws": 0, "horizonMonths": 36, "pAliveDate": "2006-03-01"}}"#,
    );
    let p = a.report.clv.p_alive_at_date.as_ref().unwrap();
    assert_eq!((p.units, p.model.as_str()), (5.0, "bgbb"));
    // lifetimes' conditional_probability_alive(0, x, t_x, n + 5): no transaction in 5 more
    // opportunities.
    // The customer table is in id order: `row<line>#<k>` is a copy of pattern line − 2.
    let want = vecf(&f["pAliveNoPurchase"]["5"]);
    for (c, id) in a.customers.ids.iter().enumerate() {
        let line: usize = id[3..].split('#').next().unwrap().parse().unwrap();
        let (i, v) = (line - 2, a.clv.p_alive_at_date[c]);
        assert!(close(v, want[i], 1e-6), "row {i}: {v} vs {}", want[i]);
    }
    let rep = &a.report.clv;
    let nc = rep.new_customer.as_ref().unwrap();
    // One opportunity a year: the curve steps at months 12, 24, 36.
    assert_eq!(nc.expected_purchases[11], 0.0);
    assert!(
        nc.expected_purchases[12] > 0.0 && nc.expected_purchases[12] == nc.expected_purchases[23]
    );
    let windows = rep.windows.as_ref().unwrap();
    assert_eq!(windows.source, "bgbb");
    // No spend column: the value is 0 (with the spend warnings), but the curve is there.
    assert!(windows.total.iter().all(|v| *v == 0.0));
    // The simple-CLV fallback (one customer): windows from the retention formula.
    let a = analysis(
        "customer_id,date,amount\na,2024-01-05,10\na,2024-02-05,30\n",
        r#"{"clv": {"retentionRate": 0.8, "bootstrapDraws": 0}}"#,
    );
    let w = a.report.clv.windows.as_ref().unwrap();
    assert_eq!(w.source, "simple");
    let q: f64 = 0.8 / 1.01;
    let monthly = a.report.clv.simple.mean_monthly_margin;
    for k in 1..=12 {
        let want: f64 = monthly * (1..=k).map(|i| q.powi(i as i32)).sum::<f64>();
        assert!(close(w.total[k - 1], want, 1e-12), "month {k}");
    }
}
