//! Text encoding: BOMs, UTF-8, and the legacy code pages of Chinese and Russian Excel.
//!
//! The encoding is decided here without decoding the file. UTF-8 input is borrowed, never
//! copied. Detecting a legacy code page (chardetng, Firefox's detector, by the author of
//! encoding_rs) and decoding it (encoding_rs, streamed, see `source`) need the `formats`
//! feature; without it (the browser's core module) such a file is a `needs_formats` error
//! that the JS wrapper answers by loading the formats module (`ingest::decode`).
use encoding_rs::{Encoding, UTF_8};

use super::source::TextSource;
use crate::error::{Error, Result};

/// The file as text: which encoding, whether it had a BOM, and the decoded stream.
#[derive(Debug)]
pub struct Opened<'a> {
    pub source: TextSource<'a>,
    pub encoding: String,
    pub had_bom: bool,
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
    })
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
        return Err(Error::new(
            "binary_file",
            "the file looks binary (it contains NUL bytes), not a CSV/TSV text export or an .xlsx/.xls workbook",
        )
        .with_hint("export the data as CSV (UTF-8) or XLSX; if it is UTF-16 text, pass --encoding utf-16le"));
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok((UTF_8, true));
    }
    legacy(bytes)
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
