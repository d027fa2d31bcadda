//! Fit speed of the subscription and discrete-time models (issue #17): sBG on Fader & Hardie's
//! table and on a million simulated subscriptions (the `--subscriptions` path: cells, pooled and
//! per-cohort fits, projections, DERL), and BG/BB on lifetimes' donations and on a million
//! simulated weekly buyers (the CLV stage: fit, predictions, 200-draw bootstrap). Data are
//! simulated here from the models with a seeded RNG. Prints milliseconds: wall time and on-CPU
//! time of this thread (/proc/thread-self/schedstat, Linux), min of the repetitions, because
//! the machine is shared. `cargo bench --bench models`
use std::time::Instant;

#[path = "../tests/common/clv_sim.rs"]
mod sim;

use crm_lens::clv::bgbb;
use crm_lens::clv::fitting::collapse::collapse;
use crm_lens::clv::input::Summary;
use crm_lens::clv::sbg::{self, Cells};
use crm_lens::clv::{run, ClvInput, ClvOptions, TimeUnit};
use crm_lens::ingest::SubscriptionTable;
use crm_lens::retention::{self, RetentionData, RetentionOptions};
use rand::{Rng, SeedableRng};
use rand_distr::{Beta, Distribution};
use rand_xoshiro::Xoshiro256PlusPlus;

fn cpu_ns() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(f64::NAN)
}

/// Runs `f` `reps` times; prints and returns the min wall and CPU milliseconds.
fn time<T>(label: &str, reps: usize, mut f: impl FnMut() -> T) -> T {
    let (mut wall, mut cpu) = (f64::INFINITY, f64::INFINITY);
    let mut last = None;
    for _ in 0..reps {
        let (t, c) = (Instant::now(), cpu_ns());
        last = Some(f());
        wall = wall.min(t.elapsed().as_secs_f64() * 1e3);
        cpu = cpu.min((cpu_ns() - c) / 1e6);
    }
    println!("  {label:<58} wall {wall:9.2} ms   cpu {cpu:9.2} ms");
    last.expect("reps > 0")
}

fn table_cells(counts: &[f64]) -> Cells {
    let mut c = Cells::default();
    for t in 1..counts.len() {
        c.lost
            .push(((t - 1) as u32, t as u32, counts[t - 1] - counts[t]));
    }
    c.censored
        .push(((counts.len() - 1) as u32, counts[counts.len() - 1]));
    c
}

/// `n` monthly subscriptions from the sBG (α, β), started uniformly over three years before
/// 2024-01-01; cancellations land mid-month.
fn subscriptions(n: usize, alpha: f64, beta: f64, seed: u64) -> SubscriptionTable {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let churn = Beta::new(alpha, beta).expect("valid beta");
    let as_of = crm_lens::dates::parse_iso("2024-01-01").expect("date");
    let month = 365.25 / 12.0;
    let mut t = SubscriptionTable::default();
    for i in 0..n {
        let start = as_of - rng.gen_range(0..1096);
        let theta: f64 = churn.sample(&mut rng);
        // Renewals until the first cancellation: geometric with parameter θ.
        let mut k = 1u32;
        while rng.gen::<f64>() >= theta && k < 10_000 {
            k += 1;
        }
        let end = start + ((k as f64 - 0.5) * month).round() as i32;
        t.start.push(start);
        t.end.push((end <= as_of).then_some(end));
        t.line.push(i as u64 + 2);
    }
    t
}

/// `n` BG/BB buyers with `opportunities` weekly opportunities each after their first.
fn discrete_buyers(n: usize, p: [f64; 4], opportunities: u32, seed: u64) -> Summary {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let (buy, drop) = (
        Beta::new(p[0], p[1]).expect("valid beta"),
        Beta::new(p[2], p[3]).expect("valid beta"),
    );
    let mut s = Summary::default();
    for _ in 0..n {
        let (pb, th): (f64, f64) = (buy.sample(&mut rng), drop.sample(&mut rng));
        let n_i = rng.gen_range(1..=opportunities);
        let (mut x, mut tx) = (0.0, 0.0);
        for j in 1..=n_i {
            if rng.gen::<f64>() < th {
                break;
            }
            if rng.gen::<f64>() < pb {
                x += 1.0;
                tx = j as f64;
            }
        }
        s.x.push(x);
        s.tx.push(tx);
        s.t.push(n_i as f64);
    }
    s
}

/// What the CLV windows (issue #17 item 6) add to the continuous CLV stage: the month-by-month
/// streams per (x, T) run, on the 356k-customer BG/NBD process of `benches/clv.rs`.
fn continuous_windows() {
    use crm_lens::clv::fitting::fitdata::FitData;
    use crm_lens::clv::model::ModelKind;
    use crm_lens::clv::prediction::windows;
    let s = sim::simulate(356_000, 1095.0, [0.25, 4.0, 0.8, 2.5], [6.0, 4.0, 15.0], 42);
    let summary = Summary {
        x: s.x.clone(),
        tx: s.tx.clone(),
        t: s.t.clone(),
    };
    let rows = collapse(&summary);
    let d = FitData::new(&rows);
    let f = crm_lens::clv::fitting::fit::fit(ModelKind::Bgnbd, &d, 0.0);
    println!(
        "CLV windows (BG/NBD, 356,000 simulated customers, {} rows):",
        rows.len()
    );
    let scale = vec![1.0; s.x.len()];
    time("windows: month-by-month streams per (x, T) run", 3, || {
        windows::model(
            ModelKind::Bgnbd,
            &f.params,
            &rows,
            scale.clone(),
            30.0,
            0.01,
        )
    });
}

fn main() {
    continuous_windows();
    println!("sBG (subscriptions):");
    let regular = table_cells(&[1000.0, 631.0, 468.0, 382.0, 326.0, 289.0, 262.0, 241.0]);
    let f = time("fit, Fader & Hardie Regular (8 periods)", 200, || {
        sbg::fit(&regular)
    });
    assert!(f.converged);
    let subs = subscriptions(1_000_000, 0.7, 1.2, 7);
    let as_of = crm_lens::dates::parse_iso("2024-01-01").expect("date");
    let (data, _) = time("cells + cohorts, 1M subscriptions (monthly)", 3, || {
        RetentionData::from_subscriptions(&subs, as_of, TimeUnit::Month)
    });
    let opts = RetentionOptions {
        price: Some(20.0),
        ..Default::default()
    };
    let (rep, _) = time(
        "stage: pooled + 37 cohort fits, projection, DERL",
        5,
        || retention::run(&data, &opts, TimeUnit::Month, 0.01),
    );
    let s = rep.sbg.expect("fitted");
    println!(
        "    recovered alpha {:.4} beta {:.4} (true 0.7, 1.2), {} subscribers",
        s.fit.params.alpha, s.fit.params.beta, rep.subscribers
    );

    println!("BG/BB (discrete-time buyers):");
    let donations = [
        (0, 0, 6, 3464),
        (1, 1, 6, 1091),
        (1, 2, 6, 277),
        (1, 3, 6, 129),
        (1, 4, 6, 87),
        (1, 5, 6, 108),
        (1, 6, 6, 135),
        (2, 2, 6, 229),
        (2, 3, 6, 284),
        (2, 4, 6, 249),
        (2, 5, 6, 278),
        (2, 6, 6, 390),
        (3, 3, 6, 156),
        (3, 4, 6, 209),
        (3, 5, 6, 289),
        (3, 6, 6, 431),
        (4, 4, 6, 117),
        (4, 5, 6, 251),
        (4, 6, 6, 668),
        (5, 5, 6, 171),
        (5, 6, 6, 892),
        (6, 6, 6, 1203),
    ];
    let mut d = Summary::default();
    for (x, tx, n, w) in donations {
        for _ in 0..w {
            d.x.push(x as f64);
            d.tx.push(tx as f64);
            d.t.push(n as f64);
        }
    }
    let rows = collapse(&d);
    let f = time(
        "fit, lifetimes' donations (22 patterns, 11,104 donors)",
        50,
        || bgbb::fit(&rows, 0.0),
    );
    assert!(f.converged);
    let s = discrete_buyers(1_000_000, [1.2, 0.75, 0.66, 2.8], 104, 11);
    let rows = time("collapse, 1M weekly buyers (n <= 104)", 3, || collapse(&s));
    println!("    {} distinct (x, t_x, n) patterns", rows.len());
    let f = time("fit, 1M weekly buyers", 3, || bgbb::fit(&rows, 0.0));
    println!(
        "    recovered {:?} (true [1.2, 0.75, 0.66, 2.8]), {} iterations",
        f.params
            .iter()
            .map(|v| (v * 1e4).round() / 1e4)
            .collect::<Vec<_>>(),
        f.iterations
    );
    let zeros = vec![0.0; s.x.len()];
    let spend: Vec<f64> =
        s.x.iter()
            .map(|&x| if x > 0.0 { 25.0 } else { 0.0 })
            .collect();
    let input = ClvInput {
        x: &s.x,
        t_x: &s.tx,
        t: &s.t,
        monetary: &spend,
        total_spend: &zeros,
        tenure_days: &zeros,
        time_unit: TimeUnit::Week,
        measured_monthly_retention: None,
        holdout: None,
        discrete: true,
        covariates: &[],
        weights: None,
    };
    for (label, draws) in [
        ("CLV stage, 1M weekly buyers, no bootstrap", 0),
        ("CLV stage, 1M weekly buyers, 200 draws", 200),
    ] {
        let opts = ClvOptions {
            bootstrap_draws: draws,
            ..Default::default()
        };
        let (r, _, _) = time(label, 2, || run(&input, &opts));
        assert_eq!(r.chosen_model, "bgbb");
        if draws > 0 {
            println!("    bootstrap method: {}", r.totals.bootstrap_method);
        }
    }
}
