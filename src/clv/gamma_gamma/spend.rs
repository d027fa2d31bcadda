//! Expected spend per transaction: Gamma-Gamma when fitted, else an observed-mean fallback.

use crate::clv::gamma_gamma::expected_avg_profit;

/// How `expected_spend` is computed.
#[derive(Debug, Clone, PartialEq)]
pub enum SpendModel {
    /// Gamma-Gamma conditional expected average profit with `[p, q, v]` (q > 1).
    GammaGamma(Vec<f64>),
    /// Fallback: the customer's own mean repeat spend if x > 0 and m > 0, else `mean`
    /// (mean of positive repeat spends; 0 if there are none).
    Observed { mean: f64 },
}

impl SpendModel {
    /// Expected spend per future transaction of a customer with (x, m); always finite.
    pub fn expected(&self, x: f64, m: f64) -> f64 {
        let v = match self {
            SpendModel::GammaGamma(p) => {
                if x > 0.0 && m > 0.0 {
                    expected_avg_profit(p, x, m)
                } else {
                    expected_avg_profit(p, 0.0, 0.0)
                }
            }
            SpendModel::Observed { mean } => {
                if x > 0.0 && m > 0.0 {
                    m
                } else {
                    *mean
                }
            }
        };
        if v.is_finite() {
            v
        } else {
            0.0
        }
    }

    /// `(a, b)` with `expected(x, m) = a + b m` (before the finite check) for customers with
    /// x > 0 and m > 0; the same arithmetic as `expected_avg_profit`, so the same bits. Lets the
    /// bootstrap compute the x-only part once per x and draw.
    pub fn affine(&self, x: f64) -> (f64, f64) {
        match self {
            SpendModel::GammaGamma(th) => {
                let (p, q, v) = (th[0], th[1], th[2]);
                let wgt = p * x / (p * x + q - 1.0);
                let pop = v * p / (q - 1.0);
                ((1.0 - wgt) * pop, wgt)
            }
            SpendModel::Observed { .. } => (0.0, 1.0),
        }
    }

    /// True when the value depends on the customer's m (so bootstrap groups must split on m).
    pub fn uses_m(&self, x: f64, m: f64) -> bool {
        x > 0.0 && m > 0.0
    }
}
