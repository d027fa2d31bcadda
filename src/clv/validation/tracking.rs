//! The tracking series of the holdout validation: actual vs predicted *cumulative* repeat
//! transactions over calibration + holdout, the aggregate view of lifetimes'
//! `expected_cumulative_transactions` (and CLVTools' tracking plot).
//!
//! Exactly lifetimes' definition (freq "D"): day 0 is the first purchase in the data; the point
//! at day D counts the repeat purchase days on days `0..D` (actual), and predicts
//! `sum over first-purchase days c < D of (new customers on c) * E[X(D - c)]` with E the
//! model's expected repeat purchases of a new customer, time in model units. Every customer is
//! in it, also those first seen in the holdout; the model is the one fitted on the
//! calibration period. Points are every `periodDays` days (lifetimes' `freq_multiplier`).

use crate::clv::maths::hyp_path::q_path;
use crate::clv::model::ModelKind;
use crate::clv::pareto;
use serde::Serialize;

/// Per-day inputs of the series, counted from the per-day lists by the pipeline.
#[derive(Debug, Clone, Copy)]
pub struct TrackingInput<'a> {
    /// Epoch day of day 0 (the first purchase in the data).
    pub start_day: i32,
    /// New customers (first purchases) on each day since `start_day`, through `asOf`.
    pub new_by_day: &'a [f64],
    /// Repeat purchase days (a customer's purchase days after the first) on each day.
    pub repeats_by_day: &'a [f64],
    /// Days `0..calibration_days` are the calibration period.
    pub calibration_days: usize,
    /// Days per model time unit.
    pub unit_days: f64,
}

/// The series for the chart (the best model's prediction; each model's is in
/// `HoldoutModel::cumulative`).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Tracking {
    /// Day 0, `YYYY-MM-DD`.
    pub start: String,
    pub period_days: u32,
    pub calibration_days: u32,
    /// Point j covers days `0..days[j]`, `days[j] = (j + 1) * periodDays`.
    pub days: Vec<u32>,
    pub actual: Vec<f64>,
    pub model: Option<ModelKind>,
    pub predicted: Vec<f64>,
}

/// At most this many points: the period doubles from a week until they fit.
const MAX_POINTS: usize = 520;

/// The points (days) of the series: every week, or every 2^k weeks for long data.
pub fn points(input: &TrackingInput) -> (usize, Vec<usize>) {
    let total = input.new_by_day.len();
    let mut step = 7;
    while total / step > MAX_POINTS {
        step *= 2;
    }
    (step, (1..=total / step).map(|j| j * step).collect())
}

/// Actual cumulative repeat purchase days before each point.
pub fn actual(input: &TrackingInput, days: &[usize]) -> Vec<f64> {
    let mut out = Vec::with_capacity(days.len());
    let (mut sum, mut d) = (0.0, 0);
    for &end in days {
        while d < end.min(input.repeats_by_day.len()) {
            sum += input.repeats_by_day[d];
            d += 1;
        }
        out.push(sum);
    }
    out
}

/// Expected repeat purchases of a new customer at ascending model times `ts` (as
/// `ModelKind::expected_new`, but along the path: see `hyp_path`).
pub fn expected_new_path(kind: ModelKind, p: &[f64], ts: &[f64]) -> Option<Vec<f64>> {
    let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
    let zs: Vec<f64> = ts.iter().map(|&t| t / (al + t)).collect();
    match kind {
        ModelKind::Bgnbd => Some(
            q_path(a + b - 1.0 - r, a - 1.0, a + b - 1.0, &zs)?
                .into_iter()
                .map(|q| (a + b - 1.0) * q)
                .collect(),
        ),
        ModelKind::Mbgnbd => Some(
            q_path(a + b - r, a - 1.0, a + b, &zs)?
                .into_iter()
                .map(|q| b * q)
                .collect(),
        ),
        ModelKind::ParetoNbd => ts.iter().map(|&t| pareto::expected_new(p, t)).collect(),
    }
}

/// Predicted cumulative repeat purchases at each point; None if the expectations failed.
pub fn predicted(
    kind: ModelKind,
    p: &[f64],
    input: &TrackingInput,
    days: &[usize],
) -> Option<Vec<f64>> {
    let last = days.last().copied().unwrap_or(0);
    let ts: Vec<f64> = (1..=last).map(|lag| lag as f64 / input.unit_days).collect();
    let e = expected_new_path(kind, p, &ts)?;
    let out: Vec<f64> = days
        .iter()
        .map(|&end| {
            // Cohorts c < end, at lag end - c >= 1 (e[lag - 1]).
            (0..end.min(input.new_by_day.len()))
                .map(|c| input.new_by_day[c] * e[end - c - 1])
                .sum()
        })
        .collect();
    out.iter().all(|v| v.is_finite()).then_some(out)
}
