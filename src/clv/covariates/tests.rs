//! Checks of the models with covariates: the pattern objective is the family's objective,
//! a constant covariate gives the plain model, and known coefficients are recovered with
//! intervals that cover them (simulation).

use super::design::{self, CovariateInput};
use super::fit::{fit, pattern_rows};
use super::objective::CovObjective;
use crate::clv::bgnbd::BgObjective;
use crate::clv::fitting::collapse::collapse;
use crate::clv::fitting::fit::fit as fit_plain;
use crate::clv::fitting::fitdata::FitData;
use crate::clv::fitting::optim::Objective;
use crate::clv::input::Summary;
use crate::clv::model::ModelKind;
use crate::clv::pareto::fast::{FastParetoObjective, Pairs};
use rand::{Rng, SeedableRng};
use rand_distr::{Beta, Distribution, Exp, Gamma};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Customers of one family with a binary covariate z (half of them 1): per customer
/// `alpha_i = alpha0 e^(-gp z)` and the dropout parameters as in `objective`. Ages are
/// 20–52 whole weeks; purchase times continuous.
fn simulate(
    kind: ModelKind,
    p: [f64; 4],
    gp: f64,
    gd: f64,
    n: usize,
    seed: u64,
) -> (Summary, Vec<u32>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut s = Summary::default();
    let mut z = Vec::with_capacity(n);
    for i in 0..n {
        let zi = (i % 2) as u32;
        let zf = zi as f64;
        let alpha = p[1] * (-gp * zf).exp();
        let t_age = rng.gen_range(20..=52) as f64;
        let lambda = Gamma::new(p[0], 1.0 / alpha)
            .unwrap()
            .sample(&mut rng)
            .max(1e-12);
        let gap = Exp::new(lambda).unwrap();
        let (mut x, mut tx, mut t) = (0.0, 0.0, 0.0);
        match kind {
            ModelKind::ParetoNbd => {
                let beta = p[3] * (-gd * zf).exp();
                let mu = Gamma::new(p[2], 1.0 / beta)
                    .unwrap()
                    .sample(&mut rng)
                    .max(1e-12);
                let life: f64 = Exp::new(mu).unwrap().sample(&mut rng);
                let end = life.min(t_age);
                loop {
                    t += gap.sample(&mut rng);
                    if t > end {
                        break;
                    }
                    x += 1.0;
                    tx = t;
                }
            }
            _ => {
                let f = (gd * zf).exp();
                let pd: f64 = Beta::new(p[2] * f, p[3] * f).unwrap().sample(&mut rng);
                loop {
                    t += gap.sample(&mut rng);
                    if t > t_age {
                        break;
                    }
                    x += 1.0;
                    tx = t;
                    if rng.gen_bool(pd.clamp(0.0, 1.0)) {
                        break;
                    }
                }
            }
        }
        s.x.push(x);
        s.tx.push(tx);
        s.t.push(t_age);
        z.push(zi);
    }
    (s, z)
}

fn binary_design(z: &[u32]) -> design::Design {
    let levels = vec!["a".to_string(), "b".to_string()];
    // Level "a" (z = 0) must be the reference: give it the larger count by one customer at
    // most, ties by text, so it is "a" either way.
    let input = CovariateInput {
        name: "group",
        kind: None,
        levels: &levels,
        value: z,
        differing: 0,
    };
    design::build(&[input], z.len(), &mut Vec::new())
}

#[test]
fn the_pattern_objective_is_the_family_objective_at_zero_coefficients() {
    let (s, z) = simulate(
        ModelKind::ParetoNbd,
        [0.8, 10.0, 0.8, 12.0],
        0.5,
        -0.4,
        400,
        7,
    );
    let d = binary_design(&z);
    let all = collapse(&s);
    let whole = FitData::new(&all);
    let rows = pattern_rows(&s, &d, all.max_t);
    let data: Vec<FitData> = rows.iter().map(FitData::new).collect();
    let pairs: Vec<Pairs> = data.iter().map(Pairs::new).collect();
    let phi = [-0.2, -1.3, 0.1, -0.9];
    for kind in [ModelKind::Bgnbd, ModelKind::ParetoNbd] {
        let obj = CovObjective {
            kind,
            data: &data,
            pairs: &pairs,
            z: &d.patterns,
            pen: 0.05,
        };
        let mut phi_cov = phi.to_vec();
        phi_cov.extend([0.0, 0.0]);
        let mut g = vec![0.0; 6];
        let f = obj.eval(&phi_cov, &mut g);
        let whole_pairs = Pairs::new(&whole);
        let mut g0 = [0.0; 4];
        let f0 = match kind {
            ModelKind::ParetoNbd => FastParetoObjective {
                d: &whole,
                pairs: &whole_pairs,
                pen: 0.05,
            }
            .eval(&phi, &mut g0),
            _ => BgObjective {
                d: &whole,
                pen: 0.05,
            }
            .eval(&phi, &mut g0),
        };
        assert!((f - f0).abs() <= 1e-12 * f0.abs(), "{kind:?}: {f} vs {f0}");
        for k in 0..4 {
            assert!(
                (g[k] - g0[k]).abs() <= 1e-9 * (1.0 + g0[k].abs()),
                "{kind:?} {k}"
            );
        }
        // The coefficients' gradient is the finite difference of the objective.
        let mut phi_h = phi_cov.clone();
        for c in 4..6 {
            let h = 1e-6;
            phi_h[c] = h;
            let fp = obj.eval(&phi_h, &mut [0.0; 6]);
            phi_h[c] = -h;
            let fm = obj.eval(&phi_h, &mut [0.0; 6]);
            phi_h[c] = 0.0;
            let fd = (fp - fm) / (2.0 * h);
            assert!((g[c] - fd).abs() < 1e-6, "{kind:?} {c}: {} vs {fd}", g[c]);
        }
    }
}

#[test]
fn a_constant_covariate_gives_the_plain_model_exactly() {
    let (s, _) = simulate(ModelKind::Bgnbd, [0.8, 10.0, 0.8, 2.5], 0.0, 0.0, 300, 3);
    let levels = vec!["web".to_string()];
    let value = vec![0u32; s.x.len()];
    let input = CovariateInput {
        name: "channel",
        kind: None,
        levels: &levels,
        value: &value,
        differing: 0,
    };
    let rows = collapse(&s);
    let d = FitData::new(&rows);
    let plain = fit_plain(ModelKind::Bgnbd, &d, 0.0);
    let mut w = Vec::new();
    let rep = super::run(
        &[input],
        &s,
        &[(ModelKind::Bgnbd, &plain)],
        0.0,
        52.0,
        &mut w,
    )
    .unwrap();
    assert!(rep.models.is_empty());
    assert!(rep.covariates[0].dropped);
    assert!(w.iter().any(|w| w.code == "clv_covariate_constant"));
}

/// 50 seeded simulations per family: the 95% Wald intervals of both coefficients cover the
/// true values in at least 45 (binomial(50, 0.95) is below 45 with probability 3%).
fn coverage(kind: ModelKind, p: [f64; 4], gp: f64, gd: f64, n: usize) {
    let (mut cover_p, mut cover_d) = (0, 0);
    for seed in 0..50u64 {
        let (s, z) = simulate(kind, p, gp, gd, n, 1000 + seed);
        let rows = collapse(&s);
        let plain = fit_plain(kind, &FitData::new(&rows), 0.0);
        assert!(plain.converged, "{kind:?} seed {seed}: plain fit");
        let d = binary_design(&z);
        let f = fit(kind, &s, &d, &plain, 0.0).expect("fitted");
        assert!(f.converged, "{kind:?} seed {seed}: not converged");
        let inside = |g: f64, se: f64, truth: f64| (g - truth).abs() <= 1.959964 * se;
        cover_p += usize::from(inside(
            f.gamma_purchase[0],
            f.se_purchase.as_ref().unwrap()[0],
            gp,
        ));
        cover_d += usize::from(inside(
            f.gamma_dropout[0],
            f.se_dropout.as_ref().unwrap()[0],
            gd,
        ));
    }
    assert!(
        cover_p >= 45,
        "{kind:?}: purchase coefficient covered {cover_p}/50"
    );
    assert!(
        cover_d >= 45,
        "{kind:?}: dropout coefficient covered {cover_d}/50"
    );
}

#[test]
fn pareto_nbd_coefficients_are_recovered_with_their_coverage() {
    coverage(
        ModelKind::ParetoNbd,
        [0.8, 10.0, 0.8, 12.0],
        0.5,
        -0.4,
        1000,
    );
}

#[test]
fn bg_nbd_coefficients_are_recovered_with_their_coverage() {
    coverage(ModelKind::Bgnbd, [0.8, 10.0, 0.8, 2.5], 0.5, 0.7, 1000);
}
