//! The model choice when one-time buyers dominate (src/clv/fitting/choice.rs): on generated
//! BTYD logs with 33–81% one-time buyers, MBG/NBD or Pareto/NBD replaces BG/NBD only when
//! one-time buyers are at least half the customers and the holdout cannot tell the two apart;
//! otherwise the Report says BG/NBD cannot estimate their P(alive). The printed table is the
//! measurement in docs/report.md ("One-time buyers and the model choice").
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::clv::fitting::choice::{NOT_WORSE_Z, ONE_TIME_BUYERS_DOMINATE};
use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::{Dataset, Options};

struct Case {
    name: &'static str,
    spec: SampleSpec,
    /// The chosen model and criterion the rule gives on this log.
    chosen: &'static str,
    criterion: &'static str,
}

fn spec(transactions: usize, seed: u64, r: f64, alpha: f64, a: f64, b: f64) -> SampleSpec {
    SampleSpec {
        transactions,
        seed,
        r,
        alpha,
        a,
        b,
        ..Default::default()
    }
}

#[test]
fn one_time_buyers_get_a_model_that_estimates_their_p_alive_when_the_holdout_allows() {
    let cases = [
        // The bundled sample's process (55,000 lines, seed 42 is www/public/sample.csv).
        Case {
            name: "sample process (r 0.25, α 4, a 0.8, b 2.5)",
            spec: spec(55_000, 42, 0.25, 4.0, 0.8, 2.5),
            chosen: "mbgnbd",
            criterion: "holdoutOneTimeBuyers",
        },
        Case {
            name: "high drop-out (a 3, b 2)",
            spec: spec(40_000, 5, 0.25, 4.0, 3.0, 2.0),
            chosen: "bgnbd",
            criterion: "holdoutRmse",
        },
        Case {
            name: "slow buyers (r 0.1, α 6)",
            spec: spec(40_000, 6, 0.1, 6.0, 0.8, 2.5),
            chosen: "mbgnbd",
            criterion: "holdoutRmse",
        },
        Case {
            name: "mostly one-time (r 0.15, a 2, b 2)",
            spec: spec(40_000, 12, 0.15, 4.0, 2.0, 2.0),
            chosen: "mbgnbd",
            criterion: "holdoutOneTimeBuyers",
        },
        Case {
            name: "repeat buyers dominate (r 0.5)",
            spec: spec(40_000, 8, 0.5, 4.0, 0.8, 2.5),
            chosen: "bgnbd",
            criterion: "holdoutRmse",
        },
    ];
    let o = Options::from_json(r#"{"clv": {"bootstrapDraws": 0}}"#).unwrap();
    let mut wrong = Vec::new();
    println!("| log | customers | one-time buyers | BG/NBD RMSE | MBG/NBD RMSE (z) | Pareto/NBD RMSE (z) | chosen |");
    for c in &cases {
        let csv = generate_csv(&c.spec).unwrap();
        let a = Dataset::from_bytes(csv.as_bytes(), &o)
            .unwrap()
            .analyze(&o)
            .unwrap();
        let clv = &a.report.clv;
        let h = clv.holdout.as_ref().expect("a holdout");
        let m = |k: &str| h.models.iter().find(|m| m.model.key() == k).unwrap();
        let z = |k: &str| {
            let m = m(k);
            if m.mse_excess_std_error > 0.0 {
                m.mse_excess / m.mse_excess_std_error
            } else {
                0.0
            }
        };
        let share = clv.one_time_buyers.share;
        println!(
            "| {} | {} | {:.1}% | {:.4} | {:.4} ({:.2}) | {:.4} ({:.2}) | {} ({}) |",
            c.name,
            a.report.kpis.customers,
            share * 100.0,
            m("bgnbd").rmse,
            m("mbgnbd").rmse,
            z("mbgnbd"),
            m("paretoNbd").rmse,
            z("paretoNbd"),
            clv.chosen_model,
            clv.choice_criterion
        );
        if (clv.chosen_model.as_str(), clv.choice_criterion.as_str()) != (c.chosen, c.criterion) {
            wrong.push(format!("{}: {}", c.name, clv.choice_reason));
        }
        // The rule, checked on its own terms.
        let best = h.best.unwrap().key();
        if clv.choice_criterion == "holdoutOneTimeBuyers" {
            assert_eq!(best, "bgnbd");
            assert!(share >= ONE_TIME_BUYERS_DOMINATE);
            assert!(z(&clv.chosen_model) <= NOT_WORSE_Z);
        } else {
            assert_eq!(clv.chosen_model, best);
        }
        let expect = if clv.chosen_model == "bgnbd" {
            "notEstimable"
        } else {
            "estimated"
        };
        assert_eq!(clv.one_time_buyers.p_alive, expect);
        let x0 = a.customers.frequency.iter().filter(|&&x| x == 0.0).count();
        assert_eq!(clv.one_time_buyers.customers, x0);
        // Under MBG/NBD a one-time buyer's P(alive) falls with their silence.
        if clv.chosen_model == "mbgnbd" {
            let one_time: Vec<usize> = (0..x0.max(1))
                .filter(|&i| a.customers.frequency[i] == 0.0)
                .collect();
            assert!(one_time.iter().any(|&i| a.clv.p_alive[i] < 0.99));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn a_user_chosen_bgnbd_says_one_time_buyers_p_alive_is_not_estimable() {
    let csv = generate_csv(&spec(8_000, 3, 0.25, 4.0, 0.8, 2.5)).unwrap();
    let o = Options::from_json(r#"{"clv": {"bootstrapDraws": 0, "model": "bgnbd"}}"#).unwrap();
    let a = Dataset::from_bytes(csv.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    let clv = &a.report.clv;
    assert_eq!(clv.chosen_model, "bgnbd");
    assert_eq!(clv.one_time_buyers.p_alive, "notEstimable");
    // BG/NBD's property itself: every customer without a repeat purchase has P(alive) = 1.
    for (i, &x) in a.customers.frequency.iter().enumerate() {
        if x == 0.0 {
            assert_eq!(a.clv.p_alive[i], 1.0);
        }
    }
}
