//! Retention options (validated, linfa style).
use serde::{Deserialize, Serialize};

use crate::clv::sbg::MIN_DISCOUNT;

/// Options of the `retention` section (subscription input).
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[cfg_attr(test, ts(optional_fields = nullable))]
pub struct RetentionOptions {
    /// Price per period (what a subscriber pays at each renewal). `None`: lifetimes are
    /// discounted but not valued.
    pub price: Option<f64>,
    /// Discount rate per period. `None`: `clv.discountRate` (monthly) compounded over one period.
    pub discount_rate: Option<f64>,
    /// Periods the projection covers. `None`: twice the last observed period, at least 12.
    pub horizon_periods: Option<u32>,
    /// Fit on periods 0..=fitPeriods only; the later observations are the holdout the
    /// projection is checked against. `None`: fit on everything.
    pub fit_periods: Option<u32>,
}

/// Longest projection.
pub const MAX_HORIZON: u32 = 1200;

impl RetentionOptions {
    pub fn validate(&self) -> Result<(), String> {
        if let Some(p) = self.price {
            if !(p.is_finite() && (0.0..=1e12).contains(&p)) {
                return Err(format!("retention.price must be in [0, 1e12], got {p}"));
            }
        }
        if let Some(d) = self.discount_rate {
            if !(d.is_finite() && (MIN_DISCOUNT..=10.0).contains(&d)) {
                return Err(format!(
                    "retention.discountRate must be in [{MIN_DISCOUNT}, 10] per period, got {d}"
                ));
            }
        }
        if let Some(h) = self.horizon_periods {
            if h == 0 || h > MAX_HORIZON {
                return Err(format!(
                    "retention.horizonPeriods must be in 1..={MAX_HORIZON}, got {h}"
                ));
            }
        }
        if self.fit_periods == Some(0) {
            return Err("retention.fitPeriods must be at least 1 (period 0 is the start)".into());
        }
        Ok(())
    }
}
