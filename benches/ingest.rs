//! Ingest throughput and peak memory on the 1M-transaction file.
//!
//! `cargo bench --bench ingest` (generates `benches/data/tx-1m.csv` when missing, with the
//! same generator as `crm-lens sample --transactions 1000000`). Set `CRM_LENS_BENCH_FILE` to
//! measure another file. Prints MB/s (best of 5) and the peak RSS of one ingest, measured
//! after resetting the kernel's high-water mark, so it includes the file bytes in memory.
use std::path::PathBuf;
use std::time::Instant;

use crm_lens::{Dataset, Options};

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Linux: writing 5 to clear_refs resets the peak RSS to the current RSS.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
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
        let csv = crm_lens::sample::generate_csv(&spec);
        let _ = std::fs::create_dir_all(path.parent().unwrap_or(&path));
        std::fs::write(&path, csv.trim_end()).expect("write bench data");
    }
    path
}

fn run(name: &str, bytes: &[u8], opts: &Options) {
    let mb = bytes.len() as f64 / 1e6;
    let mut best = f64::INFINITY;
    let mut rows = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let ds = Dataset::from_bytes(bytes, opts).expect("ingest");
        best = best.min(t.elapsed().as_secs_f64());
        rows = ds.rows_used();
    }
    reset_peak();
    let base = peak_rss_kib().unwrap_or(0);
    let ds = Dataset::from_bytes(bytes, opts).expect("ingest");
    let peak = peak_rss_kib().unwrap_or(0);
    drop(ds);
    println!(
        "{name}: {mb:.1} MB, {rows} rows used, best {:.1} ms = {:.0} MB/s; peak RSS {:.1} MiB ({:.2}× file; {:.1} MiB before ingest)",
        best * 1e3,
        mb / best,
        peak as f64 / 1024.0,
        peak as f64 * 1024.0 / bytes.len() as f64,
        base as f64 / 1024.0,
    );
}

fn main() {
    let path = data_file();
    let bytes = std::fs::read(&path).expect("read bench data");
    println!("file: {}", path.display());
    run("ingest utf-8", &bytes, &Options::default());
    let mut gbk = Options::default();
    gbk.ingest.encoding = Some("gbk".into());
    run("ingest forced gbk (streamed transcoding)", &bytes, &gbk);
    let opts = Options::default();
    let ds = Dataset::from_bytes(&bytes, &opts).expect("ingest");
    let t = Instant::now();
    let a = ds.analyze(&opts).expect("analyze");
    println!(
        "analyze (all analyses, for reference): {:.1} ms, {} customers",
        t.elapsed().as_secs_f64() * 1e3,
        a.report.kpis.customers
    );
}
