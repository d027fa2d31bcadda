//! The warm-started fitting path that large data takes (`fitting::fit::Plan::auto`: a fit on a
//! systematic subsample, then dense BFGS on all rows) against the argmin path from lifetimes'
//! start. The lifetimes fixtures check it too (tests/clv_reference.rs).

#![cfg(not(target_arch = "wasm32"))]

#[path = "common/clv_sim.rs"]
#[allow(dead_code)] // shared simulator; this test needs only part of it
mod sim;

use crm_lens::clv::fitting::collapse::collapse;
use crm_lens::clv::fitting::fit::{fit, fit_plan, Plan, WARM_MIN_ROWS};
use crm_lens::clv::fitting::fit_all::fit_gamma_gamma;
use crm_lens::clv::fitting::fitdata::FitData;
use crm_lens::clv::fitting::optim::minimize;
use crm_lens::clv::gamma_gamma::{gg_data, GgObjective};
use crm_lens::clv::input::Summary;
use crm_lens::clv::model::ModelKind;

/// Large data takes the warm-started path (subsample fit, then BFGS on all rows); it must land
/// on the optimum the argmin path finds from lifetimes' start, for every model and Gamma-Gamma.
#[test]
fn warm_started_fits_equal_the_argmin_path_on_large_data() {
    let s = sim::simulate_continuous(30_000, 1095.0, [0.25, 4.0, 0.8, 2.5], [6.0, 4.0, 15.0], 5);
    let rows = collapse(&Summary {
        x: s.x.clone(),
        tx: s.tx.clone(),
        t: s.t.clone(),
    });
    assert!(rows.len() >= WARM_MIN_ROWS, "{} rows", rows.len());
    let d = FitData::new(&rows);
    let classic = Plan {
        warm: None,
        thin: None,
        covariance: true,
    };
    for kind in [ModelKind::Bgnbd, ModelKind::ParetoNbd, ModelKind::Mbgnbd] {
        let warm = fit(kind, &d, 0.0);
        let slow = fit_plan(kind, &d, 0.0, &classic);
        assert!(
            warm.status.contains("warm start"),
            "{kind:?}: {}",
            warm.status
        );
        assert!(warm.converged && slow.converged);
        for k in 0..4 {
            let rel = (warm.params[k] / slow.params[k] - 1.0).abs();
            assert!(
                rel < 1e-5,
                "{kind:?} param {k}: {:?} vs {:?}",
                warm.params,
                slow.params
            );
            let (a, b) = (
                warm.std_errors.as_ref().unwrap(),
                slow.std_errors.as_ref().unwrap(),
            );
            assert!((a[k] / b[k] - 1.0).abs() < 1e-3, "{kind:?} se {k}");
        }
        assert!((warm.log_likelihood / slow.log_likelihood - 1.0).abs() < 1e-9);
    }
    let g = gg_data(&s.x, &s.m);
    assert!(g.x.len() >= WARM_MIN_ROWS, "{} gamma-gamma rows", g.x.len());
    let mut w = Vec::new();
    let (warm, _) = fit_gamma_gamma(&s.x, &s.m, 0.0, &mut w).expect("gg");
    assert!(warm.status.contains("warm start"), "gg: {}", warm.status);
    let slow = minimize(&GgObjective { d: &g, pen: 0.0 }, &[0.1; 3], 1000);
    for k in 0..3 {
        let want = slow.phi[k].exp();
        assert!(
            (warm.params[k] / want - 1.0).abs() < 1e-5,
            "gg {k}: {} vs {want}",
            warm.params[k]
        );
    }
}
