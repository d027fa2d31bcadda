//! Quoted fields under a bound, and the physical line each record starts on.
//!
//! A stream adapter between the decoded text and the CSV reader. It follows the reader's
//! quoting rules (a quote opens a field only at its start, `""` inside is a quote, line breaks
//! inside are part of the field) for two reasons:
//!
//! - **An unclosed quote must not swallow the file.** A quoted field that runs across more
//!   than [`MAX_QUOTED_LINES`] line breaks or [`MAX_QUOTED_BYTES`] bytes, or to the end of
//!   the file, is a stray quote: it is dropped, and the text after it is read again as
//!   ordinary fields (its line is read without the quote, every later line as itself). Each
//!   such quote is counted with its line (`repairs.unclosedQuote`). Before, one stray quote at
//!   row 1,000 of 2,000 turned 999 rows into one `wrongFieldCount` row.
//! - **Line numbers.** The csv crate's record positions are off after CRLF line ends and
//!   blank lines (it reports the end of the previous record), so the lines of examples were
//!   off by one. Here every line that can start a record is noted with its stream offset and
//!   physical line; a record takes the first note at or after the position the reader gives.
//!
//! Bytes are held back only while a quoted field is open (to drop its quote if it never
//! closes), so memory stays within the bound plus one read chunk.
use memchr::memchr3;
use std::collections::VecDeque;
use std::io::{self, Read};

/// Line breaks a quoted field may span (a multi-line note or address has a handful).
pub const MAX_QUOTED_LINES: u64 = 100;
/// Bytes a quoted field may hold (1 MiB).
pub const MAX_QUOTED_BYTES: usize = 1 << 20;

/// Bytes read from the inner stream at a time.
const CHUNK: usize = 64 * 1024;

/// Stray quotes kept as examples (line and the text after the quote).
const EXAMPLES: usize = 3;
/// Bytes of text kept after a stray quote for its example.
const EXAMPLE_BYTES: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Outside quotes: at a field's start, or inside an unquoted field.
    Plain,
    Quoted,
}

/// An open quoted field: emission stops at its quote until it closes.
#[derive(Debug, Clone, Copy)]
struct Open {
    /// Index of the quote in `buf`.
    at: usize,
    /// Physical line of the quote.
    line: u64,
    /// Line breaks inside so far.
    breaks: u64,
}

pub struct QuoteGuard<R> {
    inner: R,
    delimiter: u8,
    buf: Vec<u8>,
    /// Next byte of `buf` to hand to the reader.
    pos: usize,
    /// Next byte of `buf` to scan.
    scan: usize,
    /// The byte before `buf[0]` (`None` at the start of the stream).
    before: Option<u8>,
    state: State,
    open: Option<Open>,
    /// Physical line (1-based) of `buf[scan]`.
    line: u64,
    /// `buf[scan - 1]` was a CR (a LF right after it ends the same line).
    after_cr: bool,
    /// `buf[scan]` begins a line (outside quotes).
    line_start: bool,
    /// Stream offset of `buf[0]`.
    offset: u64,
    /// (stream offset, physical line) of each line that can start a record, not yet claimed.
    starts: VecDeque<(u64, u64)>,
    eof: bool,
    /// Stray quotes dropped, and the first few (line, text after the quote).
    pub stray: u64,
    pub examples: Vec<(u64, String)>,
}

impl<R: Read> QuoteGuard<R> {
    /// `delimiter`: the byte that separates fields (a quote after it opens a field).
    pub fn new(inner: R, delimiter: u8) -> Self {
        QuoteGuard {
            inner,
            delimiter,
            buf: Vec::new(),
            pos: 0,
            scan: 0,
            before: None,
            state: State::Plain,
            open: None,
            line: 1,
            after_cr: false,
            line_start: true,
            offset: 0,
            starts: VecDeque::new(),
            eof: false,
            stray: 0,
            examples: Vec::new(),
        }
    }

    /// The physical line of the record the reader says starts at or after stream offset
    /// `position` (the csv crate's record position, which may lie before the record).
    pub fn line_of(&mut self, position: u64) -> u64 {
        while self.starts.front().is_some_and(|&(at, _)| at < position) {
            self.starts.pop_front();
        }
        match self.starts.pop_front() {
            Some((_, line)) => line,
            None => self.line,
        }
    }

    /// Scans `buf[scan..]` as far as the quoting allows. An open field that passed a bound,
    /// or reached the end of the input, is recovered and the rest scanned again.
    fn scan(&mut self) {
        loop {
            while self.scan < self.buf.len() {
                let progressed = match self.state {
                    State::Plain => {
                        self.scan_plain();
                        true
                    }
                    State::Quoted => self.scan_quoted(),
                };
                if !progressed {
                    break;
                }
            }
            match self.open {
                Some(open)
                    if self.scan - open.at > MAX_QUOTED_BYTES
                        || (self.eof && self.scan >= self.buf.len()) =>
                {
                    self.recover(open)
                }
                _ => return,
            }
        }
    }

    /// Counts a line break at `buf[i]` (`\n`, or `\r` not followed by `\n`).
    fn line_break(&mut self, i: usize) -> bool {
        let b = self.buf[i];
        let crlf = b == b'\n' && i == self.scan && self.after_cr;
        if !crlf {
            self.line += 1;
        }
        self.after_cr = b == b'\r';
        self.scan = i + 1;
        !crlf
    }

    fn scan_plain(&mut self) {
        if self.line_start && !matches!(self.buf[self.scan], b'\n' | b'\r') {
            self.starts
                .push_back((self.offset + self.scan as u64, self.line));
            self.line_start = false;
        }
        let rest = &self.buf[self.scan..];
        let Some(k) = memchr3(b'"', b'\n', b'\r', rest) else {
            self.scan = self.buf.len();
            self.after_cr = false;
            return;
        };
        let i = self.scan + k;
        if k > 0 {
            self.after_cr = false;
        }
        match self.buf[i] {
            b'"' => {
                let prev = match i {
                    0 => self.before,
                    _ => Some(self.buf[i - 1]),
                };
                let field_start = match prev {
                    None => true,
                    Some(p) => p == self.delimiter || p == b'\n' || p == b'\r',
                };
                if field_start {
                    self.state = State::Quoted;
                    self.open = Some(Open {
                        at: i,
                        line: self.line,
                        breaks: 0,
                    });
                }
                self.after_cr = false;
                self.scan = i + 1;
            }
            _ => {
                self.line_break(i);
                self.line_start = true;
            }
        }
    }

    /// Scans inside a quoted field; false when it needs more input to decide.
    fn scan_quoted(&mut self) -> bool {
        let Some(open) = self.open else {
            self.state = State::Plain;
            return true;
        };
        let rest = &self.buf[self.scan..];
        let Some(k) = memchr3(b'"', b'\n', b'\r', rest) else {
            self.scan = self.buf.len();
            self.after_cr = false;
            return true;
        };
        let i = self.scan + k;
        if k > 0 {
            self.after_cr = false;
        }
        if self.buf[i] == b'"' {
            let next = match self.buf.get(i + 1) {
                // `""`: a quote inside the field.
                Some(b'"') => {
                    self.scan = i + 2;
                    return true;
                }
                Some(_) => i + 1,
                None if self.eof => i + 1,
                None => {
                    self.scan = i;
                    return false;
                }
            };
            self.after_cr = false;
            if next - open.at > MAX_QUOTED_BYTES {
                self.recover(open);
            } else {
                self.state = State::Plain;
                self.open = None;
                self.scan = next;
            }
            return true;
        }
        if self.line_break(i) {
            let breaks = open.breaks + 1;
            self.open = Some(Open { breaks, ..open });
            if breaks > MAX_QUOTED_LINES {
                self.recover(open);
            }
        }
        true
    }

    /// Reads again from just after the stray quote, which is removed from the stream.
    fn recover(&mut self, open: Open) {
        self.stray += 1;
        if self.examples.len() < EXAMPLES {
            let after = &self.buf[open.at + 1..];
            let end = after
                .iter()
                .take(EXAMPLE_BYTES)
                .position(|&b| b == b'\n' || b == b'\r')
                .unwrap_or(after.len().min(EXAMPLE_BYTES));
            let text = String::from_utf8_lossy(&after[..end]).into_owned();
            self.examples.push((open.line, text));
        }
        self.buf.remove(open.at);
        self.open = None;
        self.state = State::Plain;
        self.scan = open.at;
        self.line = open.line;
        self.after_cr = false;
        self.line_start = false;
    }

    /// Reads more input, first moving what is still needed to the front of `buf`.
    fn fill(&mut self) -> io::Result<()> {
        if self.pos > 0 {
            self.before = Some(self.buf[self.pos - 1]);
            self.buf.drain(..self.pos);
            self.offset += self.pos as u64;
            self.scan -= self.pos;
            if let Some(open) = &mut self.open {
                open.at -= self.pos;
            }
            self.pos = 0;
        }
        let len = self.buf.len();
        self.buf.resize(len + CHUNK, 0);
        let n = loop {
            match self.inner.read(&mut self.buf[len..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => break r,
            }
        };
        self.buf.truncate(len + *n.as_ref().unwrap_or(&0));
        match n {
            Ok(0) => self.eof = true,
            Ok(_) => {}
            Err(e) => return Err(e),
        }
        Ok(())
    }
}

impl<R: Read> Read for QuoteGuard<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            let ready = self.open.map_or(self.scan, |o| o.at);
            if ready > self.pos {
                let n = (ready - self.pos).min(out.len());
                out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            // At the end of the input `scan` has closed or recovered every field.
            if self.eof {
                return Ok(0);
            }
            self.fill()?;
            self.scan();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records (first field) and their physical lines, through the guard as ingest reads.
    fn records(text: &str) -> (Vec<(String, u64)>, u64) {
        let guard = QuoteGuard::new(text.as_bytes(), b',');
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(guard);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while rdr.read_byte_record(&mut rec).unwrap() {
            let p = rec.position().map_or(0, |p| p.byte());
            let line = rdr.get_mut().line_of(p);
            out.push((String::from_utf8_lossy(&rec[0]).into_owned(), line));
        }
        (out, rdr.get_ref().stray)
    }

    fn lines(text: &str) -> Vec<u64> {
        records(text).0.into_iter().map(|(_, l)| l).collect()
    }

    #[test]
    fn physical_lines_after_crlf_blank_lines_and_quoted_breaks() {
        assert_eq!(lines("a,b\r\nc,d\r\ne,f\r\n"), [1, 2, 3]);
        assert_eq!(lines("a,b\n\nc,d\n\n\ne,f\n"), [1, 3, 6]);
        assert_eq!(lines("\n\na,b\nc,d\n"), [3, 4]);
        assert_eq!(lines("a,\"x\ny\"\nc,d\n"), [1, 3]);
        assert_eq!(lines("a,b\r\n\r\nc,d\r\n"), [1, 3]);
        assert_eq!(lines("a,b\rc,d\re"), [1, 2, 3]);
        assert_eq!(lines("a,\"x\r\n\r\ny\"\r\n\r\nc,d"), [1, 5]);
    }

    #[test]
    fn quoting_follows_the_reader() {
        let (r, stray) = records("\"a,1\",2\n\"b\"\"c\",3\nd\"e,4\n\"f\"g,5\n");
        assert_eq!(stray, 0);
        let firsts: Vec<&str> = r.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(firsts, ["a,1", "b\"c", "d\"e", "fg"]);
    }

    #[test]
    fn an_unclosed_quote_is_dropped_and_the_rest_read_again() {
        let mut text = String::new();
        for i in 1..=300 {
            let q = if i == 150 { "\"" } else { "" };
            text += &format!("c{i},2024-01-01,{q}{i}\n");
        }
        let (r, stray) = records(&text);
        assert_eq!(stray, 1);
        assert_eq!(r.len(), 300);
        assert_eq!(r[149], ("c150".to_string(), 150));
        assert_eq!(r[299], ("c300".to_string(), 300));
        let mut g = QuoteGuard::new(text.as_bytes(), b',');
        let mut out = String::new();
        g.read_to_string(&mut out).unwrap();
        assert_eq!(out, text.replace('"', ""));
        assert_eq!(g.examples, [(150, "150".to_string())]);
    }

    #[test]
    fn a_second_stray_quote_within_the_bound_is_recovered_too() {
        // Two stray quotes 50 lines apart would pair up (a legal 50-line field); a third one
        // later runs to the end and is dropped. The bound catches pairs further apart.
        let mut text = String::new();
        for i in 1..=1000 {
            let q = if i == 100 || i == 400 { "\"" } else { "" };
            text += &format!("c{i},{q}x{i}\n");
        }
        let (r, stray) = records(&text);
        assert_eq!(stray, 2, "400 − 100 lines exceed the bound");
        assert_eq!(r.len(), 1000);
        assert_eq!(r[999].1, 1000);
    }

    #[test]
    fn the_byte_bound_holds_without_line_breaks() {
        let text = format!("a,\"{}\nb,c\n", "x".repeat(MAX_QUOTED_BYTES + 10));
        let (r, stray) = records(&text);
        assert_eq!(stray, 1);
        assert_eq!(r.len(), 2);
        // A long but closed field is kept whole.
        let text = format!("a,\"{}\"\nb,c\n", "x,y\n".repeat(20));
        let (r, stray) = records(&text);
        assert_eq!((r.len(), stray), (2, 0));
    }

    #[test]
    fn chunk_boundaries_do_not_matter() {
        // Quotes, CRLFs and `""` straddling the 64 KiB chunks.
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 3 * CHUNK {
            i += 1;
            text += &format!("c{i},\"q\"\"{i}\r\n\",{i}\r\n");
        }
        let (r, stray) = records(&text);
        assert_eq!(stray, 0);
        assert_eq!(r.len(), i);
        assert_eq!(r[i - 1].1, 2 * i as u64 - 1);
    }
}
