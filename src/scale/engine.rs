//! The two SQL engines crm-lens writes for, and where their dialects differ. Everything else
//! in the generated SQL is the common subset both run (CTEs, CASE, joins, COUNT
//! DISTINCT, LEAST/GREATEST, TRY_CAST).
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// DuckDB ≥ 1.2 (lambdas in the `lambda x: …` form, `list_reduce` with an initial value).
    DuckDb,
    /// Spark SQL ≥ 3.4 (`try_cast`, `aggregate`), in ANSI mode or not.
    Spark,
}

/// ASCII whitespace, the characters trimmed off ids (as `str::trim` does for ASCII).
const WHITESPACE: [u8; 6] = [b' ', b'\t', b'\n', 0x0B, 0x0C, b'\r'];

impl Engine {
    pub fn parse(s: &str) -> Result<Engine> {
        match s.trim().to_ascii_lowercase().as_str() {
            "duckdb" => Ok(Engine::DuckDb),
            "spark" | "sparksql" | "spark-sql" => Ok(Engine::Spark),
            other => Err(Error::option(format!("unknown engine {other:?}"))
                .with_hint("--engine duckdb or --engine spark")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::DuckDb => "DuckDB",
            Engine::Spark => "Spark SQL",
        }
    }

    /// A quoted identifier.
    pub fn ident(self, name: &str) -> String {
        match self {
            Engine::DuckDb => format!("\"{}\"", name.replace('"', "\"\"")),
            Engine::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    pub fn string_type(self) -> &'static str {
        match self {
            Engine::DuckDb => "VARCHAR",
            Engine::Spark => "STRING",
        }
    }

    /// `AS` for a CTE over the lines, which the engine must recompute per reference rather
    /// than store: DuckDB (1.4.4: `EXPLAIN` shows it) materialises a CTE read more than once,
    /// i.e. keeps every line of the table again, which at 100M lines weighs more than the
    /// aggregates (docs/scale.md). Spark inlines deterministic CTEs by itself.
    pub fn inline_cte(self) -> &'static str {
        match self {
            Engine::DuckDb => "AS NOT MATERIALIZED",
            Engine::Spark => "AS",
        }
    }

    /// A text column trimmed of ASCII whitespace, empty as NULL.
    pub fn trimmed(self, expr: &str) -> String {
        let set = WHITESPACE
            .iter()
            .map(|b| format!("chr({b})"))
            .collect::<Vec<_>>()
            .join(" || ");
        let text = format!("CAST({expr} AS {})", self.string_type());
        match self {
            Engine::DuckDb => format!("NULLIF(trim({text}, {set}), '')"),
            Engine::Spark => format!("NULLIF(trim(BOTH {set} FROM {text}), '')"),
        }
    }

    /// Days since 1970-01-01 of a DATE.
    pub fn epoch_day(self, date: &str) -> String {
        match self {
            Engine::DuckDb => format!("date_diff('day', DATE '1970-01-01', {date})"),
            Engine::Spark => format!("datediff({date}, DATE '1970-01-01')"),
        }
    }

    /// The DATE of an epoch day.
    pub fn date_of(self, day: &str) -> String {
        match self {
            Engine::DuckDb => format!("(DATE '1970-01-01' + CAST({day} AS INTEGER))"),
            Engine::Spark => format!("date_add(DATE '1970-01-01', CAST({day} AS INT))"),
        }
    }

    /// `ln(1 + u)`, accurate for small u. DuckDB has no log1p: Goldberg's form
    /// `ln(w) · u / (w − 1)` with `w = 1 + u` (exact to a few ulps; `u` when w rounds to 1).
    pub fn ln1p(self, u: &str) -> String {
        match self {
            Engine::DuckDb => format!(
                "(CASE WHEN (1 + ({u})) = 1 THEN ({u}) ELSE ln(1 + ({u})) * (({u}) / ((1 + ({u})) - 1)) END)"
            ),
            Engine::Spark => format!("log1p({u})"),
        }
    }

    /// `exp(x) − 1`, accurate for small x. DuckDB has no expm1: Kahan's form
    /// `(w − 1) · x / ln(w)` with `w = exp(x)` (exact to a few ulps).
    pub fn expm1(self, x: &str) -> String {
        match self {
            Engine::DuckDb => format!(
                "(CASE WHEN exp({x}) = 1 THEN ({x}) WHEN exp({x}) - 1 = -1 THEN CAST(-1 AS DOUBLE) \
ELSE (exp({x}) - 1) * ({x}) / ln(exp({x})) END)"
            ),
            Engine::Spark => format!("expm1({x})"),
        }
    }

    /// A fold over the integers `from..=to` (the caller makes `to ≥ from`): the struct
    /// `init` with DOUBLE fields `t` and `s`, stepped by `step(n)`, which gives the next `t`
    /// and `s` as expressions of `acc.t`, `acc.s` and the integer `n`. Series are summed this
    /// way, term by term, as crm-lens sums them.
    pub fn fold(
        self,
        from: &str,
        to: &str,
        init: (&str, &str),
        step: impl Fn(&str) -> (String, String),
    ) -> String {
        match self {
            Engine::DuckDb => {
                // list_reduce wants elements of the accumulator's type: n rides in `t`. The
                // initial value is prepended rather than passed as list_reduce's third
                // argument: DuckDB 1.4.4 gives wrong sums with that argument when the lambda
                // reads a column (19,450 of 20,000 rows in a check; docs/scale.md).
                let (t, s) = step("e.t");
                format!(
                    "list_reduce(list_prepend({{'t': CAST({} AS DOUBLE), 's': CAST({} AS DOUBLE)}}, \
list_transform(range(CAST({from} AS BIGINT), CAST({to} AS BIGINT) + 1), \
lambda k: {{'t': CAST(k AS DOUBLE), 's': CAST(0 AS DOUBLE)}})), \
lambda acc, e: {{'t': {t}, 's': {s}}})",
                    init.0, init.1
                )
            }
            Engine::Spark => {
                let (t, s) = step("n");
                format!(
                    "aggregate(sequence(CAST({from} AS INT), CAST({to} AS INT)), \
named_struct('t', CAST({} AS DOUBLE), 's', CAST({} AS DOUBLE)), (acc, n) -> named_struct('t', {t}, 's', {s}))",
                    init.0, init.1
                )
            }
        }
    }

    /// `expr` is a finite number (not NULL, NaN or ±Infinity).
    pub fn is_finite(self, expr: &str) -> String {
        // Both engines order NaN above every number, so one comparison excludes NaN too.
        format!("(abs({expr}) < CAST('Infinity' AS DOUBLE))")
    }
}

/// A double literal that reads back to exactly `v` (Rust's shortest round-trip digits).
pub fn double(v: f64) -> String {
    let s = format!("{v:e}");
    format!("CAST('{s}' AS DOUBLE)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_idents() {
        assert_eq!(double(7.0), "CAST('7e0' AS DOUBLE)");
        assert_eq!(double(30.4375), "CAST('3.04375e1' AS DOUBLE)");
        assert_eq!(Engine::DuckDb.ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(Engine::Spark.ident("a`b"), "`a``b`");
        assert_eq!(Engine::parse("Spark").unwrap(), Engine::Spark);
        assert!(Engine::parse("postgres").is_err());
    }
}
