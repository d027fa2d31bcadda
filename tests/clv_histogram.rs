//! The period-transactions histogram (customers by repeat purchases, actual vs expected) under
//! each model, against data simulated from that model with known parameters: at the true
//! parameters the actual count in each bin is a sum of independent Bernoulli draws with mean
//! `expected`, so it lies within 4 standard deviations (sd <= sqrt(expected)) of it.
//! Pareto/NBD's P(X(t) = n) is also checked against lifetimes in tests/clv_reference.rs.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/clv_sim.rs"]
mod sim;

use crm_lens::clv::fitting::collapse::collapse;
use crm_lens::clv::input::Summary;
use crm_lens::clv::validation::diagnostics::period_transactions;
use crm_lens::clv::{run, ClvInput, ClvOptions, ModelChoice, ModelKind, TimeUnit};

fn check(kind: ModelKind, s: &sim::Sim, truth: [f64; 4]) {
    let rows = collapse(&Summary {
        x: s.x.clone(),
        tx: s.tx.clone(),
        t: s.t.clone(),
    });
    let h = period_transactions(kind, &truth, &rows).expect("histogram");
    assert_eq!(h.model, kind.key());
    let n = s.x.len() as f64;
    assert!((h.expected.iter().sum::<f64>() - n).abs() < 1e-6 * n);
    assert_eq!(h.actual.iter().sum::<f64>(), n);
    for (b, (a, e)) in h.actual.iter().zip(&h.expected).enumerate() {
        assert!(
            (a - e).abs() < 4.0 * e.sqrt() + 1.0,
            "{kind:?} bin {}: actual {a} vs expected {e}",
            h.bins[b]
        );
    }
    // The check has power: another model's expectation misses somewhere.
    let other = if kind == ModelKind::ParetoNbd {
        ModelKind::Bgnbd
    } else {
        ModelKind::ParetoNbd
    };
    let wrong = period_transactions(other, &truth, &rows).expect("histogram");
    assert!(h
        .actual
        .iter()
        .zip(&wrong.expected)
        .any(|(a, e)| (a - e).abs() > 4.0 * e.sqrt() + 1.0));
}

#[test]
fn expected_counts_match_simulations() {
    let p = [0.5, 10.0, 0.8, 80.0];
    check(
        ModelKind::ParetoNbd,
        &sim::simulate_pareto(20_000, 730.0, p, 31),
        p,
    );
    let p = [0.5, 6.0, 1.2, 4.0];
    check(
        ModelKind::Mbgnbd,
        &sim::simulate_mbgnbd(20_000, 730.0, p, 32),
        p,
    );
    let p = [0.25, 4.0, 0.8, 2.5];
    let s = sim::simulate_continuous(20_000, 730.0, p, [6.0, 4.0, 15.0], 33);
    check(ModelKind::Bgnbd, &s, p);
}

/// With Pareto/NBD chosen, the Report's histogram is Pareto/NBD's own (it used to be BG/NBD's).
#[test]
fn report_histogram_uses_the_chosen_model() {
    let s = sim::simulate_pareto(3000, 730.0, [0.5, 10.0, 0.8, 80.0], 34);
    let m: Vec<f64> =
        s.x.iter()
            .map(|&x| if x > 0.0 { 20.0 } else { 0.0 })
            .collect();
    let input = ClvInput {
        x: &s.x,
        t_x: &s.tx,
        t: &s.t,
        monetary: &m,
        total_spend: &s.total,
        tenure_days: &s.tenure,
        time_unit: TimeUnit::Day,
        measured_monthly_retention: None,
        holdout: None,
        discrete: false,
        covariates: &[],
        weights: None,
    };
    let opts = ClvOptions {
        model: ModelChoice::ParetoNbd,
        bootstrap_draws: 0,
        ..Default::default()
    };
    let (rep, _, _) = run(&input, &opts);
    let h = rep.period_transactions.expect("histogram");
    assert_eq!(h.model, "paretoNbd");
    let f = rep.pareto_nbd.expect("pareto fit");
    let p = [f.params.r, f.params.alpha, f.params.s, f.params.beta];
    let rows = collapse(&Summary {
        x: s.x.clone(),
        tx: s.tx.clone(),
        t: s.t.clone(),
    });
    assert_eq!(
        period_transactions(ModelKind::ParetoNbd, &p, &rows),
        Some(h)
    );
}
