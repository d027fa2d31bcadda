//! Layout sniffing: delimiter, header, decimal style, date format, column roles.
//!
//! Every guess is made on a bounded sample, reported in `ingest.detected`, and can be
//! overridden by an option; the option wins without question.
use super::columns::{self, Roles};
use super::covariates::{self, CovariateKind};
use super::date;
use super::number::{self, ColumnStyle, Decimal};
use super::quotes::{Input, QuoteGuard};
use super::source;
use super::IngestOptions;
use crate::error::{clip, Error, Result};

/// Rows the sniffer looks at. Large enough to see late day-of-month values (> 12).
pub const SAMPLE_ROWS: usize = 2000;

pub const DELIMITERS: &[u8] = b",;\t|";

/// A field delimiter: one byte, or runs of spaces (whitespace-aligned columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    Byte(u8),
    Spaces,
}

impl Delimiter {
    /// The byte the CSV reader splits on (runs of spaces are collapsed to one space first).
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Byte(b) => b,
            Delimiter::Spaces => b' ',
        }
    }
}

pub fn delimiter_name(d: Delimiter) -> String {
    match d {
        Delimiter::Byte(b'\t') => "\\t".to_string(),
        Delimiter::Byte(d) => (d as char).to_string(),
        Delimiter::Spaces => "spaces".to_string(),
    }
}

pub fn parse_delimiter_option(s: &str) -> Result<Delimiter> {
    match s {
        "\\t" | "tab" | "\t" => Ok(Delimiter::Byte(b'\t')),
        "spaces" | "whitespace" => Ok(Delimiter::Spaces),
        "comma" => Ok(Delimiter::Byte(b',')),
        "semicolon" => Ok(Delimiter::Byte(b';')),
        "pipe" => Ok(Delimiter::Byte(b'|')),
        // A quote or a line break cannot delimit fields.
        s if s.len() == 1 && s.is_ascii() && !"\"\r\n".contains(s) => {
            Ok(Delimiter::Byte(s.as_bytes()[0]))
        }
        _ => Err(Error::option(format!(
            "delimiter {s:?} must be one ASCII character, tab, or spaces"
        ))
        .with_hint("--delimiter ';'")),
    }
}

/// Parses the sniffing sample into rows of strings (the only place rows become strings),
/// through the same quote guard as the rows themselves.
pub fn read_sample(text: &str, delimiter: Delimiter) -> Vec<Vec<String>> {
    let collapsed;
    let text = match delimiter {
        Delimiter::Spaces => {
            collapsed = source::collapse_spaces(text);
            collapsed.as_str()
        }
        Delimiter::Byte(_) => text,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(false)
        .flexible(true)
        .from_reader(QuoteGuard::new(
            Input::Text(text.as_bytes()),
            delimiter.byte(),
        ));
    rdr.records()
        .filter_map(|r| r.ok())
        .filter(|r| !r.iter().all(|f| f.trim().is_empty()))
        .take(SAMPLE_ROWS)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect()
}

/// How well a delimiter splits the sample: the share of rows with the modal field count
/// (> 1 fields), with more columns breaking near-ties (a comma inside `;` files' amounts).
fn split_score(text: &str, d: Delimiter) -> Option<f64> {
    let rows = read_sample(text, d);
    if rows.is_empty() {
        return None;
    }
    let counts: Vec<usize> = rows.iter().map(Vec::len).collect();
    let mode = mode_of(&counts);
    if mode < 2 {
        return None;
    }
    let consistent = rows.iter().filter(|r| r.len() == mode).count() as f64 / rows.len() as f64;
    Some(consistent + (mode as f64).min(50.0) * 1e-3)
}

/// The delimiter that splits the sample into the most consistent number (> 1) of fields.
/// Runs of spaces are chosen only when they split clearly better than every real delimiter:
/// ordinary CSVs hold spaces in names and amounts.
pub fn guess_delimiter(text: &str) -> Delimiter {
    let mut best = (Delimiter::Byte(b','), 0.0f64);
    for &d in DELIMITERS {
        if let Some(score) = split_score(text, Delimiter::Byte(d)) {
            if score > best.1 {
                best = (Delimiter::Byte(d), score);
            }
        }
    }
    if best.1 < 0.95 {
        if let Some(score) = split_score(text, Delimiter::Spaces) {
            if score >= 0.9 && score > best.1 + 0.1 {
                best = (Delimiter::Spaces, score);
            }
        }
    }
    best.0
}

/// The most frequent value, the smallest of equally frequent ones (0 for none). Sorted through
/// the shared index sort: a sample's few hundred rows need no sort of their own in the wasm.
fn mode_of(values: &[usize]) -> usize {
    let mut order: Vec<usize> = (0..values.len()).collect();
    crate::sort::indices_by(&mut order, |a, b| values[a].cmp(&values[b]));
    let sorted: Vec<usize> = order.into_iter().map(|i| values[i]).collect();
    let (mut best, mut best_n, mut i) = (0, 0, 0);
    while i < sorted.len() {
        let j = sorted[i..].iter().take_while(|&&v| v == sorted[i]).count();
        if j > best_n {
            best = sorted[i];
            best_n = j;
        }
        i += j;
    }
    best
}

/// The decided layout of a table, whatever its source (text or workbook).
#[derive(Debug, Clone)]
pub struct Layout {
    pub has_header: bool,
    pub header: Vec<String>,
    pub n_fields: usize,
    pub roles: Roles,
    pub decimal: Decimal,
    pub date_format: String,
    pub date_ambiguous_with: Option<String>,
    /// Order ids like `C536379` mark cancelled invoices (see [`cancellation_prefix`]).
    pub cancel_prefix: bool,
    /// What each money column's sample says of its separators (by column; default for the
    /// others), see [`number::read_amount`].
    pub styles: Vec<ColumnStyle>,
    /// Covariate columns (`covariateCols`): field, name, forced kind.
    pub covariates: Vec<(usize, String, Option<CovariateKind>)>,
}

impl Layout {
    pub fn style(&self, column: usize) -> ColumnStyle {
        self.styles.get(column).copied().unwrap_or_default()
    }
}

/// Resolves a column option: a header name (case-insensitive) or a 1-based index.
pub(super) fn resolve_column(spec: &str, header: &[String], n: usize, flag: &str) -> Result<usize> {
    if let Some(i) = header
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(spec.trim()))
    {
        return Ok(i);
    }
    if let Ok(i) = spec.trim().parse::<usize>() {
        if (1..=n).contains(&i) {
            return Ok(i - 1);
        }
    }
    Err(Error::option(format!(
        "{flag} {spec:?} names no column; the columns are: {}",
        describe_columns(header, n)
    ))
    .with_hint(format!("{flag} <name or 1-based number>")))
}

/// The `covariateCols` entries as (field, name, forced kind), in option order.
pub fn resolve_covariates(
    specs: &[String],
    header: &[String],
    n_fields: usize,
) -> Result<Vec<(usize, String, Option<CovariateKind>)>> {
    let mut out: Vec<(usize, String, Option<CovariateKind>)> = Vec::new();
    for spec in specs {
        let (col, kind) = covariates::split_spec(spec, header);
        let i = resolve_column(&col, header, n_fields, "--covariate")?;
        let name = header
            .get(i)
            .filter(|h| !h.is_empty())
            .cloned()
            .unwrap_or(format!("#{}", i + 1));
        if out.iter().any(|(j, _, _)| *j == i) {
            return Err(Error::option(format!(
                "covariate column {name:?} is named twice"
            )));
        }
        out.push((i, name, kind));
    }
    Ok(out)
}

/// Characters of a header name kept (in `detected.header` and in messages): longer cells
/// are no column names, and a message quoting them must stay readable.
pub const NAME_CHARS: usize = 100;
/// Characters of a value quoted in a message, and values quoted at most.
const VALUE_CHARS: usize = 60;
const VALUES: usize = 20;

/// `"a", "b", …` for at most [`VALUES`] items of at most [`VALUE_CHARS`] characters.
pub fn describe_values<'a>(values: impl ExactSizeIterator<Item = &'a str>) -> String {
    let n = values.len();
    let mut out: Vec<String> = values
        .take(VALUES)
        .map(|v| format!("{:?}", clip(v, VALUE_CHARS)))
        .collect();
    if n > VALUES {
        out.push(format!("… ({n} in all)"));
    }
    out.join(", ")
}

pub fn describe_columns(header: &[String], n: usize) -> String {
    if header.is_empty() {
        let names: Vec<String> = (1..=n).map(|i| format!("#{i}")).collect();
        describe_values(names.iter().map(String::as_str))
    } else {
        describe_values(header.iter().map(String::as_str))
    }
}

/// A row in a message: `["a", "b", …]`, bounded like [`describe_values`].
fn describe_row(row: &[String]) -> String {
    format!("[{}]", describe_values(row.iter().map(String::as_str)))
}

pub fn decide_layout(rows: &[Vec<String>], opts: &IngestOptions) -> Result<Layout> {
    let first = rows
        .first()
        .ok_or_else(|| Error::new("empty_file", "the file has no rows"))?;
    let n_fields = {
        let counts: Vec<usize> = rows.iter().map(Vec::len).collect();
        mode_of(&counts).max(first.len())
    };
    let has_header = opts.has_header.unwrap_or_else(|| looks_like_header(rows));
    let header: Vec<String> = if has_header {
        first.iter().map(|s| clip(s.trim(), NAME_CHARS)).collect()
    } else {
        vec![]
    };
    let body = if has_header { &rows[1..] } else { rows };
    if body.is_empty() {
        return Err(Error::new(
            "empty_file",
            format!(
                "the file has a header ({}) but no data rows",
                describe_columns(&header, n_fields)
            ),
        )
        .with_hint("--has-header false if the first row is data"));
    }
    let columns: Vec<Vec<&str>> = (0..n_fields)
        .map(|i| {
            body.iter()
                .filter_map(|r| r.get(i).map(String::as_str))
                .collect()
        })
        .collect();

    let mut roles = if has_header {
        columns::from_header(&header)
    } else {
        Roles::default()
    };
    let pick = |spec: &Option<String>, flag: &str| {
        spec.as_deref()
            .map(|s| resolve_column(s, &header, n_fields, flag))
            .transpose()
    };
    let forced = Roles {
        customer: pick(&opts.customer_col, "--customer-col")?,
        date: pick(&opts.date_col, "--date-col")?,
        amount: pick(&opts.amount_col, "--amount-col")?,
        order: pick(&opts.order_col, "--order-col")?,
        quantity: pick(&opts.quantity_col, "--quantity-col")?,
        unit_price: pick(&opts.unit_price_col, "--unit-price-col")?,
    };
    roles.overlay(&forced);
    // Quantity and unit price given as options mean "compute the amount": a sniffed amount
    // column must not win over them.
    if forced.quantity.is_some() && forced.unit_price.is_some() && forced.amount.is_none() {
        roles.amount = None;
    }

    // Decimal from the amount-like columns before inferring numeric roles.
    let decimal = match opts.decimal {
        Some(d) => d,
        None => {
            let money_cols: Vec<usize> = [roles.amount, roles.unit_price]
                .into_iter()
                .flatten()
                .collect();
            // Without a named money column every column votes, but not the dates: the dots
            // of `05.03.2024` are no decimal points (they made `1,5` read as 15).
            let cols: Vec<usize> = if money_cols.is_empty() {
                (0..n_fields)
                    .filter(|&i| {
                        date::guess_format(&columns[i])
                            .is_none_or(|g| g.format == date::EXCEL_SERIAL || g.parse_rate < 0.5)
                    })
                    .collect()
            } else {
                money_cols
            };
            let guess =
                number::guess_decimal(cols.iter().flat_map(|&i| columns[i].iter().copied()));
            guess.unwrap_or(if opts_delim_is_semicolon(opts) {
                Decimal::Comma
            } else {
                Decimal::Dot
            })
        }
    };
    columns::infer_missing(&mut roles, &columns, decimal);

    let date_col = roles.date.ok_or_else(|| {
        Error::new(
            "no_date_column",
            format!(
                "no column holds dates; found columns {} and first row {}",
                describe_columns(&header, n_fields),
                describe_row(body.first().unwrap_or(first))
            ),
        )
        .with_hint(
            "--date-col <name> (and --date-format if the dates are unusual, e.g. '%d.%m.%Y')",
        )
    })?;
    if roles.amount.is_none() && !(roles.quantity.is_some() && roles.unit_price.is_some()) {
        return Err(Error::new(
            "no_amount_column",
            format!(
                "no column holds amounts; found columns {} and first row {}",
                describe_columns(&header, n_fields),
                describe_row(body.first().unwrap_or(first))
            ),
        )
        .with_hint("--amount-col <name>, or --quantity-col and --unit-price-col"));
    }
    if roles.customer.is_none() {
        return Err(Error::new(
            "no_customer_column",
            format!(
                "no column identifies customers; found columns {} and first row {}",
                describe_columns(&header, n_fields),
                describe_row(body.first().unwrap_or(first))
            ),
        )
        .with_hint("--customer-col <name>"));
    }
    let (date_format, date_ambiguous_with) =
        match opts.date_format.as_deref().filter(|f| *f != "auto") {
            Some(f) => (f.to_string(), None),
            None => match date::guess_format(&columns[date_col]) {
                Some(g) => (g.format, g.ambiguous_with),
                None => {
                    let name = header.get(date_col).cloned();
                    let name = name.unwrap_or(format!("#{}", date_col + 1));
                    return Err(unparseable_dates(&name, &columns[date_col], false));
                }
            },
        };
    let cancel_prefix = roles
        .order
        .is_some_and(|c| cancellation_prefix(&columns[c]));
    let mut styles = vec![ColumnStyle::default(); n_fields];
    for c in [roles.amount, roles.quantity, roles.unit_price]
        .into_iter()
        .flatten()
    {
        styles[c] = ColumnStyle::of(columns[c].iter().copied(), decimal);
    }
    let covariates = resolve_covariates(&opts.covariate_cols, &header, n_fields)?;
    Ok(Layout {
        has_header,
        header,
        n_fields,
        roles,
        decimal,
        date_format,
        date_ambiguous_with,
        cancel_prefix,
        styles,
        covariates,
    })
}

/// The error of a date column no format reads, a file's (`memory` false) or a text column
/// from memory's. When the values do read in a format but their years lie outside the range
/// dates may have, it says so (suggesting another format would send the user the wrong way).
pub(super) fn unparseable_dates(name: &str, values: &[&str], memory: bool) -> Error {
    let first = describe_values(values.iter().take(3).copied());
    let out_of_range = date::CANDIDATES.iter().find(|f| {
        values
            .iter()
            .any(|v| date::read_with(f, v) == date::DateRead::OutOfRange)
    });
    match out_of_range {
        Some(f) => Error::new(
            "unparseable_dates",
            format!(
                "column {name:?} holds dates (as {f:?}) whose years lie outside {}–{}, the years \
                 dates are read for; first values: [{first}]",
                date::MIN_YEAR,
                date::MAX_YEAR
            ),
        )
        .with_hint(format!(
            "years must be within {}–{}: is {name:?} the date column? ({})",
            date::MIN_YEAR,
            date::MAX_YEAR,
            match memory {
                true => "the date of the mapping",
                false => "--date-col <name>",
            }
        )),
        None => Error::new(
            "unparseable_dates",
            format!("column {name:?} holds no date we can read; first values: [{first}]"),
        )
        .with_hint(match memory {
            true => {
                "dateFormat: '%d.%m.%Y' (chrono strftime syntax), or pass Date objects or ISO dates"
            }
            false => "--date-format '%d.%m.%Y' (chrono strftime syntax), or --date-col <name>",
        }),
    }
}

/// Whether an order id like `C536379` (C and a digit) marks a cancelled invoice, as in the
/// Online Retail exports: yes, unless at least half of the sampled order ids look like that,
/// because then the letter is the shop's ordinary prefix (`C0001`, `C0002` …) and every
/// order would turn into a return. Reported as `detected.cancelledOrderPrefix`.
pub(super) fn cancellation_prefix(order_ids: &[&str]) -> bool {
    let (mut n, mut c) = (0usize, 0usize);
    for id in order_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        n += 1;
        c += usize::from(super::rows::is_cancelled_invoice(id));
    }
    c * 2 < n || n == 0
}

fn opts_delim_is_semicolon(opts: &IngestOptions) -> bool {
    matches!(opts.delimiter.as_deref(), Some(";") | Some("semicolon"))
}

/// A first row is a header when it names known columns, or when it has no date/number
/// where the next rows do.
fn looks_like_header(rows: &[Vec<String>]) -> bool {
    let first = &rows[0];
    if first.iter().any(|c| columns::is_known_name(c)) {
        return true;
    }
    let Some(second) = rows.get(1) else {
        return false;
    };
    let typed = |row: &Vec<String>| {
        row.iter()
            .filter(|c| {
                number::parse_amount(c, Decimal::Dot).is_some()
                    || number::parse_amount(c, Decimal::Comma).is_some()
                    || date::CANDIDATES
                        .iter()
                        .any(|f| date::parse_with(f, c).is_some())
            })
            .count()
    };
    typed(first) < typed(second)
}
