//! `crm-lens sql score model.json --engine duckdb|spark --table summary`: one SELECT that
//! scores a summary table in the warehouse with a model card — `customer_id, p_alive,
//! expected_purchases, clv` — computing what `crm-lens score` computes (src/scale/score.rs).
//!
//! P(alive) is closed form for BG/NBD and MBG/NBD. Expected purchases and CLV need, per
//! horizon month, BG/MBG's `Q = (1 − (1−z)^B ₂F₁(A, B; C; z)) / B`, and Pareto/NBD's P(alive)
//! needs `₂F₁(1, b; c; z)`. SQL has no loops, so each series is a fold over a fixed number of
//! terms chosen per row, with a bound that proves the rest negligible (`series` documents
//! both; docs/scale.md states them):
//! - Pareto/NBD's `₂F₁(1, b; c; z)`, 0 < b < c: every term ratio is below z, the sum is at
//!   least 1, so after N terms the rest is below `z^(N+1) / (1 − z)`; N is chosen so that
//!   this is below 1e-17 — proven before summing.
//! - BG/MBG's series (or its Euler-transformed form, where crm-lens uses it): N is chosen
//!   from the ratio bound of `special::series_done`, and the SQL checks that very bound on
//!   the last term it added (rest below 1e-17 of the sum); a row that fails the check gets
//!   NULL, never a truncated number.
//!
//! The stream D(x, T) and u(x, T, H) depend on (x, T) only, so they are computed once per
//! distinct (x, T) and joined back, as `analyze` does per collapsed row.
use super::card::ModelCard;
use super::engine::{double, Engine};
use super::series;
use crate::clv::gamma_gamma::spend::SpendModel;
use crate::clv::prediction::purchases::Grid;
use crate::clv::ModelKind;
use crate::error::{Error, Result};
use crate::units::DAYS_PER_MONTH;

/// Horizon months SQL scoring accepts: one series per month, so the query grows with it.
pub const MAX_SQL_HORIZON: u32 = 240;

pub struct ScoreSql {
    engine: Engine,
    table: String,
    card: ModelCard,
    model: Option<(ModelKind, Vec<f64>)>,
    spend: SpendModel,
    grid: Grid,
}

/// `CASE WHEN v is finite THEN v ELSE 0 END` (crm-lens' `fin`).
fn fin(e: Engine, v: &str) -> String {
    format!(
        "CASE WHEN {} THEN {v} ELSE CAST(0 AS DOUBLE) END",
        e.is_finite(v)
    )
}

/// Logistic `1/(1+exp(−v))` as `special::expit` computes it.
fn expit(v: &str) -> String {
    format!("CASE WHEN {v} >= 0 THEN 1 / (1 + exp(-({v}))) ELSE exp({v}) / (1 + exp({v})) END")
}

impl ScoreSql {
    pub fn new(engine: Engine, table: &str, card: &ModelCard) -> Result<ScoreSql> {
        card.validate()?;
        let table = table.trim();
        if table.is_empty() || table.contains([';', '\n', '\r']) {
            return Err(Error::option(format!("--table {table:?}"))
                .with_hint("--table summary (a table or view name, optionally qualified)"));
        }
        if card.clv.horizon_months > MAX_SQL_HORIZON {
            return Err(Error::option(format!(
                "the card's horizon is {} months; SQL scoring writes one series per month, up to {MAX_SQL_HORIZON}",
                card.clv.horizon_months
            ))
            .with_hint("score with crm-lens score, or fit with a shorter clv.horizonMonths"));
        }
        let c = &card.clv;
        Ok(ScoreSql {
            engine,
            table: table.to_string(),
            card: card.clone(),
            model: card.model_params()?,
            spend: card.spend_model()?,
            grid: Grid::new(c.horizon_months, c.month_factor, c.discount_rate),
        })
    }

    fn col(&self, name: &str) -> String {
        self.engine.ident(name)
    }

    /// The summary's columns typed, and whether the row is one `crm-lens score` scores.
    fn input(&self) -> String {
        let e = self.engine;
        let simple = self.model.is_none();
        let rev = if simple {
            format!(",\n    TRY_CAST({} AS DOUBLE) AS rev", self.col("revenue"))
        } else {
            String::new()
        };
        let rev_ok = if simple {
            format!(" AND {}", e.is_finite("rev"))
        } else {
            String::new()
        };
        format!(
            "s AS (
  SELECT {cust} AS cust,
    TRY_CAST({x} AS DOUBLE) AS x,
    TRY_CAST({tx} AS DOUBLE) AS tx,
    TRY_CAST({t} AS DOUBLE) AS t,
    TRY_CAST({m} AS DOUBLE) AS m{rev}
  FROM {table}
),
v AS (
  SELECT s.*, COALESCE(cust IS NOT NULL AND {fx} AND {ftx} AND {ft} AND {fm}{rev_ok}
    AND x >= 0 AND tx >= 0 AND t >= tx AND t <= 100000 AND x <= 1000000
    AND (x > 0 OR tx = 0) AND abs(m) <= 1e15, FALSE) AS ok
  FROM s
)",
            cust = e.trimmed(&self.col("customer_id")),
            x = self.col("frequency"),
            tx = self.col("recency"),
            t = self.col("T"),
            m = self.col("monetary_value"),
            table = self.table,
            fx = e.is_finite("x"),
            ftx = e.is_finite("tx"),
            ft = e.is_finite("t"),
            fm = e.is_finite("m"),
        )
    }

    /// Expected spend per transaction (src/clv/spend.rs), finite.
    fn spend_expr(&self) -> String {
        let v = match &self.spend {
            SpendModel::GammaGamma(p) => {
                let (pp, q) = (double(p[0]), double(p[1]));
                let wgt = format!("(({pp} * v.x) / (({pp} * v.x + {q}) - 1))");
                let pop = double(p[2] * p[0] / (p[1] - 1.0));
                format!("CASE WHEN v.x > 0 AND v.m > 0 THEN (1 - {wgt}) * {pop} + {wgt} * v.m ELSE {pop} END")
            }
            SpendModel::Observed { mean } => {
                format!(
                    "CASE WHEN v.x > 0 AND v.m > 0 THEN v.m ELSE {} END",
                    double(*mean)
                )
            }
        };
        fin(self.engine, &format!("({v})"))
    }

    /// The layers computing `u(x, T, t_i)` for every horizon month i and, from them, the
    /// discounted stream `d` and `uh = u(x, T, H)` per distinct (x, T): CTEs ending in
    /// `streams(x, t, d, uh)`.
    fn streams(&self, kind: ModelKind, p: &[f64]) -> String {
        let e = self.engine;
        let h = self.grid.times.len() - 1;
        let times: Vec<String> = self.grid.times.iter().map(|&t| double(t)).collect();
        let mut out = String::from(",\nxt AS (\n  SELECT DISTINCT x, t FROM v WHERE ok\n)");
        let us: Vec<String> = match kind {
            ModelKind::ParetoNbd => {
                let (r, al, be) = (double(p[0]), double(p[1]), double(p[3]));
                let k = p[2] - 1.0;
                let cols: Vec<String> = (1..=h)
                    .map(|i| {
                        let ln_y = format!("(ln({be} + t) - ln(({be} + t) + {}))", times[i]);
                        let tail = if k == 0.0 {
                            format!("(-{ln_y})")
                        } else {
                            format!(
                                "(-{} / {})",
                                e.expm1(&format!("{} * {ln_y}", double(k))),
                                double(k)
                            )
                        };
                        format!("((({r} + x) * ({be} + t)) / ({al} + t)) * {tail} AS u{i}")
                    })
                    .collect();
                out += &format!(
                    ",\nus AS (\n  SELECT x, t,\n    {}\n  FROM xt\n)",
                    cols.join(",\n    ")
                );
                (1..=h).map(|i| format!("u{i}")).collect()
            }
            ModelKind::Bgnbd | ModelKind::Mbgnbd => {
                let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
                // src/clv/predict.rs `stream`: Q's parameters and the lead factor.
                let (a_, c0) = if kind == ModelKind::Bgnbd {
                    (a + b - 1.0 - r, "((a_ + b_) + x) - 1")
                } else {
                    (a + b - r, "(a_ + b_) + x")
                };
                let b_ = a - 1.0;
                let cc = c0.replace("a_", &double(a)).replace("b_", &double(b));
                let (lit_a, lit_b) = (double(a_), double(b_));
                let euler = |z: &str| series::euler_sql(&lit_a, &lit_b, "cc", z, b_ == 0.0);
                // p1: z per month, Q's C, the Euler choice (at the last month, then per month).
                let mut p1 = vec![format!("{cc} AS cc")];
                for (i, ti) in times.iter().enumerate().skip(1) {
                    p1.push(format!("{ti} / (({} + t) + {ti}) AS z{i}", double(al),));
                }
                out += &format!(
                    ",\np1 AS (\n  SELECT x, t,\n    {}\n  FROM xt\n)",
                    p1.join(",\n    ")
                );
                let mut p2 = vec!["x".to_string(), "t".into(), "cc".into()];
                for i in 1..=h {
                    p2.push(format!("z{i}"));
                    p2.push(format!(
                        "({} AND {}) AS ue{i}",
                        euler(&format!("z{h}")),
                        euler(&format!("z{i}"))
                    ));
                }
                out += &format!(",\np2 AS (\n  SELECT {}\n  FROM p1\n)", p2.join(",\n    "));
                let mut p3 = vec!["x".to_string(), "t".into(), "cc".into()];
                for i in 1..=h {
                    p3.push(format!("z{i}"));
                    p3.push(format!("ue{i}"));
                    p3.push(format!(
                        "CASE WHEN ue{i} THEN cc - {lit_a} ELSE {lit_a} END AS aa{i}"
                    ));
                    p3.push(format!(
                        "CASE WHEN ue{i} THEN cc - {lit_b} ELSE {lit_b} END AS bb{i}"
                    ));
                }
                out += &format!(",\np3 AS (\n  SELECT {}\n  FROM p2\n)", p3.join(",\n    "));
                // p4, p5: the number of terms (series::q_terms_sql); p6: the folds.
                let keep = |i: usize| {
                    vec![
                        format!("z{i}"),
                        format!("ue{i}"),
                        format!("aa{i}"),
                        format!("bb{i}"),
                    ]
                };
                let mut p4 = vec!["x".to_string(), "t".into(), "cc".into()];
                let mut p5 = p4.clone();
                let mut p6 = p4.clone();
                let mut p7 = vec!["x".to_string(), "t".into()];
                for i in 1..=h {
                    let (z, aa, bb) = (format!("z{i}"), format!("aa{i}"), format!("bb{i}"));
                    p4.extend(keep(i));
                    p4.push(format!(
                        "{} AS n0_{i}",
                        series::q_start_sql(&aa, &bb, "cc", &z)
                    ));
                    p5.extend(keep(i));
                    p5.push(format!(
                        "{} AS n{i}",
                        series::q_terms_sql(&aa, &bb, "cc", &z, &format!("n0_{i}"))
                    ));
                    p6.extend(keep(i));
                    p6.push(format!("n{i}"));
                    p6.push(format!(
                        "{} AS f{i}",
                        series::q_fold_sql(e, &aa, &bb, "cc", &z, &format!("n{i}"))
                    ));
                    let s = format!("(f{i}.s + f{i}.t)");
                    let ok = series::q_done_sql(
                        &aa,
                        &bb,
                        "cc",
                        &z,
                        &format!("n{i}"),
                        &format!("f{i}.t"),
                        &s,
                    );
                    let l = e.ln1p(&format!("-{z}"));
                    let head = if b_ == 0.0 {
                        format!("(-{l})")
                    } else {
                        format!("(-{} / {lit_b})", e.expm1(&format!("{lit_b} * {l}")))
                    };
                    let plain = format!("{head} - exp({lit_b} * {l}) * {s}");
                    let eul = format!(
                        "(-{} - (exp({aa} * {l}) * {bb}) * {s}) / {lit_b}",
                        e.expm1(&format!("{aa} * {l}"))
                    );
                    p7.push(format!(
                        "(CASE WHEN NOT ({ok}) THEN NULL WHEN ue{i} THEN {eul} ELSE {plain} END) * cc AS u{i}"
                    ));
                }
                out += &format!(",\np4 AS (\n  SELECT {}\n  FROM p3\n)", p4.join(",\n    "));
                out += &format!(",\np5 AS (\n  SELECT {}\n  FROM p4\n)", p5.join(",\n    "));
                out += &format!(",\np6 AS (\n  SELECT {}\n  FROM p5\n)", p6.join(",\n    "));
                out += &format!(",\nus AS (\n  SELECT {}\n  FROM p6\n)", p7.join(",\n    "));
                (1..=h).map(|i| format!("u{i}")).collect()
            }
        };
        // d = Σ (u_i − u_{i−1}) / (1 + d)^i, left to right as src/clv/predict.rs adds it.
        let d = if h == 0 {
            "CAST(0 AS DOUBLE)".to_string()
        } else {
            (1..=h)
                .map(|i| {
                    let prev = if i == 1 {
                        "0".to_string()
                    } else {
                        us[i - 2].clone()
                    };
                    format!("({} - {prev}) * {}", us[i - 1], double(self.grid.disc[i]))
                })
                .collect::<Vec<_>>()
                .join("\n      + ")
        };
        let uh = us.last().cloned().unwrap_or("CAST(0 AS DOUBLE)".into());
        // No WHERE on d and uh: Spark would push it down through every layer, inlining the
        // whole series into one expression tree (a stack overflow); the final CASE checks them.
        out += &format!(
            ",\nstreams AS (\n  SELECT x, t,\n    {d} AS d,\n    {uh} AS uh\n  FROM us\n)"
        );
        out
    }

    /// P(alive) per row: `pa(x, tx, t, …)` over `v`, or a join for Pareto/NBD (CTE `palive`).
    fn p_alive(&self, kind: ModelKind, p: &[f64]) -> (String, String) {
        let e = self.engine;
        let (r, al) = (double(p[0]), double(p[1]));
        match kind {
            ModelKind::Bgnbd => {
                let (a, b) = (double(p[2]), double(p[3]));
                let ld = format!("(({r} + v.x) * (ln({al} + v.t) - ln({al} + v.tx)) + ln({a} / (({b} + v.x) - 1)))");
                (
                    String::new(),
                    format!(
                        "CASE WHEN v.x <= 0 THEN CAST(1 AS DOUBLE) ELSE {} END",
                        expit(&format!("-{ld}"))
                    ),
                )
            }
            ModelKind::Mbgnbd => {
                let (a, b) = (double(p[2]), double(p[3]));
                let ld = format!(
                    "(ln({a} / ({b} + v.x)) + ({r} + v.x) * (ln({al} + v.t) - ln({al} + v.tx)))"
                );
                (String::new(), expit(&format!("-{ld}")))
            }
            ModelKind::ParetoNbd => {
                let (s, be) = (double(p[2]), double(p[3]));
                let case1 = p[1] < p[3];
                let (mn, mx) = if case1 { (&al, &be) } else { (&be, &al) };
                let tb = if case1 {
                    format!("({r} + x)")
                } else {
                    format!("({s} + 1)")
                };
                let rsf = format!("(({r} + {s}) + x)");
                let part = |age: &str, g: &str| {
                    format!("(1 - {tb}) * (ln({mn} + {age}) - ln({mx} + {age})) + {g} - {rsf} * ln({mx} + {age})")
                };
                let same = p[1] == p[3];
                let mut layers =
                    String::from(",\nxtt AS (\n  SELECT DISTINCT x, tx, t FROM v WHERE ok\n)");
                let (g_tx, g_t) = if same {
                    (
                        "CAST(0 AS DOUBLE)".to_string(),
                        "CAST(0 AS DOUBLE)".to_string(),
                    )
                } else {
                    let bp = format!("(({rsf} + 1) - {tb})");
                    let cp = format!("({rsf} + 1)");
                    let z = |age: &str| format!("(({mx} - {mn}) / ({mx} + {age}))");
                    layers += &format!(
                        ",\ngz AS (\n  SELECT x, tx, t, {} AS z_tx, {} AS z_t FROM xtt\n),\ngn AS (\n  SELECT gz.*, {} AS n_tx, {} AS n_t FROM gz\n),\ngf AS (\n  SELECT gn.*,\n    {} AS g_tx,\n    {} AS g_t\n  FROM gn\n)",
                        z("tx"),
                        z("t"),
                        series::g_terms_sql("z_tx"),
                        series::g_terms_sql("z_t"),
                        series::g_fold_sql(e, &bp, &cp, "z_tx", "n_tx"),
                        series::g_fold_sql(e, &bp, &cp, "z_t", "n_t"),
                    );
                    let g = |f: &str, n: &str| {
                        format!(
                            "CASE WHEN {n} <= {} THEN ln({f}.s + {f}.t) END",
                            series::MAX_TERMS
                        )
                    };
                    (g("g_tx", "n_tx"), g("g_t", "n_t"))
                };
                let from = if same { "xtt" } else { "gf" };
                let (pt, pt_) = (part("tx", &g_tx), part("t", &g_t));
                let ex = format!(
                    "(((ln({s}) - ln({rsf})) + ({r} + x) * ln({al} + t)) + {s} * ln({be} + t))"
                );
                layers += &format!(
                    ",\nparts AS (\n  SELECT x, tx, t, {pt} AS p_tx, {pt_} AS p_t FROM {from}\n),\npalive AS (\n  SELECT x, tx, t,\n    CASE WHEN p_t >= p_tx THEN CAST(1 AS DOUBLE)\n         ELSE {} END AS pa\n  FROM parts\n)",
                    expit(&format!("-({ex} + (p_tx + {}))", e.ln1p("-exp(p_t - p_tx)")))
                );
                (layers, "pl.pa".to_string())
            }
        }
    }

    /// The query.
    pub fn select(&self) -> String {
        let e = self.engine;
        let c = &self.card;
        let header = format!(
            "-- crm-lens {} sql score for {} (docs/scale.md): model {} fitted as of {}, time unit {};\n\
             -- horizon {} months, monthly discount {}, margin {}. Series truncation bounds: docs/scale.md.\n",
            env!("CARGO_PKG_VERSION"),
            e.name(),
            c.model.name,
            c.as_of,
            c.time_unit.name(),
            c.clv.horizon_months,
            c.clv.discount_rate,
            c.clv.margin_rate
        );
        let Some((kind, p)) = &self.model else {
            // Simple CLV (src/clv/simple.rs): tenure is T in days.
            let months = format!(
                "GREATEST(round(v.t * {}) / {}, 1)",
                double(c.unit_days),
                double(DAYS_PER_MONTH)
            );
            let clv = fin(
                e,
                &format!(
                    "((v.rev / {months}) * {}) * {}",
                    double(c.clv.margin_rate),
                    double(c.clv.simple_multiplier)
                ),
            );
            return format!(
                "{header}WITH {}\nSELECT v.cust AS customer_id,\n  CASE WHEN v.ok THEN CAST(1 AS DOUBLE) END AS p_alive,\n  CASE WHEN v.ok THEN CAST(0 AS DOUBLE) END AS expected_purchases,\n  CASE WHEN v.ok THEN {clv} END AS clv\nFROM v\n",
                self.input()
            );
        };
        let (pa_ctes, pa) = self.p_alive(*kind, p);
        let pa_join = if pa_ctes.is_empty() {
            ""
        } else {
            "\n  LEFT JOIN palive pl ON v.x = pl.x AND v.tx = pl.tx AND v.t = pl.t"
        };
        let margin = double(c.clv.margin_rate);
        format!(
            "{header}WITH {}{}{},
scored AS (
  SELECT v.cust, v.ok, {pa} AS pa, st.d, st.uh, {} AS spend
  FROM v LEFT JOIN streams st ON v.x = st.x AND v.t = st.t{pa_join}
)
SELECT cust AS customer_id,
  CASE WHEN ok AND {fpa} THEN pa END AS p_alive,
  CASE WHEN ok AND {fpa} AND {fd} AND {fuh} THEN {exp} END AS expected_purchases,
  CASE WHEN ok AND {fpa} AND {fd} AND {fuh} THEN {clv} END AS clv
FROM scored
",
            self.input(),
            self.streams(*kind, p),
            pa_ctes,
            self.spend_expr(),
            fpa = e.is_finite("pa"),
            fd = e.is_finite("d"),
            fuh = e.is_finite("uh"),
            exp = fin(e, "pa * GREATEST(uh, 0)"),
            clv = fin(e, &format!("(({margin} * spend) * pa) * GREATEST(d, 0)")),
        )
    }
}
