//! Source line numbers of the used rows, stored as arithmetic runs instead of one per row.
//!
//! Lines are only read for the few examples of rows dropped after ingest (`afterAsOf`,
//! `noPurchaseInPeriod`), but a column of them cost 4 bytes a row — a tenth of a typical
//! file. Used rows' lines rise with a constant step for long stretches (one record a line,
//! or a blank line between records), so a run `(first row, its line, step)` covers each
//! stretch; a skipped row or a multi-line quoted field starts a new run.

#[derive(Debug, Clone, Copy, PartialEq)]
struct Run {
    row: u32,
    line: u32,
    step: u32,
}

/// Line of each used row, in row order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lines {
    runs: Vec<Run>,
    len: usize,
}

impl Lines {
    /// Appends the line of the next row (lines are clamped to `u32`, as the column was).
    pub fn push(&mut self, line: u64) {
        let line = line.min(u32::MAX as u64) as u32;
        let row = self.len;
        self.len += 1;
        if let Some(r) = self.runs.last_mut() {
            let offset = (row - r.row as usize) as u64;
            if offset == 1 && line > r.line {
                r.step = line - r.line;
                return;
            }
            if (r.line as u64).saturating_add(offset.saturating_mul(r.step as u64)) == line as u64 {
                return;
            }
        }
        self.runs.push(Run {
            row: row.min(u32::MAX as usize) as u32,
            line,
            step: 1,
        });
    }

    /// The line of row `i` (0 past the end).
    pub fn get(&self, i: usize) -> u64 {
        if i >= self.len {
            return 0;
        }
        let at = self.runs.partition_point(|r| r.row as usize <= i);
        match at.checked_sub(1).and_then(|k| self.runs.get(k)) {
            Some(r) => {
                let offset = (i - r.row as usize) as u64;
                (r.line as u64).saturating_add(offset.saturating_mul(r.step as u64))
            }
            None => 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of runs (memory: 12 bytes each), for tests.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_reproduce_every_line() {
        let lines: Vec<u64> = [2, 3, 4, 5, 7, 8, 9, 20, 22, 24, 26, 27, 40]
            .into_iter()
            .chain((41..1000).step_by(2))
            .collect();
        let mut l = Lines::default();
        for &x in &lines {
            l.push(x);
        }
        assert_eq!(l.len(), lines.len());
        for (i, &x) in lines.iter().enumerate() {
            assert_eq!(l.get(i), x, "row {i}");
        }
        assert_eq!(l.get(lines.len()), 0);
        assert!(l.runs() <= 6, "{} runs", l.runs());
    }

    #[test]
    fn one_record_a_line_is_one_run() {
        let mut l = Lines::default();
        for x in 2..100_002 {
            l.push(x);
        }
        assert_eq!(l.runs(), 1);
        assert_eq!(l.get(99_999), 100_001);
    }
}
