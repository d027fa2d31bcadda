//! Data from memory: orders a program already holds (a CRM's arrays, records or an Arrow
//! table, which the package's JS turns into columns), read with a file's guarantees.
//!
//! The columns arrive split into cells, so there is no encoding, delimiter, quoting or header
//! to sniff; everything else is the file path's. Text cells go through the same date and
//! number parsing (the date format and the decimal separator sniffed over the column's first
//! text cells, or set by `dateFormat` / `decimal`); numbers and epoch days are read as they
//! are. Rows then enter the same row parser ([`RowParser::accept`]): cancelled invoices,
//! returns and the customer interner are the file's. Every cell is used or counted: a missing
//! customer, a date that is no date, an amount that is no finite number, a null, each is a
//! skip under the file's reason, with an example whose `line` is the row's 0-based index.
mod cells;
mod read;

pub use cells::{
    Cell, Column, TextCells, KIND_NULL, KIND_NUMBER, KIND_OTHER, KIND_TEXT, KIND_UNDEFINED,
};

use super::columns::Roles;
use super::covariates::CovariateKind;
use super::date;
use super::number::{self, ColumnStyle, Decimal};
use super::rows::RowParser;
use super::sniff::{self, Layout, SAMPLE_ROWS};
use super::{Detected, IngestOptions, Ingested};
use crate::error::{Error, Result};
use cells::{invalid, MS_PER_DAY};
use read::{id_text, js_number, Rows};

/// What a caller can hand over; reported as `detected.source`.
pub const SOURCES: &[&str] = &["columns", "records", "arrow"];

/// Orders from memory: one column per role, one cell per order.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryInput {
    /// `columns`, `records` or `arrow`: what the caller handed over.
    pub source: String,
    pub customer: Column,
    pub date: Column,
    /// The line value; without it, `quantity × unit_price` (as for a file).
    pub amount: Option<Column>,
    pub order: Option<Column>,
    pub quantity: Option<Column>,
    pub unit_price: Option<Column>,
    /// Attributes of the customer (channel, country, age …), one cell per order, read as a
    /// file's `covariateCols`: all of them, or those the option names (with their kinds).
    pub covariates: Vec<Column>,
}

impl MemoryInput {
    /// The columns in report order (roles, then covariates): the layout's fields.
    pub(super) fn columns(&self) -> Vec<&Column> {
        [Some(&self.customer), Some(&self.date)]
            .into_iter()
            .chain(
                [&self.amount, &self.order, &self.quantity, &self.unit_price].map(Option::as_ref),
            )
            .flatten()
            .chain(&self.covariates)
            .collect()
    }
}

/// Options that describe a file's text; data from memory has none of it to choose.
fn reject_file_options(o: &IngestOptions) -> Result<()> {
    let set = [
        ("encoding", o.encoding.is_some()),
        ("delimiter", o.delimiter.is_some()),
        ("hasHeader", o.has_header.is_some()),
        ("customerCol", o.customer_col.is_some()),
        ("dateCol", o.date_col.is_some()),
        ("amountCol", o.amount_col.is_some()),
        ("orderCol", o.order_col.is_some()),
        ("quantityCol", o.quantity_col.is_some()),
        ("unitPriceCol", o.unit_price_col.is_some()),
        ("summary", o.summary),
        ("survival", o.survival),
        ("subscriptions", o.subscriptions),
    ];
    let named: Vec<&str> = set.iter().filter(|s| s.1).map(|s| s.0).collect();
    if named.is_empty() {
        return Ok(());
    }
    Err(Error::option(format!(
        "ingest option{} {} appl{} to files only: data from memory is already split into named columns",
        if named.len() > 1 { "s" } else { "" },
        named.join(", "),
        if named.len() > 1 { "y" } else { "ies" },
    ))
    .with_hint("leave them out; name the columns in the mapping of openRecords / openArrow, or in the columns object"))
}

/// Every column must hold one cell per order: checked (by the JS binding too) before any
/// cell is copied.
pub fn check_lengths<'a>(columns: impl Iterator<Item = (&'a str, usize)> + Clone) -> Result<()> {
    let mut lens = columns.clone().map(|c| c.1);
    let first = lens.next().unwrap_or(0);
    if lens.all(|l| l == first) {
        return Ok(());
    }
    let lens: Vec<String> = columns.map(|(name, len)| format!("{name} {len}")).collect();
    Err(Error::new(
        "column_lengths",
        format!("the columns differ in length: {}", lens.join(", ")),
    )
    .with_hint("give every column one value per order (null where a value is missing)"))
}

/// Reads orders from memory: what [`super::ingest`] gives for the same orders in a file,
/// but for `detected`'s description of the text and the examples' `line` (the row index).
pub fn ingest_memory(input: &MemoryInput, opts: &IngestOptions) -> Result<Ingested> {
    opts.validate()?;
    reject_file_options(opts)?;
    if !SOURCES.contains(&input.source.as_str()) {
        return Err(invalid(&format!("unknown source {:?}", input.source)));
    }
    let columns = input.columns();
    let n = input.customer.len();
    check_lengths(columns.iter().map(|c| (c.name.as_str(), c.len())))?;
    if input.amount.is_none() && !(input.quantity.is_some() && input.unit_price.is_some()) {
        return Err(Error::new(
            "no_amount_column",
            "the orders have no amount column (nor quantity and unit price)",
        )
        .with_hint("add amount (or quantity and unitPrice) to the columns or the mapping"));
    }
    if n == 0 {
        return Err(Error::new("empty_input", "the columns hold no rows")
            .with_hint("pass at least one order"));
    }
    let layout = layout(input, &columns, opts)?;
    let mut parser = RowParser::new(&layout, opts, n, seed(input));
    let excel = opts.date_format.as_deref() == Some(date::EXCEL_SERIAL);
    let reader = Rows {
        input,
        columns,
        excel,
    };
    let mut order = String::new();
    for i in 0..n {
        reader.read(&mut parser, i, &mut order);
    }
    let texts = |c: Option<&Column>| c.is_some_and(|c| !c.text_sample().is_empty());
    let text_amounts = texts(input.amount.as_ref()) || texts(input.unit_price.as_ref());
    let mut ingested = parser.finish(Detected {
        source: input.source.clone(),
        encoding: "n/a".into(),
        delimiter: "n/a".into(),
        ..Default::default()
    })?;
    if let Ingested::Transactions(_, _, d) = &mut ingested {
        // No text amount was parsed: no separator was chosen.
        if !text_amounts && opts.decimal.is_none() {
            d.decimal_separator = "n/a".into();
        }
    }
    Ok(ingested)
}

/// The layout the row parser needs: named columns, and what the sniffer decides for text.
fn layout(input: &MemoryInput, columns: &[&Column], opts: &IngestOptions) -> Result<Layout> {
    let index = |c: &Option<Column>| {
        c.as_ref()
            .and_then(|c| columns.iter().position(|x| std::ptr::eq(*x, c)))
    };
    let roles = Roles {
        customer: Some(0),
        date: Some(1),
        amount: index(&input.amount),
        order: index(&input.order),
        quantity: index(&input.quantity),
        unit_price: index(&input.unit_price),
    };
    let (date_format, date_ambiguous_with) = date_format(&input.date, opts)?;
    let money = input.amount.as_ref().or(input.unit_price.as_ref());
    let decimal = opts.decimal.unwrap_or_else(|| {
        let sample = money.map(Column::text_sample).unwrap_or_default();
        number::guess_decimal(sample.into_iter()).unwrap_or(Decimal::Dot)
    });
    let covariates = covariate_layout(input, columns, opts)?;
    // How each money column's text uses the other separator, as the sniffer decides it.
    let mut styles = vec![ColumnStyle::default(); columns.len()];
    for c in [roles.amount, roles.quantity, roles.unit_price]
        .into_iter()
        .flatten()
    {
        styles[c] = ColumnStyle::of(columns[c].text_sample().into_iter(), decimal);
    }
    let cancel_prefix = input.order.as_ref().is_some_and(|c| {
        let ids: Vec<String> = (0..c.len())
            .map(|i| id_text(c.cell(i)).into_owned())
            .filter(|s| !s.trim().is_empty())
            .take(SAMPLE_ROWS)
            .collect();
        sniff::cancellation_prefix(&ids.iter().map(String::as_str).collect::<Vec<_>>())
    });
    Ok(Layout {
        has_header: true,
        header: columns.iter().map(|c| c.name.clone()).collect(),
        n_fields: columns.len(),
        roles,
        decimal,
        date_format,
        date_ambiguous_with,
        cancel_prefix,
        styles,
        covariates,
    })
}

/// A hash of the customer and date columns, to seed the hashes of ids and dates as a file's
/// bytes do (see `seeded`): crafted ids cannot be made to collide offline. The columns'
/// buffers are hashed whole, not cell by cell.
fn seed(input: &MemoryInput) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(0x6372_6d2d_6c65_6e73).build_hasher();
    input.customer.hash_into(&mut h);
    input.date.hash_into(&mut h);
    h.finish()
}

/// The covariate columns as layout fields: every one given, in order, or (with
/// `covariateCols`) those the option names, with their kinds; a given column the option
/// leaves out is an error, not a column silently ignored.
fn covariate_layout(
    input: &MemoryInput,
    columns: &[&Column],
    opts: &IngestOptions,
) -> Result<Vec<(usize, String, Option<CovariateKind>)>> {
    let first = columns.len() - input.covariates.len();
    let names: Vec<String> = input.covariates.iter().map(|c| c.name.clone()).collect();
    if opts.covariate_cols.is_empty() {
        return Ok((first..)
            .zip(names)
            .map(|(i, name)| (i, name, None))
            .collect());
    }
    if names.is_empty() {
        return Err(Error::option(format!(
            "covariateCols names {:?}, but the orders carry no covariate columns",
            opts.covariate_cols
        ))
        .with_hint("add covariates: { channel: [...] } to the columns, or covariates: ['channel'] to the mapping"));
    }
    let chosen = sniff::resolve_covariates(&opts.covariate_cols, &names, names.len())?;
    if let Some(left) = names
        .iter()
        .enumerate()
        .find(|(i, _)| !chosen.iter().any(|c| c.0 == *i))
    {
        return Err(Error::option(format!(
            "covariate column {:?} is given but covariateCols leaves it out",
            left.1
        ))
        .with_hint("name it in covariateCols, or leave it out of the covariates"));
    }
    Ok(chosen
        .into_iter()
        .map(|(i, name, kind)| (first + i, name, kind))
        .collect())
}

/// The format text dates are read with (sniffed as for a file), or what the numbers are.
fn date_format(col: &Column, opts: &IngestOptions) -> Result<(String, Option<String>)> {
    if let Some(f) = opts.date_format.as_deref().filter(|f| *f != "auto") {
        return Ok((f.to_string(), None));
    }
    let sample = col.text_sample();
    if sample.is_empty() {
        let numbers: Vec<f64> = col.number_sample().collect();
        // Epoch seconds or Excel serial days read as milliseconds all land in 1970: a
        // silently wrong year for every order. Refuse them instead.
        let year_ms = 365.0 * MS_PER_DAY;
        if !numbers.is_empty() && numbers.iter().all(|v| v.abs() < year_ms) {
            return Err(Error::new(
                "unparseable_dates",
                format!(
                    "column {:?} holds numbers like {} that, read as epoch milliseconds, all fall in 1970: they look like epoch seconds or Excel serial days",
                    col.name,
                    js_number(numbers[0])
                ),
            )
            .with_hint("pass epoch milliseconds (seconds × 1000), Date objects, ISO date strings or an Int32Array of epoch days; for Excel serial days set dateFormat: 'excel-serial'"));
        }
        let label = if col.is_days() {
            "epoch-days"
        } else {
            "epoch-ms"
        };
        return Ok((label.into(), None));
    }
    match date::guess_format(&sample) {
        Some(g) => Ok((g.format, g.ambiguous_with)),
        None => Err(sniff::unparseable_dates(&col.name, &sample, true)),
    }
}
