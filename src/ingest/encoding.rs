//! Text encoding: BOMs, UTF-8, and the legacy code pages of Chinese and Russian Excel.
//!
//! The encoding is decided here without decoding the file. UTF-8 input is borrowed, never
//! copied. Detecting a legacy code page (chardetng, Firefox's detector, by the author of
//! encoding_rs) and decoding it (encoding_rs, streamed, see `source`) need the `formats`
//! feature; without it (the browser's core module) such a file is a `needs_formats` error
//! that the JS wrapper answers by loading the formats module (`ingest::decode`).
use encoding_rs::{Encoding, UTF_8};
use serde::{Deserialize, Serialize};

use super::source::TextSource;
use crate::error::{Error, Result};

/// The file as text: which encoding, whether it had a BOM, and the decoded stream.
#[derive(Debug)]
pub struct Opened<'a> {
    pub source: TextSource<'a>,
    pub encoding: String,
    pub had_bom: bool,
    /// A file read as UTF-8 that is not valid UTF-8: the sequences replaced by U+FFFD.
    pub repairs: Utf8Repairs,
}

/// Invalid UTF-8 in a file read as UTF-8: how many byte sequences became U+FFFD, and the
/// first few (physical line, the bytes in hex). Crosses from the formats module to the core
/// inside `Decoded`, so both ways report the same.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Utf8Repairs {
    pub count: u64,
    pub examples: Vec<(u64, String)>,
}

/// Invalid sequences described in [`Utf8Repairs::examples`].
const REPAIR_EXAMPLES: usize = 3;

/// A file that is not valid UTF-8 is still UTF-8 when it holds at least this many
/// well-formed non-ASCII characters per invalid sequence. Legacy code pages read as UTF-8
/// give almost none (measured on generated exports: windows-1251, windows-1252 and KOI8-R 0
/// per invalid sequence; GBK 0.21, Big5 0.07, Shift_JIS 0.06, CP866 0.25), while a UTF-8
/// export with a few stray bytes gives hundreds. The margin to legacy text is 16-fold.
pub const UTF8_MIN_CHARS_PER_ERROR: u64 = 4;

/// Counts the well-formed non-ASCII characters and the invalid sequences of `bytes` (each
/// maximal invalid subpart is one, as a decoder replaces it by one U+FFFD).
pub fn utf8_census(bytes: &[u8]) -> (u64, u64) {
    let (mut chars, mut errors, mut rest) = (0u64, 0u64, bytes);
    loop {
        let (valid, bad) = match std::str::from_utf8(rest) {
            Ok(_) => (rest, None),
            Err(e) => (&rest[..e.valid_up_to()], Some(e)),
        };
        chars += valid.iter().filter(|&&b| b >= 0xC0).count() as u64;
        let Some(e) = bad else {
            return (chars, errors);
        };
        errors += 1;
        match e.error_len() {
            Some(n) => rest = &rest[e.valid_up_to() + n..],
            None => return (chars, errors),
        }
    }
}

/// Physical line breaks in `bytes`: `\n`, and `\r` not followed by `\n` (as the reader
/// counts them).
fn line_breaks(bytes: &[u8]) -> u64 {
    let lf = memchr::memchr_iter(b'\n', bytes).count();
    let lone_cr = memchr::memchr_iter(b'\r', bytes)
        .filter(|&i| bytes.get(i + 1) != Some(&b'\n'))
        .count();
    (lf + lone_cr) as u64
}

/// The invalid sequences of a file read as UTF-8 (after any BOM).
pub fn utf8_repairs(bytes: &[u8]) -> Utf8Repairs {
    let mut r = Utf8Repairs::default();
    let (mut at, mut line, mut counted) = (0usize, 1u64, 0usize);
    while at < bytes.len() {
        let Err(e) = std::str::from_utf8(&bytes[at..]) else {
            break;
        };
        let start = at + e.valid_up_to();
        let len = e.error_len().unwrap_or(bytes.len() - start);
        r.count += 1;
        if r.examples.len() < REPAIR_EXAMPLES {
            line += line_breaks(&bytes[counted..start]);
            counted = start;
            let hex: Vec<String> = bytes[start..start + len]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            r.examples.push((line, hex.join(" ")));
        }
        at = start + len;
    }
    r
}

/// How much of the file the detector reads: enough for any mix of header and data.
#[cfg(feature = "formats")]
const DETECT_BYTES: usize = 1 << 20;

/// Decides the encoding (BOM, then the option, then detection) without decoding the file.
pub fn open<'a>(bytes: &'a [u8], forced: Option<&str>) -> Result<Opened<'a>> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        let in_place = enc == UTF_8 && std::str::from_utf8(body).is_ok();
        return Ok(Opened {
            source: TextSource::new(body, enc, in_place)?,
            encoding: enc.name().into(),
            had_bom: true,
            repairs: repairs_of(body, enc, in_place),
        });
    }
    let (enc, valid_utf8) = match forced
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "auto")
    {
        Some(label) => {
            let enc = Encoding::for_label(label.as_bytes()).ok_or_else(|| {
                Error::option(format!(
                    "unknown encoding {label:?}; use e.g. utf-8, gb18030, gbk, windows-1251, windows-1252"
                ))
                .with_hint("--encoding gb18030")
            })?;
            (enc, enc == UTF_8 && std::str::from_utf8(bytes).is_ok())
        }
        None => detect(bytes)?,
    };
    Ok(Opened {
        source: TextSource::new(bytes, enc, valid_utf8)?,
        encoding: enc.name().into(),
        had_bom: false,
        repairs: repairs_of(bytes, enc, valid_utf8),
    })
}

fn repairs_of(body: &[u8], enc: &'static Encoding, in_place: bool) -> Utf8Repairs {
    match enc == UTF_8 && !in_place {
        true => utf8_repairs(body),
        false => Utf8Repairs::default(),
    }
}

/// The error of a build without the `formats` feature for a file only it can read. The JS
/// wrapper (`openDataset`) catches the code and loads the formats module; an embedder who
/// calls the core module directly reads what to do.
#[cfg(not(feature = "formats"))]
pub fn needs_formats(what: &str) -> Error {
    Error::new(
        "needs_formats",
        format!("{what}: reading it needs the crm-lens formats module (legacy encodings and workbooks)"),
    )
    .with_hint("open the file with openDataset() from the crm-lens package, which loads the formats module when a file needs it")
}

/// A decoded sample that is mostly control characters or replacement characters is not
/// text in any encoding we know: the file is binary (an image, a PDF, a zip of something).
pub fn looks_like_text(sample: &str) -> bool {
    let (mut total, mut bad) = (0usize, 0usize);
    for c in sample.chars().take(64 * 1024) {
        total += 1;
        if c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')) {
            bad += 1;
        }
    }
    bad * 20 <= total
}

/// Returns the encoding and whether the bytes are valid UTF-8 (read in place).
fn detect(bytes: &[u8]) -> Result<(&'static Encoding, bool)> {
    let head = &bytes[..bytes.len().min(8192)];
    if looks_binary(head) {
        let hint = match utf16_without_bom(head) {
            Some(label) => format!("the bytes look like {label} text without a byte-order mark: pass --encoding {label}"),
            None => "export the data as CSV (UTF-8) or XLSX; if it is UTF-16 text, pass --encoding utf-16le or utf-16be".into(),
        };
        return Err(Error::new(
            "binary_file",
            "the file looks binary (it contains NUL bytes), not a CSV/TSV text export or an .xlsx/.xls workbook",
        )
        .with_hint(hint));
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok((UTF_8, true));
    }
    let (chars, errors) = utf8_census(bytes);
    if chars >= UTF8_MIN_CHARS_PER_ERROR * errors {
        // UTF-8 with a few stray bytes: decoded with U+FFFD for them (counted, warned).
        return Ok((UTF_8, false));
    }
    legacy(bytes)
}

/// UTF-16 text without a BOM: most of its ASCII characters have a NUL high byte, all on odd
/// offsets (little-endian) or all on even ones (big-endian).
fn utf16_without_bom(head: &[u8]) -> Option<&'static str> {
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, _) in head.iter().enumerate().filter(|(_, &b)| b == 0) {
        if i % 2 == 0 {
            even += 1
        } else {
            odd += 1
        }
    }
    let pairs = head.len() / 2;
    match (even, odd) {
        (e, o) if o * 10 >= pairs * 3 && e * 20 <= o => Some("utf-16le"),
        (e, o) if e * 10 >= pairs * 3 && o * 20 <= e => Some("utf-16be"),
        _ => None,
    }
}

/// The legacy code page of a file that is not valid UTF-8.
#[cfg(feature = "formats")]
fn legacy(bytes: &[u8]) -> Result<(&'static Encoding, bool)> {
    use encoding_rs::{UTF_16BE, UTF_16LE};
    let mut det = chardetng::EncodingDetector::new();
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    det.feed(sample, sample.len() == bytes.len());
    let guess = det.guess(None, true);
    // A file that is UTF-8 except for a cut-off last character is still UTF-8.
    if guess == UTF_16LE || guess == UTF_16BE {
        return Ok((UTF_8, false));
    }
    Ok((guess, false))
}

#[cfg(not(feature = "formats"))]
fn legacy(_: &[u8]) -> Result<(&'static Encoding, bool)> {
    Err(needs_formats("the file is not UTF-8"))
}

fn looks_binary(head: &[u8]) -> bool {
    head.contains(&0)
}

#[cfg(all(test, feature = "formats"))]
mod tests {
    use super::*;

    #[test]
    fn detects_legacy_code_pages() {
        let (gbk, _, _) = encoding_rs::GBK
            .encode("客户编号,下单时间,实付金额\n张三,2024-03-05,12.5\n李四,2024-03-06,8\n");
        let d = open(&gbk, None).unwrap();
        assert!(d.source.sample().contains("客户编号"));
        assert!(
            d.encoding == "GBK" || d.encoding == "gb18030",
            "{}",
            d.encoding
        );

        let (cp, _, _) = encoding_rs::WINDOWS_1251
            .encode("Клиент;Дата;Сумма\nИванов;05.03.2024;1 234,50\nПетров;06.03.2024;99,90\n");
        let d = open(&cp, None).unwrap();
        assert_eq!(d.encoding, "windows-1251");
        assert!(d.source.sample().contains("Клиент"));
    }

    #[test]
    fn a_few_stray_bytes_keep_a_file_utf8() {
        let mut text = "Клиент;Дата;Сумма\n".to_string();
        for i in 0..200 {
            text += &format!("Покупатель {i};05.03.2024;12,50\n");
        }
        let at = text.find(";05.03").unwrap();
        let mut bytes = text.into_bytes();
        bytes.insert(at, 0xFF);
        let d = open(&bytes, None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.repairs.count, 1);
        assert_eq!(d.repairs.examples, [(2, "ff".to_string())]);
        assert!(d.source.sample().contains("Покупатель 199"));
        // A windows-1252 file with its accents is still windows-1252.
        let (cp, _, _) = encoding_rs::WINDOWS_1252.encode("client;date\nCafé Müller;05.03.2024\n");
        assert_eq!(open(&cp, None).unwrap().encoding, "windows-1252");
    }

    #[test]
    fn utf16_without_a_bom_is_named_in_the_hint() {
        let le: Vec<u8> = "customer,date\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "customer,date\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let hint = |b: &[u8]| open(b, None).unwrap_err().hint.unwrap();
        assert!(hint(&le).contains("--encoding utf-16le"), "{}", hint(&le));
        assert!(hint(&be).contains("--encoding utf-16be"), "{}", hint(&be));
    }

    #[test]
    fn bom_and_forced_and_binary() {
        let d = open(b"\xEF\xBB\xBFa,b\n", None).unwrap();
        assert!(d.had_bom);
        assert_eq!(d.source.sample(), "a,b\n");
        assert!(open(b"a,b", Some("klingon")).is_err());
        assert_eq!(open(b"\x00\x01\x02", None).unwrap_err().code, "binary_file");
        assert!(looks_like_text("a,b\n1,2\n"));
        assert!(!looks_like_text("\u{1}\u{2}\u{3}\u{FFFD}\u{FFFD}"));
    }
}
