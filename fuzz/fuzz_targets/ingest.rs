//! Fuzz target on the ingest entry point: any bytes → `Dataset::from_bytes` + `analyze` must
//! return a Report or an Error, never panic, and always keep the row account balanced.
#![no_main]
use libfuzzer_sys::fuzz_target;

use crm_lens::{Dataset, Options};

/// Option variants that take other code paths (summary input, whitespace columns, returns
/// kept with no header, a forced legacy encoding with day-first dates).
const VARIANTS: &[&str] = &[
    r#"{"ingest":{"summary":true},"asOf":"2024-01-01"}"#,
    r#"{"ingest":{"delimiter":"spaces","decimal":","}}"#,
    r#"{"ingest":{"returns":"keep","hasHeader":false}}"#,
    r#"{"ingest":{"encoding":"gbk","dateFormat":"%d.%m.%Y","returns":"drop"}}"#,
];

fn check(bytes: &[u8], opts: &Options) {
    let Ok(ds) = Dataset::from_bytes(bytes, opts) else {
        return;
    };
    if let Ok(a) = ds.analyze(opts) {
        let i = &a.report.ingest;
        let skipped: u64 = i.rows_skipped.values().sum();
        assert_eq!(i.rows_read, i.rows_used + skipped, "row account");
        assert!(a.report.kpis.revenue.is_finite(), "finite revenue");
    }
}

fuzz_target!(|data: &[u8]| {
    check(data, &Options::default());
    let variant = VARIANTS[data.len() % VARIANTS.len()];
    if let Ok(opts) = Options::from_json(variant) {
        check(data, &opts);
    }
});
