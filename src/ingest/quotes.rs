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
//! closes), so memory stays within the bound plus one read chunk. Text already in memory (a
//! UTF-8 file read in place) is scanned where it lies and copied once, into the reader's
//! buffer, as without the guard; a stream (a transcoded code page) passes through one buffer.
use memchr::memchr3;
use std::collections::VecDeque;
use std::io::{self, Read};

/// Line breaks a quoted field may span (a multi-line note or address has a handful).
pub const MAX_QUOTED_LINES: u64 = 100;
/// Bytes a quoted field may hold (1 MiB).
pub const MAX_QUOTED_BYTES: usize = 1 << 20;

/// Bytes scanned (or read from a stream) at a time.
const CHUNK: usize = 64 * 1024;

/// Stray quotes kept as examples (line and the text after the quote).
const EXAMPLES: usize = 3;
/// Bytes of text kept after a stray quote for its example.
const EXAMPLE_BYTES: usize = 80;

/// What the guard reads: text in memory, or a stream.
pub enum Input<'a> {
    Text(&'a [u8]),
    Stream(Box<dyn Read + 'a>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Outside quotes: at a field's start, or inside an unquoted field.
    Plain,
    Quoted,
}

/// An open quoted field: emission stops at its quote until it closes.
#[derive(Debug, Clone, Copy)]
struct Open {
    /// Index of the quote in the data.
    at: usize,
    /// Physical line of the quote.
    line: u64,
    /// Line breaks inside so far.
    breaks: u64,
}

pub struct QuoteGuard<'a> {
    /// The whole input, when it is in memory.
    text: &'a [u8],
    /// Otherwise the stream, and the bytes read from it (`buf[..avail]`).
    stream: Option<Box<dyn Read + 'a>>,
    buf: Vec<u8>,
    /// Bytes of the data that may be scanned (all of `text` in steps of [`CHUNK`]).
    avail: usize,
    delimiter: u8,
    /// Next byte of the data to hand to the reader.
    pos: usize,
    /// Next byte of the data to scan.
    scan: usize,
    /// Stream offset of `pos` (bytes handed to the reader so far).
    offset: u64,
    /// The byte before data index 0 (`None` at the start of the input).
    before: Option<u8>,
    state: State,
    open: Option<Open>,
    /// Indices of dropped quotes not yet passed by `pos`, ascending.
    skips: Vec<usize>,
    /// Physical line (1-based) of the byte at `scan`.
    line: u64,
    /// The byte before `scan` was a CR (a LF right after it ends the same line).
    after_cr: bool,
    /// The byte at `scan` begins a line (outside quotes).
    line_start: bool,
    /// (stream offset, physical line) of each line that can start a record, not yet claimed.
    starts: VecDeque<(u64, u64)>,
    /// All the input is in the data.
    eof: bool,
    /// Stray quotes dropped, and the first few (line, text after the quote).
    pub stray: u64,
    pub examples: Vec<(u64, String)>,
}

impl<'a> QuoteGuard<'a> {
    /// `delimiter`: the byte that separates fields (a quote after it opens a field).
    pub fn new(input: Input<'a>, delimiter: u8) -> Self {
        let (text, stream) = match input {
            Input::Text(t) => (t, None),
            Input::Stream(s) => (&[][..], Some(s)),
        };
        QuoteGuard {
            text,
            stream,
            buf: Vec::new(),
            avail: 0,
            delimiter,
            pos: 0,
            scan: 0,
            offset: 0,
            before: None,
            state: State::Plain,
            open: None,
            skips: Vec::new(),
            line: 1,
            after_cr: false,
            line_start: true,
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

    /// Scans the available data as far as the quoting allows. An open field that passed a
    /// bound, or reached the end of the input, is recovered and the rest scanned again.
    fn scan(&mut self) {
        let buf = std::mem::take(&mut self.buf);
        let data = match self.stream {
            None => &self.text[..self.avail],
            Some(_) => &buf[..self.avail],
        };
        loop {
            while self.scan < data.len() {
                let progressed = match self.state {
                    State::Plain => {
                        self.scan_plain(data);
                        true
                    }
                    State::Quoted => self.scan_quoted(data),
                };
                if !progressed {
                    break;
                }
            }
            match self.open {
                Some(open)
                    if self.scan - open.at > MAX_QUOTED_BYTES
                        || (self.eof && self.scan >= data.len()) =>
                {
                    self.recover(data, open)
                }
                _ => break,
            }
        }
        self.buf = buf;
    }

    /// Counts a line break at `data[i]` (`\n`, or `\r` not followed by `\n`).
    fn line_break(&mut self, data: &[u8], i: usize) -> bool {
        let b = data[i];
        let crlf = b == b'\n' && i == self.scan && self.after_cr;
        if !crlf {
            self.line += 1;
        }
        self.after_cr = b == b'\r';
        self.scan = i + 1;
        !crlf
    }

    /// The byte the reader sees before `data[i]` (dropped quotes are not seen).
    fn prev_byte(&self, data: &[u8], i: usize) -> Option<u8> {
        let mut j = i;
        loop {
            if j == 0 {
                return self.before;
            }
            j -= 1;
            if !self.skips.contains(&j) {
                return Some(data[j]);
            }
        }
    }

    fn scan_plain(&mut self, data: &[u8]) {
        if self.line_start && !matches!(data[self.scan], b'\n' | b'\r') {
            // Stream offset of `scan`: every pending skip lies before it.
            let at = self.offset + (self.scan - self.pos - self.skips.len()) as u64;
            self.starts.push_back((at, self.line));
            self.line_start = false;
        }
        let Some(k) = memchr3(b'"', b'\n', b'\r', &data[self.scan..]) else {
            self.scan = data.len();
            self.after_cr = false;
            return;
        };
        let i = self.scan + k;
        if k > 0 {
            self.after_cr = false;
        }
        if data[i] != b'"' {
            self.line_break(data, i);
            self.line_start = true;
            return;
        }
        let field_start = match self.prev_byte(data, i) {
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

    /// Scans inside a quoted field; false when it needs more input to decide.
    fn scan_quoted(&mut self, data: &[u8]) -> bool {
        let Some(open) = self.open else {
            self.state = State::Plain;
            return true;
        };
        let Some(k) = memchr3(b'"', b'\n', b'\r', &data[self.scan..]) else {
            self.scan = data.len();
            self.after_cr = false;
            return true;
        };
        let i = self.scan + k;
        if k > 0 {
            self.after_cr = false;
        }
        if data[i] == b'"' {
            let next = match data.get(i + 1) {
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
                self.recover(data, open);
            } else {
                self.state = State::Plain;
                self.open = None;
                self.scan = next;
            }
            return true;
        }
        if self.line_break(data, i) {
            let breaks = open.breaks + 1;
            self.open = Some(Open { breaks, ..open });
            if breaks > MAX_QUOTED_LINES {
                self.recover(data, open);
            }
        }
        true
    }

    /// Reads again from just after the stray quote, which the reader never sees.
    fn recover(&mut self, data: &[u8], open: Open) {
        self.stray += 1;
        if self.examples.len() < EXAMPLES {
            let after = &data[open.at + 1..];
            let end = after
                .iter()
                .take(EXAMPLE_BYTES)
                .position(|&b| b == b'\n' || b == b'\r')
                .unwrap_or(after.len().min(EXAMPLE_BYTES));
            let text = String::from_utf8_lossy(&after[..end]).into_owned();
            self.examples.push((open.line, text));
        }
        self.skips.push(open.at);
        self.open = None;
        self.state = State::Plain;
        self.scan = open.at + 1;
        self.line = open.line;
        self.after_cr = false;
        self.line_start = false;
    }

    /// Makes more data available: the next chunk of the text, or bytes read from the
    /// stream (after moving what is still needed to the front of the buffer).
    fn more(&mut self) -> io::Result<()> {
        let Some(stream) = &mut self.stream else {
            self.avail = (self.avail + CHUNK).min(self.text.len());
            self.eof = self.avail == self.text.len();
            return Ok(());
        };
        if self.pos > 0 {
            self.before = Some(self.buf[self.pos - 1]);
            self.buf.copy_within(self.pos..self.avail, 0);
            self.avail -= self.pos;
            self.scan -= self.pos;
            if let Some(open) = &mut self.open {
                open.at -= self.pos;
            }
            for s in &mut self.skips {
                *s -= self.pos;
            }
            self.pos = 0;
        }
        if self.buf.len() - self.avail < CHUNK {
            // Grown (and zeroed) only when a held field needs the room, not on every read.
            self.buf.resize(self.avail + CHUNK, 0);
        }
        let n = loop {
            match stream.read(&mut self.buf[self.avail..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => break r?,
            }
        };
        self.avail += n;
        self.eof = n == 0;
        Ok(())
    }

    /// Hands `data[pos..ready]` to the reader, less the dropped quotes.
    fn emit(&mut self, out: &mut [u8], ready: usize) -> usize {
        let data = match self.stream {
            None => self.text,
            Some(_) => &self.buf[..],
        };
        let mut w = 0;
        while w < out.len() && self.pos < ready {
            if self.skips.first() == Some(&self.pos) {
                self.skips.remove(0);
                self.pos += 1;
                continue;
            }
            let stop = self.skips.first().map_or(ready, |&s| s.min(ready));
            let n = (stop - self.pos).min(out.len() - w);
            out[w..w + n].copy_from_slice(&data[self.pos..self.pos + n]);
            w += n;
            self.pos += n;
        }
        self.offset += w as u64;
        w
    }
}

impl Read for QuoteGuard<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            let ready = self.open.map_or(self.scan, |o| o.at);
            if ready > self.pos {
                let n = self.emit(out, ready);
                if n > 0 || out.is_empty() {
                    return Ok(n);
                }
                continue;
            }
            // At the end of the input `scan` has closed or recovered every field.
            if self.eof {
                return Ok(0);
            }
            self.more()?;
            self.scan();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream that returns at most 7 bytes a read.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = out.len().min(7).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// Records (first field) and their physical lines, through the guard as ingest reads.
    fn records(text: &str) -> (Vec<(String, u64)>, u64) {
        let guard = QuoteGuard::new(Input::Text(text.as_bytes()), b',');
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
        let mut g = QuoteGuard::new(Input::Text(text.as_bytes()), b',');
        let mut out = String::new();
        g.read_to_string(&mut out).unwrap();
        assert_eq!(out, text.replace('"', ""));
        assert_eq!(g.examples, [(150, "150".to_string())]);
        // The same through a stream that hands out a few bytes at a time.
        let trickle = Trickle(text.as_bytes());
        let mut g = QuoteGuard::new(Input::Stream(Box::new(trickle)), b',');
        let mut out = String::new();
        g.read_to_string(&mut out).unwrap();
        assert_eq!(out, text.replace('"', ""));
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
        // And through a stream, with a stray quote after a dropped one.
        let text = format!("{text}z,\"\"\"a\n{}", "y,1\n".repeat(200));
        let mut g = QuoteGuard::new(Input::Stream(Box::new(Trickle(text.as_bytes()))), b',');
        let mut out = Vec::new();
        g.read_to_end(&mut out).unwrap();
        let mut direct = Vec::new();
        QuoteGuard::new(Input::Text(text.as_bytes()), b',')
            .read_to_end(&mut direct)
            .unwrap();
        assert_eq!(out, direct);
        assert_eq!(g.stray, 1);
    }
}
