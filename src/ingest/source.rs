//! The decoded text of a CSV/TSV export, as a stream of UTF-8 bytes.
//!
//! Ingest must not hold a second copy of the file: valid UTF-8 is read in place, and legacy
//! code pages (GBK/GB18030, Windows-1251, UTF-16 …; `formats` feature) are transcoded chunk
//! by chunk by `encoding_rs_io` while the CSV reader pulls bytes. Only the bounded sniffing
//! sample is decoded up front.
//!
//! The browser's core module has no decoders: there the formats module transcodes the whole
//! file first (`ingest::decode`) and this reads the result in place. Both ways must give the
//! same Report, so the sample is defined on the decoded text (its first [`SAMPLE_BYTES`] bytes
//! of UTF-8), never on the undecoded bytes.
use encoding_rs::Encoding;
#[cfg(not(feature = "formats"))]
use encoding_rs::UTF_8;
use std::borrow::Cow;
use std::io::{self, Read};

use crate::error::Result;

/// Bytes of decoded UTF-8 text the sniffer looks at: enough for thousands of rows.
pub const SAMPLE_BYTES: usize = 256 * 1024;
/// Lines the sample holds at least when the first lines are longer (a header or a first row
/// of 300 KiB once made the sample a cut-off first row: a false `empty_file`).
const SAMPLE_LINES: usize = 20;
/// The sample's hard bound: lines longer than this are cut.
pub const MAX_SAMPLE_BYTES: usize = 16 << 20;

fn is_blank_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0B' | b'\x0C')
}

/// Where the first line with a non-blank character starts (`None`: no such line yet).
fn first_content_line(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let first = b.iter().position(|&c| !is_blank_byte(c))?;
    Some(
        b[..first]
            .iter()
            .rposition(|&c| c == b'\n' || c == b'\r')
            .map_or(0, |i| i + 1),
    )
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The sniffing sample of a decoded text, as a byte range: from the first line with a
/// non-blank character (blank lines before it, however many, are no reason to see an empty
/// file), [`SAMPLE_BYTES`], extended to hold [`SAMPLE_LINES`] lines (at most
/// [`MAX_SAMPLE_BYTES`]), and cut after its last complete line unless it reaches the end of
/// a `whole` text. The same range whether the text was decoded in place or transcoded.
fn window(text: &str, whole: bool) -> std::ops::Range<usize> {
    let Some(start) = first_content_line(text) else {
        return text.len()..text.len();
    };
    let t = &text[start..];
    let mut end = floor_boundary(t, t.len().min(SAMPLE_BYTES));
    if end < t.len() && memchr::memchr_iter(b'\n', &t.as_bytes()[..end]).count() < SAMPLE_LINES {
        let limit = floor_boundary(t, t.len().min(MAX_SAMPLE_BYTES));
        end = memchr::memchr_iter(b'\n', &t.as_bytes()[..limit])
            .nth(SAMPLE_LINES - 1)
            .map_or(limit, |i| i + 1);
    }
    if !(whole && end == t.len()) {
        if let Some(nl) = t[..end].rfind('\n') {
            end = nl + 1;
        }
    }
    start..start + end
}

#[derive(Debug, Clone, Copy)]
pub struct TextSource<'a> {
    /// The file after any byte-order mark.
    body: &'a [u8],
    /// The code page to transcode from; `None`: `body` is valid UTF-8, read in place.
    #[cfg(feature = "formats")]
    decode: Option<&'static Encoding>,
}

impl<'a> TextSource<'a> {
    /// `in_place`: `body` is valid UTF-8 (checked by the caller). Otherwise it is transcoded
    /// from `encoding`, which needs the `formats` feature.
    pub fn new(body: &'a [u8], encoding: &'static Encoding, in_place: bool) -> Result<Self> {
        #[cfg(feature = "formats")]
        return Ok(TextSource {
            body,
            decode: (!in_place).then_some(encoding),
        });
        #[cfg(not(feature = "formats"))]
        if in_place {
            Ok(TextSource { body })
        } else if encoding == UTF_8 {
            Err(super::encoding::needs_formats(
                "the file is not valid UTF-8",
            ))
        } else {
            Err(super::encoding::needs_formats(&format!(
                "the file is in {}",
                encoding.name()
            )))
        }
    }

    /// Valid UTF-8 text (the formats module's output), read in place.
    pub fn utf8(text: &'a str) -> Self {
        TextSource {
            body: text.as_bytes(),
            #[cfg(feature = "formats")]
            decode: None,
        }
    }

    /// Length of the (undecoded) body, for capacity estimates.
    pub fn byte_len(&self) -> usize {
        self.body.len()
    }

    /// The sniffing sample: see [`window`].
    pub fn sample(&self) -> Cow<'a, str> {
        #[cfg(feature = "formats")]
        if let Some(enc) = self.decode {
            let (text, whole) = decoded_head(self.body, enc);
            let r = window(&text, whole);
            return Cow::Owned(text[r].to_string());
        }
        let text = utf8_prefix(self.body);
        Cow::Borrowed(&text[window(text, true)])
    }

    /// A hash of the whole input, to seed the hashes of ids and dates (see `seeded`).
    pub fn seed(&self) -> u64 {
        super::seeded::seed_of(self.body)
    }

    /// The body, when it is read in place (valid UTF-8, no transcoding).
    pub fn in_place(&self) -> Option<&'a [u8]> {
        #[cfg(feature = "formats")]
        if self.decode.is_some() {
            return None;
        }
        Some(self.body)
    }

    /// The whole body as a UTF-8 byte stream.
    pub fn reader(&self) -> Box<dyn Read + 'a> {
        #[cfg(feature = "formats")]
        if let Some(enc) = self.decode {
            return Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .encoding(Some(enc))
                    // The BOM was handled by `encoding::open`; a second one is text, as in
                    // `decode_all` (the formats module's whole-file decode).
                    .bom_sniffing(false)
                    .build(self.body),
            );
        }
        Box::new(self.body)
    }

    /// The whole body decoded (for the formats module, which hands the core UTF-8 text).
    #[cfg(feature = "formats")]
    pub fn decode_all(&self) -> Cow<'a, str> {
        match self.decode {
            Some(enc) => enc.decode_without_bom_handling(self.body).0,
            None => Cow::Borrowed(utf8_prefix(self.body)),
        }
    }
}

/// The longest prefix of whole characters (the bytes are valid UTF-8 but may be cut inside
/// a character).
fn utf8_prefix(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// The decoded start of a legacy text: enough of it that [`window`] gives what it gives on
/// the whole decoded text, and whether it is all of it. A blank start is not kept, however
/// long.
#[cfg(feature = "formats")]
fn decoded_head(body: &[u8], enc: &'static Encoding) -> (String, bool) {
    let mut dec = enc.new_decoder_without_bom_handling();
    let mut text = String::new();
    let mut input = body;
    loop {
        text.reserve(64 * 1024);
        let (res, read, _) = dec.decode_to_string(input, &mut text, true);
        input = &input[read..];
        if res == encoding_rs::CoderResult::InputEmpty {
            return (text, true);
        }
        match first_content_line(&text) {
            None => {
                // Only blank lines so far: keep the last (it may begin the first row).
                let keep = text.rfind(['\n', '\r']).map_or(0, |i| i + 1);
                text.drain(..keep);
            }
            Some(start) if enough(&text[start..]) => return (text, false),
            Some(_) => {}
        }
    }
}

/// Whether a decoded start (from its first content line) settles [`window`]: it must reach
/// past every byte the window could look at, plus a character.
#[cfg(feature = "formats")]
fn enough(t: &str) -> bool {
    const SLACK: usize = 4;
    if t.len() < SAMPLE_BYTES + SLACK {
        return false;
    }
    let b = t.as_bytes();
    memchr::memchr_iter(b'\n', &b[..SAMPLE_BYTES]).count() >= SAMPLE_LINES
        || t.len() >= MAX_SAMPLE_BYTES + SLACK
        || memchr::memchr_iter(b'\n', b)
            .nth(SAMPLE_LINES - 1)
            .is_some_and(|i| i + SLACK < t.len())
}

/// Whitespace-aligned columns (`runs of spaces` as the delimiter): collapses every run of
/// spaces or tabs outside quotes into one space and drops spaces at the start and end of
/// lines, so the CSV reader can split on a single space. A stream adapter, not a copy.
pub struct SpaceRuns<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    pending_space: bool,
    line_start: bool,
    in_quotes: bool,
}

impl<R: Read> SpaceRuns<R> {
    pub fn new(inner: R) -> Self {
        SpaceRuns {
            inner,
            buf: vec![0; 64 * 1024],
            pos: 0,
            len: 0,
            pending_space: false,
            line_start: true,
            in_quotes: false,
        }
    }
}

impl<R: Read> Read for SpaceRuns<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut w = 0;
        while w < out.len() {
            if self.pos == self.len {
                if w > 0 {
                    break;
                }
                self.len = self.inner.read(&mut self.buf)?;
                self.pos = 0;
                if self.len == 0 {
                    break;
                }
            }
            let b = self.buf[self.pos];
            if self.in_quotes {
                self.in_quotes = b != b'"';
                out[w] = b;
                w += 1;
                self.pos += 1;
                continue;
            }
            match b {
                b' ' | b'\t' => {
                    self.pending_space = !self.line_start;
                    self.pos += 1;
                }
                b'\n' | b'\r' => {
                    self.pending_space = false;
                    self.line_start = true;
                    out[w] = b;
                    w += 1;
                    self.pos += 1;
                }
                _ => {
                    if self.pending_space {
                        // Emit the separator first; the byte itself goes out on the next turn.
                        self.pending_space = false;
                        out[w] = b' ';
                        w += 1;
                        continue;
                    }
                    self.in_quotes = b == b'"';
                    self.line_start = false;
                    out[w] = b;
                    w += 1;
                    self.pos += 1;
                }
            }
        }
        Ok(w)
    }
}

/// [`SpaceRuns`] over a string (the sniffing sample).
pub fn collapse_spaces(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    let _ = SpaceRuns::new(text.as_bytes()).read_to_end(&mut out);
    // Only ASCII spaces were removed, so the bytes stay valid UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_runs_collapse_outside_quotes() {
        let s = "  id    date        amount  \n  a1    2024-03-05  \"1  2\"\r\n";
        assert_eq!(
            collapse_spaces(s),
            "id date amount\na1 2024-03-05 \"1  2\"\r\n"
        );
    }

    #[cfg(feature = "formats")]
    #[test]
    fn streams_legacy_code_pages() {
        let (gbk, _, _) = encoding_rs::GBK.encode("客户,金额\n张三,12\n");
        let src = TextSource::new(&gbk, encoding_rs::GBK, false).unwrap();
        let mut s = String::new();
        src.reader().read_to_string(&mut s).unwrap();
        assert_eq!(s, "客户,金额\n张三,12\n");
        assert_eq!(src.sample(), "客户,金额\n张三,12\n");
    }
}
