//! Excel and OpenDocument workbooks (`formats` feature): the first sheet's cells, read under
//! limits derived from the file's size before anything is allocated.
//!
//! The readers are our own: `.xlsx` and `.ods` stream their XML (quick-xml over zip's inflater,
//! `xml`), `.xls` reads the BIFF records of the compound file (`cfb`, `xls`). calamine, which
//! read them before, allocates inside its open call with no limit we could set: it reserved
//! room for a declared shared-string count (a 2 KB .xlsx asked for 2.4 TB), for an .xls
//! DIMENSIONS record with its first row after its last (515 GB), and for the bounding box of
//! all cells (a far cell in an .xls: 137 GB); it expanded .ods repeat counts into cells and
//! copied text four times. An abort there kills the browser's formats module.
//!
//! Every reader writes the sheet straight into the wire format of `table` (`sheet`): cell text
//! back to back, 4 bytes of length each. Three limits hold for every format:
//! - **stored bytes** (`Limits::stored`): the sheet, the shared strings and the bookkeeping of
//!   both, counted before each allocation: `min(256 MiB, 16 MiB + 64 × file size)`;
//! - **inflated bytes** (`Limits::inflated`): what zip entries expand to, counted while
//!   streaming (declared sizes are checked first but may lie):
//!   `min(1 GiB, 16 MiB + 128 × file size)`;
//! - **one XML token** (element tag, text run, comment): `MAX_TOKEN`, so a text node of
//!   gigabytes is never buffered.
//!
//! Past a limit the read stops with `workbook_too_large`; a damaged container or record is
//! `unreadable_workbook`. Rows after sheet row 1,048,576 (Excel's and LibreOffice's last) are
//! counted under `beyondRowLimit`, never stored.
mod cfb;
mod ods;
mod sheet;
mod xls;
mod xlsx;
mod xml;

#[cfg(test)]
pub use sheet::encode_rows;

use crate::error::{Error, Result};

/// Rows a sheet may have: Excel's (and LibreOffice's) 1,048,576.
pub const SHEET_ROWS: u64 = 1_048_576;
/// Columns read from a sheet: far more than any transaction export has; later ones are
/// ignored (documented in docs/report.md).
pub const MAX_COLUMNS: u64 = 1024;
/// Longest XML token (a tag with its attributes, a text run, a comment) the readers buffer.
/// Excel's longest cell is 32,767 characters (≤ 128 KiB escaped); 4 MiB is far beyond any
/// real workbook.
pub const MAX_TOKEN: usize = 4 << 20;

/// The limits of one read, derived from the file's size (see the module doc).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub stored: usize,
    pub inflated: u64,
}

impl Limits {
    pub fn for_file(len: usize) -> Self {
        let len = len as u64;
        Limits {
            stored: (16u64 << 20)
                .saturating_add(len.saturating_mul(64))
                .min(256 << 20) as usize,
            inflated: (16u64 << 20)
                .saturating_add(len.saturating_mul(128))
                .min(1 << 30),
        }
    }
}

/// The first sheet of a workbook as wire bytes (`table`). `kind` is what `table::kind`
/// recognised: `xls`, or `xlsx` for any zip (an OpenDocument spreadsheet is told apart here).
pub fn read_first_sheet(bytes: &[u8], kind: &str) -> Result<(&'static str, Vec<u8>)> {
    let limits = Limits::for_file(bytes.len());
    match kind {
        "xls" => Ok(("xls", xls::read(bytes, limits)?)),
        _ => {
            let mut pkg = xml::Package::open(bytes, limits)?;
            if pkg.is_ods() {
                Ok(("ods", ods::read(&mut pkg)?))
            } else {
                Ok(("xlsx", xlsx::read(&mut pkg)?))
            }
        }
    }
}

/// A damaged workbook: its container or records are not what the format says.
pub fn unreadable(kind: &str, what: impl std::fmt::Display) -> Error {
    Error::new(
        "unreadable_workbook",
        format!("the {kind} workbook could not be read: {what}"),
    )
    .with_hint("save the sheet as CSV (UTF-8) and load that")
}

/// A workbook past one of the limits: what it would take, and which limit.
pub fn too_large(kind: &str, what: impl std::fmt::Display) -> Error {
    Error::new(
        "workbook_too_large",
        format!("the {kind} workbook was not read: {what}"),
    )
    .with_hint(
        "save the sheet as CSV (UTF-8) and load that: a CSV is read as a stream, a workbook \
         must fit in memory (docs/report.md, \"Workbook bounds\")",
    )
}

/// Bytes still allowed for what a reader keeps (the sheet, shared strings and their
/// bookkeeping). Charged before each allocation.
#[derive(Debug)]
pub struct Budget {
    kind: &'static str,
    limit: usize,
    used: usize,
}

impl Budget {
    pub fn new(kind: &'static str, limits: Limits) -> Self {
        Budget {
            kind,
            limit: limits.stored,
            used: 0,
        }
    }

    pub fn charge(&mut self, bytes: usize) -> Result<()> {
        self.check(bytes)?;
        self.used += bytes;
        Ok(())
    }

    /// Fails when `bytes` more (held for a moment, or about to be charged) would not fit.
    pub fn check(&self, bytes: usize) -> Result<()> {
        if self.used.saturating_add(bytes) > self.limit {
            return Err(too_large(
                self.kind,
                format!(
                    "its first sheet's cells (with any shared strings) take more than {} MiB in \
                     memory, the limit for a file of this size",
                    self.limit >> 20
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_grow_with_the_file_up_to_a_ceiling() {
        let small = Limits::for_file(1000);
        assert_eq!(small.stored, (16 << 20) + 64_000);
        assert_eq!(small.inflated, (16 << 20) + 128_000);
        let big = Limits::for_file(10 << 20);
        assert_eq!(big.stored, 256 << 20);
        assert_eq!(big.inflated, 1 << 30);
        let mut b = Budget::new("xlsx", small);
        assert!(b.charge(small.stored).is_ok());
        assert_eq!(b.charge(1).unwrap_err().code, "workbook_too_large");
    }
}
