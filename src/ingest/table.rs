//! A workbook's first sheet as rows of cell text: what `workbook` (the formats feature) makes
//! of an .xlsx/.xls/.ods, read by the same sniffer and row parser as CSV text.
//!
//! In the browser the sheet is read by the formats module and crosses to the core module as
//! bytes: [`encode`] and [`decode`] are that wire format (a `u32` row count, then per row a
//! `u32` cell count and per cell a `u32` length and the UTF-8 text; little-endian), checked
//! on the way in so that damaged bytes are an error, never a panic.
use super::rows::RowParser;
use super::sniff;
use super::{summary, Detected, IngestOptions, Ingested};
use crate::error::{Error, Result};

/// Recognises a workbook by its container signature.
pub fn kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some("xls");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Some("xlsx");
    }
    None
}

/// The rows as wire bytes (see the module doc).
#[cfg(any(feature = "formats", test))]
pub fn encode(rows: &[Vec<String>]) -> Vec<u8> {
    let cells: usize = rows
        .iter()
        .map(|r| r.iter().map(|c| 4 + c.len()).sum::<usize>() + 4)
        .sum();
    let mut out = Vec::with_capacity(4 + cells);
    let put = |n: usize, out: &mut Vec<u8>| out.extend_from_slice(&(n as u32).to_le_bytes());
    put(rows.len(), &mut out);
    for row in rows {
        put(row.len(), &mut out);
        for cell in row {
            put(cell.len(), &mut out);
            out.extend_from_slice(cell.as_bytes());
        }
    }
    out
}

/// The rows from wire bytes; an error when the bytes are not what [`encode`] writes.
pub fn decode(bytes: &[u8]) -> Result<Vec<Vec<String>>> {
    let mut r = Wire { bytes, at: 0 };
    let n_rows = r.count()?;
    let mut rows = Vec::with_capacity(n_rows);
    for _ in 0..n_rows {
        let n_cells = r.count()?;
        let mut row = Vec::with_capacity(n_cells);
        for _ in 0..n_cells {
            let len = r.take(4).map(le_u32)?;
            let text = std::str::from_utf8(r.take(len)?).map_err(|_| damaged())?;
            row.push(text.to_owned());
        }
        rows.push(row);
    }
    if r.at != bytes.len() {
        return Err(damaged());
    }
    Ok(rows)
}

/// A reader over the wire bytes that fails, never panics, past their end.
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

    /// A row or cell count. Each item takes at least 4 bytes, so a count beyond the bytes
    /// left is damage, not a reason to reserve gigabytes.
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
pub fn from_table(
    table: &[Vec<String>],
    opts: &IngestOptions,
    detected: Detected,
) -> Result<Ingested> {
    let non_empty = |r: &Vec<String>| r.iter().any(|c| !c.trim().is_empty());
    let sample: Vec<Vec<String>> = table
        .iter()
        .filter(|r| non_empty(r))
        .take(sniff::SAMPLE_ROWS)
        .cloned()
        .collect();
    if sample.is_empty() {
        return Err(Error::new(
            "empty_file",
            "the workbook's first sheet has no rows",
        ));
    }
    if opts.summary {
        let records = table
            .iter()
            .filter(|r| non_empty(r))
            .map(|r| Ok(csv::StringRecord::from(r.clone())));
        return summary::read(&sample, records, opts, detected);
    }
    if sample
        .first()
        .is_some_and(|h| summary::looks_like_summary(h))
    {
        return Err(summary::summary_error(&sample[0]));
    }
    let layout = sniff::decide_layout(&sample, opts)?;
    let mut parser = RowParser::new(&layout, opts, table.len());
    // Leading empty rows before the table (and the header) are not rows.
    let start = table.iter().position(non_empty).unwrap_or(table.len());
    let skip = usize::from(layout.has_header);
    for (i, row) in table.iter().enumerate().skip(start + skip) {
        parser.push(row, i as u64 + 1);
    }
    parser.finish(detected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_format_round_trips_and_rejects_damage() {
        let rows = vec![
            vec!["客户".to_string(), "Дата".into(), String::new()],
            vec![],
            vec!["a1".into(), "45000".into()],
        ];
        let bytes = encode(&rows);
        assert_eq!(decode(&bytes).unwrap(), rows);
        assert_eq!(decode(&encode(&[])).unwrap(), Vec::<Vec<String>>::new());
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut]).unwrap_err().code, "invalid_table");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(decode(&extra).is_err());
        let mut huge = bytes.clone();
        huge[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&huge).is_err());
        let mut not_utf8 = encode(&[vec!["ab".into()]]);
        let last = not_utf8.len() - 1;
        not_utf8[last] = 0xFF;
        assert!(decode(&not_utf8).is_err());
    }
}
