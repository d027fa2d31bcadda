//! Native timings of the segmentation on a benchmark-sized BTYD customer base (356k customers,
//! the data of tests/segment_sklearn.rs), or on the customers of a transaction file.
//! Run: `cargo bench --bench segment` (prints milliseconds; not a pass/fail test).
//! `SEGMENT_BENCH_CSV=benches/data/tx-1m.csv cargo bench --bench segment` segments the
//! customers of that file instead and prints k / inertia / silhouette exactly as
//! benches/segment-wasm.mjs does for the same file, so native and wasm32 results can be
//! compared bit for bit.
//! Env knobs: SEGMENT_BENCH_N, SEGMENT_BENCH_CSV, SEGMENT_SCAN, SEGMENT_NINIT, SEGMENT_TOL,
//! SEGMENT_SIL.

#[path = "../tests/segment_support/data.rs"]
mod segment_data;

use crm_lens::segment::{run, SegmentInput, SegmentOptions};
use std::time::Instant;

fn main() {
    let env = |k: &str| std::env::var(k).ok();
    let n: usize = env("SEGMENT_BENCH_N")
        .and_then(|v| v.parse().ok())
        .unwrap_or(356_000);
    if let Some(path) = env("SEGMENT_BENCH_CSV") {
        return file_bench(&path);
    }
    let t = Instant::now();
    let c = segment_data::btyd(n, 7);
    println!(
        "generate {n} customers: {:.0} ms (machine load indicator)",
        ms(t)
    );
    let input = SegmentInput {
        recency_days: &c.recency,
        frequency: &c.frequency,
        monetary: &c.monetary,
        tenure_days: &c.tenure,
        clv: None,
    };
    let mut opts = SegmentOptions::default();
    if let Some(v) = env("SEGMENT_SCAN").and_then(|v| v.parse().ok()) {
        opts.scan_sample = v;
    }
    if let Some(v) = env("SEGMENT_NINIT").and_then(|v| v.parse().ok()) {
        opts.n_init = v;
    }
    if let Some(v) = env("SEGMENT_TOL").and_then(|v| v.parse().ok()) {
        opts.tolerance = v;
    }
    if let Some(v) = env("SEGMENT_SIL").and_then(|v| v.parse().ok()) {
        opts.silhouette_sample = v;
    }
    for round in 0..2 {
        let t = Instant::now();
        let (rep, _, w) = run(&input, &opts, None);
        println!(
            "native scan k=2..10 + final fit: {:.0} ms (inertia+k/1000 = {:?}) silhouette={:?} warnings={}",
            ms(t),
            rep.inertia + rep.k as f64 * 1e-3,
            rep.silhouette,
            w.len()
        );
        for k in [2, 5, 10] {
            let fixed = SegmentOptions {
                k: Some(k),
                ..opts.clone()
            };
            let t = Instant::now();
            let (rep, _, _) = run(&input, &fixed, None);
            println!(
                "native fixed k={k}: {:.0} ms (inertia+k/1000 = {:?})",
                ms(t),
                rep.inertia + rep.k as f64 * 1e-3
            );
        }
        if round == 1 {
            for p in &rep.scan {
                println!(
                    "  k={} inertia={:.1} silhouette={:?}",
                    p.k, p.inertia, p.silhouette
                );
            }
            println!("  recommendation: {:?}", rep.recommendation);
        }
    }
}

/// The customers of a transaction file, as the pipeline hands them to `segment::run` (and as
/// benches/segment-wasm.mjs reads them from `customerColumns()`).
fn file_bench(path: &str) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let opts = crm_lens::Options::default();
    let ds = crm_lens::Dataset::from_bytes(&bytes, &opts).expect("ingest");
    let mut quick = opts.clone();
    quick.segments.k = Some(2);
    let a = ds.analyze(&quick).expect("analyze");
    let t = &a.customers;
    let frequency: Vec<f64> = t.transactions.iter().map(|&x| x as f64).collect();
    let input = SegmentInput {
        recency_days: &t.recency_days,
        frequency: &frequency,
        monetary: &t.revenue,
        tenure_days: &t.tenure_days,
        clv: None,
    };
    println!("{path}: {} customers", frequency.len());
    let paths = [
        (
            "scan k=2..10 + final fit (defaults)",
            SegmentOptions::default(),
        ),
        (
            "fixed k=10",
            SegmentOptions {
                k: Some(10),
                ..SegmentOptions::default()
            },
        ),
    ];
    for (name, o) in paths {
        let (mut times, mut cpus) = (Vec::new(), Vec::new());
        let mut last = None;
        for _ in 0..5 {
            let (t, c) = (Instant::now(), cpu_ms());
            last = Some(run(&input, &o, None));
            times.push(ms(t));
            cpus.push(cpu_ms() - c);
        }
        times.sort_by(f64::total_cmp);
        cpus.sort_by(f64::total_cmp);
        let (r, _, w) = last.expect("five runs");
        println!(
            "native {name}: median wall {:.0} ms, median CPU {:.0} ms (sorted wall {times:.0?}, CPU {cpus:.0?})",
            times[2], cpus[2]
        );
        println!(
            "  k={} inertia={:?} silhouette={:?} warnings={}",
            r.k,
            r.inertia,
            r.silhouette,
            w.len()
        );
        for p in &r.scan {
            println!(
                "  k={} inertia={:?} silhouette={:?}",
                p.k, p.inertia, p.silhouette
            );
        }
    }
}

/// CPU time of the whole process (user + system, Linux /proc, 10 ms ticks), rayon's threads
/// included: on a shared machine the wall time also measures the neighbours.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 12th, stime 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse().ok())
        .collect();
    if f.len() == 2 {
        (f[0] + f[1]) * 10.0
    } else {
        f64::NAN
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}
