//! Subscription retention: the `retention` section of the Report, for contractual data (a
//! survival table, or one row per subscription). The model is the shifted-beta-geometric
//! (`clv::sbg`: likelihood, gradient and predictions, fitted by `clv::fitting`); this stage
//! turns the input into its cells (`data`), fits it, projects the survival of every cohort,
//! checks the projection on held-out periods (`retention.fitPeriods`) and values the active
//! subscribers (DERL × price).
//!
//! sBG lives with the CLV model families because it is one (DERL × price is a subscriber's
//! lifetime value) and shares their fitting and maths; the stage is its own module because its
//! input is not the customer table and its section is not `clv`.
//!
//! Warning codes: `sbg_no_subscribers`, `sbg_no_churn`, `sbg_no_renewals`, `sbg_one_period`,
//! `sbg_not_converged` (the section's `sbg` is null: no projection), `sbg_homogeneous` (the fit
//! runs to the boundary α, β → ∞ of constant churn: reported, standard errors null),
//! `sbg_value_needs_discount` (a discount rate ≤ 0: lifetimes not discounted, values null).
pub mod data;
pub mod document;
pub mod options;

pub use data::RetentionData;
pub use document::RetentionReport;
pub use options::RetentionOptions;

use crate::clv::document::FitReport;
use crate::clv::fitting::fit::Fitted;
use crate::clv::sbg::{self, MIN_DISCOUNT};
use crate::dates::format_day;
use crate::report::Warning;
use crate::units::{TimeUnit, DAYS_PER_MONTH};
use document::{
    CohortFit, CohortReport, RetentionHoldout, SbgParams, SbgReport, SbgValue, SurvivalCurve,
    ValueByRenewals,
};

/// Fitted parameters beyond this sum mean the fit ran to the constant-churn boundary.
const HOMOGENEOUS: f64 = 1e6;

/// Periods searched for the median lifetime.
const MEDIAN_LIMIT: u32 = 100_000;

/// The horizon: the option, else twice the last observed period, at least 12.
fn horizon(opts: &RetentionOptions, last: u32) -> u32 {
    opts.horizon_periods
        .unwrap_or_else(|| (2 * last).max(12))
        .min(options::MAX_HORIZON)
}

/// Fits and reports. `clv_monthly_discount` is `clv.discountRate`, compounded to the period
/// when `retention.discountRate` is not set. Never panics; every number is finite.
pub fn run(
    data: &RetentionData,
    opts: &RetentionOptions,
    unit: TimeUnit,
    clv_monthly_discount: f64,
) -> (RetentionReport, Vec<Warning>) {
    let mut warnings = Vec::new();
    let cells = &data.cells;
    let last = cells.max_period();
    let h = horizon(opts, last);
    let fit_periods = opts.fit_periods.filter(|&k| k < last);
    let fit_cells = match fit_periods {
        Some(k) => data::truncate(cells, k),
        None => cells.clone(),
    };
    let (actual, actual_retention) = data::kaplan_meier(cells, h);
    let mut report = RetentionReport {
        source: data.source.into(),
        reason: None,
        period_days: unit.days(),
        subscribers: cells.subscribers(),
        active: cells.active(),
        churned: cells.churned(),
        last_period: last,
        cohorts: Vec::new(),
        cohorts_omitted: data.cohorts_omitted,
        survival: None,
        holdout: None,
        sbg: None,
    };
    let fitted = match fit(&fit_cells) {
        Ok(f) => Some(f),
        Err((code, message)) => {
            warnings.push(Warning::new(code, format!("{message}; no sBG projection")));
            report.reason = Some(message);
            None
        }
    };
    let survival = fitted
        .as_ref()
        .map(|f| sbg::survival(f.params[0], f.params[1], h))
        .unwrap_or_default();
    report.cohorts = data
        .cohorts
        .iter()
        .map(|c| {
            let own = match fit_periods {
                Some(k) => data::truncate(&c.cells, k),
                None => c.cells.clone(),
            };
            let (sbg, reason) = match fit(&own) {
                Ok(f) => {
                    let s = sbg::survival(f.params[0], f.params[1], h);
                    let fit = CohortFit {
                        fit: fit_report(&f, own.subscribers()).0,
                        expected: s.iter().map(|s| c.subscribers * s).collect(),
                    };
                    (Some(fit), None)
                }
                Err((_, message)) => (None, Some(message)),
            };
            CohortReport {
                name: c.name.clone(),
                start: c.start.map(format_day),
                subscribers: c.subscribers,
                active: c.active.clone(),
                expected: survival.iter().map(|s| c.subscribers * s).collect(),
                sbg,
                reason,
            }
        })
        .collect();
    report.survival = Some(SurvivalCurve {
        periods: (0..=h).collect(),
        actual,
        fitted: survival.clone(),
        actual_retention,
        fitted_retention: fitted
            .as_ref()
            .map(|f| {
                (1..=h)
                    .map(|t| sbg::retention_rate(f.params[0], f.params[1], t))
                    .collect()
            })
            .unwrap_or_default(),
    });
    if let (Some(k), false) = (fit_periods, survival.is_empty()) {
        report.holdout = holdout(&report, k, &survival);
    }
    if let Some(f) = fitted {
        report.sbg = Some(section(
            &f,
            &fit_cells,
            cells,
            fit_periods,
            opts,
            unit,
            clv_monthly_discount,
            &mut warnings,
        ));
    }
    (report, warnings)
}

/// The sBG fit of `cells`, or why there is none (a warning code and its message).
fn fit(cells: &sbg::Cells) -> Result<Fitted, (&'static str, String)> {
    if let Some(why) = sbg::unidentified(cells) {
        return Err(why);
    }
    let f = sbg::fit(cells);
    if f.converged {
        Ok(f)
    } else {
        Err((
            "sbg_not_converged",
            format!(
                "the sBG fit did not converge ({}; gradient norm {:.3e})",
                f.status,
                if f.grad_norm.is_finite() {
                    f.grad_norm
                } else {
                    -1.0
                }
            ),
        ))
    }
}

/// A fit's report fields, and whether it ran to the constant-churn boundary (its standard
/// errors are then left out).
fn fit_report(f: &Fitted, subscribers: f64) -> (FitReport<SbgParams>, bool) {
    let homogeneous = f.params[0] + f.params[1] > HOMOGENEOUS;
    let mk = |p: &[f64]| SbgParams {
        alpha: p[0],
        beta: p[1],
    };
    let std_errors = f
        .std_errors
        .as_deref()
        .filter(|se| !homogeneous && se.iter().all(|v| v.is_finite()))
        .map(mk);
    let report = FitReport {
        params: mk(&f.params),
        std_errors,
        log_likelihood: f.log_likelihood,
        aic: 4.0 - 2.0 * f.log_likelihood,
        converged: f.converged,
        iterations: f.iterations,
        status: f.status.clone(),
        grad_norm: f.grad_norm,
        customers: subscribers,
    };
    (report, homogeneous)
}

/// The projection against the observed survival of the periods after `k`.
fn holdout(report: &RetentionReport, k: u32, fitted: &[f64]) -> Option<RetentionHoldout> {
    let curve = report.survival.as_ref()?;
    let mut h = RetentionHoldout {
        fit_periods: k,
        periods: Vec::new(),
        actual: Vec::new(),
        fitted: Vec::new(),
        mean_absolute_percentage_error: 0.0,
    };
    for t in (k + 1)..=report.last_period {
        if let (Some(&Some(a)), Some(&f)) = (curve.actual.get(t as usize), fitted.get(t as usize)) {
            if a > 0.0 {
                h.periods.push(t);
                h.actual.push(a);
                h.fitted.push(f);
            }
        }
    }
    if h.periods.is_empty() {
        return None;
    }
    let errors: f64 = h
        .actual
        .iter()
        .zip(&h.fitted)
        .map(|(a, f)| (f - a).abs() / a)
        .sum();
    h.mean_absolute_percentage_error = errors / h.periods.len() as f64;
    Some(h)
}

/// The `sbg` section: the fit, lifetimes and the value of the active subscribers.
#[allow(clippy::too_many_arguments)]
fn section(
    f: &Fitted,
    fit_cells: &sbg::Cells,
    cells: &sbg::Cells,
    fit_periods: Option<u32>,
    opts: &RetentionOptions,
    unit: TimeUnit,
    clv_monthly_discount: f64,
    warnings: &mut Vec<Warning>,
) -> SbgReport {
    let (a, b) = (f.params[0], f.params[1]);
    let (fit, homogeneous) = fit_report(f, fit_cells.subscribers());
    if homogeneous {
        warnings.push(Warning::new(
            "sbg_homogeneous",
            format!(
                "retention does not rise with tenure: the sBG fit runs to constant churn \
                 {:.4} per period (α = {a:.4e}, β = {b:.4e} are on that boundary; their \
                 standard errors are not given)",
                a / (a + b)
            ),
        ));
    }
    SbgReport {
        fit,
        fit_periods,
        churn_first_period: a / (a + b),
        mean_lifetime: sbg::mean_lifetime(a, b),
        median_lifetime: sbg::median_lifetime(a, b, MEDIAN_LIMIT),
        value: value(a, b, cells, opts, unit, clv_monthly_discount, warnings),
    }
}

/// DEL of a new subscriber and DERL of the active ones, valued at `retention.price`.
fn value(
    a: f64,
    b: f64,
    cells: &sbg::Cells,
    opts: &RetentionOptions,
    unit: TimeUnit,
    clv_monthly_discount: f64,
    warnings: &mut Vec<Warning>,
) -> Option<SbgValue> {
    let (d, source) = match opts.discount_rate {
        Some(d) => (d, "options"),
        None => {
            let months = unit.days() / DAYS_PER_MONTH;
            (
                crate::clv::maths::special::pow(1.0 + clv_monthly_discount, months) - 1.0,
                "clvMonthly",
            )
        }
    };
    if d < MIN_DISCOUNT {
        warnings.push(Warning::new(
            "sbg_value_needs_discount",
            format!(
                "discount rate {d:.3e} per period: without discounting the expected lifetime \
                 can be infinite; set retention.discountRate (≥ {MIN_DISCOUNT})"
            ),
        ));
        return None;
    }
    let max_n = cells.censored.iter().map(|c| c.0).max().unwrap_or(0) + 1;
    let table = sbg::derl(a, b, d, max_n)?;
    let price = opts.price;
    let by_renewals: Vec<ValueByRenewals> = cells
        .censored
        .iter()
        .map(|&(t, n)| {
            let derl = table[t as usize + 1];
            ValueByRenewals {
                renewals: t,
                active: n,
                derl,
                value: price.map(|p| p * derl),
            }
        })
        .collect();
    let active = cells.active();
    let total_derl = by_renewals.iter().fold(0.0, |s, v| s + v.active * v.derl);
    let mean = if active > 0.0 {
        total_derl / active
    } else {
        0.0
    };
    Some(SbgValue {
        price,
        discount_rate: d,
        discount_source: source.into(),
        new_subscriber_del: table[0],
        new_subscriber_value: price.map(|p| p * table[0]),
        active,
        active_derl_mean: mean,
        active_value: price.map(|p| p * total_derl),
        value_per_active_subscriber: price.map(|p| p * mean),
        by_renewals,
    })
}
