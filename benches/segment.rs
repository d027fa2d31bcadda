//! Native timings of the segmentation on a benchmark-sized BTYD customer base (356k customers).
//! Run: `cargo bench --bench segment` (prints milliseconds; not a pass/fail test). The printed
//! values (inertia + k/1000, full precision) are the same quantities benches/wasm/bench.mjs
//! prints, so native and wasm32 results can be compared bit for bit.
//! Env knobs: SEGMENT_BENCH_N, SEGMENT_SCAN, SEGMENT_NINIT, SEGMENT_TOL, SEGMENT_SIL.

#[path = "../tests/segment_support/data.rs"]
mod segment_data;

use crm_lens::segment::{run, SegmentInput, SegmentOptions};
use std::time::Instant;

fn main() {
    let env = |k: &str| std::env::var(k).ok();
    let n: usize = env("SEGMENT_BENCH_N")
        .and_then(|v| v.parse().ok())
        .unwrap_or(356_000);
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

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}
