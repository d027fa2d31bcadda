//! The CLV report document (serde camelCase; keys are a stable contract).
//!
//! ```text
//! ClvReport {
//!   customers, uniqueRows,
//!   units: { timeUnit: "day"|"week"|"month", unitDays, monthFactor (lifetimes' D=30/W=4.345/M=1),
//!            horizonMonths, horizonUnits (= horizonMonths * monthFactor, model units),
//!            discountRate (monthly), marginRate, penalizer },
//!   simple: SimpleReport,                       // see simple/; always present
//!   bgnbd:     null | { params: {r, alpha, a, b}, stdErrors: null | {r, alpha, a, b}, ...Fit },
//!   paretoNbd: null | { params: {r, alpha, s, beta}, stdErrors, ...Fit },
//!   mbgnbd:    null | { params: {r, alpha, a, b}, stdErrors, ...Fit },
//!   gammaGamma: null | { params: {p, q, v}, stdErrors, ...Fit },   // fitted on x > 0, m > 0
//!     Fit = logLikelihood (full LL, sum over customers, all constants, model time units),
//!           aic (2k - 2 logLikelihood), converged, iterations, status, gradNorm (of lifetimes'
//!           objective at the optimum, scaled time), customers (used in the fit)
//!   chosenModel: "bgnbd"|"paretoNbd"|"mbgnbd"|"simple",
//!   choiceCriterion: "user"|"holdoutRmse"|"aic"|"fallback", choiceReason: text,
//!   totals: { clv, clvLow, clvHigh, interval, bootstrapDraws, bootstrapMethod, seed, expectedPurchases,
//!             meanExpectedSpend, meanPAlive, simpleClv },
//!   newCustomer: null | { expectedPurchases: [E(X(i f)) for i = 0..=H] } (cumulative, model units),
//!   pAliveMatrix: null | PAliveMatrix, periodTransactions: null | PeriodTransactions,
//!   holdout: null | HoldoutReport,
//!   covariates: null | CovariatesReport,        // see covariates/
//!   rfmSegments: [SegmentClv],   // per RFM segment; joined by the pipeline (empty from run())
//! }
//! ```
//! Every number is finite: a model that cannot be fitted is `null` with a warning.

use super::by_segment::SegmentClv;
use super::simple::SimpleReport;
use super::validation::diagnostics::{PAliveMatrix, PeriodTransactions};
use super::validation::holdout::HoldoutReport;
use serde::Serialize;

/// Units and horizon actually used.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UnitsReport {
    pub time_unit: String,
    pub unit_days: f64,
    pub month_factor: f64,
    pub horizon_months: u32,
    pub horizon_units: f64,
    pub discount_rate: f64,
    pub margin_rate: f64,
    pub penalizer: f64,
}

/// BG/NBD and MBG/NBD parameters.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BgParams {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

/// Pareto/NBD parameters.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ParetoParams {
    pub r: f64,
    pub alpha: f64,
    pub s: f64,
    pub beta: f64,
}

/// Gamma-Gamma parameters.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GgParams {
    pub p: f64,
    pub q: f64,
    pub v: f64,
}

/// One fitted model.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FitReport<P> {
    pub params: P,
    pub std_errors: Option<P>,
    pub log_likelihood: f64,
    pub aic: f64,
    pub converged: bool,
    pub iterations: u64,
    pub status: String,
    pub grad_norm: f64,
    pub customers: f64,
}

/// Totals over customers with the bootstrap interval.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub clv: f64,
    pub clv_low: f64,
    pub clv_high: f64,
    pub interval: f64,
    pub bootstrap_draws: u32,
    /// "none", "exact", "linearizedStream", "linearizedPAlive" or "linearizedStreamAndPAlive":
    /// on large data (runs x draws > 2M) the discounted purchase stream D(x,T) and, for
    /// Pareto/NBD, logit P(alive) use their first-order expansion in the log-parameters
    /// (see uncertainty/bootstrap.rs); spend and BG/MBG P(alive) are always exact per draw.
    pub bootstrap_method: String,
    pub seed: u64,
    pub expected_purchases: f64,
    pub mean_expected_spend: f64,
    pub mean_p_alive: f64,
    pub simple_clv: f64,
}

/// Expected cumulative repeat purchases of a brand-new customer.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct NewCustomer {
    pub expected_purchases: Vec<f64>,
}

/// The CLV report.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ClvReport {
    pub customers: usize,
    pub unique_rows: usize,
    pub units: UnitsReport,
    pub simple: SimpleReport,
    pub bgnbd: Option<FitReport<BgParams>>,
    pub pareto_nbd: Option<FitReport<ParetoParams>>,
    pub mbgnbd: Option<FitReport<BgParams>>,
    pub gamma_gamma: Option<FitReport<GgParams>>,
    pub chosen_model: String,
    pub choice_criterion: String,
    pub choice_reason: String,
    pub totals: Totals,
    pub new_customer: Option<NewCustomer>,
    pub p_alive_matrix: Option<PAliveMatrix>,
    pub period_transactions: Option<PeriodTransactions>,
    pub holdout: Option<HoldoutReport>,
    /// Models with time-invariant covariates (`ingest.covariateCols`), null without them.
    pub covariates: Option<super::covariates::CovariatesReport>,
    /// Simple and model CLV per RFM segment, aligned with `rfm.segments`. `clv::run` leaves it
    /// empty: the pipeline fills it after RFM and CLV ran (see `by_segment`).
    pub rfm_segments: Vec<SegmentClv>,
}

/// Per-customer output columns (all finite, one per customer).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClvColumns {
    pub p_alive: Vec<f64>,
    /// Expected repeat purchases over the horizon (horizonUnits model units).
    pub expected_purchases: Vec<f64>,
    /// Expected spend per transaction (Gamma-Gamma, or the documented fallback).
    pub expected_spend: Vec<f64>,
    pub clv: Vec<f64>,
    pub clv_low: Vec<f64>,
    pub clv_high: Vec<f64>,
    pub simple_clv: Vec<f64>,
    /// The chosen transaction model and its model-unit parameters (None on fallback), so
    /// other analyses can score customers with the same model (see `palive::p_alive_of`).
    pub model: Option<(super::model::ModelKind, Vec<f64>)>,
    /// The spend model behind `expected_spend` (the model card saves it).
    pub spend: Option<super::gamma_gamma::spend::SpendModel>,
    /// The same model kind refitted on the holdout's calibration period (None without a
    /// holdout or when that refit failed): the churn comparison scores calibration customers
    /// with it.
    pub calibration_model: Option<(super::model::ModelKind, Vec<f64>)>,
}
