//! The zip package of an .xlsx or .ods, and its XML parts streamed under the limits.
//!
//! A part is inflated through [`Guard`], which counts the bytes it lets through against the
//! inflated limit (declared sizes are checked first, but a zip may lie about them) and follows
//! the XML lexically, so that no token (tag, text run, comment, CDATA section) longer than
//! `MAX_TOKEN` reaches quick-xml, which buffers a whole token. Document type declarations are
//! refused: neither format has one, and entity expansion is how XML bombs work.
use quick_xml::events::{BytesRef, BytesStart};
use quick_xml::Reader;
use std::borrow::Cow;
use std::io::{self, BufReader, Cursor, Read};
use zip::ZipArchive;

use super::{too_large, unreadable, Limits, MAX_TOKEN};
use crate::error::{Error, Result};

pub type XmlReader<'z, 'a> = Reader<BufReader<Guard<zip::read::ZipFile<'z, Cursor<&'a [u8]>>>>>;

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
        let mut xml = Reader::from_reader(BufReader::new(guard));
        let config = xml.config_mut();
        config.check_end_names = false;
        config.trim_text(false);
        config.expand_empty_elements = true;
        let result = read(&mut xml);
        let guard = xml.get_ref().get_ref();
        self.inflated_left = guard.left;
        match guard.tripped {
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

/// Where the lexer is: in text, a tag (and its quote), a comment, CDATA, a processing
/// instruction, or just after `<` / `<!` (how many bytes of the opener have been seen).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Lex {
    Text,
    Open,
    Bang(u8),
    Tag(u8),
    Comment(u8),
    CData(u8),
    Pi(bool),
}

/// Counts inflated bytes and the current token's length (see the module doc).
pub struct Guard<R> {
    inner: R,
    left: u64,
    lex: Lex,
    token: usize,
    tripped: Option<Trip>,
}

impl<R: Read> Guard<R> {
    fn new(inner: R, left: u64) -> Self {
        Guard {
            inner,
            left,
            lex: Lex::Text,
            token: 0,
            tripped: None,
        }
    }

    fn trip(&mut self, t: Trip) -> io::Error {
        self.tripped = Some(t);
        io::Error::new(io::ErrorKind::InvalidData, "workbook limit")
    }

    fn scan(&mut self, bytes: &[u8]) -> Option<Trip> {
        let mut i = 0;
        while i < bytes.len() {
            // Runs of text, or of a tag's inside, in one step.
            let stop: fn(&u8) -> bool = match self.lex {
                Lex::Text => |b| *b == b'<',
                Lex::Tag(0) => |b| matches!(b, b'>' | b'"' | b'\''),
                _ => |_| true,
            };
            let run = bytes[i..].iter().position(stop).unwrap_or(bytes.len() - i);
            self.token += run;
            i += run;
            if self.token > MAX_TOKEN {
                return Some(Trip::Token);
            }
            if let Some(&b) = bytes.get(i) {
                if let Some(t) = self.step(b) {
                    return Some(t);
                }
                i += 1;
            }
        }
        None
    }

    fn step(&mut self, b: u8) -> Option<Trip> {
        self.token += 1;
        self.lex = match (self.lex, b) {
            (Lex::Text, b'<') => {
                self.token = 1;
                Lex::Open
            }
            (Lex::Text, _) => Lex::Text,
            (Lex::Open, b'!') => Lex::Bang(0),
            (Lex::Open, b'?') => Lex::Pi(false),
            (Lex::Open | Lex::Tag(0), b'>') => self.end_token(),
            (Lex::Open, _) => Lex::Tag(0),
            (Lex::Tag(0), q @ (b'"' | b'\'')) => Lex::Tag(q),
            (Lex::Tag(q), c) if c == q => Lex::Tag(0),
            (Lex::Tag(q), _) => Lex::Tag(q),
            // `<!--` or `<![CDATA[`; anything else after `<!` is a declaration.
            (Lex::Bang(0), b'-') => Lex::Bang(1),
            (Lex::Bang(1), b'-') => Lex::Comment(0),
            (Lex::Bang(n), c) if n >= 10 && b"[CDATA["[(n - 10) as usize] == c => {
                if n == 16 {
                    Lex::CData(0)
                } else {
                    Lex::Bang(n + 1)
                }
            }
            (Lex::Bang(0), b'[') => Lex::Bang(11),
            (Lex::Bang(_), _) => return Some(Trip::Doctype),
            (Lex::Comment(2), b'>') => self.end_token(),
            (Lex::Comment(n), b'-') => Lex::Comment((n + 1).min(2)),
            (Lex::Comment(_), _) => Lex::Comment(0),
            (Lex::CData(2), b'>') => self.end_token(),
            (Lex::CData(n), b']') => Lex::CData((n + 1).min(2)),
            (Lex::CData(_), _) => Lex::CData(0),
            (Lex::Pi(true), b'>') => self.end_token(),
            (Lex::Pi(_), c) => Lex::Pi(c == b'?'),
        };
        (self.token > MAX_TOKEN).then_some(Trip::Token)
    }

    fn end_token(&mut self) -> Lex {
        self.token = 0;
        Lex::Text
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if let Some(t) = self.tripped {
            return Err(self.trip(t));
        }
        let n = self.inner.read(out)?;
        if n as u64 > self.left {
            return Err(self.trip(Trip::Inflated));
        }
        self.left -= n as u64;
        match self.scan(&out[..n]) {
            Some(t) => Err(self.trip(t)),
            None => Ok(n),
        }
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

    fn scan(text: &[u8]) -> Option<Trip> {
        let mut g = Guard::new(io::empty(), u64::MAX);
        text.chunks(3).find_map(|c| g.scan(c))
    }

    #[test]
    fn guard_counts_inflated_bytes_whatever_was_declared() {
        let mut g = Guard::new(io::repeat(b' ').take(100), 64);
        assert!(io::copy(&mut g, &mut io::sink()).is_err());
        assert_eq!(g.tripped, Some(Trip::Inflated));
        let mut g = Guard::new(io::repeat(b' ').take(100), 100);
        assert_eq!(io::copy(&mut g, &mut io::sink()).unwrap(), 100);
    }

    #[test]
    fn guard_follows_tokens_through_quotes_comments_and_cdata() {
        let ok = br#"<?xml version="1.0"?><a b=">>" c='x'><!-- <<>> --><![CDATA[ <<>>]] ]]>t</a>"#;
        assert_eq!(scan(ok), None);
        assert_eq!(
            scan(b"<!DOCTYPE a [<!ENTITY x 'y'>]><a/>"),
            Some(Trip::Doctype)
        );
        let mut long = b"<a>".to_vec();
        long.extend(std::iter::repeat_n(b' ', MAX_TOKEN + 1));
        assert_eq!(scan(&long), Some(Trip::Token));
        // A quote that never closes keeps the tag open: its length counts.
        let mut tag = b"<a b=\"".to_vec();
        tag.extend(std::iter::repeat_n(b'>', MAX_TOKEN));
        assert_eq!(scan(&tag), Some(Trip::Token));
        let mut many = Vec::new();
        for _ in 0..(MAX_TOKEN / 4) {
            many.extend_from_slice(b"<a/>x");
        }
        assert_eq!(scan(&many), None);
    }
}
