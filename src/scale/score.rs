//! `crm-lens score model.json summary.csv`: P(alive), expected purchases and CLV for every
//! customer of a summary, one row at a time. Memory does not grow with the file: a record
//! buffer, the output buffer, and a bounded cache of the purchase stream per (x, T) (the part
//! of the prediction that needs series; many customers share it).
//!
//! The formulas are `analyze`'s (src/clv/predict.rs): `pAlive` the model's closed form (or
//! its ₂F₁ series, Pareto/NBD), `expectedPurchases = P(alive) · u(x, T, H)`, and
//! `clv = margin · E[spend] · P(alive) · D(x, T)` with D the discounted stream over the
//! horizon month by month. A prediction that cannot be computed (a series that does not
//! converge) is written as an empty cell and counted, never as a number.
use std::collections::{BTreeMap, HashMap};
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use super::card::ModelCard;
use crate::clv::gamma_gamma::spend::SpendModel;
use crate::clv::prediction::purchases::{stream, Grid};
use crate::clv::ModelKind;
use crate::error::{Error, Result};
use crate::ingest::{row_text, Decimal, RowAccount, SkipExample, SkipReason, SummaryLayout};
use crate::units::DAYS_PER_MONTH;

/// Cached (x, T) streams before the cache is emptied: ~40 bytes each, so at most ~10 MB.
const CACHE_LIMIT: usize = 250_000;

/// One customer's scores; `None` where the prediction could not be computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub p_alive: Option<f64>,
    pub expected_purchases: Option<f64>,
    pub clv: Option<f64>,
}

/// A card ready to score: the model, spend model and horizon grid.
pub struct Scorer {
    model: Option<(ModelKind, Vec<f64>)>,
    spend: SpendModel,
    grid: Grid,
    margin: f64,
    unit_days: f64,
    simple_multiplier: f64,
    cache: HashMap<(u64, u64), Option<(f64, f64)>>,
}

fn fin(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

impl Scorer {
    pub fn new(card: &ModelCard) -> Result<Scorer> {
        card.validate()?;
        let c = &card.clv;
        Ok(Scorer {
            model: card.model_params()?,
            spend: card.spend_model()?,
            grid: Grid::new(c.horizon_months, c.month_factor, c.discount_rate),
            margin: c.margin_rate,
            unit_days: card.unit_days,
            simple_multiplier: c.simple_multiplier,
            cache: HashMap::new(),
        })
    }

    /// Whether scoring needs `revenue` (a `simple` card: CLV from net spend and tenure).
    pub fn needs_revenue(&self) -> bool {
        self.model.is_none()
    }

    /// Scores one customer: `x, t_x, T` in the card's time unit, `m` the mean repeat spend,
    /// `revenue` net spend (used by a `simple` card only).
    pub fn score(&mut self, x: f64, tx: f64, t: f64, m: f64, revenue: f64) -> Score {
        let Some((kind, p)) = &self.model else {
            // Simple CLV (src/clv/simple.rs): tenure is T in days.
            let months = ((t * self.unit_days).round() / DAYS_PER_MONTH).max(1.0);
            let clv = fin(revenue / months * self.margin * self.simple_multiplier);
            return Score {
                p_alive: Some(1.0),
                expected_purchases: Some(0.0),
                clv: Some(clv),
            };
        };
        let pa = kind.p_alive(p, x, tx, t);
        let key = (x.to_bits(), t.to_bits());
        if self.cache.len() >= CACHE_LIMIT && !self.cache.contains_key(&key) {
            self.cache.clear();
        }
        let (kind, grid) = (*kind, &self.grid);
        let s = *self
            .cache
            .entry(key)
            .or_insert_with(|| stream(kind, p, x, t, grid));
        match (s, pa.is_finite()) {
            (Some((d, uh)), true) => {
                let spend = self.spend.expected(x, m);
                Score {
                    p_alive: Some(pa),
                    expected_purchases: Some(fin(pa * uh.max(0.0))),
                    clv: Some(fin(self.margin * spend * pa * d.max(0.0))),
                }
            }
            _ => Score {
                p_alive: pa.is_finite().then_some(pa),
                expected_purchases: None,
                clv: None,
            },
        }
    }
}

/// What `score_file` read, scored and skipped (printed by the CLI as JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreAccount {
    pub rows_read: u64,
    pub rows_scored: u64,
    pub rows_skipped: BTreeMap<String, u64>,
    /// Scored rows whose P(alive) or expected purchases and CLV could not be computed (empty
    /// cells).
    pub predictions_failed: u64,
    pub examples: Vec<SkipExample>,
}

/// A CSV field: quoted (quotes doubled) when it holds a delimiter, quote or line break.
fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

fn io(e: impl std::fmt::Display) -> Error {
    Error::new("io", e.to_string())
}

/// Scores the summary at `input` with `card`, writing `customer_id, p_alive,
/// expected_purchases, clv` to `out` (stdout when `None`), one row per valid summary row,
/// in the summary's order. Rows the summary reader would skip are counted, not scored.
pub fn score_file(
    card: &ModelCard,
    input: &Path,
    out: Option<&Path>,
    dec: Decimal,
) -> Result<ScoreAccount> {
    let file = std::fs::File::open(input)
        .map_err(|e| Error::new("io", format!("cannot read {}: {e}", input.display())))?;
    let sink: Box<dyn Write> = match out {
        Some(p) => Box::new(
            std::fs::File::create(p)
                .map_err(|e| Error::new("io", format!("cannot write {}: {e}", p.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    score_stream(card, std::io::BufReader::new(file), sink, dec)
}

/// [`score_file`] over any reader and writer.
pub fn score_stream(
    card: &ModelCard,
    input: impl std::io::Read,
    output: impl Write,
    dec: Decimal,
) -> Result<ScoreAccount> {
    let mut scorer = Scorer::new(card)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut rec = csv::StringRecord::new();
    if !rdr.read_record(&mut rec).map_err(io)? {
        return Err(Error::new("empty_file", "the summary is empty")
            .with_hint("crm-lens sql summary or analyze --export-summary writes one"));
    }
    let header: Vec<String> = rec
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            }
            .to_string()
        })
        .collect();
    let layout = SummaryLayout::from_header(&header)?
        .continuous_only(false)?
        .btyd_only();
    if layout.monetary.is_none() {
        return Err(Error::new(
            "summary_columns",
            "scoring needs monetary_value (CLV is expected spend times expected purchases)",
        )
        .with_hint("write the summary with crm-lens sql summary, which has every column"));
    }
    let revenue = if scorer.needs_revenue() {
        let r = header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case("revenue"));
        Some(r.ok_or_else(|| {
            Error::new(
                "summary_columns",
                "the model card has no transaction model (simple CLV): scoring needs revenue",
            )
            .with_hint("write the summary with crm-lens sql summary")
        })?)
    } else {
        None
    };
    let mut w = BufWriter::with_capacity(1 << 16, output);
    w.write_all(b"customer_id,p_alive,expected_purchases,clv\n")
        .map_err(io)?;
    let mut account = RowAccount::default();
    let mut failed = 0u64;
    loop {
        let line = rdr.position().line();
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                account.read();
                account.skip(SkipReason::InvalidSummaryRow, line, "", &e.to_string());
                continue;
            }
        }
        account.read();
        let row = layout.parse(&rec, dec);
        let rev = revenue.map(|c| rec.get(c).and_then(|v| crate::ingest::parse_amount(v, dec)));
        let (Some(row), Some(rev)) = (row, rev.unwrap_or(Some(0.0))) else {
            account.skip(SkipReason::InvalidSummaryRow, line, "", &row_text(&rec));
            continue;
        };
        account.used();
        let s = scorer.score(
            row.frequency,
            row.recency,
            row.t,
            row.monetary.unwrap_or(0.0),
            rev,
        );
        failed += u64::from(s.clv.is_none());
        w.write_all(csv_field(row.id).as_bytes()).map_err(io)?;
        let cell = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
        writeln!(
            w,
            ",{},{},{}",
            cell(s.p_alive),
            cell(s.expected_purchases),
            cell(s.clv)
        )
        .map_err(io)?;
    }
    w.flush().map_err(io)?;
    Ok(ScoreAccount {
        rows_read: account.rows_read,
        rows_scored: account.rows_used,
        rows_skipped: account.skipped_by_key(),
        predictions_failed: failed,
        examples: account.examples,
    })
}
