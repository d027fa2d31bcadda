//! The CLV report document (serde camelCase; keys are a stable contract).
//!
//! ```text
//! ClvReport {
//!   customers, uniqueRows,
//!   units: { timeUnit: "day"|"week"|"month"|"year", unitDays,
//!            monthFactor (lifetimes' D=30/W=4.345/M=1; a year 1/12),
//!            horizonMonths, horizonUnits (= horizonMonths * monthFactor, model units),
//!            discountRate (monthly), marginRate, penalizer },
//!   simple: SimpleReport,                       // see simple/; always present
//!   bgnbd:     null | { params: {r, alpha, a, b}, stdErrors: null | {r, alpha, a, b}, ...Fit },
//!   paretoNbd: null | { params: {r, alpha, s, beta}, stdErrors, ...Fit },
//!   mbgnbd:    null | { params: {r, alpha, a, b}, stdErrors, ...Fit },
//!   gammaGamma: null | { params: {p, q, v}, stdErrors, ...Fit },   // fitted on x > 0, m > 0
//!   bgbb:      null | { params: {alpha, beta, gamma, delta}, stdErrors, ...Fit }, // discrete time
//!     Fit = logLikelihood (full LL, sum over customers, all constants, model time units),
//!           aic (2k - 2 logLikelihood), converged, iterations, status, gradNorm (of lifetimes'
//!           objective at the optimum, scaled time), customers (used in the fit)
//!   chosenModel: "bgnbd"|"paretoNbd"|"mbgnbd"|"bgbb"|"simple",
//!   choiceCriterion: "user"|"holdoutRmse"|"holdoutOneTimeBuyers"|"aic"|"discreteTime"|"fallback",
//!   choiceReason: text,
//!   oneTimeBuyers: { customers, share, pAlive: "estimated"|"notEstimable"|"noModel" },
//!   totals: { clv, clvLow, clvHigh, interval, bootstrapDraws, bootstrapMethod, seed, expectedPurchases,
//!             meanExpectedSpend, meanPAlive, simpleClv },
//!   newCustomer: null | { expectedPurchases: [E(X(i f)) for i = 0..=H] (cumulative, model units),
//!                         spendPerPurchase, value: [CLV by month i] },
//!   pAliveMatrix: null | PAliveMatrix, periodTransactions: null | PeriodTransactions,
//!   holdout: null | HoldoutReport,
//!   covariates: null | CovariatesReport,        // see covariates/
//!   rfmSegments: [SegmentClv],   // per RFM segment; joined by the pipeline (empty from run())
//!   windows: null | { months, source, total, byRfmSegment, byStage, byCluster }, // pipeline
//!   pAliveAtDate: null | { date, days, units, model, mean },                      // pipeline
//! }
//! ```
//! Every number is finite: a model that cannot be fitted is `null` with a warning.

use super::by_segment::SegmentClv;
use super::prediction::windows::{Windows, WindowsReport};
use super::simple::SimpleReport;
use super::validation::diagnostics::{PAliveMatrix, PeriodTransactions};
use super::validation::holdout::HoldoutReport;
use serde::Serialize;

/// Units and horizon actually used.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BgParams {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

/// Pareto/NBD parameters.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ParetoParams {
    pub r: f64,
    pub alpha: f64,
    pub s: f64,
    pub beta: f64,
}

/// BG/BB parameters: purchase propensity p ~ Beta(alpha, beta), dropout θ ~ Beta(gamma, delta).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BgbbParams {
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
    pub delta: f64,
}

/// Gamma-Gamma parameters.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct GgParams {
    pub p: f64,
    pub q: f64,
    pub v: f64,
}

/// One fitted model.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub clv: f64,
    pub clv_low: f64,
    pub clv_high: f64,
    pub interval: f64,
    pub bootstrap_draws: u32,
    /// "none", "exact", "linearizedStream", "linearizedPAlive" or "linearizedStreamAndPAlive":
    /// the continuous models' discounted purchase stream D(x,T) and, for Pareto/NBD, logit
    /// P(alive) use their first-order expansion in the log-parameters (BG/BB only above 2M
    /// rows x draws; see uncertainty/bootstrap.rs and the interval study in
    /// docs/performance.md); spend and BG/MBG P(alive) are always exact per draw.
    pub bootstrap_method: String,
    pub seed: u64,
    pub expected_purchases: f64,
    pub mean_expected_spend: f64,
    pub mean_p_alive: f64,
    pub simple_clv: f64,
}

/// Customers without a repeat purchase (x = 0): how many, and whether the chosen model
/// estimates their P(alive).
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OneTimeBuyers {
    pub customers: usize,
    /// customers / all customers (0 without customers).
    pub share: f64,
    /// `estimated` (MBG/NBD, Pareto/NBD), `notEstimable` (BG/NBD: P(alive) is 1 until a
    /// repeat purchase, whatever the silence) or `noModel` (simple CLV: no P(alive)).
    pub p_alive: String,
}

/// A brand-new customer (just made their first purchase), month by month: expected
/// cumulative repeat purchases and their discounted value.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewCustomer {
    pub expected_purchases: Vec<f64>,
    /// Expected spend per purchase of a customer with no history (Gamma-Gamma's population
    /// mean `p v / (q − 1)`, or the observed mean fallback).
    pub spend_per_purchase: f64,
    /// `value[i] = Σ_{j ≤ i} margin × spendPerPurchase × (E_j − E_{j−1}) / (1 + d)^j`: the
    /// new customer's CLV by month i (i = 0..=H; `value[0] = 0`).
    pub value: Vec<f64>,
}

impl NewCustomer {
    /// The curve with its value at monthly discount factors `disc[i] = (1 + d)^-i`.
    pub fn valued(expected_purchases: Vec<f64>, spend: f64, margin: f64, disc: &[f64]) -> Self {
        let mut acc = 0.0;
        let value = (0..expected_purchases.len())
            .map(|i| {
                if i > 0 {
                    let step = expected_purchases[i] - expected_purchases[i - 1];
                    acc += margin * spend * step * disc.get(i).copied().unwrap_or(0.0);
                }
                if acc.is_finite() {
                    acc
                } else {
                    0.0
                }
            })
            .collect();
        NewCustomer {
            expected_purchases,
            spend_per_purchase: spend,
            value,
        }
    }
}

/// The CLV report.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
    /// BG/BB, fitted on discrete-time data (a summary with `periods`) instead of the three
    /// continuous-time models; null otherwise.
    pub bgbb: Option<FitReport<BgbbParams>>,
    pub chosen_model: String,
    pub choice_criterion: String,
    pub choice_reason: String,
    /// Customers without a repeat purchase (x = 0) and what their P(alive) means.
    pub one_time_buyers: OneTimeBuyers,
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
    /// CLV by month 1..=12 per RFM segment, lifecycle stage and cluster (`prediction::windows`);
    /// `clv::run` leaves it null, the pipeline joins the groups.
    pub windows: Option<WindowsReport>,
    /// P(alive) on `clv.pAliveDate` if no purchase is made before it; null without the option.
    pub p_alive_at_date: Option<PAliveAtDate>,
}

/// P(alive) on a later date, for customers who make no purchase until then (lifetimes'
/// `conditional_probability_alive(x, t_x, T + t)`; BG/BB: its P(alive) at n + m with no
/// transaction meanwhile).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PAliveAtDate {
    pub date: String,
    /// Days after `asOf`, and the same in model units (whole opportunities for BG/BB).
    pub days: i32,
    pub units: f64,
    pub model: String,
    /// Mean over customers (the per-customer values are the `pAliveAtDate` column).
    pub mean: f64,
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
    /// The BG/BB parameters when it scored the customers (discrete-time data).
    pub bgbb: Option<Vec<f64>>,
    /// CLV by month 1..=12, factored (see `prediction::windows`).
    pub windows: Windows,
    /// P(alive) on `clv.pAliveDate` (empty without the option; filled by the pipeline).
    pub p_alive_at_date: Vec<f64>,
    /// The spend model behind `expected_spend` (the model card saves it).
    pub spend: Option<super::gamma_gamma::spend::SpendModel>,
    /// The same model kind refitted on the holdout's calibration period (None without a
    /// holdout or when that refit failed): the churn comparison scores calibration customers
    /// with it.
    pub calibration_model: Option<(super::model::ModelKind, Vec<f64>)>,
}
