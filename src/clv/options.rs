//! CLV options (validated parameters, linfa style).

use serde::{Deserialize, Serialize};

/// Which transaction model drives the CLV columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ModelChoice {
    /// Pick by holdout RMSE when a holdout is given, else by AIC (all models have 4 parameters,
    /// so this is the highest full log-likelihood).
    #[default]
    Auto,
    Bgnbd,
    ParetoNbd,
    Mbgnbd,
}

/// Options for [`crate::clv::run`].
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[cfg_attr(test, ts(optional_fields = nullable))]
pub struct ClvOptions {
    /// CLV horizon in months (lifetimes' `time`).
    #[cfg_attr(test, ts(optional = nullable))]
    pub horizon_months: u32,
    /// Monthly discount rate d (lifetimes' `discount_rate`).
    #[cfg_attr(test, ts(optional = nullable))]
    pub discount_rate: f64,
    /// Gross margin applied to spend (1.0 = revenue CLV, as lifetimes).
    #[cfg_attr(test, ts(optional = nullable))]
    pub margin_rate: f64,
    /// Monthly retention for simple CLV; overrides the measured retention.
    pub retention_rate: Option<f64>,
    #[cfg_attr(test, ts(optional = nullable))]
    pub model: ModelChoice,
    /// L2 penalizer coefficient, lifetimes' `penalizer_coef` (same objective form).
    #[cfg_attr(test, ts(optional = nullable))]
    pub penalizer: f64,
    /// Seed of the parametric bootstrap.
    #[cfg_attr(test, ts(optional = nullable))]
    pub seed: u64,
    /// Number of bootstrap parameter draws (0 disables intervals: low = high = point).
    #[cfg_attr(test, ts(optional = nullable))]
    pub bootstrap_draws: u32,
    /// Central interval mass, e.g. 0.9 -> 5% and 95% quantiles.
    #[cfg_attr(test, ts(optional = nullable))]
    pub interval: f64,
    /// Days at the end of the observation period held out to validate the models (the
    /// pipeline fits on the days before). `None`: a quarter of the period, 28..=365 days,
    /// when the period is at least 8 weeks; `Some(0)`: no holdout.
    pub holdout_days: Option<u32>,
    /// A later date (`YYYY-MM-DD`, not before `asOf`): each customer's P(alive) on it if they
    /// make no purchase until then (`pAliveAtDate`). `None`: not computed.
    pub p_alive_date: Option<String>,
}

impl Default for ClvOptions {
    fn default() -> Self {
        ClvOptions {
            horizon_months: 12,
            discount_rate: 0.01,
            margin_rate: 1.0,
            retention_rate: None,
            model: ModelChoice::Auto,
            penalizer: 0.0,
            seed: 0,
            bootstrap_draws: 200,
            interval: 0.9,
            holdout_days: None,
            p_alive_date: None,
        }
    }
}

impl ClvOptions {
    /// Checks ranges; `run` calls this and falls back to defaults (with a warning) on error.
    pub fn validate(&self) -> Result<(), String> {
        if self.horizon_months == 0 || self.horizon_months > 1200 {
            return Err(format!(
                "horizonMonths must be in 1..=1200, got {}",
                self.horizon_months
            ));
        }
        if !(self.discount_rate.is_finite()
            && self.discount_rate > -1.0
            && self.discount_rate < 10.0)
        {
            return Err(format!(
                "discountRate must be in (-1, 10), got {}",
                self.discount_rate
            ));
        }
        if !(self.margin_rate.is_finite() && (0.0..=1e6).contains(&self.margin_rate)) {
            return Err(format!(
                "marginRate must be finite and >= 0, got {}",
                self.margin_rate
            ));
        }
        if let Some(r) = self.retention_rate {
            if !(r.is_finite() && (0.0..=1.0).contains(&r)) {
                return Err(format!("retentionRate must be in [0, 1], got {r}"));
            }
        }
        if !(self.penalizer.is_finite() && self.penalizer >= 0.0) {
            return Err(format!(
                "penalizer must be finite and >= 0, got {}",
                self.penalizer
            ));
        }
        if self.bootstrap_draws > 10_000 {
            return Err(format!(
                "bootstrapDraws must be <= 10000, got {}",
                self.bootstrap_draws
            ));
        }
        if !(self.interval.is_finite() && self.interval > 0.0 && self.interval < 1.0) {
            return Err(format!("interval must be in (0, 1), got {}", self.interval));
        }
        if let Some(d) = &self.p_alive_date {
            if crate::dates::parse_iso(d).is_none() {
                return Err(format!(
                    "pAliveDate {d:?} is not a date of the form YYYY-MM-DD"
                ));
            }
        }
        Ok(())
    }
}
