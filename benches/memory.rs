//! Where the analysis worker's memory goes: the live heap of each of its calls, in its order
//! (src/js/worker/engine.js), natively, with a counting allocator.
//!
//! `CRM_LENS_BENCH_FILE=benches/data/tx-10M.csv cargo bench --bench memory`
//!
//! For each call: the live heap before it, its peak inside the call, and after it (MB). The
//! file's bytes are counted as the page's wasm memory holds them: copied in for the ingest and
//! freed after it. wasm's allocator never gives memory back and a block that does not fit its
//! free space grows linear memory by the whole request, so the wasm figure (benches/
//! chromium.mjs `memoryMB`) is at least the highest peak here, plus fragmentation.
//! The segmentation runs where the page runs it (another worker): its job's columns are made
//! here and dropped; its result is not provided, so `analyze` segments here last.
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use crm_lens::{Dataset, Options};

#[path = "../tests/common/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{LIVE, PEAK};

const MB: f64 = 1e6;

/// Runs `f`, printing the live heap before, the peak inside and the live heap after.
fn phase<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let t = Instant::now();
    let out = f();
    let (peak, after) = (PEAK.load(Relaxed), LIVE.load(Relaxed));
    println!(
        "{name:<16} live before {:>7.1} MB   peak {:>7.1} MB   after {:>7.1} MB   {:>6.2} s",
        before as f64 / MB,
        peak as f64 / MB,
        after as f64 / MB,
        t.elapsed().as_secs_f64()
    );
    out
}

fn main() {
    let path =
        std::env::var("CRM_LENS_BENCH_FILE").unwrap_or_else(|_| "benches/data/tx-1M.csv".into());
    let opts = Options::default();
    let file = std::fs::read(&path).expect("read bench data");
    println!("{path}: {:.1} MB", file.len() as f64 / MB);
    let base = LIVE.load(Relaxed);
    // The page holds the file in JS; only the copy passed to the constructor is in wasm.
    PEAK.store(base, Relaxed);
    let mut ds = phase("open", || {
        let bytes = file.clone();
        Dataset::from_bytes(&bytes, &opts).expect("ingest")
    });
    drop(file);
    phase("prepare", || ds.prepare(&opts).expect("prepare"));
    phase("segmentJob", || drop(ds.segment_job(&opts).expect("job")));
    phase("intervalJob", || drop(ds.interval_job(&opts).expect("job")));
    phase("prepareModels", || {
        ds.prepare_models(&opts).expect("models")
    });
    // `CRM_LENS_BENCH_STOP=models`: stop here (the peak is in the models; a heap profiler's
    // run is then shorter).
    if std::env::var("CRM_LENS_BENCH_STOP").is_ok_and(|s| s == "models") {
        return;
    }
    let a = phase("analyze", || ds.reanalyze(&opts).expect("analyze"));
    println!("customers: {}", a.customers.len());
}
