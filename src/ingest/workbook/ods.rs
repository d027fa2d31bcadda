//! `.ods` (OpenDocument spreadsheet): the first `table:table` of `content.xml`, streamed.
//!
//! Repeat counts (`table:number-rows-repeated`, `table:number-columns-repeated`) are never
//! expanded into empty cells: an empty repeat only moves the position, so LibreOffice's usual
//! last row repeated a million times costs nothing. A repeated cell or row with content is
//! written once per repeat, each copy charged to the budget; `text:s`'s space count too.
//! Cell text is what calamine gave before: `office:value` as Rust prints the `f64`, dates and
//! times as written (`2024-03-05`, `PT12H`), booleans `true`/`false`, string cells' paragraphs
//! joined by line breaks.
use quick_xml::events::{BytesStart, Event};

use super::sheet::SheetBuilder;
use super::xml::{bad_xml, count_attr, next, push_entity, unescape, Package, XmlReader};
use super::{unreadable, Budget, MAX_COLUMNS, SHEET_ROWS};
use crate::error::Result;

const KIND: &str = "ods";

pub fn read(pkg: &mut Package) -> Result<Vec<u8>> {
    let mut sheet = SheetBuilder::new(Budget::new(KIND, pkg.limits));
    let found = pkg
        .read("content.xml", |x| first_table(x, &mut sheet))?
        .unwrap_or(false);
    if !found {
        return Err(unreadable(KIND, "it has no sheet"));
    }
    sheet.finish()
}

/// Reads the first table; false when there is none.
fn first_table(x: &mut XmlReader<'_, '_>, sheet: &mut SheetBuilder) -> Result<bool> {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match next(x, &mut buf, KIND)? {
            Event::Start(e) if e.name().as_ref() == "table:table" => break,
            Event::Eof => return Ok(false),
            _ => {}
        }
    }
    let mut row = 0u64;
    let mut depth = 0usize;
    loop {
        buf.clear();
        match next(x, &mut buf, KIND)? {
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                let repeat = count_attr(&e, "table:number-rows-repeated", 1).max(1);
                let cells = row_cells(x, sheet.budget())?;
                write_row(sheet, row, repeat, &cells)?;
                row = row.saturating_add(repeat);
            }
            Event::Start(e) if e.name().as_ref() == "table:table" => depth += 1,
            Event::End(e) if e.name().as_ref() == "table:table" => {
                if depth == 0 {
                    return Ok(true);
                }
                depth -= 1;
            }
            Event::Eof => return Ok(true),
            _ => {}
        }
    }
}

/// A row's cells with content, by column (repeats written out, up to `MAX_COLUMNS`).
fn row_cells(x: &mut XmlReader<'_, '_>, budget: &mut Budget) -> Result<Vec<(u64, String)>> {
    let mut cells: Vec<(u64, String)> = Vec::new();
    let mut held = 0usize;
    let mut col = 0u64;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match next(x, &mut buf, KIND)? {
            Event::Start(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let repeat = count_attr(&e, "table:number-columns-repeated", 1).max(1);
                let end = e.name().as_ref().to_owned();
                let text = cell_text(x, &e, &end, budget, held)?;
                if !text.is_empty() {
                    for c in col..col.saturating_add(repeat).min(MAX_COLUMNS) {
                        held += text.len() + 32;
                        budget.check(held)?;
                        cells.push((c, text.clone()));
                    }
                }
                col = col.saturating_add(repeat);
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => return Ok(cells),
            Event::Eof => return Err(bad_xml(KIND, "a row ends early")),
            _ => {}
        }
    }
}

fn write_row(
    sheet: &mut SheetBuilder,
    row: u64,
    repeat: u64,
    cells: &[(u64, String)],
) -> Result<()> {
    let Some((_, first)) = cells.first() else {
        return Ok(()); // empty rows are positions, not cells
    };
    let stored = repeat.min(SHEET_ROWS.saturating_sub(row));
    for r in row..row + stored {
        for (c, text) in cells {
            sheet.cell(r, *c, text)?;
        }
    }
    if stored < repeat {
        sheet.beyond_rows(row + stored, repeat - stored, first);
    }
    Ok(())
}

/// A cell's value (see the module doc), reading its content up to the end of the element
/// `end` when the value is there; `held` bytes of the row are already held.
fn cell_text(
    x: &mut XmlReader<'_, '_>,
    e: &BytesStart<'_>,
    end: &str,
    budget: &Budget,
    held: usize,
) -> Result<String> {
    let mut value: Option<String> = None;
    let (mut is_string, mut is_error) = (false, false);
    for a in e.attributes().with_checks(false).flatten() {
        let v = || unescape(a.value.clone()).into_owned();
        match a.key.as_ref() {
            "office:value" if value.is_none() => {
                let v = v();
                value = Some(v.trim().parse::<f64>().map_or(v, |n| n.to_string()));
            }
            "office:string-value" | "office:date-value" | "office:time-value"
                if value.is_none() =>
            {
                value = Some(v());
            }
            "office:boolean-value" if value.is_none() => {
                let b = matches!(v().as_str(), "true" | "TRUE");
                value = Some(b.to_string());
            }
            "office:value-type" if value.is_none() => is_string = v() == "string",
            "calcext:value-type" => is_error = v() == "error",
            _ => {}
        }
    }
    let from_content = (value.is_none() && is_string) || (is_error && value.as_deref() == Some(""));
    let mut text = String::new();
    let mut buf = Vec::new();
    let mut paragraphs = 0usize;
    let mut annotation = 0usize;
    loop {
        buf.clear();
        let ev = next(x, &mut buf, KIND)?;
        match ev {
            Event::End(e) if e.name().as_ref() == end => break,
            Event::Eof => return Err(bad_xml(KIND, "a cell ends early")),
            _ if !from_content => {}
            Event::Start(e) if e.name().as_ref() == "office:annotation" => annotation += 1,
            Event::End(e) if e.name().as_ref() == "office:annotation" => {
                annotation = annotation.saturating_sub(1)
            }
            _ if annotation > 0 => {}
            Event::Start(e) => match e.name().as_ref() {
                "text:p" => {
                    if paragraphs > 0 {
                        text.push('\n');
                    }
                    paragraphs += 1;
                }
                "text:s" => {
                    let n = count_attr(&e, "text:c", 1);
                    let n = usize::try_from(n).unwrap_or(usize::MAX);
                    budget.check(held.saturating_add(text.len()).saturating_add(n))?;
                    text.extend(std::iter::repeat_n(' ', n));
                }
                "text:tab" => text.push('\t'),
                "text:line-break" => text.push('\n'),
                _ => {}
            },
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => push_entity(&r, &mut text),
            _ => {}
        }
        budget.check(held + text.len())?;
    }
    Ok(if from_content {
        text
    } else {
        value.unwrap_or_default()
    })
}
