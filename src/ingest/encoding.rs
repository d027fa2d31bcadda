//! Text encoding: BOMs, UTF-8, and the legacy code pages of Chinese and Russian Excel.
//!
//! Detection is chardetng (Firefox's detector, by the author of encoding_rs); decoding is
//! encoding_rs. UTF-8 input is borrowed, never copied.
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
use std::borrow::Cow;

use crate::error::{Error, Result};

#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
    pub had_bom: bool,
}

/// How much of the file the detector reads: enough for any mix of header and data.
const DETECT_BYTES: usize = 1 << 20;

pub fn decode<'a>(bytes: &'a [u8], forced: Option<&str>) -> Result<Decoded<'a>> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        return Ok(Decoded {
            text: decode_with(enc, body),
            encoding: enc.name(),
            had_bom: true,
        });
    }
    let enc = match forced.map(str::trim).filter(|s| !s.is_empty() && *s != "auto") {
        Some(label) => Encoding::for_label(label.as_bytes()).ok_or_else(|| {
            Error::option(format!(
                "unknown encoding {label:?}; use e.g. utf-8, gb18030, gbk, windows-1251, windows-1252"
            ))
            .with_hint("--encoding gb18030")
        })?,
        None => detect(bytes)?,
    };
    Ok(Decoded {
        text: decode_with(enc, bytes),
        encoding: enc.name(),
        had_bom: false,
    })
}

fn decode_with<'a>(enc: &'static Encoding, bytes: &'a [u8]) -> Cow<'a, str> {
    if enc == UTF_8 {
        if let Ok(s) = std::str::from_utf8(bytes) {
            return Cow::Borrowed(s);
        }
    }
    enc.decode_without_bom_handling(bytes).0
}

fn detect(bytes: &[u8]) -> Result<&'static Encoding> {
    let head = &bytes[..bytes.len().min(8192)];
    if looks_binary(head) {
        return Err(Error::new(
            "binary_file",
            "the file looks binary (it contains NUL bytes), not a CSV/TSV text export or an .xlsx/.xls workbook",
        )
        .with_hint("export the data as CSV (UTF-8) or XLSX; if it is UTF-16 text, pass --encoding utf-16le"));
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok(UTF_8);
    }
    let mut det = chardetng::EncodingDetector::new();
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    det.feed(sample, sample.len() == bytes.len());
    let guess = det.guess(None, true);
    // A file that is UTF-8 except for a cut-off last character is still UTF-8.
    if guess == UTF_16LE || guess == UTF_16BE {
        return Ok(UTF_8);
    }
    Ok(guess)
}

fn looks_binary(head: &[u8]) -> bool {
    head.contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_legacy_code_pages() {
        let (gbk, _, _) = encoding_rs::GBK
            .encode("客户编号,下单时间,实付金额\n张三,2024-03-05,12.5\n李四,2024-03-06,8\n");
        let d = decode(&gbk, None).unwrap();
        assert!(d.text.contains("客户编号"), "{}", d.text);
        assert!(
            d.encoding == "GBK" || d.encoding == "gb18030",
            "{}",
            d.encoding
        );

        let (cp, _, _) = encoding_rs::WINDOWS_1251
            .encode("Клиент;Дата;Сумма\nИванов;05.03.2024;1 234,50\nПетров;06.03.2024;99,90\n");
        let d = decode(&cp, None).unwrap();
        assert_eq!(d.encoding, "windows-1251");
        assert!(d.text.contains("Покупатель") || d.text.contains("Клиент"));
    }

    #[test]
    fn bom_and_forced_and_binary() {
        let d = decode(b"\xEF\xBB\xBFa,b\n", None).unwrap();
        assert!(d.had_bom);
        assert_eq!(d.text, "a,b\n");
        assert!(decode(b"a,b", Some("klingon")).is_err());
        assert_eq!(
            decode(b"\x00\x01\x02", None).unwrap_err().code,
            "binary_file"
        );
    }
}
