//! The `retention` section of the Report (serde camelCase; documented in docs/report.md).
//!
//! ```text
//! RetentionReport {
//!   source: "none" | "survivalTable" | "subscriptions", reason: null | text,
//!   periodDays, subscribers, active, churned, lastPeriod,
//!   cohorts: [{ name, start, subscribers, active: [n_t | null], expected: [n_0 S(t)],
//!               sbg: null | { params, stdErrors, logLikelihood, ..., expected }, reason }],
//!   cohortsOmitted,
//!   survival: null | { periods, actual, fitted, actualRetention, fittedRetention },
//!   holdout: null | { fitPeriods, periods, actual, fitted, meanAbsoluteError },
//!   sbg: null | { params: {alpha, beta}, stdErrors, logLikelihood, aic, converged, ...,
//!                 churnFirstPeriod, meanLifetime, medianLifetime, value },
//! }
//! ```
use serde::Serialize;

use crate::clv::document::FitReport;

/// sBG parameters.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SbgParams {
    pub alpha: f64,
    pub beta: f64,
}

/// One cohort: observed and expected active subscribers by period since start.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CohortReport {
    pub name: String,
    /// First start date of the cohort (`YYYY-MM-DD`, subscriptions input); null for a table.
    pub start: Option<String>,
    /// Subscribers at period 0.
    pub subscribers: f64,
    /// Active subscribers at periods 0..=last observed; null where the period was not observed.
    pub active: Vec<Option<f64>>,
    /// `subscribers × S(t)` of the pooled fit (`retention.sbg`) for t = 0..=horizon (empty
    /// without a fit).
    pub expected: Vec<f64>,
    /// The cohort's own sBG (null: see `reason`).
    pub sbg: Option<CohortFit>,
    pub reason: Option<String>,
}

/// A cohort's own fit: its parameters and projection.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CohortFit {
    #[serde(flatten)]
    pub fit: FitReport<SbgParams>,
    /// `subscribers × S(t)` of this fit, t = 0..=horizon.
    pub expected: Vec<f64>,
}

/// The pooled survival curve: observed (Kaplan-Meier over all cohorts) and fitted.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SurvivalCurve {
    /// 0..=horizon.
    pub periods: Vec<u32>,
    /// Observed survival; null where no subscriber was at risk.
    pub actual: Vec<Option<f64>>,
    /// `S(t)` of the fitted sBG (empty without a fit).
    pub fitted: Vec<f64>,
    /// Observed retention rate of periods 1..=horizon (renewed / at risk); null where none at risk.
    pub actual_retention: Vec<Option<f64>>,
    /// `r_t = (β + t − 1) / (α + β + t − 1)` for t = 1..=horizon (empty without a fit).
    pub fitted_retention: Vec<f64>,
}

/// The projection checked against the periods left out of the fit (`retention.fitPeriods`).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RetentionHoldout {
    pub fit_periods: u32,
    /// Held-out periods with observations.
    pub periods: Vec<u32>,
    /// Observed survival (pooled) at those periods.
    pub actual: Vec<f64>,
    /// Projected `S(t)`.
    pub fitted: Vec<f64>,
    /// Mean of |fitted − actual| / actual over the held-out periods.
    pub mean_absolute_percentage_error: f64,
}

/// Residual value of active subscribers who have renewed `renewals` times.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ValueByRenewals {
    pub renewals: u32,
    pub active: f64,
    /// DERL(d | α, β, renewals): expected discounted payments from the next renewal on.
    pub derl: f64,
    /// `price × derl` (null without a price).
    pub value: Option<f64>,
}

/// Discounted expected lifetimes and values (Fader & Hardie 2010).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SbgValue {
    /// Price per period (option `retention.price`); null: values are not computed.
    pub price: Option<f64>,
    /// Discount rate per period.
    pub discount_rate: f64,
    /// Where the rate comes from: `options`, or `clvMonthly` (clv.discountRate compounded).
    pub discount_source: String,
    /// DEL: expected discounted payments of a new subscriber, the first one at sign-up.
    pub new_subscriber_del: f64,
    pub new_subscriber_value: Option<f64>,
    /// Active subscribers at the end of the data and their mean DERL.
    pub active: f64,
    pub active_derl_mean: f64,
    /// Total residual value of the active base, and per active subscriber.
    pub active_value: Option<f64>,
    pub value_per_active_subscriber: Option<f64>,
    pub by_renewals: Vec<ValueByRenewals>,
}

/// The fitted sBG.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SbgReport {
    #[serde(flatten)]
    pub fit: FitReport<SbgParams>,
    /// Periods the fit used (null: all).
    pub fit_periods: Option<u32>,
    /// `α / (α + β)`: share of new subscribers expected to cancel at the first renewal.
    pub churn_first_period: f64,
    /// `E[T] = (α + β − 1) / (α − 1)` periods; null when α ≤ 1 (infinite mean).
    pub mean_lifetime: Option<f64>,
    /// First period by which half of a cohort has churned (null beyond 100,000 periods).
    pub median_lifetime: Option<u32>,
    pub value: Option<SbgValue>,
}

/// The retention section (always present; `source: "none"` for transaction data).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RetentionReport {
    pub source: String,
    /// Why `sbg` is null; null when it was fitted.
    pub reason: Option<String>,
    /// Length of one period in days (`timeUnit`).
    pub period_days: f64,
    pub subscribers: f64,
    pub active: f64,
    pub churned: f64,
    /// The last period any subscriber was observed in.
    pub last_period: u32,
    pub cohorts: Vec<CohortReport>,
    /// Cohorts beyond the 60 latest, left out of `cohorts` (still fitted).
    pub cohorts_omitted: usize,
    pub survival: Option<SurvivalCurve>,
    pub holdout: Option<RetentionHoldout>,
    pub sbg: Option<SbgReport>,
}

impl RetentionReport {
    /// The section for input that is not subscription data.
    pub fn none(period_days: f64) -> RetentionReport {
        RetentionReport {
            source: "none".into(),
            reason: Some(
                "the input is not subscription data (read a survival table with --survival or \
                 per-subscriber rows with --subscriptions)"
                    .into(),
            ),
            period_days,
            subscribers: 0.0,
            active: 0.0,
            churned: 0.0,
            last_period: 0,
            cohorts: Vec::new(),
            cohorts_omitted: 0,
            survival: None,
            holdout: None,
            sbg: None,
        }
    }
}
