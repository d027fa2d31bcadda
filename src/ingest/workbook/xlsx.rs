//! `.xlsx` (Office Open XML): the package's relationships lead to the first worksheet; its
//! cells are streamed, shared strings are kept once (text back to back, 4 bytes each) and
//! copied into the sheet only where a cell uses them, every byte charged to the budget.
//!
//! Cell text is what calamine gave before: numbers as Rust prints the `f64` (date cells are
//! Excel serials, the sniffer's `excel-serial`), booleans `true`/`false`, errors as written
//! (`#DIV/0!`), strings with `_xHHHH_` escapes resolved and, without `xml:space="preserve"`,
//! ASCII whitespace trimmed.
use quick_xml::events::Event;

use super::sheet::SheetBuilder;
use super::xml::{attr, bad_xml, next, push_entity, Package, XmlReader};
use super::{unreadable, Budget};
use crate::error::Result;

const KIND: &str = "xlsx";

pub fn read(pkg: &mut Package) -> Result<Vec<u8>> {
    let root = pkg.read("_rels/.rels", relationships)?.unwrap_or_default();
    let workbook = root
        .iter()
        .find(|r| r.kind.ends_with("/officeDocument"))
        .map(|r| resolve("", &r.target))
        .unwrap_or_else(|| "xl/workbook.xml".into());
    let (dir, file) = workbook.rsplit_once('/').unwrap_or(("", &workbook));
    let rels_path = format!("{dir}/_rels/{file}.rels");
    let rels = pkg.read(&rels_path, relationships)?.unwrap_or_default();
    let sheets = pkg
        .read(&workbook, sheet_ids)?
        .ok_or_else(|| unreadable(KIND, format!("it has no {workbook}")))?;
    let target = |id: &str| rels.iter().find(|r| r.id == id);
    let first = sheets
        .iter()
        .filter_map(|id| target(id))
        .find(|r| r.kind.ends_with("/worksheet"))
        .ok_or_else(|| unreadable(KIND, "it has no worksheet"))?;
    let sheet_path = resolve(dir, &first.target);
    let shared_path = rels
        .iter()
        .find(|r| r.kind.ends_with("/sharedStrings"))
        .map(|r| resolve(dir, &r.target))
        .unwrap_or_else(|| format!("{dir}/sharedStrings.xml"));

    let mut sheet = SheetBuilder::new(Budget::new(KIND, pkg.limits));
    let strings = pkg
        .read(&shared_path, |x| shared_strings(x, sheet.budget()))?
        .unwrap_or_default();
    pkg.read(&sheet_path, |x| cells(x, &strings, &mut sheet))?
        .ok_or_else(|| unreadable(KIND, format!("its first sheet {sheet_path} is missing")))?;
    sheet.finish()
}

#[derive(Default)]
struct Relationship {
    id: String,
    kind: String,
    target: String,
}

fn relationships(x: &mut XmlReader<'_, '_>) -> Result<Vec<Relationship>> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match next(x, &mut buf, KIND)? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                let get = |n: &str| attr(&e, n, true).unwrap_or_default().into_owned();
                out.push(Relationship {
                    id: get("Id"),
                    kind: get("Type"),
                    target: get("Target"),
                });
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The relationship ids of the workbook's sheets, in order.
fn sheet_ids(x: &mut XmlReader<'_, '_>) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match next(x, &mut buf, KIND)? {
            Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                if let Some(id) = attr(&e, "id", true) {
                    out.push(id.into_owned());
                }
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// A relationship target relative to the part's directory (or absolute, from the root).
fn resolve(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in target.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Shared strings: text back to back and where each ends.
#[derive(Default)]
struct Strings {
    text: String,
    ends: Vec<u32>,
}

impl Strings {
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = i.checked_sub(1).map_or(0, |j| self.ends[j] as usize);
        self.text.get(start..end)
    }
}

/// Buffers reused from cell to cell (quick-xml's event bytes, a value's text).
#[derive(Default)]
struct Scratch {
    events: Vec<u8>,
    text: Vec<u8>,
    t: String,
    v: String,
}

fn shared_strings(x: &mut XmlReader<'_, '_>, budget: &mut Budget) -> Result<Strings> {
    let mut strings = Strings::default();
    let mut buf = Vec::new();
    let mut one = String::new();
    let mut scratch = Scratch::default();
    loop {
        buf.clear();
        match next(x, &mut buf, KIND)? {
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                one.clear();
                rich_text(x, "si", &mut one, budget, &mut scratch)?;
                budget.charge(one.len() + 4)?;
                strings.text.push_str(&one);
                let end = u32::try_from(strings.text.len())
                    .map_err(|_| unreadable(KIND, "its shared strings exceed 4 GiB"))?;
                strings.ends.push(end);
            }
            Event::Eof => return Ok(strings),
            _ => {}
        }
    }
}

/// The text of an `<si>` or `<is>` element up to its end: its `<t>` runs, without phonetic
/// guides (`<rPh>`).
fn rich_text(
    x: &mut XmlReader<'_, '_>,
    end: &str,
    out: &mut String,
    budget: &Budget,
    s: &mut Scratch,
) -> Result<()> {
    let mut phonetic = 0usize;
    loop {
        s.events.clear();
        match next(x, &mut s.events, KIND)? {
            Event::Start(e) if e.local_name().as_ref() == "rPh" => phonetic += 1,
            Event::End(e) if e.local_name().as_ref() == "rPh" => {
                phonetic = phonetic.saturating_sub(1)
            }
            Event::Start(e) if e.local_name().as_ref() == "t" && phonetic == 0 => {
                let preserve = attr(&e, "space", true).is_some_and(|v| v == "preserve");
                s.t.clear();
                text_until(x, "t", &mut s.t, budget, out.len(), &mut s.text)?;
                let t = if preserve {
                    &s.t[..]
                } else {
                    s.t.trim_matches([' ', '\t', '\r', '\n'])
                };
                unescape_ooxml(t, out);
            }
            Event::End(e) if e.local_name().as_ref() == end => return Ok(()),
            Event::Eof => return Err(bad_xml(KIND, "a string ends early")),
            _ => {}
        }
    }
}

/// Text and references up to the end of element `end`, appended to `out`; `more` bytes are
/// already held elsewhere (all of it is checked against the budget as it grows).
fn text_until(
    x: &mut XmlReader<'_, '_>,
    end: &str,
    out: &mut String,
    budget: &Budget,
    more: usize,
    buf: &mut Vec<u8>,
) -> Result<()> {
    loop {
        buf.clear();
        match next(x, buf, KIND)? {
            Event::Text(t) => out.push_str(&t.xml10_content()),
            Event::CData(t) => out.push_str(&t.into_inner()),
            Event::GeneralRef(r) => push_entity(&r, out),
            Event::End(e) if e.local_name().as_ref() == end => return Ok(()),
            Event::Eof => return Err(bad_xml(KIND, "an element ends early")),
            _ => {}
        }
        budget.check(out.len() + more)?;
    }
}

/// `_xHHHH_` (how OOXML writes characters XML cannot hold) resolved, appended to `out`.
fn unescape_ooxml(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(i) = rest.find("_x") {
        let code = rest
            .get(i + 2..i + 6)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|_| rest.as_bytes().get(i + 6) == Some(&b'_'))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push_str(&rest[..i]);
                out.push(c);
                rest = &rest[i + 7..];
            }
            None => {
                out.push_str(&rest[..i + 2]);
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
}

/// A cell reference like `AB12` as 0-based (row, column).
fn cell_ref(r: &str) -> Option<(u64, u64)> {
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col, row) = r.split_at(letters);
    let col = col.bytes().try_fold(0u64, |c, b| {
        c.checked_mul(26)?
            .checked_add(u64::from(b.to_ascii_uppercase() - b'A') + 1)
    })?;
    let row: u64 = row.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

fn cells(x: &mut XmlReader<'_, '_>, strings: &Strings, sheet: &mut SheetBuilder) -> Result<()> {
    let mut buf = Vec::new();
    let (mut row, mut col) = (0u64, 0u64);
    let mut value = String::new();
    let mut scratch = Scratch::default();
    loop {
        buf.clear();
        match next(x, &mut buf, KIND)? {
            Event::Start(e) if e.local_name().as_ref() == "row" => {
                if let Some(r) = attr(&e, "r", true) {
                    let r: u64 = r.trim().parse().map_err(|_| bad_ref(&r))?;
                    row = r.checked_sub(1).ok_or_else(|| bad_ref("0"))?;
                }
                col = 0;
            }
            Event::End(e) if e.local_name().as_ref() == "row" => {
                row = row.saturating_add(1);
                col = 0;
            }
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                // One pass over the attributes: this runs for every cell.
                let mut t = CellType::Number;
                for a in e.attributes().with_checks(false).flatten() {
                    match a.key.local_name().into_inner() {
                        "r" => (row, col) = cell_ref(&a.value).ok_or_else(|| bad_ref(&a.value))?,
                        "t" => t = cell_type(Some(&a.value)),
                        _ => {}
                    }
                }
                value.clear();
                cell_value(x, t, strings, sheet.budget(), &mut value, &mut scratch)?;
                sheet.cell(row, col, &value)?;
                col = col.saturating_add(1);
            }
            Event::End(e) if e.local_name().as_ref() == "sheetData" => return Ok(()),
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn bad_ref(r: &str) -> crate::error::Error {
    unreadable(KIND, format!("a cell or row reference {r:?} is not one"))
}

/// A cell's `t` attribute (its value's type).
#[derive(Debug, Clone, Copy, PartialEq)]
enum CellType {
    Number,
    Shared,
    Inline,
    Bool,
    Formula,
    Other,
}

fn cell_type(t: Option<&str>) -> CellType {
    match t {
        None | Some("n") => CellType::Number,
        Some("s") => CellType::Shared,
        Some("inlineStr") => CellType::Inline,
        Some("b") => CellType::Bool,
        Some("str") => CellType::Formula,
        Some(_) => CellType::Other,
    }
}

/// A `<c>` element's value up to its end, as text.
fn cell_value(
    x: &mut XmlReader<'_, '_>,
    t: CellType,
    strings: &Strings,
    budget: &Budget,
    out: &mut String,
    s: &mut Scratch,
) -> Result<()> {
    let mut v = std::mem::take(&mut s.v);
    v.clear();
    loop {
        s.events.clear();
        match next(x, &mut s.events, KIND)? {
            Event::Start(e) => match e.local_name().as_ref() {
                "v" => text_until(x, "v", &mut v, budget, 0, &mut s.text)?,
                "is" => rich_text(x, "is", out, budget, s)?,
                other => {
                    // A formula or an extension: its text is not the value.
                    let other = other.to_owned();
                    let mut skipped = String::new();
                    text_until(x, &other, &mut skipped, budget, 0, &mut s.text)?;
                }
            },
            Event::End(e) if e.local_name().as_ref() == "c" => break,
            Event::Eof => return Err(bad_xml(KIND, "a cell ends early")),
            _ => {}
        }
    }
    let result = typed_value(t, &v, strings, budget, out);
    s.v = v;
    result
}

/// The text of a cell of type `t` whose `<v>` is `v`, appended to `out`.
fn typed_value(
    t: CellType,
    v: &str,
    strings: &Strings,
    budget: &Budget,
    out: &mut String,
) -> Result<()> {
    match t {
        CellType::Inline => {}
        CellType::Shared => {
            let v = v.trim();
            if !v.is_empty() {
                let s = v
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| strings.get(i))
                    .ok_or_else(|| {
                        unreadable(
                            KIND,
                            format!("a cell refers to shared string {v:?}, which is not there"),
                        )
                    })?;
                budget.check(s.len())?;
                out.push_str(s);
            }
        }
        CellType::Bool => out.push_str(match v.trim() {
            "1" | "true" | "TRUE" => "true",
            "0" | "false" | "FALSE" => "false",
            other => other,
        }),
        CellType::Formula => unescape_ooxml(v, out),
        CellType::Number => match v.trim().parse::<f64>() {
            Ok(n) => {
                use std::fmt::Write;
                let _ = write!(out, "{n}");
            }
            Err(_) => out.push_str(v),
        },
        CellType::Other => out.push_str(v),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_paths_and_escapes() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("ab12"), Some((11, 27)));
        assert_eq!(cell_ref("XFD1048577"), Some((1_048_576, 16_383)));
        assert_eq!(cell_ref("A0"), None);
        assert_eq!(cell_ref("1"), None);
        assert_eq!(cell_ref("ZZZZZZZZZZZZZZZZ1"), None);
        assert_eq!(
            resolve("xl", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(resolve("xl", "/xl/worksheets/s.xml"), "xl/worksheets/s.xml");
        assert_eq!(resolve("xl/a", "../b.xml"), "xl/b.xml");
        let mut s = String::new();
        unescape_ooxml("a_x000D_b_x005F_x_x12", &mut s);
        assert_eq!(s, "a\rb_x_x12");
    }
}
