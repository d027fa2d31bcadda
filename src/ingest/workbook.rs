//! Excel and OpenDocument workbooks, read from bytes with calamine (first sheet; `formats`
//! feature).
//!
//! calamine materialises the sheet as a cell range, so workbooks (at most ~1M rows by Excel's
//! own limit) are converted to rows of text (`table`), which go through the same sniffer and
//! row parser as CSV text.
use calamine::{open_workbook_auto_from_rs, open_workbook_from_rs, Data, Reader, Xlsx};
use std::io::{self, Cursor, Read, Seek, SeekFrom};

use crate::error::{Error, Result};

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        // Date cells become Excel serial numbers; the sniffer reads them as `excel-serial`.
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Bytes past the end that read as zeros: one largest CFB sector plus the header.
const XLS_PAD: u64 = 4096 + 512;

/// The `.xls` bytes as calamine's reader, padded with zeros past the end.
///
/// calamine 0.38's compound-file reader allows sector ids up to `len / size` although the
/// sectors start after a 512-byte header; when a malformed chain points at the last ones it
/// slices out of bounds (`cfb.rs:320`, found by our fuzz target) and, in wasm, the panic
/// would kill the module. Seeking to the end still reports the true length, and a valid file
/// never reads past it, so the padding changes nothing else.
#[derive(Clone)]
struct ZeroPadded<'a> {
    bytes: &'a [u8],
    pos: u64,
}

impl Read for ZeroPadded<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let len = self.bytes.len() as u64;
        let n = if self.pos < len {
            let rest = &self.bytes[self.pos as usize..];
            let n = rest.len().min(out.len());
            out[..n].copy_from_slice(&rest[..n]);
            n
        } else {
            let n = (len + XLS_PAD)
                .saturating_sub(self.pos)
                .min(out.len() as u64) as usize;
            out[..n].fill(0);
            n
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for ZeroPadded<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let (base, delta) = match to {
            SeekFrom::Start(n) => (0, n as i64),
            SeekFrom::End(d) => (self.bytes.len() as u64, d),
            SeekFrom::Current(d) => (self.pos, d),
        };
        self.pos = base
            .checked_add_signed(delta)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before start"))?;
        Ok(self.pos)
    }
}

fn sheet_rows<RS: Read + Seek + Clone>(
    rs: RS,
    bad: impl Fn(String) -> Error,
) -> Result<Vec<Vec<String>>> {
    let mut wb = open_workbook_auto_from_rs(rs).map_err(|e| bad(e.to_string()))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| bad("it has no sheets".into()))?
        .map_err(|e| bad(e.to_string()))?;
    let (h, w) = range.get_size();
    if h.saturating_mul(w) > MAX_CELLS {
        return Err(bad(format!(
            "its first sheet spans {h} rows × {w} columns, more than {MAX_CELLS} cells"
        )));
    }
    // Rows end at their last non-empty cell: a stray cell far to the right (or a malformed
    // dimension) must not turn every row into thousands of empty strings.
    Ok(range
        .rows()
        .map(|r| {
            let used = r
                .iter()
                .rposition(|c| *c != Data::Empty)
                .map_or(0, |i| i + 1);
            r[..used].iter().map(cell_text).collect()
        })
        .collect())
}

/// Cells a sheet may span: Excel's 1,048,576 rows × 20 columns. Beyond that the sheet is
/// not a transaction table (or the file is damaged) and would exhaust wasm's memory.
const MAX_CELLS: usize = 1_048_576 * 20;

pub fn read_first_sheet(bytes: &[u8], kind: &str) -> Result<Vec<Vec<String>>> {
    let bad = |e: String| {
        Error::new(
            "unreadable_workbook",
            format!("the {kind} workbook could not be read: {e}"),
        )
        .with_hint("save the sheet as CSV (UTF-8) and load that")
    };
    match kind {
        "xls" => sheet_rows(ZeroPadded { bytes, pos: 0 }, bad),
        _ => match xlsx_rows(bytes, &bad) {
            // Not an .xlsx (e.g. .ods, also a zip): calamine's format detection.
            Err(e) if e.message.contains("not an xlsx") => sheet_rows(Cursor::new(bytes), bad),
            r => r,
        },
    }
}

/// Rows of an `.xlsx`'s first sheet, streamed cell by cell: calamine's `worksheet_range`
/// allocates the bounding box of all cells, so one stray (or forged) cell at `XFD1048576`
/// would demand gigabytes. Here only rows and cells that exist are allocated, under a budget.
fn xlsx_rows(bytes: &[u8], bad: &impl Fn(String) -> Error) -> Result<Vec<Vec<String>>> {
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| bad(format!("not an xlsx: {e}")))?;
    let name = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| bad("it has no sheets".into()))?;
    let mut cells = wb
        .worksheet_cells_reader(&name)
        .map_err(|e| bad(e.to_string()))?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut slots = 0usize;
    while let Some(cell) = cells.next_cell().map_err(|e| bad(e.to_string()))? {
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        if r >= EXCEL_ROWS || c >= MAX_COLUMNS {
            continue; // beyond Excel's rows or any transaction table's columns
        }
        let value = cell_text(&Data::from(cell.get_value().clone()));
        if value.is_empty() {
            continue;
        }
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut rows[r];
        if row.len() <= c {
            slots += c + 1 - row.len();
            if slots > MAX_CELLS {
                return Err(bad(format!(
                    "its first sheet has more than {MAX_CELLS} cells"
                )));
            }
            row.resize(c + 1, String::new());
        }
        row[c] = value;
    }
    Ok(rows)
}

const EXCEL_ROWS: usize = 1_048_576;
/// Columns read from a workbook: far more than any transaction export has.
const MAX_COLUMNS: usize = 1024;
