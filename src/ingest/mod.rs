//! Ingest: file bytes → columnar transactions, with a full row account.
//!
//! Stages: decode text (or open a workbook) → sniff a bounded sample → stream every record
//! through the row parser. No table of row strings is ever built: each record is parsed into
//! four columns (customer index, day, amount, order hash) as it is read.
//!
//! Entry points: [`ingest`] reads any file (legacy code pages and workbooks need the
//! `formats` feature). The browser splits it in two modules: the formats module's
//! [`decode`] turns such a file into UTF-8 text or a sheet's rows, and the core module's
//! [`ingest_decoded`] reads that. Both ways give the same result (tests/decoded.rs).
//! [`ingest_memory`] reads orders a program holds in memory as columns (`memory`).
mod accounting;
mod batch;
mod columns;
mod covariates;
mod date;
mod encoding;
mod lines;
mod memory;
mod name_arena;
mod name_table;
mod names;
mod number;
mod outliers;
mod quotes;
mod rows;
mod seeded;
mod sniff;
mod source;
mod subscriptions;
mod summary;
mod survival;
mod table;
mod text;
#[cfg(feature = "formats")]
mod workbook;

pub use accounting::{Repair, RowAccount, SkipExample, SkipReason};
pub use covariates::{CovariateColumn, CovariateKind, BLANK as COVARIATE_BLANK};
pub use date::{MAX_YEAR, MIN_YEAR};
pub use encoding::Utf8Repairs;
pub use lines::Lines;
pub use memory::{
    check_lengths, ingest_memory, Cell, Column, MemoryInput, TextCells, KIND_NULL, KIND_NUMBER,
    KIND_OTHER, KIND_TEXT, KIND_UNDEFINED, SOURCES as MEMORY_SOURCES,
};
pub use names::Names;
pub use number::{parse_amount, Decimal, MAX_AMOUNT};
pub use outliers::{DateOutliers, OutlierPolicy};
pub use quotes::MAX_QUOTED_LINES;
pub use rows::Transactions;
pub use subscriptions::SubscriptionTable;
pub use summary::{row_text, Calibration, SummaryHoldout, SummaryLayout, SummaryRow, SummaryTable};
pub use survival::{SurvivalRow, SurvivalTable};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// What to do with returns (negative lines, cancelled invoices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ReturnsPolicy {
    /// Subtract returns from the customer's spend; they never count as purchases.
    #[default]
    Net,
    /// Skip return lines (counted under `returnDropped`).
    Drop,
    /// Keep returns as transactions of negative value, as a raw log would.
    Keep,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[cfg_attr(test, ts(optional_fields = nullable))]
pub struct IngestOptions {
    /// Encoding label (`utf-8`, `gb18030`, `gbk`, `windows-1251`, ...); default: detected.
    pub encoding: Option<String>,
    /// One character, `tab`, or `spaces` (whitespace-aligned columns); default: detected.
    pub delimiter: Option<String>,
    pub has_header: Option<bool>,
    pub decimal: Option<Decimal>,
    /// chrono strftime format (e.g. `%d.%m.%Y`) or `excel-serial`; default: detected.
    pub date_format: Option<String>,
    /// Column by header name or 1-based number.
    pub customer_col: Option<String>,
    pub date_col: Option<String>,
    pub amount_col: Option<String>,
    pub order_col: Option<String>,
    pub quantity_col: Option<String>,
    pub unit_price_col: Option<String>,
    #[cfg_attr(test, ts(optional = nullable))]
    pub returns: ReturnsPolicy,
    /// Columns describing the customer (channel, country, first product, age …), by header
    /// name or 1-based number, optionally with `:numeric` or `:categorical`: each customer
    /// gets one value (`customers::covariates`) for the CLV covariate models and churn.
    /// Data from memory: names among its covariate columns (default: all of them).
    #[cfg_attr(test, ts(optional = nullable))]
    pub covariate_cols: Vec<String>,
    /// The input is a per-customer summary (customer_id, frequency, recency, T[, monetary_value]).
    #[cfg_attr(test, ts(optional = nullable))]
    pub summary: bool,
    /// Rows dated far outside the bulk of the dates (see `outliers`): `skip` (default) or
    /// `keep`.
    #[cfg_attr(test, ts(optional = nullable))]
    pub outlier_dates: OutlierPolicy,
    /// The input is a survival table: period, active[, cohort] (period 0: starting count).
    #[cfg_attr(test, ts(optional = nullable))]
    pub survival: bool,
    /// The input is one row per subscription: [customer,] start, end (empty while active).
    #[cfg_attr(test, ts(optional = nullable))]
    pub subscriptions: bool,
}

impl IngestOptions {
    pub fn validate(&self) -> Result<()> {
        if [self.summary, self.survival, self.subscriptions]
            .iter()
            .filter(|&&b| b)
            .count()
            > 1
        {
            return Err(Error::option(
                "summary, survival and subscriptions are different inputs: set one of them",
            )
            .with_hint("--summary, --survival or --subscriptions, not two of them"));
        }
        covariates::validate(&self.covariate_cols)?;
        if let Some(d) = &self.delimiter {
            sniff::parse_delimiter_option(d)?;
        }
        if let Some(f) = self
            .date_format
            .as_deref()
            .filter(|f| *f != "auto" && *f != date::EXCEL_SERIAL)
        {
            // A format must at least contain a year, month and day directive.
            let has = |d: &[&str]| d.iter().any(|x| f.contains(x));
            if !(has(&["%Y", "%y"]) && has(&["%m", "%b", "%B"]) && f.contains("%d")) {
                return Err(Error::option(format!(
                    "date format {f:?} needs year, month and day directives (%Y %m %d)"
                ))
                .with_hint("--date-format '%d.%m.%Y'"));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DetectedColumns {
    pub customer_id: Option<String>,
    pub date: Option<String>,
    pub amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub order_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub quantity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub unit_price: Option<String>,
    /// Subscriptions input: the end-date column (`date` is the start).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub end: Option<String>,
    /// The covariate columns read (`covariateCols`), in option order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(as = "Option<Vec<String>>", optional))]
    pub covariates: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Detected {
    /// `csv`, `xlsx`, `xls`, `ods`, `summary`, `survival` or `subscriptions`; from memory
    /// `columns`, `records` or `arrow`.
    pub source: String,
    pub encoding: String,
    /// The file started with a byte-order mark.
    pub bom: bool,
    pub delimiter: String,
    pub has_header: bool,
    pub decimal_separator: String,
    pub date_format: String,
    /// Set when day-first and month-first both fit every sampled date: we chose `dateFormat`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub date_format_ambiguous_with: Option<String>,
    /// The text began with Excel's `sep=;` line: it named the delimiter and was no row.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub sep_line: bool,
    /// Set when some rows' dates lie far outside the bulk of the dates (see `outliers`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub date_outliers: Option<DateOutliers>,
    /// Set when order ids starting with this letter and a digit count as cancelled invoices
    /// (the Online Retail convention); absent when the file has no order column or uses the
    /// letter for ordinary orders (half or more of the sampled ids start with it).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub cancelled_order_prefix: Option<String>,
    pub columns: DetectedColumns,
    /// All column names (or `#1`, `#2` ... without a header), for the page's mapping editor.
    pub header: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct IngestReport {
    pub rows_read: u64,
    pub rows_used: u64,
    pub rows_skipped: BTreeMap<String, u64>,
    pub examples: Vec<SkipExample>,
    /// Values used after a documented repair, by kind (`otherDecimal`, `unclosedQuote`,
    /// `invalidUtf8`); their rows count as used.
    pub repairs: BTreeMap<String, u64>,
    /// The first repairs of each kind: `{ line, column, reason, text }` (`reason`: the kind).
    pub repair_examples: Vec<SkipExample>,
    pub detected: Detected,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub returns: ReturnsPolicy,
    /// Return lines among the used rows (netted or kept per `returns`).
    pub return_lines: u64,
}

/// The result of reading a file: a transaction log, a per-customer summary, a survival
/// table or a list of subscriptions.
#[derive(Debug, Clone)]
pub enum Ingested {
    Transactions(Transactions, RowAccount, Detected),
    Summary(SummaryTable, RowAccount, Detected),
    Survival(SurvivalTable, RowAccount, Detected),
    Subscriptions(SubscriptionTable, RowAccount, Detected),
}

/// The inputs read from header-named columns, never guessed: the summary, the survival table
/// and the subscriptions (None for a transaction log). `records` yields every record, the
/// header first.
fn read_named<I>(
    sample: &[Vec<String>],
    records: impl FnOnce() -> I,
    opts: &IngestOptions,
    detected: Detected,
) -> Option<Result<Ingested>>
where
    I: Iterator<Item = csv::Result<csv::StringRecord>>,
{
    // Without `extra-inputs`, `check_extra` has refused these options: compiled out.
    if !crate::EXTRA_INPUTS {
        None
    } else if opts.summary {
        Some(summary::read(sample, records(), opts, detected))
    } else if opts.survival {
        Some(survival::read(sample, records(), opts, detected))
    } else if opts.subscriptions {
        Some(subscriptions::read(sample, records(), opts, detected))
    } else {
        None
    }
}

/// The error of a build without the `extra-inputs` feature (the browser's core module) for an
/// input only the full module reads. The JS wrapper (`openDataset`, `openColumns` ...) catches
/// the code and opens the input in the full module; an embedder who calls the core module
/// directly reads what to do.
pub fn needs_full(what: &str) -> Error {
    Error::new(
        "needs_full",
        format!("{what}: reading it needs the crm-lens full module (summaries and subscriptions, and their models)"),
    )
    .with_hint("open the input with openDataset(), analyzeFile() or openColumns() from the crm-lens package, which load the full module when an input needs it")
}

/// Refuses, without `extra-inputs`, what only the full module reads: a summary, a survival
/// table, a subscription list.
fn check_extra(opts: &IngestOptions) -> Result<()> {
    let what = if crate::EXTRA_INPUTS {
        return Ok(());
    } else if opts.summary {
        "a per-customer summary"
    } else if opts.survival {
        "a survival table"
    } else if opts.subscriptions {
        "a list of subscriptions"
    } else {
        return Ok(());
    };
    Err(needs_full(what))
}

/// Reads a file's bytes. Never panics; every failure is an [`Error`] that says what was found.
pub fn ingest(bytes: &[u8], opts: &IngestOptions) -> Result<Ingested> {
    opts.validate()?;
    check_extra(opts)?;
    not_empty(bytes)?;
    if let Some(kind) = table::kind(bytes) {
        let (kind, wire) = read_workbook(bytes, kind)?;
        return from_rows(kind, &wire, opts);
    }
    from_opened(encoding::open(bytes, opts.encoding.as_deref())?, opts)
}

/// What the formats module's [`decode`] made of a file, described for the core's
/// [`ingest_decoded`] (crosses the JS boundary next to the bytes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Decoded {
    /// `csv`: the bytes are the file's text in UTF-8; `xlsx` / `xls` / `ods`: a sheet's rows
    /// (`table` wire format).
    pub source: String,
    /// The encoding the text was decoded from (`n/a` for workbooks).
    pub encoding: String,
    /// The text started with a byte-order mark.
    pub bom: bool,
    /// Invalid UTF-8 replaced by U+FFFD while decoding (a UTF-8 file with stray bytes).
    #[serde(default)]
    #[cfg_attr(test, ts(as = "Option<Utf8Repairs>", optional))]
    pub invalid_utf8: Utf8Repairs,
}

/// Turns a file into what a build without decoders and workbook readers can read: its text
/// as UTF-8, or its first sheet's rows. Same decisions (BOM, `encoding` option, detection,
/// workbook signature) and same errors as [`ingest`].
#[cfg(feature = "formats")]
pub fn decode(bytes: &[u8], opts: &IngestOptions) -> Result<(Decoded, Vec<u8>)> {
    opts.validate()?;
    not_empty(bytes)?;
    if let Some(kind) = table::kind(bytes) {
        let (kind, wire) = workbook::read_first_sheet(bytes, kind)?;
        let info = Decoded {
            source: kind.into(),
            encoding: "n/a".into(),
            bom: false,
            invalid_utf8: Utf8Repairs::default(),
        };
        return Ok((info, wire));
    }
    let opened = encoding::open(bytes, opts.encoding.as_deref())?;
    let text = opened.source.decode_all().into_owned().into_bytes();
    let info = Decoded {
        source: "csv".into(),
        encoding: opened.encoding,
        bom: opened.had_bom,
        invalid_utf8: opened.repairs,
    };
    Ok((info, text))
}

/// Reads what [`decode`] returned: the same result [`ingest`] gives for the original file.
pub fn ingest_decoded(info: &Decoded, bytes: &[u8], opts: &IngestOptions) -> Result<Ingested> {
    opts.validate()?;
    check_extra(opts)?;
    let bad = |what: &str| {
        Error::new(
            "invalid_decoded",
            format!("the decoded input is not what the formats module makes: {what}"),
        )
        .with_hint("pass the bytes and description that the formats module's decode() returned")
    };
    match info.source.as_str() {
        "csv" => {
            let text = std::str::from_utf8(bytes).map_err(|_| bad("the text is not UTF-8"))?;
            let opened = encoding::Opened {
                source: source::TextSource::utf8(text),
                encoding: info.encoding.clone(),
                had_bom: info.bom,
                repairs: info.invalid_utf8.clone(),
            };
            from_opened(opened, opts)
        }
        "xlsx" => from_rows("xlsx", bytes, opts),
        "xls" => from_rows("xls", bytes, opts),
        "ods" => from_rows("ods", bytes, opts),
        other => Err(bad(&format!("unknown source {other:?}"))),
    }
}

fn not_empty(bytes: &[u8]) -> Result<()> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::new("empty_file", "the file is empty")
            .with_hint("choose a CSV/TSV/XLSX export with a header and at least one row"));
    }
    Ok(())
}

#[cfg(feature = "formats")]
fn read_workbook(bytes: &[u8], kind: &str) -> Result<(&'static str, Vec<u8>)> {
    workbook::read_first_sheet(bytes, kind)
}

#[cfg(not(feature = "formats"))]
fn read_workbook(_: &[u8], kind: &str) -> Result<(&'static str, Vec<u8>)> {
    Err(encoding::needs_formats(&format!(
        "the file is an {kind} workbook"
    )))
}

/// A workbook's rows (wire bytes, `table`) through the sniffer and the row parser.
fn from_rows(kind: &str, wire: &[u8], opts: &IngestOptions) -> Result<Ingested> {
    let detected = Detected {
        source: kind.to_string(),
        encoding: "n/a".into(),
        delimiter: "n/a".into(),
        ..Default::default()
    };
    table::from_table(&table::Table::decode(wire)?, opts, detected)
}

/// Decoded text through the sniffer and the row parser.
fn from_opened(opened: encoding::Opened<'_>, opts: &IngestOptions) -> Result<Ingested> {
    let sample = opened.source.sample();
    if !encoding::looks_like_text(&sample) {
        return Err(Error::new(
            "binary_file",
            format!(
                "the file does not look like text in {} (mostly control or undecodable bytes); it is not a CSV/TSV export or an .xlsx/.xls workbook",
                opened.encoding
            ),
        )
        .with_hint("export the data as CSV (UTF-8) or XLSX; if it is text in another encoding, pass --encoding"));
    }
    // Excel's `sep=;` first line names the delimiter; the sample starts after it.
    let sep = text::sep_line(&sample);
    let sample_text = &sample[sep.map_or(0, |(_, len)| len)..];
    let delimiter = match (&opts.delimiter, sep) {
        (Some(d), _) => sniff::parse_delimiter_option(d)?,
        (None, Some((d, _))) => sniff::Delimiter::Byte(d),
        (None, None) => sniff::guess_delimiter(sample_text),
    };
    let detected = Detected {
        source: "csv".into(),
        encoding: opened.encoding.clone(),
        bom: opened.had_bom,
        delimiter: sniff::delimiter_name(delimiter),
        ..Default::default()
    };
    let preamble = text::Preamble {
        sep_line: sep.is_some(),
        utf8: opened.repairs,
    };
    text::from_text(
        &opened.source,
        sample_text,
        delimiter,
        preamble,
        opts,
        detected,
    )
}
