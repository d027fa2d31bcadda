//! CSV/TSV text: sniff the bounded sample, then stream every record through the row parser.
//!
//! Records are read as `csv::ByteRecord`s into one reused buffer, so there is no table of row
//! strings and no per-row allocation; fields become `&str` only when the parser looks at them.
use std::io::Read;

use super::accounting::SkipReason;
use super::rows::RowParser;
use super::sniff::{self, Delimiter};
use super::source::{SpaceRuns, TextSource};
use super::{summary, Detected, IngestOptions, Ingested};
use crate::error::{Error, Result};

/// A CSV reader over the decoded stream (flexible: ragged rows are counted, not fatal).
fn reader<'a>(source: &TextSource<'a>, delimiter: Delimiter) -> csv::Reader<Box<dyn Read + 'a>> {
    let stream = source.reader();
    let stream: Box<dyn Read + 'a> = match delimiter {
        Delimiter::Spaces => Box::new(SpaceRuns::new(stream)),
        Delimiter::Byte(_) => stream,
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 * 1024)
        .from_reader(stream)
}

/// Rows to reserve: the file's length over the sample's mean line length, plus 5%. The
/// sample text's own lines are counted: the parsed sample stops at `SAMPLE_ROWS`, and
/// dividing the whole sample text by that count made the estimate a third of the rows, so
/// the columns grew by doubling after all (a moving copy of every column in wasm).
fn estimate_rows(file_len: usize, sample: &str) -> usize {
    let lines = sample.bytes().filter(|&b| b == b'\n').count();
    let rows = file_len as f64 * lines as f64 / sample.len().max(1) as f64;
    (rows * 1.05) as usize + 16
}

fn is_blank(rec: &csv::ByteRecord) -> bool {
    rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
}

pub fn from_text(
    source: &TextSource<'_>,
    sample_text: &str,
    delimiter: Delimiter,
    opts: &IngestOptions,
    detected: Detected,
) -> Result<Ingested> {
    let sample = sniff::read_sample(sample_text, delimiter);
    if sample.is_empty() {
        return Err(
            Error::new("empty_file", "the file has no rows (only blank lines)")
                .with_hint("choose a CSV/TSV/XLSX export with a header and at least one row"),
        );
    }
    if opts.summary {
        let records = reader(source, delimiter).into_records();
        return summary::read(&sample, records, opts, detected);
    }
    if sample
        .first()
        .is_some_and(|h| summary::looks_like_summary(h))
    {
        return Err(summary::summary_error(&sample[0]));
    }
    let layout = sniff::decide_layout(&sample, opts)?;
    // The parsed sample (up to 2,000 rows of `String`s) is done with: freed before the
    // columns are reserved, its block is reused instead of staying live under them.
    drop(sample);
    let capacity = estimate_rows(source.byte_len(), sample_text);
    let mut parser = RowParser::new(&layout, opts, capacity);
    let mut rdr = reader(source, delimiter);
    let mut rec = csv::ByteRecord::new();
    // Blank lines before the header are not rows of the table.
    let mut before_header = layout.has_header;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = rec.position().map_or(0, |p| p.line());
                if before_header {
                    if !is_blank(&rec) {
                        before_header = false;
                    }
                    continue;
                }
                parser.push(&rec, line);
            }
            Err(e) => {
                // Only I/O errors reach here (the reader is flexible, records are bytes).
                let line = e.position().map_or(0, |p| p.line());
                parser.account.read();
                parser
                    .account
                    .skip(SkipReason::WrongFieldCount, line, "", &e.to_string());
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
    parser.finish(detected)
}
