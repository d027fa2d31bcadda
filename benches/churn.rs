//! The stages of issue #17 on the generated 1M-line log (benches/data/tx-1m.csv, made when
//! missing; 352,688 customers; its `channel` column as the covariate): the churn comparison
//! and scoring (`churn::run`), the rule explanations (`explain::run`) and the BG/NBD and
//! Pareto/NBD fits with covariates (`clv::covariates::run`, the plain fits they start from
//! not timed). Prints wall and on-CPU milliseconds of this thread, min of `CRM_BENCH_REPS`
//! (default 3) runs, because the build machine is shared. `cargo bench --bench churn`

use crm_lens::churn::{self, ChurnInput, ChurnOptions, Holdout};
use crm_lens::clv::covariates;
use crm_lens::clv::fitting::collapse::collapse;
use crm_lens::clv::fitting::fit::fit;
use crm_lens::clv::fitting::fitdata::FitData;
use crm_lens::clv::input::Summary;
use crm_lens::clv::model::ModelKind;
use crm_lens::explain;
use crm_lens::pipeline::{holdout_split, Dataset};
use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::Options;
use std::time::Instant;

fn cpu_ns() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(f64::NAN)
}

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
    let reps: usize = std::env::var("CRM_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut opts = Options::default();
    opts.ingest.covariate_cols = vec!["channel".into()];
    let ds = Dataset::from_bytes(&bytes, &opts).expect("sample must ingest");
    let a = ds.analyze(&opts).expect("analysed");
    let t = &a.customers;
    let as_of = crm_lens::dates::parse_iso(&a.report.as_of).expect("asOf");
    println!("issue #17 stages, {} customers (min of {reps}):", t.len());

    let split = holdout_split(t, as_of, &opts, true).expect("a holdout");
    let input = ChurnInput {
        customers: t,
        holdout: Some(Holdout {
            cutoff: split.cutoff,
            days: split.days,
            cal: &split.cal,
            rows: &split.rows,
            actual: &split.actual,
        }),
        model: a.clv.model.as_ref().map(|(k, p)| (*k, p.as_slice())),
        calibration_model: a
            .clv
            .calibration_model
            .as_ref()
            .map(|(k, p)| (*k, p.as_slice())),
        p_alive: Some(&a.clv.p_alive),
    };
    let (w, c, (rep, _, _)) = time(reps, || churn::run(&input, &ChurnOptions::default()));
    println!(
        "  churn (compare + score)   wall {w:8.1} ms, cpu {c:8.1} ms; chosen {:?}, test {}",
        rep.chosen, rep.test
    );

    let targets = explain::Targets {
        clusters: &a.segments.cluster,
        stages: &a.stages,
        churn_risk: &a.churn.risk,
    };
    let (w, c, rep) = time(reps, || explain::run(t, &targets));
    println!(
        "  explain (rules)           wall {w:8.1} ms, cpu {c:8.1} ms; {} classes",
        rep.classes.len()
    );

    let s = Summary {
        x: t.frequency.clone(),
        tx: t.recency.clone(),
        t: t.t.clone(),
    };
    let rows = collapse(&s);
    let d = FitData::new(&rows);
    let inputs = crm_lens::pipeline::covariate_inputs(t);
    for kind in [ModelKind::Bgnbd, ModelKind::ParetoNbd] {
        let plain = fit(kind, &d, 0.0);
        let (w, c, rep) = time(reps, || {
            covariates::run(&inputs, &s, &[(kind, &plain)], 0.0, 365.0, &mut Vec::new())
        });
        let it = rep
            .and_then(|r| r.models.first().map(|m| m.iterations))
            .unwrap_or(0);
        println!(
            "  covariates {:10}     wall {w:8.1} ms, cpu {c:8.1} ms; {it} iterations",
            kind.key()
        );
    }
}
