//! Fuzz target on the ingest entry point: any bytes → `Dataset::from_bytes` + `analyze` must
//! return a Report or an Error, never panic or abort, and always keep the row account
//! balanced. The browser's way (the formats module's `decode`, then the core's
//! `from_decoded`) must give the very same Report or Error.
//!
//! Every format is covered: text in any encoding, `.xls` (compound file and BIFF records are
//! fuzzed as they are), and `.xlsx` / `.ods`. A zip's deflated parts and CRCs break under
//! almost any mutation, so an input starting with `X!` or `O!` is wrapped first: the rest is
//! an .xlsx's sheet XML (and, after a 0xFF byte, its sharedStrings.xml) or an .ods's
//! content.xml, stored in a valid package. The libFuzzer run (scripts/fuzz.sh) sets
//! `-malloc_limit_mb`: one allocation past it is a finding, as calamine's were.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::Write;

use crm_lens::{ingest, Dataset, Options, Report};

/// Option variants that take other code paths (summary input, whitespace columns, returns
/// kept with no header, a forced legacy encoding with day-first dates).
const VARIANTS: &[&str] = &[
    r#"{"ingest":{"summary":true},"asOf":"2024-01-01"}"#,
    r#"{"ingest":{"delimiter":"spaces","decimal":","}}"#,
    r#"{"ingest":{"returns":"keep","hasHeader":false}}"#,
    r#"{"ingest":{"encoding":"gbk","dateFormat":"%d.%m.%Y","returns":"drop"}}"#,
];

fn check(bytes: &[u8], opts: &Options) {
    let direct = Dataset::from_bytes(bytes, opts).and_then(|d| d.analyze(opts));
    if let Ok(a) = &direct {
        let i = &a.report.ingest;
        let skipped: u64 = i.rows_skipped.values().sum();
        assert_eq!(i.rows_read, i.rows_used + skipped, "row account");
        assert!(a.report.kpis.revenue.is_finite(), "finite revenue");
    }
    let decoded = ingest::decode(bytes, &opts.ingest)
        .and_then(|(info, text)| Dataset::from_decoded(&info, &text, opts))
        .and_then(|d| d.analyze(opts));
    let report = |r: crm_lens::Result<crm_lens::Analysis>| r.map(|a| a.report);
    let (direct, decoded): (crm_lens::Result<Report>, _) = (report(direct), report(decoded));
    assert_eq!(direct, decoded, "the formats module's way gives another result");
}

const RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WB_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A zip of stored parts.
fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts {
        zip.start_file(*name, stored).expect("zip part");
        zip.write_all(data).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

/// `X!` / `O!` inputs as a package (see the module doc); anything else as it is.
fn wrap(data: &[u8]) -> Option<Vec<u8>> {
    let (tag, rest) = (data.get(..2)?, &data[2..]);
    match tag {
        b"X!" => {
            let (sheet, shared) = match rest.iter().position(|&b| b == 0xFF) {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &b""[..]),
            };
            Some(package(&[
                ("[Content_Types].xml", b"<Types/>"),
                ("_rels/.rels", RELS.as_bytes()),
                ("xl/workbook.xml", WORKBOOK.as_bytes()),
                ("xl/_rels/workbook.xml.rels", WB_RELS.as_bytes()),
                ("xl/worksheets/sheet1.xml", sheet),
                ("xl/sharedStrings.xml", shared),
            ]))
        }
        b"O!" => Some(package(&[
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", rest),
        ])),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let wrapped = wrap(data);
    let bytes = wrapped.as_deref().unwrap_or(data);
    check(bytes, &Options::default());
    let variant = VARIANTS[data.len() % VARIANTS.len()];
    if let Ok(opts) = Options::from_json(variant) {
        check(bytes, &opts);
    }
});
