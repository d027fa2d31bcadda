//! Stage timings of the native pipeline on a generated log.
//!
//! `cargo bench --bench pipeline` (1M lines by default; `CRM_BENCH_TX=100000` for another size;
//! `CRM_BENCH_ONLY=table` stops after the customer table and RFM).
//! Prints the median of several runs per stage. Results go to docs/performance.md.
use std::time::Instant;

use crm_lens::customers::CustomerTable;
use crm_lens::ingest::{self, Ingested, ReturnsPolicy};
use crm_lens::lifecycle;
use crm_lens::rfm::{self, RfmOptions};
use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::units::TimeUnit;
use crm_lens::{kpis, Dataset, Options};

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() {
    let n: usize = std::env::var("CRM_BENCH_TX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let csv = generate_csv(&SampleSpec {
        transactions: n,
        ..Default::default()
    })
    .expect("default sample spec is valid");
    let mb = csv.len() as f64 / 1e6;
    let opts = Options::default();
    let Ok(Ingested::Transactions(tx, _, _)) = ingest::ingest(csv.as_bytes(), &opts.ingest) else {
        panic!("sample must ingest")
    };
    let as_of = *tx.day.iter().max().unwrap();
    let (table, _) = CustomerTable::build(&tx, as_of, TimeUnit::Day, ReturnsPolicy::Net);
    println!(
        "pipeline bench: {n} lines, {mb:.1} MB, {} customers (median of 7 runs)",
        table.len()
    );

    let ingest_ms = median_ms(7, || {
        ingest::ingest(csv.as_bytes(), &opts.ingest).unwrap();
    });
    println!(
        "  ingest                 {ingest_ms:8.1} ms  ({:.0} MB/s)",
        mb / ingest_ms * 1e3
    );
    let table_ms = median_ms(7, || {
        CustomerTable::build(&tx, as_of, TimeUnit::Day, ReturnsPolicy::Net);
    });
    println!("  customer table         {table_ms:8.1} ms");
    let rfm_ms = median_ms(7, || {
        rfm::run(&table, &RfmOptions::default());
    });
    println!("  rfm                    {rfm_ms:8.1} ms");
    println!(
        "  table + rfm            {:8.1} ms  (target ≤ 100 ms)",
        table_ms + rfm_ms
    );
    if std::env::var("CRM_BENCH_ONLY").is_ok_and(|v| v == "table") {
        return;
    }
    let th = lifecycle::thresholds::derive(&table, &Default::default());
    let life_ms = median_ms(7, || {
        lifecycle::assign(&table, &th, None);
    });
    println!("  lifecycle              {life_ms:8.1} ms");
    let kpi_ms = median_ms(7, || {
        kpis::compute(&table, as_of, th.churn_window_days, &Default::default());
    });
    println!("  kpis + cohorts         {kpi_ms:8.1} ms");
    let ds = Dataset::from_bytes(csv.as_bytes(), &opts).unwrap();
    let analyze_ms = median_ms(5, || {
        ds.analyze(&opts).unwrap();
    });
    println!("  analyze (all, no read) {analyze_ms:8.1} ms");
    println!("  total (read+analyze)   {:8.1} ms", ingest_ms + analyze_ms);
}
