//! A workbook's first sheet as rows of cell text: what `workbook` (the formats feature) makes
//! of an .xlsx/.xls/.ods, read by the same sniffer and row parser as CSV text.
//!
//! The sheet is kept in one buffer, the wire format, natively and when it crosses from the
//! browser's formats module to the core module: a `u32` row count, then per row a `u32` cell
//! count and per cell a `u32` length and the UTF-8 text; then the rows past the sheet's last
//! row (`u64` count, `u32` number of examples, each a `u64` sheet row, `u32` length and text).
//! Little-endian. [`Table::decode`] checks it on the way in, so damaged bytes are an error,
//! never a panic; rows are then read in place, never copied into strings.
use super::accounting::{RowAccount, SkipReason};
use super::rows::RowParser;
use super::sniff;
use super::{summary, Detected, IngestOptions, Ingested};
use crate::error::{Error, Result};

/// Recognises a workbook by its container signature (an .ods is a zip too: `workbook` tells
/// it from an .xlsx).
pub fn kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some("xls");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Some("xlsx");
    }
    None
}

/// A sheet in wire bytes (see the module doc), checked.
pub struct Table<'a> {
    body: &'a [u8],
    n_rows: u32,
    /// Rows past the sheet's last row, and the first ones (sheet row, text).
    pub beyond: u64,
    pub beyond_examples: Vec<(u64, String)>,
}

impl<'a> Table<'a> {
    /// The sheet from wire bytes; an error when they are not what `workbook` writes.
    pub fn decode(bytes: &'a [u8]) -> Result<Table<'a>> {
        let mut r = Wire { bytes, at: 0 };
        let n_rows = r.count()?;
        let start = r.at;
        for _ in 0..n_rows {
            let n_cells = r.count()?;
            for _ in 0..n_cells {
                let len = r.take(4).map(le_u32)?;
                std::str::from_utf8(r.take(len)?).map_err(|_| damaged())?;
            }
        }
        let body = &bytes[start..r.at];
        let beyond = u64::from_le_bytes(r.take(8)?.try_into().map_err(|_| damaged())?);
        let n_examples = r.count()?;
        let mut beyond_examples = Vec::with_capacity(n_examples.min(3));
        for _ in 0..n_examples {
            let line = u64::from_le_bytes(r.take(8)?.try_into().map_err(|_| damaged())?);
            let len = r.take(4).map(le_u32)?;
            let text = std::str::from_utf8(r.take(len)?).map_err(|_| damaged())?;
            beyond_examples.push((line, text.to_owned()));
        }
        if r.at != bytes.len() || n_examples > beyond.min(3) as usize {
            return Err(damaged());
        }
        Ok(Table {
            body,
            n_rows: n_rows as u32,
            beyond,
            beyond_examples,
        })
    }

    pub fn n_rows(&self) -> usize {
        self.n_rows as usize
    }

    /// A hash of every cell (the wire bytes hold them all, with their lengths), to seed the
    /// hashes of ids and dates (see `seeded`).
    pub fn seed(&self) -> u64 {
        super::seeded::seed_of(self.body)
    }

    /// The rows, each as its cells' text (empty cells between filled ones are `""`).
    pub fn rows(&self) -> Rows<'a> {
        Self::rows_of(self.body, self.n_rows)
    }

    /// Rows of wire bytes written by `workbook` itself (not re-checked).
    pub(crate) fn rows_of(body: &'a [u8], n_rows: u32) -> Rows<'a> {
        Rows {
            wire: Wire { bytes: body, at: 0 },
            left: n_rows,
        }
    }
}

#[derive(Clone)]
pub struct Rows<'a> {
    wire: Wire<'a>,
    left: u32,
}

impl<'a> Iterator for Rows<'a> {
    type Item = Vec<&'a str>;

    fn next(&mut self) -> Option<Vec<&'a str>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let n = self.wire.take(4).map(le_u32).ok()?;
        let mut row = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            let len = self.wire.take(4).map(le_u32).ok()?;
            let text = self.wire.take(len).ok()?;
            row.push(std::str::from_utf8(text).unwrap_or_default());
        }
        Some(row)
    }
}

/// A reader over the wire bytes that fails, never panics, past their end.
#[derive(Clone)]
struct Wire<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Wire<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(damaged)?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    /// A row, cell or example count. Each item takes at least 4 bytes, so a count beyond
    /// the bytes left is damage, not a reason to reserve gigabytes.
    fn count(&mut self) -> Result<usize> {
        let n = self.take(4).map(le_u32)?;
        if n > (self.bytes.len() - self.at) / 4 {
            return Err(damaged());
        }
        Ok(n)
    }
}

fn le_u32(b: &[u8]) -> usize {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
}

fn damaged() -> Error {
    Error::new(
        "invalid_table",
        "the workbook rows handed to the core are damaged (not the formats module's output)",
    )
    .with_hint("pass the bytes and description that the formats module's decode() returned")
}

/// Workbook rows through the same sniffer and row parser as text.
pub fn from_table(table: &Table, opts: &IngestOptions, detected: Detected) -> Result<Ingested> {
    let non_empty = |r: &Vec<&str>| r.iter().any(|c| !c.trim().is_empty());
    let sample: Vec<Vec<String>> = table
        .rows()
        .filter(non_empty)
        .take(sniff::SAMPLE_ROWS)
        .map(|r| r.into_iter().map(str::to_owned).collect())
        .collect();
    if sample.is_empty() {
        return Err(Error::new(
            "empty_file",
            "the workbook's first sheet has no rows",
        ));
    }
    let beyond = |account: &mut RowAccount| {
        account.skip_many(
            SkipReason::BeyondRowLimit,
            table.beyond,
            &table.beyond_examples,
        )
    };
    let records = || {
        table
            .rows()
            .filter(non_empty)
            .map(|r| Ok(csv::StringRecord::from(r)))
    };
    if let Some(read) = super::read_named(&sample, records, opts, detected.clone()) {
        let mut read = read?;
        // Rows past the sheet's last row are counted whatever the sheet holds.
        if let Ingested::Summary(_, account, _)
        | Ingested::Survival(_, account, _)
        | Ingested::Subscriptions(_, account, _) = &mut read
        {
            beyond(account);
        }
        return Ok(read);
    }
    if sample
        .first()
        .is_some_and(|h| summary::looks_like_summary(h))
    {
        return Err(summary::summary_error(&sample[0]));
    }
    let layout = sniff::decide_layout(&sample, opts)?;
    let mut parser = RowParser::new(&layout, opts, table.n_rows(), table.seed());
    // Leading empty rows before the table (and the header) are not rows.
    let start = table.rows().position(|r| non_empty(&r)).unwrap_or(0);
    let skip = usize::from(layout.has_header);
    for (i, row) in table.rows().enumerate().skip(start + skip) {
        parser.push(&row, i as u64 + 1);
    }
    beyond(&mut parser.account);
    parser.finish(detected)
}

#[cfg(all(test, feature = "formats"))]
mod tests {
    use super::*;
    use crate::ingest::workbook::encode_rows;

    #[test]
    fn wire_format_round_trips_and_rejects_damage() {
        let rows = vec![
            vec!["客户".to_string(), "Дата".into(), String::new()],
            vec![],
            vec!["a1".into(), "45000".into()],
        ];
        let bytes = encode_rows(&rows);
        let t = Table::decode(&bytes).unwrap();
        let back: Vec<Vec<String>> = t
            .rows()
            .map(|r| r.into_iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(back, rows);
        assert_eq!(Table::decode(&encode_rows(&[])).unwrap().rows().count(), 0);
        for cut in 0..bytes.len() {
            assert_eq!(
                Table::decode(&bytes[..cut]).err().unwrap().code,
                "invalid_table"
            );
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(Table::decode(&extra).is_err());
        let mut huge = bytes.clone();
        huge[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Table::decode(&huge).is_err());
        let mut not_utf8 = encode_rows(&[vec!["ab".into()]]);
        let at = not_utf8.len() - 13;
        not_utf8[at] = 0xFF;
        assert!(Table::decode(&not_utf8).is_err());
    }
}
