//! Ingest throughput and peak memory on the 1M-transaction file, and the id table under
//! crafted ids.
//!
//! `cargo bench --bench ingest` (generates `benches/data/tx-1m.csv` when missing, with the
//! same generator as `crm-lens sample --transactions 1000000`). Set `CRM_LENS_BENCH_FILE` to
//! measure another file. Prints MB/s (best of 5, on wall time and on this thread's CPU time)
//! and the peak RSS (VmHWM) of a fresh process that reads the file and ingests it once, so it
//! includes the file bytes in memory.
//!
//! Then 200,000 customer ids crafted to share a home slot under the id table's former hash
//! (foldhash's fixed state: anyone could compute such ids offline), against as many ordinary
//! ids of the same length, one row each. `CRM_LENS_BENCH_ONLY=crafted` runs only that part;
//! `CRM_LENS_BENCH_CRAFTED_OUT=dir` also writes both logs there.
use std::path::PathBuf;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use crm_lens::{Dataset, Options};

#[path = "../tests/common/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{LIVE, PEAK};

/// CPU time of this thread (ns), from the scheduler: on a shared machine wall time measures
/// the other tenants too, so throughput is reported on both.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn peak_rss_kib() -> Option<u64> {
    status_kib("VmHWM:")
}

/// Peak RSS of a fresh process that reads the file and ingests it once: what a user's
/// process pays (the earlier runs' freed-but-retained heap would blur it in this one).
fn child_peak(path: &std::path::Path, encoding: Option<&str>) -> Option<(u64, u64, u64)> {
    let exe = std::env::current_exe().ok()?;
    let mut cmd = std::process::Command::new(exe);
    cmd.env("CRM_LENS_BENCH_CHILD", path);
    if let Some(e) = encoding {
        cmd.env("CRM_LENS_BENCH_ENCODING", e);
    }
    let out = cmd.output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace().map(|v| v.parse().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

fn child_main(path: &str) {
    let bytes = std::fs::read(path).expect("read bench data");
    let before = status_kib("VmRSS:").unwrap_or(0);
    let mut opts = Options::default();
    opts.ingest.encoding = std::env::var("CRM_LENS_BENCH_ENCODING").ok();
    let live = LIVE.load(Relaxed);
    PEAK.store(live, Relaxed);
    let ds = Dataset::from_bytes(&bytes, &opts).expect("ingest");
    let heap = PEAK.load(Relaxed) - live;
    println!("{} {before} {heap}", peak_rss_kib().unwrap_or(0));
    drop(ds);
}

fn data_file() -> PathBuf {
    if let Ok(p) = std::env::var("CRM_LENS_BENCH_FILE") {
        return PathBuf::from(p);
    }
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/data/tx-1m.csv");
    if !path.exists() {
        eprintln!("generating {} ...", path.display());
        let spec = crm_lens::sample::SampleSpec {
            transactions: 1_000_000,
            ..Default::default()
        };
        let csv = crm_lens::sample::generate_csv(&spec).expect("default sample spec is valid");
        let _ = std::fs::create_dir_all(path.parent().unwrap_or(&path));
        std::fs::write(&path, csv.trim_end()).expect("write bench data");
    }
    path
}

fn run(name: &str, path: &std::path::Path, bytes: &[u8], opts: &Options) {
    let mb = bytes.len() as f64 / 1e6;
    let (mut best, mut best_cpu) = (f64::INFINITY, f64::INFINITY);
    let mut rows = 0;
    for _ in 0..5 {
        let (t, c) = (Instant::now(), thread_cpu_ns());
        let ds = Dataset::from_bytes(bytes, opts).expect("ingest");
        best = best.min(t.elapsed().as_secs_f64());
        best_cpu = best_cpu.min((thread_cpu_ns() - c) as f64 / 1e9);
        rows = ds.rows_used();
        drop(ds);
    }
    let (peak, before, heap) =
        child_peak(path, opts.ingest.encoding.as_deref()).unwrap_or((0, 0, 0));
    println!(
        "{name}: {mb:.1} MB, {rows} rows used, best wall {:.1} ms = {:.0} MB/s, best CPU {:.1} ms = {:.0} MB/s; peak RSS {:.1} MiB = {:.2}× file (fresh process; {:.1} MiB with the file read, so ingest adds {:.2}× file; peak heap of ingest {:.1} MiB = {:.2}× file)",
        best * 1e3,
        mb / best,
        best_cpu * 1e3,
        mb / best_cpu,
        peak as f64 / 1024.0,
        peak as f64 * 1024.0 / bytes.len() as f64,
        before as f64 / 1024.0,
        peak.saturating_sub(before) as f64 * 1024.0 / bytes.len() as f64,
        heap as f64 / 1048576.0,
        heap as f64 / bytes.len() as f64,
    );
}

/// `n` ids `u` + 15 hex digits whose hash under the former fixed hash of the id table
/// (foldhash `FixedState::default()` over the id's bytes) has its top `bits` bits zero: at
/// every table size they share a few home slots, so linear probing turns quadratic.
fn crafted_ids(n: usize, bits: u32) -> Vec<String> {
    use std::hash::BuildHasher;
    let fixed = foldhash::fast::FixedState::default();
    let mut out = Vec::with_capacity(n);
    let mut id = *b"u000000000000000";
    let hex = b"0123456789abcdef";
    let mut k: u64 = 0;
    while out.len() < n {
        k += 1;
        for (j, b) in id[1..].iter_mut().rev().enumerate() {
            *b = hex[(k >> (4 * j) & 15) as usize];
        }
        if fixed.hash_one(&id[..]) >> (64 - bits) == 0 {
            out.push(String::from_utf8_lossy(&id).into_owned());
        }
    }
    out
}

/// One row per id.
fn id_log(ids: &[String]) -> Vec<u8> {
    let mut s = String::from("customer_id,order_date,amount\n");
    for id in ids {
        s.push_str(id);
        s.push_str(",2024-03-05,10\n");
    }
    s.into_bytes()
}

fn crafted() {
    const N: usize = 200_000;
    let t = Instant::now();
    let ids = crafted_ids(N, 8);
    println!(
        "crafted ids: {N} found in {:.1} s (top 8 bits of the former hash zero)",
        t.elapsed().as_secs_f64()
    );
    let ordinary: Vec<String> = (0..N).map(|i| format!("u{:015x}", i * 7919)).collect();
    // `CRM_LENS_BENCH_CRAFTED_OUT=dir` keeps both logs, to run the CLI on them.
    if let Ok(dir) = std::env::var("CRM_LENS_BENCH_CRAFTED_OUT") {
        let dir = PathBuf::from(dir);
        let _ = std::fs::write(dir.join("crafted-ids.csv"), id_log(&ids));
        let _ = std::fs::write(dir.join("ordinary-ids.csv"), id_log(&ordinary));
    }
    let opts = Options::default();
    for (name, ids) in [("ordinary ids", &ordinary), ("crafted ids", &ids)] {
        let bytes = id_log(ids);
        let (t, c) = (Instant::now(), thread_cpu_ns());
        let ds = Dataset::from_bytes(&bytes, &opts).expect("ingest");
        println!(
            "ingest {N} rows of {name}: wall {:.1} ms, CPU {:.1} ms, {} rows used",
            t.elapsed().as_secs_f64() * 1e3,
            (thread_cpu_ns() - c) as f64 / 1e6,
            ds.rows_used()
        );
    }
}

fn main() {
    if let Ok(path) = std::env::var("CRM_LENS_BENCH_CHILD") {
        return child_main(&path);
    }
    if std::env::var("CRM_LENS_BENCH_ONLY").as_deref() == Ok("crafted") {
        return crafted();
    }
    let path = data_file();
    let bytes = std::fs::read(&path).expect("read bench data");
    println!("file: {}", path.display());
    run("ingest utf-8", &path, &bytes, &Options::default());
    let mut gbk = Options::default();
    gbk.ingest.encoding = Some("gbk".into());
    run(
        "ingest forced gbk (streamed transcoding)",
        &path,
        &bytes,
        &gbk,
    );
    let opts = Options::default();
    let ds = Dataset::from_bytes(&bytes, &opts).expect("ingest");
    let (t, c) = (Instant::now(), thread_cpu_ns());
    let a = ds.analyze(&opts).expect("analyze");
    println!(
        "analyze (all analyses, for reference): wall {:.1} ms, CPU {:.1} ms, {} customers",
        t.elapsed().as_secs_f64() * 1e3,
        (thread_cpu_ns() - c) as f64 / 1e6,
        a.report.kpis.customers
    );
    crafted();
}
