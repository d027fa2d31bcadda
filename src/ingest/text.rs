//! CSV/TSV text: sniff the bounded sample, then stream every record through the row parser.
//!
//! Records are read as `csv::ByteRecord`s into one reused buffer, so there is no table of row
//! strings and no per-row allocation; fields become `&str` only when the parser looks at them.
//! The text reaches the reader through the quote guard ([`super::quotes`]), which bounds quoted
//! fields and gives each record its physical line.
use super::accounting::{Repair, SkipReason};
use super::encoding::Utf8Repairs;
use super::quotes::{Input, QuoteGuard};
use super::rows::RowParser;
use super::sniff::{self, Delimiter};
use super::source::{SpaceRuns, TextSource};
use super::{summary, Detected, IngestOptions, Ingested};
use crate::error::{Error, Result};

type Reader<'a> = csv::Reader<QuoteGuard<'a>>;

/// A CSV reader over the decoded text (flexible: ragged rows are counted, not fatal).
fn reader<'a>(source: &TextSource<'a>, delimiter: Delimiter) -> Reader<'a> {
    let input = match (delimiter, source.in_place()) {
        (Delimiter::Byte(_), Some(text)) => Input::Text(text),
        (Delimiter::Byte(_), None) => Input::Stream(source.reader()),
        (Delimiter::Spaces, _) => Input::Stream(Box::new(SpaceRuns::new(source.reader()))),
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 * 1024)
        .from_reader(QuoteGuard::new(input, delimiter.byte()))
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

/// Excel's `sep=;` first line: the delimiter it names, and the length of the line.
pub fn sep_line(sample: &str) -> Option<(u8, usize)> {
    let line_end = sample.find('\n').map_or(sample.len(), |i| i + 1);
    let line = sample[..line_end].trim_end_matches(['\r', '\n']);
    let unquoted = line
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or(line);
    let rest = unquoted
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("sep="))
        .map(|_| &unquoted[4..])?;
    match rest.as_bytes() {
        [d] if d.is_ascii() && !b"\"\r\n".contains(d) => Some((*d, line_end)),
        _ => None,
    }
}

/// What the caller found before the rows: Excel's `sep=` line, if the text starts with one,
/// and the invalid UTF-8 replaced while decoding.
pub struct Preamble {
    pub sep_line: bool,
    pub utf8: Utf8Repairs,
}

pub fn from_text(
    source: &TextSource<'_>,
    sample_text: &str,
    delimiter: Delimiter,
    preamble: Preamble,
    opts: &IngestOptions,
    mut detected: Detected,
) -> Result<Ingested> {
    let sample = sniff::read_sample(sample_text, delimiter);
    if sample.is_empty() {
        return Err(
            Error::new("empty_file", "the file has no rows (only blank lines)")
                .with_hint("choose a CSV/TSV/XLSX export with a header and at least one row"),
        );
    }
    detected.sep_line = preamble.sep_line;
    let open = || {
        let mut rdr = reader(source, delimiter);
        if preamble.sep_line {
            // The `sep=` line is no row: consumed here, reported in `detected.sepLine`.
            let mut rec = csv::ByteRecord::new();
            let _ = rdr.read_byte_record(&mut rec);
            let p = rec.position().map_or(0, |p| p.byte());
            rdr.get_mut().line_of(p);
        }
        rdr
    };
    let records = || open().into_records();
    let detected = match super::read_named(&sample, records, opts, detected.clone()) {
        Some(read) => return read,
        None => detected,
    };
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
    let mut parser = RowParser::new(&layout, opts, capacity, source.seed());
    let mut rdr = open();
    let mut rec = csv::ByteRecord::new();
    // Blank lines before the header are not rows of the table.
    let mut before_header = layout.has_header;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let p = rec.position().map_or(0, |p| p.byte());
                let line = rdr.get_mut().line_of(p);
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
                let line = rdr.get_mut().line_of(u64::MAX);
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
    let guard = rdr.get_ref();
    for (line, text) in &guard.examples {
        let example = format!("\"{text}");
        parser
            .account
            .repair(Repair::UnclosedQuote, 1, Some((*line, "", &example)));
    }
    let rest = guard.stray - guard.examples.len() as u64;
    if rest > 0 {
        parser.account.repair(Repair::UnclosedQuote, rest, None);
    }
    let utf8 = &preamble.utf8;
    for (line, bytes) in &utf8.examples {
        let example = format!("bytes {bytes}");
        parser
            .account
            .repair(Repair::InvalidUtf8, 1, Some((*line, "", &example)));
    }
    let rest = utf8.count.saturating_sub(utf8.examples.len() as u64);
    if rest > 0 {
        parser.account.repair(Repair::InvalidUtf8, rest, None);
    }
    parser.finish(detected)
}
