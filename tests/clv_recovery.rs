//! Parameter recovery: data simulated (seeded) from each model with known parameters, in
//! continuous time so the model's exact likelihood applies, is fitted back.
//!
//! Tolerance: every estimate within 4 standard errors of the truth. The SEs come from the
//! Hessian (lifetimes' delta method); with tens of thousands of customers the estimates are
//! close to normal, so a correct fit misses by 4 SEs with probability ~6e-5 per parameter —
//! and the seeds are fixed, so a pass is reproducible. Each SE must also be small (< 15% of
//! the value) so that "within 4 SEs" is a real constraint and not a vacuous one.

#![cfg(not(target_arch = "wasm32"))]

#[path = "common/clv_sim.rs"]
mod sim;

use crm_lens::clv::fitting::collapse::collapse;
use crm_lens::clv::fitting::fit::fit;
use crm_lens::clv::fitting::fit_all::fit_gamma_gamma;
use crm_lens::clv::fitting::fitdata::FitData;
use crm_lens::clv::input::Summary;
use crm_lens::clv::model::ModelKind;

fn recover(kind: ModelKind, s: &sim::Sim, truth: [f64; 4]) {
    let rows = collapse(&Summary {
        x: s.x.clone(),
        tx: s.tx.clone(),
        t: s.t.clone(),
    });
    let d = FitData::new(&rows);
    let f = fit(kind, &d, 0.0);
    assert!(f.converged, "{kind:?}: {}", f.status);
    let se = f.std_errors.clone().expect("standard errors");
    eprintln!("{kind:?}: {:?} (se {se:?}) truth {truth:?}", f.params);
    for k in 0..4 {
        assert!(
            (f.params[k] - truth[k]).abs() < 4.0 * se[k],
            "{kind:?} param {k}: {} vs {} (se {})",
            f.params[k],
            truth[k],
            se[k]
        );
        assert!(se[k] < 0.15 * truth[k], "{kind:?} se {k}: {}", se[k]);
    }
}

#[test]
fn bgnbd_and_gamma_gamma_recover_their_parameters() {
    let truth = [0.25, 4.0, 0.8, 2.5];
    let s = sim::simulate_continuous(40_000, 1095.0, truth, [6.0, 4.0, 15.0], 99);
    recover(ModelKind::Bgnbd, &s, truth);
    let mut w = Vec::new();
    let (g, _) = fit_gamma_gamma(&s.x, &s.m, 0.0, &mut w).expect("gg");
    let gse = g.std_errors.clone().expect("gg se");
    for (k, tv) in [6.0, 4.0, 15.0].iter().enumerate() {
        assert!(
            (g.params[k] - tv).abs() < 4.0 * gse[k],
            "gg {k}: {} vs {tv} (se {})",
            g.params[k],
            gse[k]
        );
    }
}

#[test]
fn pareto_nbd_recovers_its_parameters() {
    let truth = [0.5, 10.0, 0.8, 80.0];
    let s = sim::simulate_pareto(40_000, 1095.0, truth, 7);
    recover(ModelKind::ParetoNbd, &s, truth);
}

#[test]
fn mbgnbd_recovers_its_parameters() {
    let truth = [0.5, 6.0, 1.2, 4.0];
    let s = sim::simulate_mbgnbd(40_000, 1095.0, truth, 8);
    recover(ModelKind::Mbgnbd, &s, truth);
}
