//! `crm-lens sql summary`: one SELECT that computes, inside DuckDB or Spark, what
//! `CustomerTable::build` computes from a transaction log — in the layout `--summary` reads.
//!
//! The same rules, step by step (src/customers/mod.rs, src/ingest/rows.rs):
//! - a line is skipped, first reason first, for a missing customer id (NULL or blank after
//!   trimming ASCII whitespace: `missingCustomerId`), a NULL date (`unparseableDate`), a
//!   NULL or non-finite amount (`nonNumericAmount`), or a negative amount under
//!   `returns: drop` (`returnDropped`);
//! - amount = the amount column, or quantity × unit price; order ids like `C536379` are
//!   cancelled invoices (their amount negative) when such ids are the exception in the table
//!   (fewer than half of the order ids), as the sniffer decides from its sample;
//! - `asOf` is the option, else the last used line's date; later lines are `afterAsOf`;
//! - lines are grouped per customer and calendar day; a day with a purchase line (amount ≥ 0,
//!   or any line under `returns: keep`) is a purchase day; x = purchase days − 1, t_x and T
//!   from the first purchase day, in the time unit; monetary_value = the mean value of the
//!   repeat purchase days (all lines of such a day, returns netted);
//! - transactions = distinct order ids among purchase lines plus purchase lines without one;
//!   revenue = the sum of every line up to `asOf`;
//! - customers with no purchase day up to `asOf` are left out (`noPurchaseInPeriod`);
//! - the holdout columns follow `clv.holdoutDays` (default a quarter of the period, 28–365
//!   days, when it spans 8 weeks), as `analyze` validates its models.
//!
//! Sums are exact: revenue and the repeat days' spend are the correctly rounded sums of the
//! lines' amounts, as `CustomerTable::build` computes them (`exact_sum`), whatever order the
//! engine adds in (src/scale/exact_sql.rs has the method and its proof). Customers come out
//! in id order, as crm-lens lists them: the summary equals crm-lens' to the bit.
use super::engine::{double, Engine};
use super::exact_sql::{self, Exact, LIMBS};
use crate::dates::format_day;
use crate::error::{Error, Result};
use crate::ingest::ReturnsPolicy;
use crate::options::Options;
use crate::units::TimeUnit;

/// Where the amount of a line comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    Column(String),
    Product {
        quantity: String,
        unit_price: String,
    },
}

/// Whether order ids like `C536379` mark cancelled invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancelled {
    /// When fewer than half of the table's order ids look like that (the sniffer's rule).
    Auto,
    Yes,
    No,
}

impl Cancelled {
    pub fn parse(s: &str) -> Result<Cancelled> {
        match s {
            "auto" => Ok(Cancelled::Auto),
            "yes" | "on" | "true" => Ok(Cancelled::Yes),
            "no" | "off" | "false" => Ok(Cancelled::No),
            _ => Err(Error::option(format!("--cancelled-orders {s:?}"))
                .with_hint("--cancelled-orders auto, yes or no")),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SummarySql {
    pub engine: Engine,
    pub table: String,
    pub customer: String,
    pub date: String,
    pub amount: Amount,
    pub order: Option<String>,
    pub as_of: Option<i32>,
    pub unit: TimeUnit,
    pub returns: ReturnsPolicy,
    pub cancelled: Cancelled,
    pub holdout_days: Option<u32>,
    /// One row per distinct (x, t_x, T, mean spend, calibration row) with a `weights` count
    /// of its customers: what `crm-lens fit` needs, without ids or the CRM view.
    pub collapsed: bool,
}

/// A column option must be a name: a table has no column numbers to guess from.
fn name(opt: &Option<String>, flag: &str) -> Result<Option<String>> {
    match opt.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(n) if n.parse::<usize>().is_ok() => Err(Error::option(format!(
            "{flag} {n}: a SQL table's columns are named, not numbered"
        ))
        .with_hint(format!("{flag} <column name>"))),
        Some(n) => Ok(Some(n.to_string())),
    }
}

impl SummarySql {
    /// The query's settings from `analyze`'s options (columns, `asOf`, `timeUnit`, returns,
    /// `clv.holdoutDays`).
    pub fn new(
        engine: Engine,
        table: &str,
        opts: &Options,
        cancelled: Cancelled,
    ) -> Result<SummarySql> {
        opts.validate()?;
        let table = table.trim();
        if table.is_empty() || table.contains([';', '\n', '\r']) {
            return Err(Error::option(format!("--table {table:?}"))
                .with_hint("--table orders (a table or view name, optionally qualified)"));
        }
        let i = &opts.ingest;
        let need = |v: Option<String>, flag: &str| {
            v.ok_or_else(|| {
                Error::option(format!("sql summary needs {flag}"))
                    .with_hint(format!("{flag} <column name>"))
            })
        };
        let customer = need(name(&i.customer_col, "--customer-col")?, "--customer-col")?;
        let date = need(name(&i.date_col, "--date-col")?, "--date-col")?;
        let amount = match (
            name(&i.amount_col, "--amount-col")?,
            name(&i.quantity_col, "--quantity-col")?,
            name(&i.unit_price_col, "--unit-price-col")?,
        ) {
            (Some(a), _, _) => Amount::Column(a),
            (None, Some(quantity), Some(unit_price)) => Amount::Product {
                quantity,
                unit_price,
            },
            _ => {
                return Err(Error::option(
                    "sql summary needs --amount-col, or --quantity-col and --unit-price-col",
                )
                .with_hint("--amount-col amount"))
            }
        };
        Ok(SummarySql {
            engine,
            table: table.to_string(),
            customer,
            date,
            amount,
            order: name(&i.order_col, "--order-col")?,
            as_of: opts.as_of_day(),
            unit: opts.time_unit,
            returns: i.returns,
            cancelled,
            holdout_days: opts.clv.holdout_days,
            collapsed: false,
        })
    }

    fn col(&self, name: &str) -> String {
        self.engine.ident(name)
    }

    fn header(&self, what: &str) -> String {
        let e = self.engine;
        let as_of = self
            .as_of
            .map_or("the date of the last used line".to_string(), format_day);
        let returns = match self.returns {
            ReturnsPolicy::Net => "net",
            ReturnsPolicy::Drop => "drop",
            ReturnsPolicy::Keep => "keep",
        };
        format!(
            "-- crm-lens {} sql summary{what} for {} (docs/scale.md)\n\
             -- table {}; as of {as_of}; time unit {} = {} day(s); returns {returns}; sums exact (src/scale/exact_sql.rs).\n\
             -- Typed columns: the date a DATE or TIMESTAMP, amounts numeric (see docs/scale.md to cast text).\n",
            env!("CARGO_PKG_VERSION"),
            e.name(),
            self.table,
            self.unit.name(),
            self.unit.days()
        )
    }

    /// The CTEs both queries share: lines typed and classified, the as-of day, the lines in
    /// the period, the holdout cutoff, and one row per customer with a purchase (with the limb
    /// sums of revenue and repeat spend, `rev_s*` and `rep_s*`: src/scale/exact_sql.rs).
    fn ctes(&self) -> String {
        let e = self.engine;
        let ws_order = self
            .order
            .as_ref()
            .map_or(format!("CAST(NULL AS {})", e.string_type()), |o| {
                e.trimmed(&self.col(o))
            });
        let num = |c: &str| format!("TRY_CAST({} AS DOUBLE)", self.col(c));
        // A factor or amount is NULL or not finite (`nonNumericAmount`), or beyond ±10¹⁵
        // (`amountOutOfRange`, src/ingest/number.rs), the quantity's reason first.
        let max = double(crate::ingest::MAX_AMOUNT);
        let check = |v: &str| {
            format!(
                "WHEN {v} IS NULL OR NOT {} THEN 'nonNumericAmount'\n         WHEN abs({v}) > {max} THEN 'amountOutOfRange'",
                e.is_finite(v)
            )
        };
        let (amount0, amount_checks) = match &self.amount {
            Amount::Column(a) => (format!("{} AS a0", num(a)), check("a0")),
            Amount::Product {
                quantity,
                unit_price,
            } => (
                format!(
                    "{q} AS q0, {p} AS p0, {q} * {p} AS a0",
                    q = num(quantity),
                    p = num(unit_price)
                ),
                format!(
                    "{}\n         {}\n         WHEN abs(a0) > {max} THEN 'amountOutOfRange'",
                    check("q0"),
                    check("p0")
                ),
            ),
        };
        // `C` or `c` then a digit (src/ingest/rows.rs `is_cancelled_invoice`).
        let is_c = "(upper(substr(ord, 1, 1)) = 'C' AND substr(ord, 2, 1) BETWEEN '0' AND '9')";
        let (cancel_cte, cancel_join, cancel_flag) = match (self.cancelled, &self.order) {
            (_, None) | (Cancelled::No, _) => (String::new(), "", "FALSE".to_string()),
            (Cancelled::Yes, _) => (String::new(), "", "TRUE".to_string()),
            (Cancelled::Auto, Some(_)) => (
                format!(
                    "cancel AS (\n  SELECT 2 * COUNT(CASE WHEN {is_c} THEN 1 END) < COUNT(ord) AS on_ FROM src\n),\n"
                ),
                " CROSS JOIN cancel",
                "cancel.on_".to_string(),
            ),
        };
        let drop = if self.returns == ReturnsPolicy::Drop {
            "\n         WHEN amount < 0 THEN 'returnDropped'"
        } else {
            ""
        };
        let purchase = if self.returns == ReturnsPolicy::Keep {
            "TRUE"
        } else {
            "amount >= 0"
        };
        let as_of = self
            .as_of
            .map_or("MAX(day) AS as_of FROM used".to_string(), |d| {
                format!("CAST({d} AS BIGINT) AS as_of")
            });
        let holdout = match self.holdout_days {
            // (d).min(span - 1).max(0), src/pipeline/clv_input.rs
            Some(d) => format!("GREATEST(LEAST({d}, span - 1), 0)"),
            None => "CASE WHEN span >= 56 THEN LEAST(GREATEST(CAST(floor(span / 4) AS BIGINT), 28), 365) ELSE 0 END".to_string(),
        };
        let each =
            |f: &dyn Fn(usize) -> String| (0..LIMBS).map(f).collect::<Vec<_>>().join(",\n    ");
        let day_limbs = each(&|j| {
            format!(
                "{} AS v{j}",
                exact_sql::sum(e, &exact_sql::limb(e, "amount", "ax", j))
            )
        });
        // Every day's sums enter revenue: the place to check each day's line bound, once.
        let spend_limbs = each(&|j| {
            let v = format!("v{j}");
            format!(
                "{} AS rev_s{j},\n    {} AS rep_s{j}",
                exact_sql::sum(
                    e,
                    &exact_sql::day_value(e, &v, (j == 0).then_some("n_lines"))
                ),
                exact_sql::sum(
                    e,
                    &format!(
                        "CASE WHEN purchase AND day > first_day THEN {} END",
                        exact_sql::day_value(e, &v, None)
                    )
                )
            )
        });
        format!(
            "WITH src {inl} (
  SELECT
    {cust} AS cust,
    TRY_CAST({date} AS DATE) AS d,
    {amount0},
    {ws_order} AS ord
  FROM {table}
),
{cancel_cte}typed {inl} (
  SELECT cust, ord, {epoch} AS day, amount,
    CASE WHEN cust IS NULL THEN 'missingCustomerId'
         WHEN d IS NULL THEN 'unparseableDate'
         WHEN d < DATE '1900-01-01' OR d > DATE '2200-12-31' THEN 'dateOutOfRange'
         {amount_checks}{drop}
    END AS skip
  FROM (
    SELECT src.*, CASE WHEN {cancel_flag} AND {is_c} THEN -abs(a0) ELSE a0 END AS amount
    FROM src{cancel_join}
  ) lines
),
used {inl} (
  SELECT cust, ord, day, amount, {purchase} AS purchase FROM typed WHERE skip IS NULL
),
as_of_day AS (
  SELECT {as_of}
),
inperiod {inl} (
  SELECT used.*, as_of_day.as_of FROM used CROSS JOIN as_of_day WHERE used.day <= as_of_day.as_of
),
holdout AS (
  SELECT as_of, hdays, as_of - hdays AS cutoff
  FROM (SELECT as_of, {holdout} AS hdays
        FROM (SELECT MAX(as_of) AS as_of, MAX(as_of) - MIN(CASE WHEN purchase THEN day END) AS span FROM inperiod) s) h
),
firsts AS (
  SELECT cust, MIN(CASE WHEN purchase THEN day END) AS first_day FROM inperiod GROUP BY cust
),
days AS (
  SELECT cust, first_day, day, bool_or(purchase) AS purchase, COUNT(*) AS n_lines,
    {day_limbs}
  FROM (SELECT inperiod.*, firsts.first_day, {ax} AS ax
        FROM inperiod JOIN firsts ON inperiod.cust = firsts.cust) l
  GROUP BY cust, first_day, day
),
per_days AS (
  SELECT cust, MIN(first_day) AS first_day,
    MAX(CASE WHEN purchase THEN day END) AS last_day,
    COUNT(CASE WHEN purchase THEN 1 END) AS n_days,
    {spend_limbs},
    COUNT(CASE WHEN purchase AND day <= cutoff THEN 1 END) AS n_cal,
    MAX(CASE WHEN purchase AND day <= cutoff THEN day END) AS last_cal,
    COUNT(CASE WHEN purchase AND day > cutoff THEN 1 END) AS n_holdout
  FROM days CROSS JOIN holdout
  GROUP BY cust
  HAVING COUNT(CASE WHEN purchase THEN 1 END) > 0
),
orders AS (
  SELECT cust, ord, COUNT(*) AS n_lines FROM inperiod WHERE purchase GROUP BY cust, ord
),
per_lines AS (
  SELECT cust,
    COUNT(ord) + CAST(COALESCE(SUM(CASE WHEN ord IS NULL THEN n_lines END), 0) AS BIGINT) AS transactions
  FROM orders
  GROUP BY cust
),
customers AS (
  SELECT per_days.*, per_lines.transactions, holdout.as_of, holdout.hdays, holdout.cutoff
  FROM per_days JOIN per_lines ON per_days.cust = per_lines.cust CROSS JOIN holdout
)",
            cust = e.trimmed(&self.col(&self.customer)),
            date = self.col(&self.date),
            table = self.table,
            epoch = e.epoch_day("d"),
            ax = exact_sql::scaled("amount"),
            inl = e.inline_cte(),
        )
    }

    /// The summary: one row per customer, in the layout `crm-lens analyze --summary` reads.
    pub fn summary(&self) -> String {
        let e = self.engine;
        let u = double(self.unit.days());
        let f = |expr: &str| format!("CAST({expr} AS DOUBLE)");
        let (rev, rep) = (Exact { e, name: "rev" }, Exact { e, name: "rep" });
        let cal =
            |expr: String| format!("CASE WHEN hdays > 0 AND first_day <= cutoff THEN {expr} END");
        let mut cols = vec![
            "cust AS customer_id".to_string(),
            format!("{} AS frequency", f("n_days - 1")),
            format!("{} / {u} AS recency", f("last_day - first_day")),
            format!("{} / {u} AS {}", f("as_of - first_day"), e.ident("T")),
            format!(
                "CASE WHEN n_days > 1 THEN {} / {} ELSE CAST(0 AS DOUBLE) END AS monetary_value",
                rep.value(),
                f("n_days - 1")
            ),
            format!("{} AS first_purchase", e.date_of("first_day")),
            format!("{} AS last_purchase", e.date_of("last_day")),
            "transactions".to_string(),
            format!("{} AS revenue", rev.value()),
        ];
        if self.holdout_days != Some(0) {
            cols.extend([
                format!("{} AS frequency_cal", cal(f("n_cal - 1"))),
                format!(
                    "{} AS recency_cal",
                    cal(format!("{} / {u}", f("last_cal - first_day")))
                ),
                format!(
                    "{} AS {}",
                    cal(format!("{} / {u}", f("cutoff - first_day"))),
                    e.ident("T_cal")
                ),
                format!("{} AS frequency_holdout", cal(f("n_holdout"))),
                format!(
                    "CASE WHEN hdays > 0 THEN {} / {u} END AS duration_holdout",
                    f("hdays")
                ),
            ]);
        }
        // The exact sums' sign, then their digits, each one more layer (src/scale/exact_sql.rs).
        let digits: Vec<String> = rev.digits().into_iter().chain(rep.digits()).collect();
        let (select, tail) = if self.collapsed {
            // The per-customer rows, then one row per distinct fit input with its count.
            let keys: Vec<&str> = cols
                .iter()
                .filter_map(|c| c.rsplit(" AS ").next())
                .filter(|k| {
                    !matches!(
                        *k,
                        "customer_id"
                            | "first_purchase"
                            | "last_purchase"
                            | "transactions"
                            | "revenue"
                    )
                })
                .collect();
            let keys = keys.join(", ");
            (
                format!(
                    "SELECT {keys}, COUNT(*) AS weights\nFROM (\nSELECT\n  {}\nFROM spend\n) per_customer\nGROUP BY {keys}",
                    cols.join(",\n  ")
                ),
                format!("ORDER BY {keys}"),
            )
        } else {
            (
                format!("SELECT\n  {}\nFROM spend", cols.join(",\n  ")),
                "ORDER BY customer_id".to_string(),
            )
        };
        let what = if self.collapsed { " --collapsed" } else { "" };
        format!(
            "{}{},\nsigned AS (\n  SELECT customers.*, {}, {} FROM customers\n),\n\
             spend AS (\n  SELECT signed.*,\n    {}\n  FROM signed\n)\n{select}\n{tail}\n",
            self.header(what),
            self.ctes(),
            rev.sign(),
            rep.sign(),
            digits.join(",\n    "),
        )
    }

    /// The row account: lines read, used, and skipped by reason (the Report's keys in
    /// snake case), plus return lines, customers and the as-of date used.
    pub fn account(&self) -> String {
        let e = self.engine;
        let reason =
            |key: &str, col: &str| format!("COUNT(CASE WHEN skip = '{key}' THEN 1 END) AS {col}");
        format!(
            "{}{},
counted AS (
  SELECT COUNT(*) AS rows_read,
    {},
    {},
    {},
    {},
    {},
    {}
  FROM typed
),
late AS (
  SELECT COUNT(CASE WHEN day > as_of THEN 1 END) AS after_as_of,
    COUNT(CASE WHEN day <= as_of AND amount < 0 THEN 1 END) AS return_lines
  FROM used CROSS JOIN as_of_day
),
buyers AS (
  SELECT COUNT(CASE WHEN bought THEN 1 END) AS customers,
    COALESCE(SUM(CASE WHEN bought THEN 0 ELSE lines END), 0) AS no_purchase_in_period
  FROM (SELECT cust, COUNT(*) AS lines, bool_or(purchase) AS bought FROM inperiod GROUP BY cust) c
)
SELECT rows_read,
  rows_read - missing_customer_id - unparseable_date - date_out_of_range - non_numeric_amount
    - amount_out_of_range - return_dropped - after_as_of - no_purchase_in_period AS rows_used,
  missing_customer_id, unparseable_date, date_out_of_range, non_numeric_amount,
  amount_out_of_range, return_dropped, after_as_of, no_purchase_in_period, return_lines,
  customers, {} AS as_of
FROM counted CROSS JOIN late CROSS JOIN buyers CROSS JOIN as_of_day
",
            self.header(" --account"),
            self.ctes(),
            reason("missingCustomerId", "missing_customer_id"),
            reason("unparseableDate", "unparseable_date"),
            reason("dateOutOfRange", "date_out_of_range"),
            reason("nonNumericAmount", "non_numeric_amount"),
            reason("amountOutOfRange", "amount_out_of_range"),
            reason("returnDropped", "return_dropped"),
            e.date_of("as_of"),
        )
    }
}
