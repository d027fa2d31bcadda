//! Churn features of each customer at a reference day, from the customer table as of that
//! day: R, F, M, tenure, the mean and the last gap between purchase days, the BTYD P(alive),
//! and the covariates (one indicator per level, or the standardised number).

use crate::clv::covariates::design::Design;
use crate::customers::CustomerTable;

/// Names of the features before the covariates, in column order.
pub const BASE: [&str; 7] = [
    "recencyDays",
    "transactions",
    "monetary",
    "tenureDays",
    "meanGapDays",
    "lastGapDays",
    "pAlive",
];

/// Row-major features: `rows × names.len()`.
#[derive(Debug, Clone, Default)]
pub struct Features {
    pub names: Vec<String>,
    pub x: Vec<f64>,
}

impl Features {
    pub fn width(&self) -> usize {
        self.names.len()
    }

    pub fn row(&self, i: usize) -> &[f64] {
        let f = self.width();
        &self.x[i * f..(i + 1) * f]
    }
}

/// Names of the covariate features (`channel=app`, `age`).
pub fn names(design: Option<&Design>) -> Vec<String> {
    let mut names: Vec<String> = BASE.iter().map(|s| s.to_string()).collect();
    if let Some(d) = design {
        names.extend(d.columns.iter().map(|c| match &c.level {
            Some(l) => format!("{}={}", c.covariate, l),
            None => c.covariate.clone(),
        }));
    }
    names
}

fn finite(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

/// Features of every customer of `t` (a table as of the reference day); `p_alive[c]` their
/// P(alive) there; `full_row[c]` their row in the table the design was built on.
pub fn build(
    t: &CustomerTable,
    p_alive: &[f64],
    design: Option<&Design>,
    full_row: impl Fn(usize) -> usize,
) -> Features {
    let names = names(design);
    let f = names.len();
    let mut x = Vec::with_capacity(t.len() * f);
    for c in 0..t.len() {
        let freq = t.frequency[c];
        let mean_gap = if freq > 0.0 {
            (t.last_day[c] - t.first_day[c]) as f64 / freq
        } else {
            0.0
        };
        let mut purchase_days = t
            .day_range(c)
            .rev()
            .filter(|&j| t.day_purchase[j])
            .map(|j| t.days[j]);
        let last_gap = match (purchase_days.next(), purchase_days.next()) {
            (Some(a), Some(b)) => (a - b) as f64,
            _ => 0.0,
        };
        x.extend([
            t.recency_days[c],
            t.transactions[c] as f64,
            t.revenue[c],
            t.tenure_days[c],
            mean_gap,
            last_gap,
            p_alive.get(c).copied().unwrap_or(1.0),
        ]);
        if let Some(d) = design {
            let r = full_row(c);
            let z = d
                .pattern_of
                .get(r)
                .and_then(|&g| d.patterns.get(g as usize));
            match z {
                Some(z) => x.extend(z.iter().copied()),
                None => x.extend(std::iter::repeat_n(0.0, d.columns.len())),
            }
        }
        let start = x.len() - f;
        x[start..].iter_mut().for_each(|v| *v = finite(*v));
    }
    Features { names, x }
}
