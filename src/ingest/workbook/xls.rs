//! `.xls` (BIFF8, Excel 97–2003, and BIFF5, Excel 5/95): the first worksheet's cell records.
//!
//! Only the first worksheet is read (calamine parsed every sheet when it opened the file),
//! and cells are written as they come: no DIMENSIONS record is trusted, no bounding box is
//! allocated. The shared string table is kept once and copied into the sheet only where a
//! cell uses it, every byte charged to the budget.
//!
//! Cell text is what calamine gave before: numbers (NUMBER, RK, MULRK, formula results) as
//! Rust prints the `f64` (date cells are Excel serials), booleans `true`/`false`, errors as
//! Excel writes them (`#DIV/0!`).
use encoding_rs::Encoding;

use super::sheet::SheetBuilder;
use super::{cfb, unreadable, Budget, Limits};
use crate::error::{Error, Result};

const KIND: &str = "xls";

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;

pub fn read(bytes: &[u8], limits: Limits) -> Result<Vec<u8>> {
    let stream = cfb::stream(bytes, &["Workbook", "Book"])?;
    let mut sheet = SheetBuilder::new(Budget::new(KIND, limits));
    let globals = globals(&stream, sheet.budget())?;
    let at = globals
        .first_sheet
        .ok_or_else(|| unreadable(KIND, "it has no worksheet"))?;
    let mut records = Records::new(stream.get(at..).ok_or_else(|| damaged("sheet offset"))?);
    match records.next().transpose()? {
        Some(r) if r.typ == BOF => {}
        _ => return Err(damaged("the first sheet does not start with BOF")),
    }
    let mut depth = 0usize;
    let mut formula_at: Option<(u64, u64)> = None;
    while let Some(r) = records.next().transpose()? {
        match r.typ {
            // A chart or other substream inside the sheet: its records are not cells.
            BOF => depth += 1,
            EOF if depth == 0 => break,
            EOF => depth -= 1,
            _ if depth > 0 => {}
            // MULRK: several RK numbers of one row.
            0x00BD => {
                for (row, col, text) in mul_rk(r.data()) {
                    sheet.cell(row, col, &text)?;
                }
            }
            typ => {
                let Some((row, col, text)) = cell(typ, &r, &globals, &mut formula_at)? else {
                    continue;
                };
                sheet.cell(row, col, &text)?;
            }
        }
    }
    sheet.finish()
}

fn damaged(what: &str) -> Error {
    unreadable(KIND, format!("a record is damaged ({what})"))
}

/// One record with the data of the CONTINUE records after it.
struct Record<'a> {
    typ: u16,
    parts: Vec<&'a [u8]>,
}

impl<'a> Record<'a> {
    fn data(&self) -> &'a [u8] {
        self.parts[0]
    }
}

struct Records<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Records<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Records { bytes, at: 0 }
    }

    fn header(&self, at: usize) -> Option<(u16, usize)> {
        let h = self.bytes.get(at..at + 4)?;
        Some((
            u16::from_le_bytes([h[0], h[1]]),
            usize::from(u16::from_le_bytes([h[2], h[3]])),
        ))
    }

    fn take(&mut self) -> Result<Option<(u16, &'a [u8])>> {
        let Some((typ, len)) = self.header(self.at) else {
            return Ok(None);
        };
        let data = self
            .bytes
            .get(self.at + 4..self.at + 4 + len)
            .ok_or_else(|| damaged("it runs past the end of the stream"))?;
        self.at += 4 + len;
        Ok(Some((typ, data)))
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>>;

    fn next(&mut self) -> Option<Result<Record<'a>>> {
        let (typ, data) = match self.take() {
            Ok(Some(r)) => r,
            Ok(None) => return None,
            Err(e) => return Some(Err(e)),
        };
        let mut parts = vec![data];
        while self.header(self.at).is_some_and(|(t, _)| t == CONTINUE) {
            match self.take() {
                Ok(Some((_, d))) => parts.push(d),
                Ok(None) => break,
                Err(e) => return Some(Err(e)),
            }
        }
        Some(Ok(Record { typ, parts }))
    }
}

/// What the workbook globals say: BIFF version, code page, shared strings, first sheet.
struct Globals {
    biff8: bool,
    encoding: &'static Encoding,
    strings: Vec<(u32, u32)>,
    text: String,
    first_sheet: Option<usize>,
}

fn globals(stream: &[u8], budget: &mut Budget) -> Result<Globals> {
    let mut g = Globals {
        biff8: true,
        encoding: encoding_rs::WINDOWS_1252,
        strings: Vec::new(),
        text: String::new(),
        first_sheet: None,
    };
    for r in Records::new(stream) {
        let r = r?;
        let d = r.data();
        match r.typ {
            BOF => {
                let version = u16_at(d, 0);
                g.biff8 = match version {
                    0x0600 => true,
                    0x0500 => false,
                    v => {
                        return Err(unreadable(
                            KIND,
                            format!("BIFF version {v:#06x} (Excel before 5.0) is not supported"),
                        ))
                    }
                };
            }
            // FILEPASS: the records after it are encrypted (RC4) or obfuscated (XOR).
            0x002F => {
                return Err(Error::new(
                    "unreadable_workbook",
                    "the xls workbook is protected by a password",
                )
                .with_hint(
                    "open it in Excel, remove the password and save it, or save it as CSV (UTF-8)",
                ))
            }
            0x0042 => g.encoding = code_page(u16_at(d, 0)),
            0x0085 if g.first_sheet.is_none() && d.len() >= 6 && d[5] == 0 => {
                g.first_sheet = Some(u32_at(d, 0) as usize);
            }
            0x00FC if g.biff8 => shared_strings(&r, budget, &mut g)?,
            EOF => break,
            _ => {}
        }
    }
    Ok(g)
}

/// An encoding for a BIFF5 code page (BIFF8 text is UTF-16 or Latin-1).
fn code_page(cp: u16) -> &'static Encoding {
    let label = match cp {
        874 => "windows-874",
        932 => "shift_jis",
        936 => "gbk",
        949 => "euc-kr",
        950 => "big5",
        1250..=1258 => {
            return Encoding::for_label(format!("windows-{cp}").as_bytes())
                .unwrap_or(encoding_rs::WINDOWS_1252)
        }
        10000 | 32768 => "macintosh",
        _ => "windows-1252",
    };
    Encoding::for_label(label.as_bytes()).unwrap_or(encoding_rs::WINDOWS_1252)
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Reads across a record and its CONTINUE parts. Where a string's characters run into the
/// next part, that part starts with a new option byte (its character width).
struct Parts<'a> {
    parts: &'a [&'a [u8]],
    part: usize,
    at: usize,
}

impl<'a> Parts<'a> {
    fn byte(&mut self) -> Option<u8> {
        while self.at >= self.parts.get(self.part)?.len() {
            self.part += 1;
            self.at = 0;
        }
        let b = self.parts[self.part][self.at];
        self.at += 1;
        Some(b)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([
            self.byte()?,
            self.byte()?,
            self.byte()?,
            self.byte()?,
        ]))
    }

    fn skip(&mut self, mut n: usize) -> Option<()> {
        while n > 0 {
            let left = self.parts.get(self.part)?.len() - self.at;
            if left == 0 {
                self.part += 1;
                self.at = 0;
                continue;
            }
            let k = left.min(n);
            self.at += k;
            n -= k;
        }
        Some(())
    }

    /// `n` characters, one or two bytes each (`wide`), appended to `out`.
    fn chars(&mut self, n: usize, mut wide: bool, out: &mut String) -> Option<()> {
        let mut units = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            if self.at >= self.parts.get(self.part)?.len() {
                self.part += 1;
                self.at = 0;
                wide = self.byte()? & 1 == 1;
            }
            units.push(if wide {
                self.u16()?
            } else {
                u16::from(self.byte()?)
            });
        }
        out.extend(char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')));
        Some(())
    }

    /// An XLUnicodeRichExtendedString (BIFF8): count, options, runs and phonetic data skipped.
    fn rich_string(&mut self, out: &mut String) -> Option<()> {
        let n = usize::from(self.u16()?);
        let flags = self.byte()?;
        let runs = if flags & 0x08 != 0 {
            usize::from(self.u16()?)
        } else {
            0
        };
        let ext = if flags & 0x04 != 0 {
            self.u32()? as usize
        } else {
            0
        };
        self.chars(n, flags & 1 == 1, out)?;
        self.skip(runs * 4)?;
        self.skip(ext)
    }
}

fn shared_strings(r: &Record<'_>, budget: &mut Budget, g: &mut Globals) -> Result<()> {
    let mut p = Parts {
        parts: &r.parts,
        part: 0,
        at: 8,
    };
    let declared = u32_at(r.data(), 4);
    for _ in 0..declared {
        let start = g.text.len();
        if p.rich_string(&mut g.text).is_none() {
            g.text.truncate(start);
            break; // the table ends early: the strings read so far stay
        }
        budget.charge(g.text.len() - start + 8)?;
        let (start, end) = (u32::try_from(start), u32::try_from(g.text.len()));
        let (Ok(start), Ok(end)) = (start, end) else {
            return Err(unreadable(KIND, "its shared strings exceed 4 GiB"));
        };
        g.strings.push((start, end));
    }
    Ok(())
}

/// A cell record's position and text, or `None` for any other record (or an empty cell).
fn cell(
    typ: u16,
    r: &Record<'_>,
    g: &Globals,
    formula_at: &mut Option<(u64, u64)>,
) -> Result<Option<(u64, u64, String)>> {
    let d = r.data();
    let pos = || (u64::from(u16_at(d, 0)), u64::from(u16_at(d, 2)));
    let short = || damaged("a cell record is too short");
    let text = match typ {
        // NUMBER
        0x0203 => {
            let b: [u8; 8] = d
                .get(6..14)
                .ok_or_else(short)?
                .try_into()
                .map_err(|_| short())?;
            f64::from_le_bytes(b).to_string()
        }
        // RK
        0x027E => rk(u32::from_le_bytes(
            d.get(6..10)
                .ok_or_else(short)?
                .try_into()
                .map_err(|_| short())?,
        ))
        .to_string(),
        // LABEL, RSTRING
        0x0204 | 0x00D6 => label(r, g).ok_or_else(short)?,
        // LABELSST
        0x00FD => {
            let i = u32_at(d, 6) as usize;
            let &(s, e) = g.strings.get(i).ok_or_else(|| {
                unreadable(
                    KIND,
                    format!("a cell refers to shared string {i}, which is not there"),
                )
            })?;
            g.text[s as usize..e as usize].to_owned()
        }
        // BOOLERR
        0x0205 => {
            let (v, is_error) = (*d.get(6).ok_or_else(short)?, d.get(7) == Some(&1));
            if is_error {
                error_text(v).to_owned()
            } else {
                (v != 0).to_string()
            }
        }
        // FORMULA: its cached result (a string result follows in a STRING record).
        0x0006 => {
            let v = d.get(6..14).ok_or_else(short)?;
            *formula_at = None;
            if v[6] == 0xFF && v[7] == 0xFF {
                match v[0] {
                    0 => {
                        *formula_at = Some(pos());
                        return Ok(None);
                    }
                    1 => (v[2] != 0).to_string(),
                    2 => error_text(v[2]).to_owned(),
                    _ => return Ok(None),
                }
            } else {
                f64::from_le_bytes(v.try_into().map_err(|_| short())?).to_string()
            }
        }
        // STRING: the result of the formula before it.
        0x0207 => {
            let Some((row, col)) = formula_at.take() else {
                return Ok(None);
            };
            let mut p = Parts {
                parts: &r.parts,
                part: 0,
                at: 0,
            };
            return Ok(Some((row, col, string(&mut p, g).ok_or_else(short)?)));
        }
        _ => return Ok(None),
    };
    let (row, col) = pos();
    Ok(Some((row, col, text)))
}

/// A MULRK record's cells.
fn mul_rk(d: &[u8]) -> impl Iterator<Item = (u64, u64, String)> + '_ {
    let row = u64::from(u16_at(d, 0));
    let first = u64::from(u16_at(d, 2));
    let n = d.len().saturating_sub(6) / 6;
    (0..n).map(move |i| {
        (
            row,
            first + i as u64,
            rk(u32_at(d, 4 + 6 * i + 2)).to_string(),
        )
    })
}

/// An RK number: a 30-bit integer or the top of an `f64`, maybe divided by 100.
fn rk(v: u32) -> f64 {
    let x = if v & 2 != 0 {
        f64::from((v as i32) >> 2)
    } else {
        f64::from_bits(u64::from(v & 0xFFFF_FFFC) << 32)
    };
    if v & 1 != 0 {
        x / 100.0
    } else {
        x
    }
}

/// A LABEL or RSTRING record's text (after row, column and format).
fn label(r: &Record<'_>, g: &Globals) -> Option<String> {
    let mut p = Parts {
        parts: &r.parts,
        part: 0,
        at: 6,
    };
    string(&mut p, g)
}

/// An XLUnicodeString (BIFF8) or a byte string in the code page (BIFF5).
fn string(p: &mut Parts<'_>, g: &Globals) -> Option<String> {
    let n = usize::from(p.u16()?);
    let mut out = String::new();
    if g.biff8 {
        let flags = p.byte()?;
        p.chars(n, flags & 1 == 1, &mut out)?;
    } else {
        let bytes: Option<Vec<u8>> = (0..n).map(|_| p.byte()).collect();
        out = g
            .encoding
            .decode_without_bom_handling(&bytes?)
            .0
            .into_owned();
    }
    Some(out)
}

fn error_text(code: u8) -> &'static str {
    match code {
        0x00 => "#NULL!",
        0x07 => "#DIV/0!",
        0x0F => "#VALUE!",
        0x17 => "#REF!",
        0x1D => "#NAME?",
        0x24 => "#NUM!",
        0x2A => "#N/A",
        _ => "#ERROR!",
    }
}
