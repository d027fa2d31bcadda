//! The zip package of an .xlsx or .ods, and its XML parts streamed under the limits.
//!
//! A part is inflated through [`Guard`], which counts the bytes it lets through against the
//! inflated limit (declared sizes are checked first, but a zip may lie about them). quick-xml
//! copies each token (tag, text run, comment, CDATA section) whole into its buffer, taking the
//! bytes from [`Tokens`]; every event is read through [`next`], which starts the count of bytes
//! taken anew, and `Tokens` refuses to hand out more once a token has taken `MAX_TOKEN`. So no
//! buffer grows past `MAX_TOKEN` plus one read, at no cost per byte. Document type
//! declarations are refused: neither format has one, and entity expansion is how XML bombs
//! work.
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;
use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use zip::ZipArchive;

use super::{too_large, unreadable, Limits, MAX_TOKEN};
use crate::error::{Error, Result};

pub type XmlReader<'z, 'a> =
    Reader<Tokens<BufReader<Guard<zip::read::ZipFile<'z, Cursor<&'a [u8]>>>>>>;

pub struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Entry names lower-cased with `/` separators, for lookups as forgiving as Excel's.
    names: Vec<String>,
    pub limits: Limits,
    /// Inflated bytes still allowed, over all parts read.
    inflated_left: u64,
    kind: &'static str,
}

impl<'a> Package<'a> {
    pub fn open(bytes: &'a [u8], limits: Limits) -> Result<Self> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable("xlsx", e))?;
        let names = zip
            .file_names_raw()
            .map(|n| {
                String::from_utf8_lossy(n)
                    .replace('\\', "/")
                    .to_ascii_lowercase()
            })
            .collect();
        let mut pkg = Package {
            zip,
            names,
            limits,
            inflated_left: limits.inflated,
            kind: "xlsx",
        };
        if pkg.is_ods() {
            pkg.kind = "ods";
        }
        Ok(pkg)
    }

    /// An OpenDocument spreadsheet: a `content.xml` and no `[Content_Types].xml`.
    pub fn is_ods(&self) -> bool {
        self.index("content.xml").is_some() && self.index("[content_types].xml").is_none()
    }

    fn index(&self, name: &str) -> Option<usize> {
        let name = name.trim_start_matches('/').to_ascii_lowercase();
        self.names.iter().position(|n| *n == name)
    }

    /// Streams the part `name` (if the package has it) through `read`.
    pub fn read<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut XmlReader<'_, '_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let Some(i) = self.index(name) else {
            return Ok(None);
        };
        let kind = self.kind;
        let file = self.zip.by_index(i).map_err(|e| unreadable(kind, e))?;
        if file.size() > self.inflated_left {
            return Err(inflated_error(kind, self.limits, name));
        }
        let guard = Guard::new(file, self.inflated_left);
        let tokens = Tokens {
            inner: BufReader::with_capacity(64 << 10, guard),
            taken: 0,
            tripped: None,
        };
        let mut xml = Reader::from_reader(tokens);
        let config = xml.config_mut();
        config.check_end_names = false;
        config.trim_text(false);
        config.expand_empty_elements = true;
        let result = read(&mut xml);
        let tokens = xml.get_ref();
        let guard = tokens.inner.get_ref();
        self.inflated_left = guard.left;
        match guard.tripped.or(tokens.tripped) {
            Some(Trip::Inflated) => Err(inflated_error(kind, self.limits, name)),
            Some(Trip::Token) => Err(too_large(
                kind,
                format!(
                    "its part {name} holds an XML element or text of more than {} MiB (no cell \
                     holds more than 32,767 characters)",
                    MAX_TOKEN >> 20
                ),
            )),
            Some(Trip::Doctype) => Err(unreadable(
                kind,
                format!("its part {name} declares a document type (not allowed in a workbook)"),
            )),
            None => result.map(Some),
        }
    }
}

fn inflated_error(kind: &str, limits: Limits, name: &str) -> Error {
    too_large(
        kind,
        format!(
            "its parts expand to more than {} MiB (at {name}; the limit for a file of this size)",
            limits.inflated >> 20
        ),
    )
}

/// The error of a malformed part.
pub fn bad_xml(kind: &str, e: impl std::fmt::Display) -> Error {
    unreadable(kind, format!("malformed XML: {e}"))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Trip {
    Inflated,
    Token,
    Doctype,
}

/// Counts inflated bytes against the limit (see the module doc).
pub struct Guard<R> {
    inner: R,
    left: u64,
    tripped: Option<Trip>,
}

impl<R: Read> Guard<R> {
    fn new(inner: R, left: u64) -> Self {
        Guard {
            inner,
            left,
            tripped: None,
        }
    }
}

fn limit_error() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "workbook limit")
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.tripped.is_some() {
            return Err(limit_error());
        }
        let n = self.inner.read(out)?;
        if n as u64 > self.left {
            self.tripped = Some(Trip::Inflated);
            return Err(limit_error());
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// The bytes quick-xml takes for one token, counted (see the module doc).
pub struct Tokens<R> {
    inner: R,
    taken: usize,
    tripped: Option<Trip>,
}

impl<R: BufRead> Read for Tokens<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = io::Read::read(&mut (self.fill_buf()?), out)?;
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tokens<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.taken > MAX_TOKEN {
            self.tripped = Some(Trip::Token);
            return Err(limit_error());
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.taken += n;
        self.inner.consume(n);
    }
}

/// The next event of a part (no token longer than `MAX_TOKEN`; a DOCTYPE is refused).
pub fn next<'b>(x: &mut XmlReader<'_, '_>, buf: &'b mut Vec<u8>, kind: &str) -> Result<Event<'b>> {
    x.get_mut().taken = 0;
    match x.read_event_into(buf) {
        Ok(Event::DocType(_)) => {
            x.get_mut().tripped = Some(Trip::Doctype);
            Err(unreadable(kind, "a document type declaration"))
        }
        Ok(e) => Ok(e),
        Err(e) => Err(bad_xml(kind, e)),
    }
}

/// An attribute's unescaped value, by its qualified name (`name`) or, when `local`, by the
/// name after any prefix (`x:r` matches `r`).
pub fn attr<'b>(e: &'b BytesStart<'_>, name: &str, local: bool) -> Option<Cow<'b, str>> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        let key = if local {
            a.key.local_name().into_inner()
        } else {
            a.key.into_inner()
        };
        (key == name).then(|| unescape(a.value))
    })
}

/// An attribute value with its references resolved (kept as written when one is unknown).
pub fn unescape(raw: Cow<'_, str>) -> Cow<'_, str> {
    match quick_xml::escape::unescape(&raw) {
        Ok(Cow::Owned(s)) => Cow::Owned(s),
        _ => raw,
    }
}

/// An entity or character reference (`&amp;`, `&#xA0;`) appended to `out`; an unknown
/// entity is kept as written.
pub fn push_entity(r: &BytesRef<'_>, out: &mut String) {
    if let Some(s) = quick_xml::escape::resolve_xml_entity(r) {
        out.push_str(s);
    } else if let Ok(Some(c)) = r.resolve_char_ref() {
        out.push(c);
    } else {
        out.push('&');
        out.push_str(r);
        out.push(';');
    }
}

/// The number `n` of an XML number attribute, or `default` when it is missing or not a number.
pub fn count_attr(e: &BytesStart<'_>, name: &str, default: u64) -> u64 {
    attr(e, name, false)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_counts_inflated_bytes_whatever_was_declared() {
        let mut g = Guard::new(io::repeat(b' ').take(100), 64);
        assert!(io::copy(&mut g, &mut io::sink()).is_err());
        assert_eq!(g.tripped, Some(Trip::Inflated));
        let mut g = Guard::new(io::repeat(b' ').take(100), 100);
        assert_eq!(io::copy(&mut g, &mut io::sink()).unwrap(), 100);
    }

    #[test]
    fn tokens_stop_a_long_token_before_it_is_buffered() {
        let read = |xml: &[u8]| {
            let tokens = Tokens {
                inner: BufReader::with_capacity(64 << 10, xml),
                taken: 0,
                tripped: None,
            };
            let mut x = Reader::from_reader(tokens);
            let mut buf = Vec::new();
            loop {
                x.get_mut().taken = 0;
                buf.clear();
                match x.read_event_into(&mut buf) {
                    Ok(Event::Eof) => return (None, buf.capacity()),
                    Ok(_) => {}
                    Err(_) => return (x.get_ref().tripped, buf.capacity()),
                }
            }
        };
        let ok = br#"<?xml version="1.0"?><a b=">>" c='x'><!-- <<>> --><![CDATA[ <<>>]] ]]>t</a>"#;
        assert_eq!(read(ok).0, None);
        for long in [
            [b"<a>".as_slice(), &vec![b' '; 3 * MAX_TOKEN], b"</a>"].concat(),
            [b"<a b=\"".as_slice(), &vec![b'>'; 3 * MAX_TOKEN], b"\"/>"].concat(),
            [
                b"<a><!--".as_slice(),
                &vec![b'<'; 3 * MAX_TOKEN],
                b"--></a>",
            ]
            .concat(),
        ] {
            let (tripped, held) = read(&long);
            assert_eq!(tripped, Some(Trip::Token));
            assert!(held <= 2 * MAX_TOKEN + (128 << 10), "{held}");
        }
        let many = b"<a/>x".repeat(MAX_TOKEN);
        assert_eq!(read(&many).0, None);
    }
}
