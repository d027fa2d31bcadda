//! End-to-end tests of `clv::run`: degenerate data, determinism, finiteness of the serialized
//! report, holdout model choice, fast vs per-row P(alive) (parameter recovery: clv_recovery.rs).

#![cfg(not(target_arch = "wasm32"))]

#[path = "common/clv_sim.rs"]
mod sim;

use crm_lens::clv::fitting::collapse::collapse;
use crm_lens::clv::fitting::fitdata::FitData;
use crm_lens::clv::input::Summary;
use crm_lens::clv::model::ModelKind;
use crm_lens::clv::prediction::palive::PAlive;
use crm_lens::clv::{run, ClvColumns, ClvInput, ClvOptions, HoldoutInput, ModelChoice, TimeUnit};
use crm_lens::report::Warning;
use serde_json::Value;

const NULLABLE: [&str; 16] = [
    "bgnbd",
    "bgbb",
    "windows",
    "pAliveAtDate",
    "paretoNbd",
    "mbgnbd",
    "gammaGamma",
    "stdErrors",
    "newCustomer",
    "pAliveMatrix",
    "periodTransactions",
    "holdout",
    "covariates",
    "best",
    "tracking",
    "retentionRate",
];

/// Every number in the JSON is finite (serde_json writes NaN/inf as null), and nulls appear only
/// under keys documented as nullable.
fn assert_clean(v: &Value, key: &str) {
    match v {
        Value::Null => assert!(NULLABLE.contains(&key), "null (NaN?) under key {key}"),
        Value::Number(n) => assert!(n.as_f64().is_some_and(f64::is_finite), "{key}: {n}"),
        Value::Array(a) => a.iter().for_each(|x| assert_clean(x, key)),
        Value::Object(o) => o.iter().for_each(|(k, x)| assert_clean(x, k)),
        _ => {}
    }
}

fn check_columns(c: &ClvColumns, n: usize) {
    for col in [
        &c.p_alive,
        &c.expected_purchases,
        &c.expected_spend,
        &c.clv,
        &c.clv_low,
        &c.clv_high,
        &c.simple_clv,
    ] {
        assert_eq!(col.len(), n);
        assert!(col.iter().all(|v| v.is_finite()));
    }
    for i in 0..n {
        assert!(c.clv_low[i] <= c.clv_high[i] + 1e-9 * c.clv_high[i].abs());
    }
}

struct Data {
    x: Vec<f64>,
    tx: Vec<f64>,
    t: Vec<f64>,
    m: Vec<f64>,
    total: Vec<f64>,
    tenure: Vec<f64>,
}

fn go(d: &Data, opts: &ClvOptions) -> (Value, ClvColumns, Vec<Warning>) {
    let input = ClvInput {
        x: &d.x,
        t_x: &d.tx,
        t: &d.t,
        monetary: &d.m,
        total_spend: &d.total,
        tenure_days: &d.tenure,
        time_unit: TimeUnit::Day,
        measured_monthly_retention: Some(0.7),
        holdout: None,
        discrete: false,
        covariates: &[],
        weights: None,
    };
    let (rep, cols, w) = run(&input, opts);
    let v = serde_json::to_value(&rep).expect("serialize");
    assert_clean(&v, "");
    check_columns(&cols, d.x.len());
    (v, cols, w)
}

fn has(w: &[Warning], code: &str) -> bool {
    w.iter().any(|x| x.code == code)
}

fn from_sim(s: &sim::Sim) -> Data {
    Data {
        x: s.x.clone(),
        tx: s.tx.clone(),
        t: s.t.clone(),
        m: s.m.clone(),
        total: s.total.clone(),
        tenure: s.tenure.clone(),
    }
}

#[test]
fn degenerate_inputs_fall_back_without_nan() {
    let opts = ClvOptions {
        bootstrap_draws: 20,
        ..Default::default()
    };
    // Empty.
    let e = Data {
        x: vec![],
        tx: vec![],
        t: vec![],
        m: vec![],
        total: vec![],
        tenure: vec![],
    };
    let (v, _, w) = go(&e, &opts);
    assert!(has(&w, "clv_too_few_customers"));
    assert_eq!(v["chosenModel"], "simple");
    // Five customers.
    let small = Data {
        x: vec![1.0, 0.0, 2.0, 0.0, 3.0],
        tx: vec![5.0, 0.0, 9.0, 0.0, 20.0],
        t: vec![10.0, 3.0, 30.0, 1.0, 40.0],
        m: vec![10.0, 0.0, 5.0, 0.0, 7.0],
        total: vec![20.0, 3.0, 15.0, 1.0, 30.0],
        tenure: vec![10.0, 3.0, 30.0, 1.0, 40.0],
    };
    let (v, c, w) = go(&small, &opts);
    assert!(has(&w, "clv_too_few_customers"));
    assert_eq!(v["bgnbd"], Value::Null);
    assert_eq!(c.clv, c.simple_clv);
    // Simple CLV formula: m = 20 / max(10/30.4375, 1) = 20, r = 0.7, d = 0.01 -> 20*0.7/0.31.
    assert!((c.simple_clv[0] - 20.0 * 0.7 / 0.31).abs() < 1e-9);
    // All one-time buyers.
    let n = 100;
    let one = Data {
        x: vec![0.0; n],
        tx: vec![0.0; n],
        t: (0..n).map(|i| i as f64).collect(),
        m: vec![0.0; n],
        total: vec![10.0; n],
        tenure: vec![40.0; n],
    };
    let (_, _, w) = go(&one, &opts);
    assert!(has(&w, "clv_no_repeat_buyers"));
    assert!(has(&w, "clv_gamma_gamma_too_few"));
    // Everyone on one day.
    let day = Data {
        x: vec![0.0; n],
        tx: vec![0.0; n],
        t: vec![0.0; n],
        m: vec![0.0; n],
        total: vec![5.0; n],
        tenure: vec![0.0; n],
    };
    let (_, _, w) = go(&day, &opts);
    assert!(has(&w, "clv_no_observation_time"));
    // Garbage values, mismatched lengths, zero/negative spend and invalid options.
    let s = sim::simulate(400, 365.0, [0.5, 5.0, 0.8, 2.5], [6.0, 4.0, 15.0], 7);
    let mut d = from_sim(&s);
    d.x[0] = f64::NAN;
    d.tx[1] = f64::INFINITY;
    d.t[2] = -3.0;
    d.m.truncate(300);
    for i in 0..20 {
        if d.x[i + 10] > 0.0 {
            d.m[i + 10] = -5.0;
        }
    }
    d.total[3] = f64::NAN;
    let bad = ClvOptions {
        interval: 2.0,
        ..opts.clone()
    };
    let (_, _, w) = go(&d, &bad);
    assert!(has(&w, "clv_invalid_options"));
    assert!(has(&w, "clv_input_repaired"));
    assert!(has(&w, "clv_nonpositive_spend"));
}

#[test]
fn heavy_buyers_and_all_models_stay_finite() {
    // x in the hundreds (lifetimes' Pareto/NBD gives NaN there).
    let s = sim::simulate(1500, 730.0, [1.5, 2.0, 0.4, 8.0], [4.0, 3.0, 20.0], 2);
    assert!(s.x.iter().cloned().fold(0.0, f64::max) > 200.0);
    let d = from_sim(&s);
    for model in [
        ModelChoice::Bgnbd,
        ModelChoice::ParetoNbd,
        ModelChoice::Mbgnbd,
    ] {
        let opts = ClvOptions {
            model,
            bootstrap_draws: 30,
            ..Default::default()
        };
        let (v, c, _) = go(&d, &opts);
        assert_ne!(v["chosenModel"], "simple");
        assert!(c.clv.iter().sum::<f64>() > 0.0);
    }
}

#[test]
fn deterministic_with_seed_and_interval_brackets_point() {
    let s = sim::simulate(3000, 1095.0, [0.25, 4.0, 0.8, 2.5], [6.0, 4.0, 15.0], 11);
    let d = from_sim(&s);
    let opts = ClvOptions {
        bootstrap_draws: 100,
        seed: 5,
        ..Default::default()
    };
    let (v1, c1, _) = go(&d, &opts);
    let (v2, c2, _) = go(&d, &opts);
    assert_eq!(v1, v2);
    assert_eq!(c1, c2);
    let (v3, _, _) = go(
        &d,
        &ClvOptions {
            seed: 6,
            ..opts.clone()
        },
    );
    assert_ne!(v1["totals"]["clvLow"], v3["totals"]["clvLow"]);
    let t = &v1["totals"];
    let (lo, mid, hi) = (
        t["clvLow"].as_f64().unwrap(),
        t["clv"].as_f64().unwrap(),
        t["clvHigh"].as_f64().unwrap(),
    );
    assert!(lo < mid && mid < hi, "{lo} {mid} {hi}");
    // The linearised stream at every size (the interval study, docs/performance.md).
    assert!(
        t["bootstrapMethod"]
            .as_str()
            .is_some_and(|m| m.starts_with("linearized")),
        "{}",
        t["bootstrapMethod"]
    );
    assert_eq!(v1["choiceCriterion"], "aic");
}

#[test]
fn holdout_drives_model_choice() {
    let s = sim::simulate_holdout(
        3000,
        730.0,
        180.0,
        [0.25, 4.0, 0.8, 2.5],
        [6.0, 4.0, 15.0],
        3,
    );
    let d = from_sim(&s);
    let input = ClvInput {
        x: &d.x,
        t_x: &d.tx,
        t: &d.t,
        monetary: &d.m,
        total_spend: &d.total,
        tenure_days: &d.tenure,
        time_unit: TimeUnit::Day,
        measured_monthly_retention: None,
        holdout: Some(HoldoutInput {
            x: &d.x,
            t_x: &d.tx,
            t: &d.t,
            actual: &s.holdout_actual,
            duration: 180.0,
            weights: None,
            tracking: None,
        }),
        discrete: false,
        covariates: &[],
        weights: None,
    };
    let (rep, cols, w) = run(
        &input,
        &ClvOptions {
            bootstrap_draws: 0,
            ..Default::default()
        },
    );
    check_columns(&cols, d.x.len());
    assert!(has(&w, "simple_clv_no_retention"));
    assert_eq!(rep.choice_criterion, "holdoutRmse");
    let h = rep.holdout.expect("holdout");
    assert_eq!(h.models.len(), 3);
    let best = h
        .models
        .iter()
        .min_by(|a, b| a.rmse.total_cmp(&b.rmse))
        .unwrap();
    assert_eq!(rep.chosen_model, best.model.key());
    // Correct model (BG/NBD process): aggregate holdout prediction within 10% of actual.
    let bg = h
        .models
        .iter()
        .find(|m| m.model == ModelKind::Bgnbd)
        .unwrap();
    assert!(
        (bg.predicted_total / bg.actual_total - 1.0).abs() < 0.1,
        "{bg:?}"
    );
}

#[test]
fn fast_p_alive_matches_per_row_formulas() {
    let s = sim::simulate(2000, 800.0, [0.6, 6.0, 0.9, 3.0], [6.0, 4.0, 15.0], 5);
    let rows = collapse(&Summary {
        x: s.x.clone(),
        tx: s.tx.clone(),
        t: s.t.clone(),
    });
    let d = FitData::new(&rows);
    for (kind, p) in [
        (ModelKind::Bgnbd, [0.6, 6.0, 0.9, 3.0]),
        (ModelKind::Mbgnbd, [0.7, 7.0, 1.1, 3.5]),
        (ModelKind::ParetoNbd, [0.7, 10.0, 0.6, 30.0]),
        (ModelKind::ParetoNbd, [0.7, 30.0, 0.6, 10.0]),
    ] {
        let pal = PAlive::new(kind, &d);
        let mut out = Vec::new();
        pal.rows(kind, &p, &mut out);
        for (i, &got) in out.iter().enumerate() {
            let want = kind.p_alive(&p, rows.x[i], rows.tx[i], rows.t[i]);
            assert!(
                (got - want).abs() < 1e-12 * want.max(1e-3),
                "{kind:?} row {i}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn diagnostics_are_consistent() {
    let s = sim::simulate(3000, 1095.0, [0.25, 4.0, 0.8, 2.5], [6.0, 4.0, 15.0], 21);
    let d = from_sim(&s);
    let opts = ClvOptions {
        model: ModelChoice::Bgnbd,
        bootstrap_draws: 0,
        ..Default::default()
    };
    let input = ClvInput {
        x: &d.x,
        t_x: &d.tx,
        t: &d.t,
        monetary: &d.m,
        total_spend: &d.total,
        tenure_days: &d.tenure,
        time_unit: TimeUnit::Day,
        measured_monthly_retention: Some(0.7),
        holdout: None,
        discrete: false,
        covariates: &[],
        weights: None,
    };
    let (rep, cols, _) = run(&input, &opts);
    let n = d.x.len() as f64;
    let pt = rep.period_transactions.expect("histogram");
    assert!((pt.actual.iter().sum::<f64>() - n).abs() < 1e-9);
    // Expected counts are probabilities summed over customers: they add up to n.
    assert!((pt.expected.iter().sum::<f64>() - n).abs() < 1e-6 * n);
    // Actual zero-repeat count matches the data.
    assert_eq!(
        pt.actual[0],
        d.x.iter().filter(|&&x| x == 0.0).count() as f64
    );
    let m = rep.p_alive_matrix.expect("matrix");
    let p = [
        rep.bgnbd.as_ref().unwrap().params.r,
        rep.bgnbd.as_ref().unwrap().params.alpha,
        rep.bgnbd.as_ref().unwrap().params.a,
        rep.bgnbd.as_ref().unwrap().params.b,
    ];
    for (i, tx) in m.recencies.iter().enumerate() {
        for (j, x) in m.frequencies.iter().enumerate() {
            let want = ModelKind::Bgnbd.p_alive(&p, *x, *tx, m.t);
            assert!((m.values[i][j] - want).abs() < 1e-15);
        }
    }
    // Columns: expected purchases = P(alive) * u over the 360-day horizon; CLV = spend * stream.
    let newc = rep.new_customer.expect("new customer").expected_purchases;
    assert_eq!(newc.len(), 13);
    assert!(newc.windows(2).all(|w| w[1] >= w[0]));
    assert!((rep.totals.clv - cols.clv.iter().sum::<f64>()).abs() < 1e-6 * rep.totals.clv);
    assert!((rep.units.horizon_units - 360.0).abs() < 1e-12);
}

#[test]
fn extreme_values_never_panic_or_leak_non_finite() {
    // Seeded pseudo-random extremes mixed into plausible data.
    let s = sim::simulate(300, 365.0, [0.5, 5.0, 0.8, 2.5], [6.0, 4.0, 15.0], 13);
    let mut d = from_sim(&s);
    let extremes = [
        0.0,
        -0.0,
        1e-300,
        1e-9,
        1e6,
        1e12,
        1e300,
        f64::MAX,
        f64::MIN_POSITIVE,
        -1.0,
    ];
    let mut state = 12345u64;
    for i in 0..d.x.len() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        if state >> 61 == 0 {
            let e = extremes[(state >> 20) as usize % extremes.len()];
            match (state >> 40) % 5 {
                0 => d.x[i] = e,
                1 => d.tx[i] = e,
                2 => d.t[i] = e,
                3 => d.m[i] = e,
                _ => d.total[i] = e,
            }
        }
    }
    for model in [
        ModelChoice::Auto,
        ModelChoice::ParetoNbd,
        ModelChoice::Mbgnbd,
    ] {
        let opts = ClvOptions {
            model,
            bootstrap_draws: 20,
            horizon_months: 60,
            ..Default::default()
        };
        let (v, _, w) = go(&d, &opts);
        eprintln!(
            "{model:?}: chosen {} warnings {:?}",
            v["chosenModel"],
            w.iter().map(|x| &x.code).collect::<Vec<_>>()
        );
    }
}

/// A 10-customer log (found by the fuzzer) on which the Pareto/NBD likelihood keeps rising as
/// beta → 0: the fit stops at the optimiser's bound on ln parameters and says it diverged. It
/// used to follow beta down to 1e-300, where each quadrature call took ~700 panels (3 s of CPU
/// for this file; the fuzzer's 10 s timeout).
#[test]
fn a_fit_drifting_to_a_degenerate_limit_stops_and_says_so() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/clv/pareto-drift.csv"
    );
    let bytes = std::fs::read(path).unwrap();
    let opts = crm_lens::Options::default();
    let a = crm_lens::Dataset::from_bytes(&bytes, &opts)
        .and_then(|d| d.analyze(&opts))
        .unwrap();
    let r = serde_json::to_value(&a.report).unwrap();
    assert!(r["clv"]["paretoNbd"].is_null());
    let w = a
        .report
        .warnings
        .iter()
        .find(|w| w.code == "clv_paretonbd_not_converged")
        .expect("a warning names the fit");
    assert!(w.message.contains("diverged"), "{}", w.message);
    // The other models are unaffected.
    assert_eq!(r["clv"]["bgnbd"]["converged"], true);
}
