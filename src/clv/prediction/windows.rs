//! CLV per window: each customer's CLV accumulated by month 1..=12, summed per customer group
//! (RFM segment, lifecycle stage, k-means cluster) into a curve per group.
//!
//! A customer's CLV by month k factors into a per-customer scale and a curve that depends on
//! few values: `margin × spend × P(alive) × D_k(x, T)` for the continuous models (D_k: the
//! discounted stream up to month k, shared by customers with the same (x, T)), `margin ×
//! spend × D_k(x, t_x, n)` for BG/BB (its stream holds P(alive)), and for the simple-CLV
//! fallback `simpleClv × S_k / S_H` with `S_k = Σ_{i ≤ k} (r / (1 + d))^i`. [`Windows`] keeps
//! the scales and the distinct curves, not 12 numbers per customer; the groups are joined by
//! the pipeline, as the CLV per RFM segment is.
use crate::clv::fitting::collapse::Rows;
use crate::clv::model::ModelKind;
use crate::clv::prediction::purchases::{partial_streams, Grid};
use crate::clv::simple::SimpleReport;
use serde::Serialize;

/// Months of the window curve.
pub const MONTHS: usize = 12;

/// Per-customer CLV by month, factored (see the module doc).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Windows {
    /// Model behind the curves (`bgnbd`, `paretoNbd`, `mbgnbd`, `bgbb` or `simple`).
    pub source: String,
    /// Customer → curve.
    pub curve: Vec<u32>,
    /// Curves, `MONTHS` values each.
    pub table: Vec<f64>,
    /// Customer's factor.
    pub scale: Vec<f64>,
}

impl Windows {
    /// Customer `c`'s CLV by month `k` (1-based).
    pub fn clv(&self, c: usize, k: usize) -> f64 {
        let curve = self.curve.get(c).copied().unwrap_or(0) as usize;
        let v = self.scale.get(c).copied().unwrap_or(0.0)
            * self
                .table
                .get(curve * MONTHS + k - 1)
                .copied()
                .unwrap_or(0.0);
        if v.is_finite() {
            v
        } else {
            0.0
        }
    }

    /// The customers' curves summed per group: `group(c)` names customer c's group (an index
    /// into `names`; None: in no group).
    pub fn by_group(
        &self,
        names: &[String],
        group: impl Fn(usize) -> Option<usize>,
    ) -> Vec<GroupWindow> {
        let mut acc = vec![(0u64, [0.0f64; MONTHS]); names.len()];
        for c in 0..self.scale.len() {
            let Some(a) = group(c).and_then(|g| acc.get_mut(g)) else {
                continue;
            };
            a.0 += 1;
            for (k, v) in a.1.iter_mut().enumerate() {
                *v += self.clv(c, k + 1);
            }
        }
        names
            .iter()
            .zip(acc)
            .map(|(name, (n, total))| GroupWindow {
                name: name.clone(),
                customers: n,
                total: total.to_vec(),
                mean: total
                    .iter()
                    .map(|t| if n > 0 { t / n as f64 } else { 0.0 })
                    .collect(),
            })
            .collect()
    }
}

/// One group's curve.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct GroupWindow {
    pub name: String,
    pub customers: u64,
    /// Summed CLV by month 1..=12.
    pub total: Vec<f64>,
    pub mean: Vec<f64>,
}

/// The `clv.windows` section.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WindowsReport {
    pub months: Vec<u32>,
    pub source: String,
    /// All customers.
    pub total: Vec<f64>,
    pub by_rfm_segment: Vec<GroupWindow>,
    pub by_stage: Vec<GroupWindow>,
    /// Named by cluster id.
    pub by_cluster: Vec<GroupWindow>,
}

/// Builds a [`Windows`] from per-curve values: `curves[j]` holds `MONTHS` values.
pub fn from_curves(source: &str, curve: Vec<u32>, curves: &[Vec<f64>], scale: Vec<f64>) -> Windows {
    let mut table = Vec::with_capacity(curves.len() * MONTHS);
    for c in curves {
        table.extend(
            (0..MONTHS).map(|k| c.get(k).copied().filter(|v| v.is_finite()).unwrap_or(0.0)),
        );
    }
    Windows {
        source: source.into(),
        curve,
        table,
        scale,
    }
}

/// The windows of a continuous model: one curve per (x, T) run of the collapsed rows (rows are
/// sorted by x, T), `scale[c]` = margin × spend × P(alive) per customer.
pub fn model(
    kind: ModelKind,
    p: &[f64],
    rows: &Rows,
    scale: Vec<f64>,
    factor: f64,
    discount: f64,
) -> Windows {
    let grid = Grid::new(MONTHS as u32, factor, discount);
    let mut curves: Vec<Vec<f64>> = Vec::new();
    let mut run_of = Vec::with_capacity(rows.len());
    for r in 0..rows.len() {
        if r == 0 || rows.x[r] != rows.x[r - 1] || rows.t[r] != rows.t[r - 1] {
            curves.push(partial_streams(kind, p, rows.x[r], rows.t[r], &grid).unwrap_or_default());
        }
        run_of.push(curves.len() as u32 - 1);
    }
    let curve = rows.map.iter().map(|&r| run_of[r]).collect();
    from_curves(kind.key(), curve, &curves, scale)
}

/// The simple-CLV fallback's windows: the monthly margin (`simpleClv / multiplier`) times
/// the partial sums of the retention formula's series, `Σ_{i ≤ k} (r / (1 + d))^i`.
pub fn simple(simple_clv: &[f64], r: &SimpleReport) -> Windows {
    let q = r.retention_rate / (1.0 + r.discount_rate);
    let partial: Vec<f64> = (1..=MONTHS)
        .scan(0.0, |s, i| {
            *s += q.powi(i as i32);
            Some(*s)
        })
        .collect();
    let scale = simple_clv
        .iter()
        .map(|v| {
            if r.multiplier > 0.0 {
                v / r.multiplier
            } else {
                0.0
            }
        })
        .collect();
    from_curves("simple", vec![0; simple_clv.len()], &[partial], scale)
}
