//! `crm-lens`: the native CLI over the same core the page runs in wasm.
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use crm_lens::ingest::{Decimal, OutlierPolicy, ReturnsPolicy};
use crm_lens::scale::card::ModelCard;
use crm_lens::scale::sql_score::ScoreSql;
use crm_lens::scale::sql_summary::{Cancelled, SummarySql};
use crm_lens::scale::Engine;
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
    /// SQL for DuckDB or Spark: the per-customer summary, or scores from a model card.
    Sql(SqlArgs),
    /// Score a per-customer summary of any length with a model card, streaming.
    Score(ScoreArgs),
    /// Fit the CLV models alone on a summary (streamed; ~200 bytes a customer) and write the
    /// model card: for summaries too big for `analyze --summary`.
    Fit(FitArgs),
}

#[derive(Args)]
struct FitArgs {
    /// The summary CSV (the layout `sql summary` writes).
    summary: PathBuf,
    /// Where to write the model card.
    #[arg(long)]
    save_model: PathBuf,
    /// Unit of the summary's recency and T.
    #[arg(long, value_parser = ["day", "week", "month", "year"])]
    time_unit: Option<String>,
    /// The summary's as-of date (checked against first_purchase + T when the summary has it).
    #[arg(long)]
    as_of: Option<String>,
    /// All options as JSON (clv.* are used); `@path` reads a file.
    #[arg(long)]
    options: Option<String>,
    /// Decimal separator of the summary's numbers.
    #[arg(long, value_parser = [".", ","])]
    decimal: Option<String>,
}

#[derive(Args)]
struct AnalyzeArgs {
    /// The file to analyse.
    file: PathBuf,
    #[command(flatten)]
    run: RunArgs,
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
    /// Write the per-customer summary (the layout `--summary` reads and `sql summary` writes).
    #[arg(long)]
    export_summary: Option<PathBuf>,
    /// Write the model card (the chosen model, its parameters and settings) for `crm-lens
    /// score` and `crm-lens sql score`.
    #[arg(long)]
    save_model: Option<PathBuf>,
    /// The input is a per-customer summary: customer_id, frequency, recency, T[, monetary_value,
    /// first_purchase, last_purchase, transactions, revenue, holdout columns]; with periods
    /// instead of T (discrete opportunities: BG/BB) and weights (identical customers).
    #[arg(long)]
    summary: bool,
    /// The input is a survival table: period, active[, cohort] (period 0: the starting count).
    #[arg(long, conflicts_with_all = ["summary", "subscriptions"])]
    survival: bool,
    /// The input is one row per subscription: [customer,] start, end (empty while active).
    #[arg(long, conflicts_with = "summary")]
    subscriptions: bool,
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
    /// A column describing the customer (channel, country, first product, age …) for the
    /// models with covariates and the churn model; repeat the flag for more. Add ':numeric' or
    /// ':categorical' to force how it is coded (default: numeric when every value is a number
    /// and there are more than 12 distinct values).
    #[arg(long = "covariate")]
    covariates: Vec<String>,
    /// Rows dated far outside the bulk of the dates (a mistyped year): skip (default) or keep.
    #[arg(long, value_parser = ["skip", "keep"])]
    outlier_dates: Option<String>,
    /// Pretty-print the JSON.
    #[arg(long)]
    pretty: bool,
}

/// The options `analyze` and `sql summary` share: dates, units, columns, returns.
#[derive(Args)]
struct RunArgs {
    /// Last day of the observation period, inclusive (YYYY-MM-DD). Default: last transaction.
    #[arg(long)]
    as_of: Option<String>,
    /// Unit of BTYD recency/T and model parameters, and the period of a survival table.
    #[arg(long, value_parser = ["day", "week", "month", "year"])]
    time_unit: Option<String>,
    /// All options as JSON (see docs/report.md); `@path` reads a file. Flags override it.
    #[arg(long)]
    options: Option<String>,
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
    /// Returns: net (subtract from spend), drop (skip), keep (count as transactions).
    #[arg(long, value_parser = ["net", "drop", "keep"])]
    returns: Option<String>,
}

#[derive(Args)]
struct SqlArgs {
    #[command(subcommand)]
    query: SqlQuery,
}

#[derive(Subcommand)]
enum SqlQuery {
    /// Print one SELECT that computes the per-customer summary of an orders table in DuckDB or
    /// Spark, exactly as `analyze` computes it; `analyze --summary` reads its result.
    Summary(Box<SqlSummaryArgs>),
    /// Print one SELECT that scores a summary table with a model card: customer_id, p_alive,
    /// expected_purchases, clv.
    Score(SqlScoreArgs),
}

#[derive(Args)]
struct SqlSummaryArgs {
    /// duckdb or spark.
    #[arg(long)]
    engine: String,
    /// The orders table (or view), one row per order line.
    #[arg(long)]
    table: String,
    #[command(flatten)]
    run: RunArgs,
    /// Whether order ids like C536379 are cancelled invoices: auto (when such ids are fewer
    /// than half), yes, no.
    #[arg(long, default_value = "auto", value_parser = ["auto", "yes", "no"])]
    cancelled_orders: String,
    /// Print the row account query instead (lines read, used, skipped by reason).
    #[arg(long)]
    account: bool,
    /// One row per distinct (frequency, recency, T, monetary_value, calibration row) with a
    /// `weights` count: the input of `crm-lens fit`, far shorter than one row a customer.
    #[arg(long)]
    collapsed: bool,
}

#[derive(Args)]
struct SqlScoreArgs {
    /// The model card (`analyze --save-model`).
    model: PathBuf,
    /// duckdb or spark.
    #[arg(long)]
    engine: String,
    /// The summary table: customer_id, frequency, recency, T, monetary_value.
    #[arg(long)]
    table: String,
}

#[derive(Args)]
struct ScoreArgs {
    /// The model card (`analyze --save-model`).
    model: PathBuf,
    /// The summary CSV (the layout `sql summary` and `analyze --export-summary` write).
    summary: PathBuf,
    /// Output CSV: customer_id, p_alive, expected_purchases, clv (default: stdout).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Decimal separator of the summary's numbers.
    #[arg(long, value_parser = [".", ","])]
    decimal: Option<String>,
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

fn options_from(args: &RunArgs) -> Result<Options, Error> {
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
    if let Some(r) = &args.returns {
        i.returns = match r.as_str() {
            "drop" => ReturnsPolicy::Drop,
            "keep" => ReturnsPolicy::Keep,
            _ => ReturnsPolicy::Net,
        };
    }
    Ok(o)
}

fn analyze_options(args: &AnalyzeArgs) -> Result<Options, Error> {
    let mut o = options_from(&args.run)?;
    let i = &mut o.ingest;
    let set = |slot: &mut Option<String>, v: &Option<String>| {
        if v.is_some() {
            *slot = v.clone();
        }
    };
    set(&mut i.date_format, &args.date_format);
    set(&mut i.encoding, &args.encoding);
    set(&mut i.delimiter, &args.delimiter);
    if let Some(d) = &args.decimal {
        i.decimal = Some(decimal(d));
    }
    if args.has_header.is_some() {
        i.has_header = args.has_header;
    }
    i.summary |= args.summary;
    i.survival |= args.survival;
    i.subscriptions |= args.subscriptions;
    i.covariate_cols.extend(args.covariates.iter().cloned());
    if let Some(p) = &args.outlier_dates {
        i.outlier_dates = match p.as_str() {
            "keep" => OutlierPolicy::Keep,
            _ => OutlierPolicy::Skip,
        };
    }
    Ok(o)
}

fn decimal(d: &str) -> Decimal {
    if d == "," {
        Decimal::Comma
    } else {
        Decimal::Dot
    }
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
    let opts = analyze_options(args)?;
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Error::new("io", format!("cannot read {}: {e}", args.file.display())))?;
    let dataset = Dataset::from_bytes(&bytes, &opts)?;
    let analysis = dataset.analyze(&opts)?;
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
    if let Some(p) = &args.export_summary {
        write(&Some(p.clone()), &dataset.summary_csv(&analysis, &opts)?)?;
    }
    if let Some(p) = &args.save_model {
        let card = ModelCard::of(&analysis, &opts)?;
        write(&Some(p.clone()), card.to_json()?.as_bytes())?;
    }
    Ok(())
}

fn sql(args: &SqlArgs) -> Result<(), Error> {
    match &args.query {
        SqlQuery::Summary(a) => {
            let opts = options_from(&a.run)?;
            let mut q = SummarySql::new(
                Engine::parse(&a.engine)?,
                &a.table,
                &opts,
                Cancelled::parse(&a.cancelled_orders)?,
            )?;
            q.collapsed = a.collapsed;
            let text = if a.account { q.account() } else { q.summary() };
            write(&None, text.trim_end().as_bytes())
        }
        SqlQuery::Score(a) => {
            let card = ModelCard::read(&a.model)?;
            let text = ScoreSql::new(Engine::parse(&a.engine)?, &a.table, &card)?.select();
            write(&None, text.trim_end().as_bytes())
        }
    }
}

fn fit(args: &FitArgs) -> Result<(), Error> {
    let run = RunArgs {
        as_of: args.as_of.clone(),
        time_unit: args.time_unit.clone(),
        options: args.options.clone(),
        customer_col: None,
        date_col: None,
        amount_col: None,
        order_col: None,
        quantity_col: None,
        unit_price_col: None,
        returns: None,
    };
    let opts = options_from(&run)?;
    let file = std::fs::File::open(&args.summary)
        .map_err(|e| Error::new("io", format!("cannot read {}: {e}", args.summary.display())))?;
    let dec = args.decimal.as_deref().map_or(Decimal::Dot, decimal);
    let (card, account) =
        crm_lens::scale::fit::fit_summary(std::io::BufReader::new(file), &opts, dec)?;
    write(&Some(args.save_model.clone()), card.to_json()?.as_bytes())?;
    eprintln!(
        "{}",
        serde_json::to_string(&account).map_err(|e| Error::new("serialize", e.to_string()))?
    );
    Ok(())
}

fn score(args: &ScoreArgs) -> Result<(), Error> {
    let card = ModelCard::read(&args.model)?;
    let dec = args.decimal.as_deref().map_or(Decimal::Dot, decimal);
    let account =
        crm_lens::scale::score::score_file(&card, &args.summary, args.out.as_deref(), dec)?;
    eprintln!(
        "{}",
        serde_json::to_string(&account).map_err(|e| Error::new("serialize", e.to_string()))?
    );
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Analyze(a) => analyze(a),
        Command::Sql(a) => sql(a),
        Command::Score(a) => score(a),
        Command::Fit(a) => fit(a),
        Command::Sample(s) => {
            let spec = crm_lens::sample::SampleSpec {
                transactions: s.transactions,
                seed: s.seed,
                days: s.days,
                ..Default::default()
            };
            match &s.out {
                Some(p) => std::fs::File::create(p)
                    .map_err(|e| Error::new("io", format!("cannot write {}: {e}", p.display())))
                    .and_then(|f| crm_lens::sample::write_csv(&spec, f)),
                None => crm_lens::sample::write_csv(&spec, std::io::stdout().lock())
                    .and_then(|()| write(&None, b"")),
            }
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
