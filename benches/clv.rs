//! CLV benchmark on the COMMON.md process: 356k customers, BG/NBD r=0.25, alpha=4, a=0.8,
//! b=2.5 (days), Gamma-Gamma p=6, q=4, v=15, arrivals over 3 years. Prints milliseconds:
//! wall time and on-CPU time of this thread (/proc/thread-self/schedstat, Linux), min of
//! `REPS` repetitions, because the build machine is shared. `cargo bench --bench clv`

#[path = "../tests/common/clv_sim.rs"]
mod sim;

use crm_lens::clv::collapse::collapse;
use crm_lens::clv::fitdata::FitData;
use crm_lens::clv::fits::fit_gamma_gamma;
use crm_lens::clv::gamma_gamma::expected_avg_profit;
use crm_lens::clv::input::Summary;
use crm_lens::clv::model::{fit, ModelKind};
use crm_lens::clv::palive::PAlive;
use crm_lens::clv::predict::{row_predictions, Grid};
use crm_lens::clv::{run, ClvInput, ClvOptions, TimeUnit};
use std::time::Instant;

const REPS: usize = 5;

fn cpu_ns() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|v| v.parse::<f64>().ok())
        })
        .unwrap_or(f64::NAN)
}

/// Runs `f` REPS times; returns (min wall ms, min cpu ms, last result).
fn time<T>(reps: usize, mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let (mut wall, mut cpu) = (f64::INFINITY, f64::INFINITY);
    let mut last = None;
    for _ in 0..reps {
        let (t, c) = (Instant::now(), cpu_ns());
        last = Some(f());
        wall = wall.min(t.elapsed().as_secs_f64() * 1e3);
        cpu = cpu.min((cpu_ns() - c) / 1e6);
    }
    (wall, cpu, last.expect("reps > 0"))
}

fn main() {
    let s = sim::simulate(356_000, 1095.0, [0.25, 4.0, 0.8, 2.5], [6.0, 4.0, 15.0], 42);
    println!(
        "simulated 356000 customers, {} transactions",
        s.transactions
    );
    let summary = Summary {
        x: s.x.clone(),
        tx: s.tx.clone(),
        t: s.t.clone(),
    };
    let grid = Grid::new(12, 30.0, 0.01);
    // The headline pipeline: collapse + BG/NBD fit (with Hessian) + Gamma-Gamma fit + P(alive),
    // expected purchases and 12-month CLV for every customer.
    let (w, c, (nrows, bg, total)) = time(REPS, || {
        let rows = collapse(&summary);
        let d = FitData::new(&rows);
        let bg = fit(ModelKind::Bgnbd, &d, 0.0);
        let mut warns = Vec::new();
        let gg = fit_gamma_gamma(&s.x, &s.m, 0.0, &mut warns);
        let ggp = gg.map(|g| g.0.params).unwrap_or_default();
        let pal = PAlive::new(ModelKind::Bgnbd, &d);
        let rp = row_predictions(ModelKind::Bgnbd, &bg.params, &pal, &grid);
        let mut clv = vec![0.0; s.x.len()];
        for (cst, v) in clv.iter_mut().enumerate() {
            let r = rows.map[cst];
            *v = expected_avg_profit(&ggp, s.x[cst], s.m[cst]) * rp.p_alive[r] * rp.disc_alive[r];
        }
        (rows.len(), bg, clv.iter().sum::<f64>())
    });
    println!(
        "BG/NBD + GG fit + all predictions: wall {w:.1} ms, cpu {c:.1} ms  [target <= 300 ms]"
    );
    println!(
        "  unique rows {nrows}, BG/NBD {} iters, params {:?}, total CLV {total:.1}",
        bg.iterations, bg.params
    );
    let rows = collapse(&summary);
    let d = FitData::new(&rows);
    for k in [ModelKind::Bgnbd, ModelKind::ParetoNbd, ModelKind::Mbgnbd] {
        let (w, c, f) = time(3, || fit(k, &d, 0.0));
        println!(
            "  {} fit alone: wall {w:.1} ms, cpu {c:.1} ms ({} iters, converged {})",
            k.key(),
            f.iterations,
            f.converged
        );
    }
    for draws in [0u32, 200] {
        let input = ClvInput {
            x: &s.x,
            t_x: &s.tx,
            t: &s.t,
            monetary: &s.m,
            total_spend: &s.total,
            tenure_days: &s.tenure,
            time_unit: TimeUnit::Day,
            measured_monthly_retention: Some(0.8),
            holdout: None,
        };
        let opts = ClvOptions {
            bootstrap_draws: draws,
            ..Default::default()
        };
        let (w, c, (rep, _cols, warns)) = time(2, || run(&input, &opts));
        println!(
            "run(): 3 models + GG + predictions + {draws} bootstrap draws ({}): wall {w:.1} ms, cpu {c:.1} ms; chosen {}, total {:.1} [{:.1}, {:.1}], {} warnings",
            rep.totals.bootstrap_method, rep.chosen_model, rep.totals.clv, rep.totals.clv_low, rep.totals.clv_high, warns.len()
        );
    }
}
