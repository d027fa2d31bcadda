// Ad-hoc profiling of the CLV pieces on the 1M sample (not committed).
use crm_lens::clv::collapse::collapse;
use crm_lens::clv::fitdata::FitData;
use crm_lens::clv::input::Summary;
use crm_lens::clv::model::{fit_plan, ModelKind, Plan, Warm};
use crm_lens::customers::CustomerTable;
use crm_lens::ingest::{self, Ingested, ReturnsPolicy};
use crm_lens::units::TimeUnit;
use crm_lens::Options;
use std::time::Instant;

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

fn main() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/data/tx-1m.csv"
    ))
    .unwrap();
    let opts = Options::default();
    let Ok(Ingested::Transactions(tx, _, _)) = ingest::ingest(&bytes, &opts.ingest) else {
        panic!()
    };
    let as_of = *tx.day.iter().max().unwrap();
    let (table, _) = CustomerTable::build(&tx, as_of, TimeUnit::Day, ReturnsPolicy::Net);
    let span = table.first_day.iter().min().map_or(0, |f| as_of - f);
    let hd = (span / 4).clamp(28, 365);
    let (cal, _) = table.until(as_of - hd, TimeUnit::Day);
    let mut fulls = Vec::new();
    for (name, t) in [("full", &table), ("calibration", &cal)] {
        let s = Summary {
            x: t.frequency.clone(),
            tx: t.recency.clone(),
            t: t.t.clone(),
        };
        let rows = collapse(&s);
        let d = FitData::new(&rows);
        println!(
            "{name}: customers {}, rows {}, xs {}, vals {}",
            s.x.len(),
            rows.len(),
            rows.xs.len(),
            d.vals.len()
        );
        for (i, k) in [ModelKind::Bgnbd, ModelKind::ParetoNbd, ModelKind::Mbgnbd]
            .into_iter()
            .enumerate()
        {
            let classic = Plan {
                warm: None,
                thin: None,
                covariance: name == "full",
            };
            let fast = if name == "full" {
                Plan::auto(rows.len())
            } else {
                let f: &crm_lens::clv::model::Fitted = &fulls[i];
                Plan {
                    warm: Some(Warm {
                        phi: k.log_scaled(&f.params, d.scale),
                        hessian: f.hessian.clone(),
                    }),
                    thin: None,
                    covariance: false,
                }
            };
            let mut res = Vec::new();
            for (pn, plan) in [("classic", classic), ("fast", fast)] {
                let (t0, c0) = (Instant::now(), cpu_ns());
                let f = fit_plan(k, &d, 0.0, &plan);
                println!("  {:10} {pn:8} wall {:7.1} cpu {:7.1} ms iters {} conv {} grad {:.2e} ll {:.10e} params {:?} se {:?}", k.key(), t0.elapsed().as_secs_f64()*1e3, (cpu_ns()-c0)/1e6, f.iterations, f.converged, f.grad_norm, f.log_likelihood, f.params, f.std_errors);
                res.push(f);
            }
            let md = res[0]
                .params
                .iter()
                .zip(&res[1].params)
                .map(|(a, b)| ((a - b) / a).abs())
                .fold(0.0, f64::max);
            println!("    max rel param diff {md:.2e}");
            if name == "full" {
                fulls.push(res.pop().unwrap());
            }
        }
    }
}
