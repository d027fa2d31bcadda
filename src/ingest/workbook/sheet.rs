//! The sheet a reader fills: cells written straight into `table`'s wire format, each charged
//! to the budget before it is stored.
//!
//! Cells arrive in sheet order in every workbook we have seen (the formats require it), so
//! they are appended as they come: a cell costs its text and 4 bytes. A cell that arrives out
//! of order (a damaged or hand-made file) switches the sheet to a sorted list, rebuilt in order
//! at the end; a later cell at the same place wins, as in Excel.
use super::{Budget, MAX_COLUMNS, SHEET_ROWS};
use crate::error::Result;
use crate::ingest::accounting::EXAMPLES_PER_REASON;

pub struct SheetBuilder {
    /// The wire bytes so far: the row count (patched at the end), then the rows.
    out: Vec<u8>,
    rows: u32,
    /// Offset of the current row's cell count (patched when the row ends).
    row_at: usize,
    cells: u32,
    /// Cells by `row << 32 | column`, once one arrived out of order.
    unordered: Option<Vec<(u64, String)>>,
    beyond: u64,
    beyond_examples: Vec<(u64, String)>,
    last_beyond: Option<u64>,
    budget: Budget,
}

impl SheetBuilder {
    pub fn new(budget: Budget) -> Self {
        SheetBuilder {
            out: vec![0; 4],
            rows: 0,
            row_at: 0,
            cells: 0,
            unordered: None,
            beyond: 0,
            beyond_examples: Vec::new(),
            last_beyond: None,
            budget,
        }
    }

    /// The budget shared with what else the reader keeps (shared strings).
    pub fn budget(&mut self) -> &mut Budget {
        &mut self.budget
    }

    /// The cell at 0-based `row`, `col`. Empty text is no cell; columns from `MAX_COLUMNS`
    /// on are ignored; rows from `SHEET_ROWS` on are counted (`beyond_rows`), not stored.
    pub fn cell(&mut self, row: u64, col: u64, text: &str) -> Result<()> {
        if text.is_empty() || col >= MAX_COLUMNS {
            return Ok(());
        }
        if row >= SHEET_ROWS {
            if self.last_beyond != Some(row) {
                self.beyond_rows(row, 1, text);
            }
            return Ok(());
        }
        let (row, col) = (row as u32, col as u32);
        if let Some(list) = &mut self.unordered {
            self.budget.charge(40 + text.len())?;
            list.push(((row as u64) << 32 | col as u64, text.to_owned()));
            return Ok(());
        }
        let behind = row + 1 < self.rows || (row + 1 == self.rows && col < self.cells);
        if behind {
            self.make_unordered()?;
            return self.cell(row.into(), col.into(), text);
        }
        while self.rows <= row {
            self.start_row()?;
        }
        while self.cells < col {
            self.put("")?;
        }
        self.put(text)
    }

    /// `n` rows from 0-based `row` on that lie past the sheet's last row: counted, with the
    /// first ones' text as examples.
    pub fn beyond_rows(&mut self, row: u64, n: u64, text: &str) {
        self.beyond = self.beyond.saturating_add(n);
        self.last_beyond = Some(row.saturating_add(n - 1));
        if self.beyond_examples.len() < EXAMPLES_PER_REASON {
            let text: String = text.chars().take(200).collect();
            self.beyond_examples.push((row.saturating_add(1), text));
        }
    }

    /// The wire bytes (`table`'s format).
    pub fn finish(mut self) -> Result<Vec<u8>> {
        if let Some(mut list) = self.unordered.take() {
            // Stable: of two cells at one place the later stays last, and wins.
            list.sort_by_key(|c| c.0);
            let mut sorted = SheetBuilder::new(self.budget);
            for (i, (key, text)) in list.iter().enumerate() {
                if list.get(i + 1).is_some_and(|next| next.0 == *key) {
                    continue;
                }
                sorted.cell(key >> 32, key & 0xFFFF_FFFF, text)?;
            }
            sorted.beyond = self.beyond;
            sorted.beyond_examples = self.beyond_examples;
            return sorted.finish();
        }
        self.end_row();
        self.budget.charge(12 + self.beyond_examples.len() * 212)?;
        let rows = self.rows.to_le_bytes();
        self.out[..4].copy_from_slice(&rows);
        self.out.extend_from_slice(&self.beyond.to_le_bytes());
        self.out
            .extend_from_slice(&(self.beyond_examples.len() as u32).to_le_bytes());
        for (line, text) in &self.beyond_examples {
            self.out.extend_from_slice(&line.to_le_bytes());
            self.out
                .extend_from_slice(&(text.len() as u32).to_le_bytes());
            self.out.extend_from_slice(text.as_bytes());
        }
        Ok(self.out)
    }

    fn start_row(&mut self) -> Result<()> {
        self.budget.charge(4)?;
        self.end_row();
        self.row_at = self.out.len();
        self.out.extend_from_slice(&[0; 4]);
        self.rows += 1;
        self.cells = 0;
        Ok(())
    }

    fn end_row(&mut self) {
        if self.rows > 0 {
            let n = self.cells.to_le_bytes();
            self.out[self.row_at..self.row_at + 4].copy_from_slice(&n);
        }
    }

    fn put(&mut self, text: &str) -> Result<()> {
        self.budget.charge(4 + text.len())?;
        self.out
            .extend_from_slice(&(text.len() as u32).to_le_bytes());
        self.out.extend_from_slice(text.as_bytes());
        self.cells += 1;
        Ok(())
    }

    /// The cells written so far become the sorted list's first entries.
    fn make_unordered(&mut self) -> Result<()> {
        self.end_row();
        let out = std::mem::take(&mut self.out);
        let rows = crate::ingest::table::Table::rows_of(&out[4..], self.rows);
        let mut list = Vec::new();
        for (r, row) in rows.enumerate() {
            for (c, text) in row.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
                self.budget.charge(40 + text.len())?;
                list.push(((r as u64) << 32 | c as u64, (*text).to_owned()));
            }
        }
        self.unordered = Some(list);
        Ok(())
    }
}

/// Rows as wire bytes, with no limit (tests).
#[cfg(test)]
pub fn encode_rows(rows: &[Vec<String>]) -> Vec<u8> {
    let limits = super::Limits {
        stored: usize::MAX,
        inflated: u64::MAX,
    };
    let mut b = SheetBuilder::new(Budget::new("xlsx", limits));
    for (r, row) in rows.iter().enumerate() {
        if b.rows <= r as u32 {
            b.start_row().expect("no limit");
        }
        for text in row {
            b.put(text).expect("no limit");
        }
    }
    b.finish().expect("no limit")
}
