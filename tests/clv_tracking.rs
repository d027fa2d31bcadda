//! Holdout validation against lifetimes 0.11.3 (fixture `tracking`, made by
//! tests/reference/clv_reference.py from 1,000 simulated customers over two years, the last
//! 182 days held out):
//! * at lifetimes' (refined) calibration parameters: per-customer MAE/RMSE, totals and the
//!   by-frequency means of the holdout predictions, and the cumulative tracking series of
//!   `expected_cumulative_transactions`, within 1e-6 relative (the prediction tolerance);
//! * end to end through `analyze` on the same transactions: the calibration summary, holdout
//!   counts and actual series equal lifetimes' exactly, and the numbers from our own calibration
//!   fits agree within 1e-6 too (both optima are refined to a tiny gradient norm: the totals
//!   differ by ~1e-8 relative here), while the three models differ by more than 10%.
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::clv::fitting::collapse::collapse;
use crm_lens::clv::input::Summary;
use crm_lens::clv::validation::holdout::{score, HoldoutModel};
use crm_lens::clv::validation::tracking::{self, TrackingInput};
use crm_lens::clv::{HoldoutInput, ModelKind};
use crm_lens::{Dataset, Options};
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/clv/tracking.json"
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

const MODELS: [(ModelKind, &str); 3] = [
    (ModelKind::Bgnbd, "bgnbd"),
    (ModelKind::Mbgnbd, "mbgnbd"),
    (ModelKind::ParetoNbd, "paretoNbd"),
];

/// lifetimes' daily series sampled at our points: its row i is the end of day i + 1.
fn at_points(daily: &[f64], days: &[usize]) -> Vec<f64> {
    days.iter().map(|&d| daily[d - 1]).collect()
}

fn check_model(got: &HoldoutModel, want: &Value, tol: f64, what: &str) {
    for (g, key) in [
        (got.mae, "mae"),
        (got.rmse, "rmse"),
        (got.actual_total, "actualTotal"),
        (got.predicted_total, "predictedTotal"),
    ] {
        let w = want[key].as_f64().unwrap();
        assert!(close(g, w, tol), "{what} {key}: {g} vs {w}");
    }
    let rows = want["byFrequency"].as_array().unwrap();
    assert_eq!(got.by_frequency.len(), rows.len(), "{what} byFrequency");
    for (g, w) in got.by_frequency.iter().zip(rows) {
        assert_eq!(g.frequency, w["frequency"].as_str().unwrap(), "{what}");
        assert_eq!(
            g.customers as u64,
            w["customers"].as_u64().unwrap(),
            "{what}"
        );
        assert!(
            close(g.actual, w["actual"].as_f64().unwrap(), 1e-12),
            "{what}"
        );
        let wp = w["predicted"].as_f64().unwrap();
        assert!(
            close(g.predicted, wp, tol),
            "{what} {}: {} vs {wp}",
            g.frequency,
            g.predicted
        );
    }
}

#[test]
fn holdout_scores_and_tracking_match_lifetimes_at_its_parameters() {
    let f = fixture();
    let (x, tx, t, actual) = (
        vecf(&f["x"]),
        vecf(&f["tx"]),
        vecf(&f["T"]),
        vecf(&f["actual"]),
    );
    let (new, repeats) = (vecf(&f["newByDay"]), vecf(&f["repeatsByDay"]));
    let input = TrackingInput {
        start_day: 0,
        new_by_day: &new,
        repeats_by_day: &repeats,
        calibration_days: 0,
        unit_days: 1.0,
    };
    let h = HoldoutInput {
        x: &x,
        t_x: &tx,
        t: &t,
        actual: &actual,
        duration: f["duration"].as_f64().unwrap(),
        weights: None,
        tracking: Some(input),
    };
    let rows = collapse(&Summary {
        x: x.clone(),
        tx: tx.clone(),
        t: t.clone(),
    });
    let (step, days) = tracking::points(&input);
    assert_eq!(step, 7);
    assert_eq!(days.len(), 730 / 7);
    for (kind, key) in MODELS {
        let want = &f[key];
        let got = score(kind, &vecf(&want["params"]), &rows, &h);
        check_model(&got, want, 1e-6, key);
        let act = at_points(&vecf(&want["cumulativeActual"]), &days);
        assert_eq!(tracking::actual(&input, &days), act, "{key} actual");
        let pred = at_points(&vecf(&want["cumulativePredicted"]), &days);
        assert_eq!(got.cumulative.len(), pred.len());
        for (j, (g, w)) in got.cumulative.iter().zip(&pred).enumerate() {
            assert!(
                close(*g, *w, 1e-6),
                "{key} cumulative at day {}: {g} vs {w}",
                days[j]
            );
        }
    }
}

#[test]
fn pipeline_holdout_matches_lifetimes_end_to_end() {
    let f = fixture();
    let csv = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/clv/tracking.csv"
    ))
    .unwrap();
    let opts = Options::from_json(&format!(
        r#"{{"asOf": "{}", "clv": {{"holdoutDays": {}, "bootstrapDraws": 0}}}}"#,
        f["asOf"].as_str().unwrap(),
        f["holdoutDays"]
    ))
    .unwrap();
    let a = Dataset::from_bytes(&csv, &opts)
        .unwrap()
        .analyze(&opts)
        .unwrap();
    let h = a.report.clv.holdout.as_ref().expect("holdout");
    assert_eq!(h.customers as u64, f["customers"].as_u64().unwrap());
    assert_eq!(h.duration, f["duration"].as_f64().unwrap());
    assert_eq!(h.models.len(), 3);
    let tr = h.tracking.as_ref().expect("tracking");
    assert_eq!(tr.start, f["start"].as_str().unwrap());
    assert_eq!(tr.period_days, 7);
    // Calibration: days 0..=calibrationEnd (2021-01-01 .. 2022-07-02).
    assert_eq!(tr.calibration_days, 730 - 182);
    let days: Vec<usize> = tr.days.iter().map(|&d| d as usize).collect();
    assert_eq!(days, (1..=104).map(|j| 7 * j).collect::<Vec<_>>());
    for m in &h.models {
        let key = m.model.key();
        let want = &f[key];
        check_model(m, want, 1e-6, key);
        assert_eq!(
            tr.actual,
            at_points(&vecf(&want["cumulativeActual"]), &days),
            "actual series"
        );
        let pred = at_points(&vecf(&want["cumulativePredicted"]), &days);
        for (g, w) in m.cumulative.iter().zip(&pred) {
            assert!(close(*g, *w, 1e-6), "{key}: {g} vs {w}");
        }
        assert_eq!(m.cumulative.len(), pred.len());
    }
    let best = h.best.expect("best");
    assert_eq!(tr.model, Some(best));
    let best_row = h.models.iter().find(|m| m.model == best).unwrap();
    assert_eq!(tr.predicted, best_row.cumulative);
    assert_eq!(h.by_frequency, best_row.by_frequency);
    // The 1e-6 above is a real check: the models differ from each other by far more.
    let (bg, pareto) = (&f["bgnbd"], &f["paretoNbd"]);
    let (p1, p2) = (
        bg["cumulativePredicted"][729].as_f64().unwrap(),
        pareto["cumulativePredicted"][729].as_f64().unwrap(),
    );
    assert!((p1 / p2 - 1.0).abs() > 0.1);
}
