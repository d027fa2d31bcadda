//! The decoded text of a CSV/TSV export, as a stream of UTF-8 bytes.
//!
//! Ingest must not hold a second copy of the file: valid UTF-8 is read in place, and legacy
//! code pages (GBK/GB18030, Windows-1251, UTF-16 …) are transcoded chunk by chunk by
//! `encoding_rs_io` while the CSV reader pulls bytes. Only the bounded sniffing sample is
//! decoded up front.
use encoding_rs::Encoding;
use encoding_rs_io::DecodeReaderBytesBuilder;
use std::borrow::Cow;
use std::io::{self, Read};

/// Bytes of the file the sniffer looks at (decoded): enough for thousands of rows.
pub const SAMPLE_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy)]
pub struct TextSource<'a> {
    /// The file after any byte-order mark.
    body: &'a [u8],
    encoding: &'static Encoding,
    /// `body` is valid UTF-8 and is read without transcoding.
    in_place: bool,
}

impl<'a> TextSource<'a> {
    pub fn new(body: &'a [u8], encoding: &'static Encoding, in_place: bool) -> Self {
        TextSource {
            body,
            encoding,
            in_place,
        }
    }

    /// Length of the (undecoded) body, for capacity estimates.
    pub fn byte_len(&self) -> usize {
        self.body.len()
    }

    /// The first [`SAMPLE_BYTES`] decoded, cut after the last complete line.
    pub fn sample(&self) -> Cow<'a, str> {
        let n = self.body.len().min(SAMPLE_BYTES);
        let whole = n == self.body.len();
        let head = &self.body[..n];
        let text: Cow<'a, str> = if self.in_place {
            let valid = match std::str::from_utf8(head) {
                Ok(s) => s,
                // Cut inside a multi-byte character: keep the complete prefix.
                Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
            };
            Cow::Borrowed(valid)
        } else {
            let mut dec = self.encoding.new_decoder_without_bom_handling();
            let cap = dec.max_utf8_buffer_length(n).unwrap_or(n.saturating_mul(3));
            let mut s = String::with_capacity(cap);
            let _ = dec.decode_to_string(head, &mut s, whole);
            Cow::Owned(s)
        };
        if whole {
            return text;
        }
        match text.rfind('\n') {
            Some(nl) => match text {
                Cow::Borrowed(s) => Cow::Borrowed(&s[..=nl]),
                Cow::Owned(mut s) => {
                    s.truncate(nl + 1);
                    Cow::Owned(s)
                }
            },
            None => text,
        }
    }

    /// The whole body as a UTF-8 byte stream.
    pub fn reader(&self) -> Box<dyn Read + 'a> {
        if self.in_place {
            Box::new(self.body)
        } else {
            Box::new(
                DecodeReaderBytesBuilder::new()
                    .encoding(Some(self.encoding))
                    .build(self.body),
            )
        }
    }
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

    #[test]
    fn streams_legacy_code_pages() {
        let (gbk, _, _) = encoding_rs::GBK.encode("客户,金额\n张三,12\n");
        let src = TextSource::new(&gbk, encoding_rs::GBK, false);
        let mut s = String::new();
        src.reader().read_to_string(&mut s).unwrap();
        assert_eq!(s, "客户,金额\n张三,12\n");
        assert_eq!(src.sample(), "客户,金额\n张三,12\n");
    }
}
