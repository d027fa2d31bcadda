//! Tests of [`super`]: the one-pass quantiles, and the row-major evaluation against the plain
//! per-customer, per-draw definition.
use super::*;

#[test]
fn two_quantiles_equal_the_selection_quantiles() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for n in [1usize, 2, 3, 10, 21, 200, 401] {
        for (qlo, qhi) in [(0.05, 0.95), (0.1, 0.9), (0.25, 0.75), (0.005, 0.995)] {
            for round in 0..20 {
                let mut buf: Vec<f64> = (0..n)
                    .map(|i| match (next() % 7, round % 3) {
                        (0, 0) => 0.0,
                        (1, 0) => -0.0,
                        (_, 1) => (next() % 5) as f64, // many ties
                        _ => (next() >> 11) as f64 / (1u64 << 53) as f64 * 1e3 - 10.0 + i as f64,
                    })
                    .collect();
                let (a, b) = two_quantiles(&mut buf.clone(), qlo, qhi);
                let want_a = quantile(&mut buf, qlo);
                let want_b = quantile(&mut buf, qhi);
                assert_eq!(a.to_bits(), want_a.to_bits(), "n {n} q {qlo}");
                assert_eq!(b.to_bits(), want_b.to_bits(), "n {n} q {qhi}");
            }
        }
    }
}

mod reference {
    use super::super::*;
    use crate::clv::fitting::collapse::collapse;
    use crate::clv::fitting::fitdata::FitData;
    use crate::clv::input::Summary;
    use crate::clv::prediction::palive::PAlive;
    use crate::clv::prediction::purchases::{stream, Grid};
    use crate::clv::uncertainty::bootstrap::Positions;

    /// The row-major evaluation (K tables, affine spend, one-pass quantiles) equals the plain
    /// per-customer, per-draw definition.
    #[test]
    fn matches_the_per_customer_definition() {
        let (mut x, mut tx, mut t, mut m) = (vec![], vec![], vec![], vec![]);
        for c in 0..400usize {
            let xv = (c % 5) as f64;
            let tv = [50.0, 100.0, 150.0][c % 3];
            let txv = if xv == 0.0 {
                0.0
            } else {
                (5 * (1 + c % 9)) as f64
            };
            x.push(xv);
            t.push(tv);
            tx.push(txv.min(tv));
            m.push(if xv == 0.0 {
                0.0
            } else {
                10.0 + (c % 4) as f64
            });
        }
        let rows = collapse(&Summary {
            x: x.clone(),
            tx: tx.clone(),
            t: t.clone(),
        });
        let d = FitData::new(&rows);
        let grid = Grid::new(12, 30.0, 0.01);
        for kind in [ModelKind::Bgnbd, ModelKind::Mbgnbd, ModelKind::ParetoNbd] {
            let theta = [0.4, 30.0, 0.8, 2.5];
            let pal = PAlive::new(kind, &d);
            let spend = SpendModel::GammaGamma(vec![6.0, 4.0, 15.0]);
            let params: Vec<Vec<f64>> = (0..40)
                .map(|j| {
                    let f = 1.0 + 0.01 * (j as f64 - 20.0);
                    vec![
                        theta[0] * f,
                        theta[1] / f,
                        theta[2] * f,
                        theta[3] * (2.0 - f),
                    ]
                })
                .collect();
            let spends: Vec<SpendModel> = (0..40)
                .map(|j| SpendModel::GammaGamma(vec![6.0 + 0.05 * j as f64, 4.0, 15.0]))
                .collect();
            let bi = BootIn {
                kind,
                theta: &theta,
                cov: &[],
                gg: None,
                spend: &spend,
                pal: &pal,
                x: &x,
                m: &m,
                margin: 0.7,
                grid: &grid,
                draws: params.len(),
                seed: 0,
                interval: 0.9,
                exact_budget: usize::MAX,
                positions: Positions::Numpy,
            };
            let out = evaluate(&bi, &params, &spends, 0);
            assert_eq!(out.method, "exact");
            // The linearised stream (the pipeline's path) stays close to the exact one for draws
            // as near the estimate as a fit's are (here within ±5%; the expansion's error is of
            // second order in the shift).
            let near: Vec<Vec<f64>> = params
                .iter()
                .map(|p| {
                    let f = |i: usize| 1.0 + 0.25 * (p[i] / theta[i] - 1.0);
                    (0..4).map(|i| theta[i] * f(i)).collect()
                })
                .collect();
            let ex = evaluate(&bi, &near, &spends, 0);
            let lin = evaluate(
                &BootIn {
                    exact_budget: 0,
                    ..bi
                },
                &near,
                &spends,
                0,
            );
            assert!(lin.method.starts_with("linearized"), "{}", lin.method);
            let worst = (0..x.len())
                .map(|c| {
                    let scale = ex.high[c].abs().max(1e-9);
                    ((lin.low[c] - ex.low[c]).abs() / scale)
                        .max((lin.high[c] - ex.high[c]).abs() / scale)
                })
                .fold(0.0, f64::max);
            assert!(
                worst < 0.01,
                "{kind:?}: worst end {worst} of the exact high"
            );
            for c in 0..x.len() {
                let mut vals: Vec<f64> = (0..params.len())
                    .map(|j| {
                        let p = &params[j];
                        let pa = kind.p_alive(p, x[c], tx[c], t[c]);
                        let dd = stream(kind, p, x[c], t[c], &grid).map_or(0.0, |s| s.0);
                        0.7 * spends[j].expected(x[c], m[c]) * pa * dd.max(0.0)
                    })
                    .collect();
                let lo = quantile(&mut vals, 0.05);
                let hi = quantile(&mut vals, 0.95);
                for (got, want) in [(out.low[c], lo), (out.high[c], hi)] {
                    assert!(
                        (got - want).abs() <= 1e-11 * want.abs().max(1e-9),
                        "{kind:?} customer {c}: {got} vs {want}"
                    );
                }
            }
        }
    }
}
