//! The CLV pipeline: clean -> simple CLV -> collapse -> fit -> choose -> predict -> bootstrap.

use super::covariates;
use super::discrete::{fit_and_predict, Prepared};
use super::document::{ClvColumns, ClvReport, NewCustomer, OneTimeBuyers, Totals, UnitsReport};
use super::fitting::choice::{choose, Choice};
use super::fitting::collapse::collapse_weighted;
use super::fitting::fit::Fitted;
use super::fitting::fit_all::{
    bg_report, fit_all, fit_gamma_gamma_weighted, gg_report, pareto_report, KINDS,
};
use super::fitting::fitdata::FitData;
use super::gamma_gamma::spend::SpendModel;
use super::input::{clean_summary, customers, finite_or_zero, weight, ClvInput};
use super::model::ModelKind;
use super::options::ClvOptions;
use super::prediction::palive::PAlive;
use super::prediction::purchases::{new_customer_curve, row_predictions, Grid};
use super::prediction::windows;
use super::simple::simple_clv;
use super::uncertainty::bootstrap::{self, BootIn, BootOut};
use super::uncertainty::job::BootJob;
use super::validation::diagnostics::{p_alive_matrix, period_transactions};
use super::validation::holdout;
use crate::exact_sum::exact_dot;
use crate::report::Warning;

fn warn(w: &mut Vec<Warning>, code: &str, message: String) {
    w.push(Warning {
        code: code.into(),
        message,
    });
}

/// The Report's totals from the per-customer columns (shared by the continuous and the
/// discrete path); an interval collapses to the point without bootstrap draws. Exact sums:
/// no dependence on the customers' order, and an entry of weight w counts w times.
pub(super) fn column_totals(report: &mut ClvReport, cols: &ClvColumns, weights: Option<&[f64]>) {
    let n = cols.clv.len();
    let nf = customers(weights, n).max(1.0);
    let total = |v: &[f64]| exact_dot((0..v.len()).map(|i| (weight(weights, i), v[i])));
    report.totals.clv = fin(total(&cols.clv));
    if report.totals.bootstrap_draws == 0 {
        report.totals.clv_low = report.totals.clv;
        report.totals.clv_high = report.totals.clv;
    }
    report.totals.expected_purchases = fin(total(&cols.expected_purchases));
    report.totals.mean_expected_spend = fin(total(&cols.expected_spend) / nf);
    report.totals.mean_p_alive = fin(total(&cols.p_alive) / nf);
}

pub(super) fn fin(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

/// Computes CLV columns and the report. Never panics; every output number is finite.
pub fn run(input: &ClvInput, opts: &ClvOptions) -> (ClvReport, ClvColumns, Vec<Warning>) {
    let (report, cols, w, _) = run_deferred(input, opts, false);
    (report, cols, w)
}

/// From this many collapsed rows × draws a deferred bootstrap is handed out as a job (below it,
/// it costs less than a message between workers: 100k lines have 3.2M, 1M lines 28M).
pub const DEFER_MIN_ROW_DRAWS: usize = 8_000_000;

/// [`run`], but with `defer` a large bootstrap is not evaluated: it is returned as a job, and
/// the intervals stay at the point estimate until [`apply_intervals`] gives them the job's
/// result (the same Report as `run`'s, whoever evaluated the job).
pub fn run_deferred(
    input: &ClvInput,
    opts: &ClvOptions,
    defer: bool,
) -> (ClvReport, ClvColumns, Vec<Warning>, Option<BootJob>) {
    let mut job = None;
    let (report, cols, w) = run_inner(input, opts, defer.then_some(&mut job));
    (report, cols, w, job)
}

/// The interval of a bootstrap's result in the report and the columns.
pub fn apply_intervals(report: &mut ClvReport, cols: &mut ClvColumns, b: &BootOut) {
    cols.clv_low = b.low.iter().map(|&v| fin(v)).collect();
    cols.clv_high = b.high.iter().map(|&v| fin(v)).collect();
    report.totals.clv_low = fin(b.total_low);
    report.totals.clv_high = fin(b.total_high);
    report.totals.bootstrap_draws = b.draws as u32;
    report.totals.bootstrap_method = b.method.clone();
}

fn run_inner(
    input: &ClvInput,
    opts: &ClvOptions,
    mut defer: Option<&mut Option<BootJob>>,
) -> (ClvReport, ClvColumns, Vec<Warning>) {
    let mut w = Vec::new();
    let opts = match opts.validate() {
        Ok(()) => opts.clone(),
        Err(e) => {
            warn(
                &mut w,
                "clv_invalid_options",
                format!("{e}; using default options"),
            );
            ClvOptions::default()
        }
    };
    // `n` entries (customers, or collapsed rows of `weights` customers each).
    let n = input.x.len();
    let weights = input.weights;
    let customer_count = customers(weights, n);
    let s = clean_summary(n, input.x, input.t_x, input.t, "clv_input_repaired", &mut w);
    let m: Vec<f64> = (0..n).map(|i| finite_or_zero(input.monetary, i)).collect();
    let retention = match (opts.retention_rate, input.measured_monthly_retention) {
        (Some(r), _) => Some((r, "options")),
        (None, Some(r)) if r.is_finite() && (0.0..=1.0).contains(&r) => Some((r, "measured")),
        _ => None,
    };
    let (simple_col, simple_rep) = simple_clv(
        n,
        weights,
        input.total_spend,
        input.tenure_days,
        retention,
        opts.discount_rate,
        opts.margin_rate,
        opts.horizon_months,
        &mut w,
    );
    let factor = input.time_unit.lifetimes_month_factor();
    let grid = Grid::new(opts.horizon_months, factor, opts.discount_rate);
    let rows = collapse_weighted(&s, weights);
    let one_time: f64 = (0..n)
        .filter(|&i| s.x[i] == 0.0)
        .map(|i| weight(weights, i))
        .sum();
    let mut report = ClvReport {
        customers: customer_count as usize,
        unique_rows: rows.len(),
        units: UnitsReport {
            time_unit: input.time_unit.name().into(),
            unit_days: input.time_unit.days(),
            month_factor: factor,
            horizon_months: opts.horizon_months,
            horizon_units: grid.horizon(),
            discount_rate: opts.discount_rate,
            margin_rate: opts.margin_rate,
            penalizer: opts.penalizer,
        },
        simple: simple_rep,
        bgnbd: None,
        pareto_nbd: None,
        mbgnbd: None,
        gamma_gamma: None,
        bgbb: None,
        chosen_model: "simple".into(),
        choice_criterion: "fallback".into(),
        choice_reason: String::new(),
        one_time_buyers: OneTimeBuyers {
            customers: one_time as usize,
            share: if customer_count > 0.0 {
                one_time / customer_count
            } else {
                0.0
            },
            p_alive: "noModel".into(),
        },
        totals: Totals {
            interval: opts.interval,
            seed: opts.seed,
            simple_clv: fin(simple_col.iter().sum()),
            bootstrap_method: "none".into(),
            ..Default::default()
        },
        new_customer: None,
        p_alive_matrix: None,
        period_transactions: None,
        holdout: None,
        covariates: None,
        rfm_segments: Vec::new(),
        windows: None,
        p_alive_at_date: None,
    };
    // Spend model (Gamma-Gamma or observed fallback) is needed by every path.
    let gg = fit_gamma_gamma_weighted(&s.x, &m, weights, opts.penalizer, &mut w);
    // The observed mean spend of repeat buyers, an exact weighted mean.
    let pos: Vec<(f64, f64)> = (0..n)
        .filter(|&i| s.x[i] > 0.0 && m[i] > 0.0)
        .map(|i| (weight(weights, i), m[i]))
        .collect();
    let spend = match &gg {
        Some((f, nn)) => {
            report.gamma_gamma = Some(gg_report(f, *nn));
            SpendModel::GammaGamma(f.params.clone())
        }
        None => SpendModel::Observed {
            mean: if pos.is_empty() {
                0.0
            } else {
                exact_dot(pos.iter().copied()) / pos.iter().map(|p| p.0).sum::<f64>()
            },
        },
    };
    let expected_spend: Vec<f64> = (0..n).map(|i| spend.expected(s.x[i], m[i])).collect();
    let fallback = |report: &mut ClvReport, reason: String| {
        report.choice_reason = reason;
        report.totals.clv = report.totals.simple_clv;
        report.totals.clv_low = report.totals.simple_clv;
        report.totals.clv_high = report.totals.simple_clv;
        report.totals.mean_p_alive = if n > 0 { 1.0 } else { 0.0 };
        report.totals.mean_expected_spend = fin(exact_dot(
            (0..n).map(|i| (weight(weights, i), expected_spend[i])),
        ) / customer_count.max(1.0));
        ClvColumns {
            p_alive: vec![1.0; n],
            expected_purchases: vec![0.0; n],
            expected_spend: expected_spend.clone(),
            clv: simple_col.clone(),
            clv_low: simple_col.clone(),
            clv_high: simple_col.clone(),
            simple_clv: simple_col.clone(),
            model: None,
            bgbb: None,
            windows: windows::simple(&simple_col, &report.simple),
            p_alive_at_date: Vec::new(),
            spend: Some(spend.clone()),
            calibration_model: None,
        }
    };
    let repeaters = s.x.iter().filter(|&&x| x > 0.0).count();
    let degenerate = if customer_count < 10.0 {
        Some((
            "clv_too_few_customers",
            format!("{customer_count} customers (< 10): BTYD models not fitted"),
        ))
    } else if rows.max_t <= 0.0 {
        Some((
            "clv_no_observation_time",
            "every customer has age T = 0: BTYD models not fitted".into(),
        ))
    } else if repeaters == 0 {
        Some((
            "clv_no_repeat_buyers",
            "no customer has repeat purchases: BTYD models not fitted".into(),
        ))
    } else {
        None
    };
    if let Some((code, msg)) = degenerate {
        warn(&mut w, code, format!("{msg}; CLV falls back to simple CLV"));
        if !input.covariates.is_empty() {
            warn(
                &mut w,
                "clv_covariates_not_fitted",
                format!("{msg}: the models with covariates are not fitted either"),
            );
        }
        let cols = fallback(&mut report, msg);
        return (report, cols, w);
    }
    // Discrete time comes only from a summary (`crate::EXTRA_INPUTS`).
    if crate::EXTRA_INPUTS && input.discrete {
        let prepared = Prepared {
            s: &s,
            m: &m,
            rows: &rows,
            spend: &spend,
            gg: gg
                .as_ref()
                .map(|(f, _)| (f.params.as_slice(), f.cov_log.as_deref())),
            expected_spend: &expected_spend,
            simple: &simple_col,
            factor,
        };
        let cols = fit_and_predict(&prepared, &opts, &mut report, &mut w)
            .unwrap_or_else(|reason| fallback(&mut report, reason));
        return (report, cols, w);
    }
    let d = FitData::new(&rows);
    let fits = fit_all(&d, opts.penalizer, &mut w);
    for (k, f) in KINDS.iter().zip(&fits) {
        if let Some(f) = f {
            match k {
                ModelKind::Bgnbd => report.bgnbd = Some(bg_report(f, rows.n)),
                ModelKind::ParetoNbd => report.pareto_nbd = Some(pareto_report(f, rows.n)),
                ModelKind::Mbgnbd => report.mbgnbd = Some(bg_report(f, rows.n)),
            }
        }
    }
    if let Some(h) = &input.holdout {
        report.holdout = holdout::evaluate(h, opts.penalizer, &KINDS, &fits, &mut w);
    }
    if !input.covariates.is_empty() {
        let plain: Vec<(ModelKind, &Fitted)> = KINDS
            .iter()
            .zip(&fits)
            .filter(|(k, _)| matches!(k, ModelKind::Bgnbd | ModelKind::ParetoNbd))
            .filter_map(|(k, f)| f.as_ref().filter(|f| f.converged).map(|f| (*k, f)))
            .collect();
        report.covariates = covariates::run(
            input.covariates,
            &s,
            &plain,
            opts.penalizer,
            grid.horizon(),
            &mut w,
        );
    }
    let choice = choose(
        opts.model,
        &fits,
        report.holdout.as_ref(),
        report.one_time_buyers.share,
        &mut w,
    );
    let Some(Choice {
        kind,
        criterion,
        reason,
    }) = choice
    else {
        warn(
            &mut w,
            "clv_no_model",
            "no transaction model converged; CLV falls back to simple CLV".into(),
        );
        let cols = fallback(&mut report, "no transaction model converged".into());
        return (report, cols, w);
    };
    let Some(fitted) = KINDS
        .iter()
        .position(|&k| k == kind)
        .and_then(|i| fits[i].clone())
    else {
        let cols = fallback(&mut report, "internal: chosen model missing".into());
        return (report, cols, w);
    };
    report.chosen_model = kind.key().into();
    report.choice_criterion = criterion.into();
    report.choice_reason = reason;
    report.one_time_buyers.p_alive = if kind == ModelKind::Bgnbd {
        "notEstimable"
    } else {
        "estimated"
    }
    .into();
    let p = &fitted.params;
    let pal = PAlive::new(kind, &d);
    let rp = row_predictions(kind, p, &pal, &grid);
    if rp.failures > 0 {
        warn(
            &mut w,
            "clv_prediction_not_finite",
            format!(
                "{} (x, t_x, T) patterns had non-finite predictions, set to 0",
                rp.failures
            ),
        );
    }
    let calibration_model = report.holdout.as_ref().and_then(|h| {
        h.models
            .iter()
            .find(|m| m.model == kind && !m.params.is_empty())
            .map(|m| (kind, m.params.clone()))
    });
    let mut cols = ClvColumns {
        simple_clv: simple_col.clone(),
        expected_spend,
        model: Some((kind, p.clone())),
        spend: Some(spend.clone()),
        calibration_model,
        ..Default::default()
    };
    for c in 0..n {
        let r = rows.map[c];
        let pa = rp.p_alive[r];
        cols.p_alive.push(fin(pa));
        cols.expected_purchases.push(fin(pa * rp.u_h[r]));
        cols.clv.push(fin(opts.margin_rate
            * cols.expected_spend[c]
            * pa
            * rp.disc_alive[r]));
    }
    let mut boot = None;
    let mut deferred = false;
    // The bootstrap draws per customer: not over weighted entries (`fit` runs without).
    if opts.bootstrap_draws > 0 && weights.is_none() {
        match (&fitted.cov_log, gg.as_ref().map(|g| g.0.cov_log.clone())) {
            (Some(cov), gcov) if gg.is_none() || gcov.as_ref().is_some_and(|c| c.is_some()) => {
                let ggp = gg.as_ref().map(|g| g.0.params.clone());
                let gc = gcov.flatten();
                let bi = BootIn {
                    kind,
                    theta: p,
                    cov,
                    gg: match (&ggp, &gc) {
                        (Some(a), Some(b)) => Some((a.as_slice(), b.as_slice())),
                        _ => None,
                    },
                    spend: &spend,
                    pal: &pal,
                    x: &s.x,
                    m: &m,
                    margin: opts.margin_rate,
                    grid: &grid,
                    draws: opts.bootstrap_draws as usize,
                    seed: opts.seed,
                    interval: opts.interval,
                    // The interval study (docs/performance.md, benches/interval_study.rs): the
                    // linearised stream with type-6 ends covers within 1 point of 2,000 exact
                    // draws at 10k, 100k and 1M lines, for a 15-30th of the exact path's cost.
                    exact_budget: 0,
                    positions: bootstrap::Positions::Nominal,
                };
                let big = rows.len().saturating_mul(bi.draws) >= DEFER_MIN_ROW_DRAWS;
                match defer.as_mut().filter(|_| big) {
                    Some(slot) => {
                        let grid = (opts.horizon_months, factor, opts.discount_rate);
                        **slot = BootJob::of(&bi, grid);
                        deferred = slot.is_some();
                    }
                    None => boot = bootstrap::run(&bi),
                }
            }
            _ => {}
        }
        if boot.is_none() && !deferred {
            warn(&mut w, "clv_no_interval", "parameter covariance not positive definite: CLV interval equals the point estimate".into());
        }
    }
    cols.clv_low = cols.clv.clone();
    cols.clv_high = cols.clv.clone();
    column_totals(&mut report, &cols, weights);
    if let Some(b) = &boot {
        apply_intervals(&mut report, &mut cols, b);
    }
    report.new_customer = Some(NewCustomer::valued(
        new_customer_curve(kind, p, &grid),
        spend.expected(0.0, 0.0),
        opts.margin_rate,
        &grid.disc,
    ));
    let scale = (0..n)
        .map(|c| fin(opts.margin_rate * cols.expected_spend[c] * cols.p_alive[c]))
        .collect();
    cols.windows = windows::model(kind, p, &rows, scale, factor, opts.discount_rate);
    report.p_alive_matrix = Some(p_alive_matrix(kind, p, &rows));
    report.period_transactions = period_transactions(kind, p, &rows);
    (report, cols, w)
}
