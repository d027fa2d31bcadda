//! CLV benchmark. First the CLV stage exactly as `analyze` runs it (`pipeline::clv_for`: three
//! models, Gamma-Gamma, holdout refit, predictions, diagnostics, 200-draw bootstrap) on the
//! generated 1M-line log (benches/data/tx-1m.csv, made when missing; 352,688 customers), with
//! variants that switch parts off so the cost of each part shows. Then the COMMON.md process: 356k customers, BG/NBD r=0.25, alpha=4, a=0.8,
//! b=2.5 (days), Gamma-Gamma p=6, q=4, v=15, arrivals over 3 years. Prints milliseconds:
//! wall time and on-CPU time of this thread (/proc/thread-self/schedstat, Linux), min of
//! `REPS` repetitions, because the build machine is shared. `cargo bench --bench clv`

#[path = "../tests/common/clv_sim.rs"]
mod sim;

use crm_lens::clv::fitting::collapse::collapse;
use crm_lens::clv::fitting::fit::fit;
use crm_lens::clv::fitting::fit_all::fit_gamma_gamma;
use crm_lens::clv::fitting::fitdata::FitData;
use crm_lens::clv::gamma_gamma::expected_avg_profit;
use crm_lens::clv::input::Summary;
use crm_lens::clv::model::ModelKind;
use crm_lens::clv::prediction::palive::PAlive;
use crm_lens::clv::prediction::purchases::{row_predictions, Grid};
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

/// The pipeline's CLV stage on the 1M-line sample, default options and variants.
fn pipeline_stage() {
    use crm_lens::customers::CustomerTable;
    use crm_lens::ingest::{self, Ingested, ReturnsPolicy};
    use crm_lens::sample::{generate_csv, SampleSpec};
    use crm_lens::Options;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/data/tx-1m.csv");
    let bytes = std::fs::read(path).unwrap_or_else(|_| {
        let csv = generate_csv(&SampleSpec {
            transactions: 1_000_000,
            seed: 42,
            ..Default::default()
        })
        .expect("default sample spec is valid")
        .into_bytes();
        let _ = std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/data"));
        let _ = std::fs::write(path, &csv);
        csv
    });
    let opts = Options::default();
    let Ok(Ingested::Transactions(tx, _, _)) = ingest::ingest(&bytes, &opts.ingest) else {
        panic!("sample must ingest")
    };
    let as_of = *tx.day.iter().max().expect("rows");
    let (table, _) = CustomerTable::build(&tx, as_of, TimeUnit::Day, ReturnsPolicy::Net);
    let reps: usize = std::env::var("CRM_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    println!(
        "pipeline CLV stage, {} customers (min of {reps}):",
        table.len()
    );
    let variants: [(&str, &str); 4] = [
        ("default (what analyze runs)", "{}"),
        ("no bootstrap", r#"{"bootstrapDraws":0}"#),
        ("no holdout", r#"{"holdoutDays":0}"#),
        (
            "no bootstrap, no holdout",
            r#"{"bootstrapDraws":0,"holdoutDays":0}"#,
        ),
    ];
    for (name, clv) in variants {
        let o = Options {
            clv: serde_json::from_str(clv).expect("clv options"),
            ..Default::default()
        };
        let (w, c, (rep, _cols, _w)) = time(reps, || {
            crm_lens::pipeline::clv_for(&table, as_of, Some(0.8), &o, true)
        });
        println!(
            "  {name:28} wall {w:7.1} ms, cpu {c:7.1} ms  [target <= 300 ms native]; rows {}, chosen {}, total {:.1} [{:.1}, {:.1}]",
            rep.unique_rows, rep.chosen_model, rep.totals.clv, rep.totals.clv_low, rep.totals.clv_high
        );
    }
}

fn main() {
    pipeline_stage();
    if std::env::var("CRM_BENCH_CLV_ONLY_PIPELINE").is_ok() {
        return;
    }
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
            discrete: false,
            covariates: &[],
            weights: None,
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
