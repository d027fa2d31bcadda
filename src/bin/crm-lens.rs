//! `crm-lens`: the native CLI over the same core the page runs in wasm.
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use crm_lens::ingest::{Decimal, OutlierPolicy, ReturnsPolicy};
use crm_lens::units::TimeUnit;
use crm_lens::{Dataset, Error, Options};

#[derive(Parser)]
#[command(
    name = "crm-lens",
    version,
    about = "Customer-lifecycle analytics (RFM, k-means, CLV, lifecycle, KPIs) from a transaction export"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a transaction export (CSV/TSV/TXT/XLSX/XLS) and print the Report as JSON.
    Analyze(Box<AnalyzeArgs>),
    /// Write a deterministic generated transaction log (CSV) for demos, tests and benchmarks.
    Sample(SampleArgs),
}

#[derive(Args)]
struct AnalyzeArgs {
    /// The file to analyse.
    file: PathBuf,
    /// Last day of the observation period, inclusive (YYYY-MM-DD). Default: last transaction.
    #[arg(long)]
    as_of: Option<String>,
    /// Unit of BTYD recency/T and model parameters.
    #[arg(long, value_parser = ["day", "week", "month"])]
    time_unit: Option<String>,
    /// All options as JSON (see docs/report.md); `@path` reads a file. Flags override it.
    #[arg(long)]
    options: Option<String>,
    /// Write the Report here instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write per-customer results as CSV (UTF-8 with BOM). Text cells starting with = + - @,
    /// a tab or a CR get a leading ' so spreadsheets do not run them as formulas.
    #[arg(long)]
    export_customers: Option<PathBuf>,
    /// Write the export's text cells exactly as they are (no leading ' before formulas), for
    /// a machine re-import.
    #[arg(long)]
    export_raw: bool,
    /// The input is a per-customer summary: customer_id, frequency, recency, T[, monetary_value].
    #[arg(long)]
    summary: bool,
    /// Customer id column (header name or 1-based number).
    #[arg(long)]
    customer_col: Option<String>,
    /// Date column (header name or 1-based number).
    #[arg(long)]
    date_col: Option<String>,
    /// Amount column (header name or 1-based number).
    #[arg(long)]
    amount_col: Option<String>,
    /// Order id column: lines of one order count as one transaction.
    #[arg(long)]
    order_col: Option<String>,
    /// Quantity column (amount = quantity × unit price when there is no amount column).
    #[arg(long)]
    quantity_col: Option<String>,
    /// Unit price column.
    #[arg(long)]
    unit_price_col: Option<String>,
    /// Date format in chrono/strftime syntax (e.g. '%d.%m.%Y'), or 'excel-serial'.
    #[arg(long)]
    date_format: Option<String>,
    /// Decimal separator of amounts.
    #[arg(long, value_parser = [".", ","])]
    decimal: Option<String>,
    /// Text encoding label (utf-8, gb18030, gbk, windows-1251, ...).
    #[arg(long)]
    encoding: Option<String>,
    /// Field delimiter: one character, 'tab', or 'spaces' (whitespace-aligned columns).
    #[arg(long)]
    delimiter: Option<String>,
    /// Whether the first row is a header (default: detected).
    #[arg(long)]
    has_header: Option<bool>,
    /// Returns: net (subtract from spend), drop (skip), keep (count as transactions).
    #[arg(long, value_parser = ["net", "drop", "keep"])]
    returns: Option<String>,
    /// Rows dated far outside the bulk of the dates (a mistyped year): skip (default) or keep.
    #[arg(long, value_parser = ["skip", "keep"])]
    outlier_dates: Option<String>,
    /// Pretty-print the JSON.
    #[arg(long)]
    pretty: bool,
}

#[derive(Args)]
struct SampleArgs {
    /// Number of order lines to write (exactly; the last customer's later lines are cut off).
    #[arg(long, default_value_t = 55_000)]
    transactions: usize,
    /// RNG seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Days over which customers arrive (the log ends on the last of them).
    #[arg(long, default_value_t = 730)]
    days: u32,
    /// Output file (default: stdout).
    #[arg(long)]
    out: Option<PathBuf>,
}

fn options_from(args: &AnalyzeArgs) -> Result<Options, Error> {
    let mut o = match &args.options {
        Some(s) => {
            let text = match s.strip_prefix('@') {
                Some(path) => std::fs::read_to_string(path)
                    .map_err(|e| Error::option(format!("cannot read options file {path}: {e}")))?,
                None => s.clone(),
            };
            Options::from_json(&text)?
        }
        None => Options::default(),
    };
    if let Some(d) = &args.as_of {
        o.as_of = Some(d.clone());
    }
    if let Some(u) = &args.time_unit {
        o.time_unit = TimeUnit::parse(u).unwrap_or_default();
    }
    let i = &mut o.ingest;
    let set = |slot: &mut Option<String>, v: &Option<String>| {
        if v.is_some() {
            *slot = v.clone();
        }
    };
    set(&mut i.customer_col, &args.customer_col);
    set(&mut i.date_col, &args.date_col);
    set(&mut i.amount_col, &args.amount_col);
    set(&mut i.order_col, &args.order_col);
    set(&mut i.quantity_col, &args.quantity_col);
    set(&mut i.unit_price_col, &args.unit_price_col);
    set(&mut i.date_format, &args.date_format);
    set(&mut i.encoding, &args.encoding);
    set(&mut i.delimiter, &args.delimiter);
    if let Some(d) = &args.decimal {
        i.decimal = Some(if d == "," {
            Decimal::Comma
        } else {
            Decimal::Dot
        });
    }
    if args.has_header.is_some() {
        i.has_header = args.has_header;
    }
    if let Some(r) = &args.returns {
        i.returns = match r.as_str() {
            "drop" => ReturnsPolicy::Drop,
            "keep" => ReturnsPolicy::Keep,
            _ => ReturnsPolicy::Net,
        };
    }
    if args.summary {
        i.summary = true;
    }
    if let Some(p) = &args.outlier_dates {
        i.outlier_dates = match p.as_str() {
            "keep" => OutlierPolicy::Keep,
            _ => OutlierPolicy::Skip,
        };
    }
    Ok(o)
}

fn write(path: &Option<PathBuf>, bytes: &[u8]) -> Result<(), Error> {
    match path {
        Some(p) => std::fs::write(p, bytes)
            .map_err(|e| Error::new("io", format!("cannot write {}: {e}", p.display()))),
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|_| out.write_all(b"\n"))
                .map_err(|e| Error::new("io", e.to_string()))
        }
    }
}

fn analyze(args: &AnalyzeArgs) -> Result<(), Error> {
    let opts = options_from(args)?;
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Error::new("io", format!("cannot read {}: {e}", args.file.display())))?;
    let analysis = Dataset::from_bytes(&bytes, &opts)?.analyze(&opts)?;
    let json = if args.pretty {
        serde_json::to_vec_pretty(&analysis.report)
    } else {
        serde_json::to_vec(&analysis.report)
    }
    .map_err(|e| Error::new("serialize", e.to_string()))?;
    write(&args.out, &json)?;
    if let Some(p) = &args.export_customers {
        let export = crm_lens::export::ExportOptions {
            raw: args.export_raw,
        };
        write(
            &Some(p.clone()),
            &crm_lens::export::customers_csv_with(&analysis, &export)?,
        )?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Analyze(a) => analyze(a),
        Command::Sample(s) => {
            let spec = crm_lens::sample::SampleSpec {
                transactions: s.transactions,
                seed: s.seed,
                days: s.days,
                ..Default::default()
            };
            crm_lens::sample::generate_csv(&spec)
                .and_then(|csv| write(&s.out, csv.trim_end().as_bytes()))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
