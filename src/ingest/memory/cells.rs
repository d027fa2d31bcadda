//! Columns from memory, cell by cell: text (one joined string), numbers, epoch days, or a
//! mix of kinds with a per-row code (what a JS array of mixed values becomes).
use super::super::sniff::SAMPLE_ROWS;
use crate::error::{Error, Result};

/// Per-row kind codes of a mixed column (the wire format the package's JS writes).
pub const KIND_TEXT: u8 = 0;
pub const KIND_NUMBER: u8 = 1;
pub const KIND_NULL: u8 = 2;
pub const KIND_UNDEFINED: u8 = 3;
pub const KIND_OTHER: u8 = 4;

/// Milliseconds in a day: epoch milliseconds → epoch days.
pub const MS_PER_DAY: f64 = 86_400_000.0;

/// One cell, as the row reader sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Text(&'a str),
    /// A number: an amount, or a date as epoch milliseconds (UTC; Excel serial days under
    /// `dateFormat: "excel-serial"`).
    Number(f64),
    /// A date as days since 1970-01-01.
    Day(i32),
    /// `null` or `undefined` (the word is the example text).
    Missing(&'static str),
    /// A value of another type (a boolean, an object ...) as its text: never parsed.
    Other(&'a str),
}

/// Text cells: one string and the offsets of the cells in it (cell `i` is
/// `text[offsets[i]..offsets[i + 1]]`; `offsets[0]` is 0).
#[derive(Debug, Clone, PartialEq)]
pub struct TextCells {
    text: String,
    offsets: Vec<u32>,
}

impl Default for TextCells {
    fn default() -> Self {
        TextCells {
            text: String::new(),
            offsets: vec![0],
        }
    }
}

impl TextCells {
    pub fn new<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> Result<TextCells> {
        let mut t = TextCells::default();
        for c in cells {
            t.text.push_str(c.as_ref());
            t.offsets.push(end_offset(t.text.len())?);
        }
        Ok(t)
    }

    /// What the package's JS sends: the cells' UTF-8 bytes back to back, and `offsets`, one
    /// more than there are cells (cell `i` is `bytes[offsets[i]..offsets[i + 1]]`). Bytes
    /// cross the boundary in one copy, with no JS string per cell nor a UTF-16 recount here;
    /// both are kept as they came.
    pub fn from_utf8(bytes: Vec<u8>, offsets: Vec<u32>) -> Result<TextCells> {
        end_offset(bytes.len())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid("text cells are not UTF-8"))?;
        let bad = || invalid("the text cells' offsets do not fit their bytes");
        let (&first, ends) = offsets.split_first().ok_or_else(bad)?;
        let mut at = first;
        for &e in ends {
            if e < at || !text.is_char_boundary(e as usize) {
                return Err(bad());
            }
            at = e;
        }
        if first != 0 || at as usize != text.len() {
            return Err(bad());
        }
        Ok(TextCells { text, offsets })
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> &str {
        let (start, end) = (self.offsets[i] as usize, self.offsets[i + 1] as usize);
        self.text.get(start..end).unwrap_or_default()
    }

    /// All the cells' text, back to back.
    fn as_str(&self) -> &str {
        &self.text
    }
}

pub(super) fn invalid(what: &str) -> Error {
    Error::new("invalid_columns", format!("the columns are malformed: {what}")).with_hint(
        "pass { customer, date, amount } arrays (or typed arrays), or what columnsFromRecords / columnsFromArrow return",
    )
}

fn end_offset(len: usize) -> Result<u32> {
    u32::try_from(len).map_err(|_| {
        Error::new("input_too_large", "a text column holds more than 4 GiB")
            .with_hint("analyse the orders in parts, or pass ids as numbers")
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Cells {
    Text(TextCells),
    Numbers(Vec<f64>),
    Days(Vec<i32>),
    /// `kinds[i]` (a `KIND_*` code) says where row `i`'s value is: `numbers[i]` or `text[i]`
    /// (empty when no row needs them).
    Mixed {
        kinds: Vec<u8>,
        numbers: Vec<f64>,
        text: TextCells,
    },
    /// Text cells of few distinct values (dates, channels): row `i` is `values[codes[i]]`.
    Coded {
        codes: Vec<u32>,
        values: TextCells,
    },
}

/// One column from memory and the name it is reported under (`detected.columns`, examples).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    cells: Cells,
}

impl Column {
    pub fn text(name: &str, cells: TextCells) -> Column {
        Column::of(name, Cells::Text(cells))
    }

    pub fn numbers(name: &str, values: Vec<f64>) -> Column {
        Column::of(name, Cells::Numbers(values))
    }

    /// Dates as days since 1970-01-01.
    pub fn days(name: &str, values: Vec<i32>) -> Column {
        Column::of(name, Cells::Days(values))
    }

    /// Cells of several kinds: `kinds` (the `KIND_*` codes) says where each row's value is.
    pub fn mixed(name: &str, kinds: Vec<u8>, numbers: Vec<f64>, text: TextCells) -> Result<Column> {
        let n = kinds.len();
        let needs = |k: &[u8]| kinds.iter().any(|c| k.contains(c));
        if let Some(bad) = kinds.iter().find(|&&k| k > KIND_OTHER) {
            return Err(invalid(&format!(
                "column {name:?} has the unknown cell kind {bad}"
            )));
        }
        if (needs(&[KIND_NUMBER]) && numbers.len() != n)
            || (needs(&[KIND_TEXT, KIND_OTHER]) && text.len() != n)
        {
            return Err(invalid(&format!(
                "column {name:?}: {n} cell kinds but {} numbers and {} text cells",
                numbers.len(),
                text.len()
            )));
        }
        Ok(Column::of(
            name,
            Cells::Mixed {
                kinds,
                numbers,
                text,
            },
        ))
    }

    /// Text cells as distinct `values` and one code per row (`values[codes[i]]`): what the
    /// package's JS sends for a column of few distinct strings, which it converts once each.
    pub fn coded(name: &str, codes: Vec<u32>, values: TextCells) -> Result<Column> {
        if let Some(c) = codes.iter().find(|&&c| c as usize >= values.len()) {
            return Err(invalid(&format!(
                "column {name:?}: code {c} but {} distinct values",
                values.len()
            )));
        }
        Ok(Column::of(name, Cells::Coded { codes, values }))
    }

    /// A column of any cells (for Rust callers and tests).
    pub fn from_cells(name: &str, cells: &[Cell<'_>]) -> Column {
        let mut kinds = Vec::with_capacity(cells.len());
        let mut numbers = Vec::with_capacity(cells.len());
        let mut text = Vec::with_capacity(cells.len());
        for c in cells {
            let (k, v, t) = match *c {
                Cell::Text(s) => (KIND_TEXT, 0.0, s.to_string()),
                Cell::Number(v) => (KIND_NUMBER, v, String::new()),
                Cell::Day(d) => (KIND_NUMBER, d as f64 * MS_PER_DAY, String::new()),
                Cell::Missing("undefined") => (KIND_UNDEFINED, 0.0, String::new()),
                Cell::Missing(_) => (KIND_NULL, 0.0, String::new()),
                Cell::Other(s) => (KIND_OTHER, 0.0, s.to_string()),
            };
            kinds.push(k);
            numbers.push(v);
            text.push(t);
        }
        let text = TextCells::new(text).expect("test columns are small");
        Column::of(
            name,
            Cells::Mixed {
                kinds,
                numbers,
                text,
            },
        )
    }

    fn of(name: &str, cells: Cells) -> Column {
        Column {
            name: name.to_string(),
            cells,
        }
    }

    pub fn len(&self) -> usize {
        match &self.cells {
            Cells::Text(t) => t.len(),
            Cells::Numbers(v) => v.len(),
            Cells::Days(v) => v.len(),
            Cells::Mixed { kinds, .. } => kinds.len(),
            Cells::Coded { codes, .. } => codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Dates given as epoch days (an `Int32Array`).
    pub fn is_days(&self) -> bool {
        matches!(self.cells, Cells::Days(_))
    }

    pub fn cell(&self, i: usize) -> Cell<'_> {
        match &self.cells {
            Cells::Text(t) => Cell::Text(t.get(i)),
            Cells::Numbers(v) => Cell::Number(v[i]),
            Cells::Days(v) => Cell::Day(v[i]),
            Cells::Coded { codes, values } => Cell::Text(values.get(codes[i] as usize)),
            Cells::Mixed {
                kinds,
                numbers,
                text,
            } => match kinds[i] {
                KIND_TEXT => Cell::Text(text.get(i)),
                KIND_NUMBER => Cell::Number(numbers[i]),
                KIND_NULL => Cell::Missing("null"),
                KIND_UNDEFINED => Cell::Missing("undefined"),
                _ => Cell::Other(text.get(i)),
            },
        }
    }

    /// Feeds the column to `h` in bulk: its length, its text (the cells', or the distinct
    /// values' of a coded column) and its numbers. The seed of the id table's and the date
    /// memo's hashes (see `seeded`) is made of it, so text crafted to collide changes the keys.
    pub(super) fn hash_into(&self, h: &mut impl std::hash::Hasher) {
        h.write_usize(self.len());
        match &self.cells {
            Cells::Text(t) | Cells::Coded { values: t, .. } => h.write(t.as_str().as_bytes()),
            Cells::Numbers(v) => v.iter().for_each(|x| h.write_u64(x.to_bits())),
            Cells::Days(v) => v.iter().for_each(|&d| h.write_i32(d)),
            Cells::Mixed {
                kinds,
                numbers,
                text,
            } => {
                h.write(kinds);
                numbers.iter().for_each(|x| h.write_u64(x.to_bits()));
                h.write(text.as_str().as_bytes());
            }
        }
    }

    /// The first [`SAMPLE_ROWS`] non-blank text cells: what the sniffer reads, as it reads a
    /// file's first rows.
    pub(super) fn text_sample(&self) -> Vec<&str> {
        if matches!(self.cells, Cells::Numbers(_) | Cells::Days(_)) {
            return Vec::new();
        }
        (0..self.len())
            .filter_map(|i| match self.cell(i) {
                Cell::Text(s) if !s.trim().is_empty() => Some(s),
                _ => None,
            })
            .take(SAMPLE_ROWS)
            .collect()
    }

    pub(super) fn number_sample(&self) -> impl Iterator<Item = f64> + '_ {
        (0..self.len())
            .filter_map(|i| match self.cell(i) {
                Cell::Number(v) if v.is_finite() => Some(v),
                _ => None,
            })
            .take(SAMPLE_ROWS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_offsets_split_the_bytes() {
        let cells = ["a", "", "客户", "😀x", "Дата"];
        let mut offsets = vec![0u32];
        for c in cells {
            offsets.push(offsets.last().unwrap() + c.len() as u32);
        }
        let t = TextCells::from_utf8(cells.concat().into_bytes(), offsets.clone()).unwrap();
        assert_eq!((0..t.len()).map(|i| t.get(i)).collect::<Vec<_>>(), cells);
        let bad: [(&[u8], &[u32]); 6] = [
            (b"abcd", &[0, 1, 2]),        // short of the end
            (b"abcd", &[0, 5]),           // beyond it
            (b"abcd", &[0, 3, 2, 4]),     // backwards
            (b"abcd", &[1, 4]),           // not from the start
            (b"abcd", &[]),               // no offsets at all
            ("é".as_bytes(), &[0, 1, 2]), // inside a character
        ];
        for (bytes, offsets) in bad {
            let e = TextCells::from_utf8(bytes.to_vec(), offsets.to_vec()).unwrap_err();
            assert_eq!(e.code, "invalid_columns", "{offsets:?}");
        }
        let e = TextCells::from_utf8(vec![b'a', 0xff], vec![0, 2]).unwrap_err();
        assert!(e.message.contains("not UTF-8"), "{}", e.message);
        assert!(TextCells::from_utf8(Vec::new(), vec![0])
            .unwrap()
            .is_empty());
    }

    #[test]
    fn mixed_columns_are_checked() {
        let t = TextCells::new(["a", ""]).unwrap();
        assert!(Column::mixed("c", vec![KIND_TEXT, KIND_NULL], vec![], t.clone()).is_ok());
        assert_eq!(
            Column::mixed("c", vec![KIND_TEXT, 9], vec![], t.clone())
                .unwrap_err()
                .code,
            "invalid_columns"
        );
        assert!(Column::mixed("c", vec![KIND_NUMBER, KIND_TEXT], vec![], t.clone()).is_err());
        let coded = Column::coded("c", vec![1, 0, 1], t.clone()).unwrap();
        assert_eq!(
            (coded.cell(0), coded.cell(1), coded.len()),
            (Cell::Text(""), Cell::Text("a"), 3)
        );
        assert_eq!(
            Column::coded("c", vec![2], t).unwrap_err().code,
            "invalid_columns"
        );
    }
}
