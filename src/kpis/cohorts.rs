//! Cohort retention by acquisition month, for customers and for revenue.
use serde::Serialize;

use crate::customers::CustomerTable;
use crate::dates::{format_month, month_index};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Cohorts {
    /// Acquisition months (`YYYY-MM`), one row each: the latest 60 at most.
    pub months: Vec<String>,
    /// Customers acquired in each month.
    pub size: Vec<u64>,
    /// `customers[i][k]`: share of cohort `i` purchasing in its `k`-th month (k = 0 is 1.0).
    pub customers: Vec<Vec<f64>>,
    /// `revenue[i][k]`: cohort `i`'s revenue in its `k`-th month.
    pub revenue: Vec<Vec<f64>>,
    /// `revenueRetention[i][k]` = `revenue[i][k] / revenue[i][0]` (0 when month 0 had none).
    pub revenue_retention: Vec<Vec<f64>>,
}

/// Acquisition months shown: five years.
pub const MAX_COHORTS: usize = 60;

pub fn compute(t: &CustomerTable, as_of: i32) -> Cohorts {
    if t.is_empty() {
        return Cohorts::default();
    }
    let last_month = month_index(as_of);
    let first_month = t
        .first_day
        .iter()
        .map(|&d| month_index(d))
        .min()
        .unwrap_or(last_month)
        // At most MAX_COHORTS acquisition months (the latest): the matrix grows with months²,
        // and a file whose dates span centuries must not produce a Report of millions of cells.
        .max(last_month - (MAX_COHORTS as i32 - 1));
    let rows = (last_month - first_month + 1).max(0) as usize;
    let mut size = vec![0u64; rows];
    let mut active = vec![Vec::<u64>::new(); rows];
    let mut revenue = vec![Vec::<f64>::new(); rows];
    for (c, row) in active.iter_mut().enumerate() {
        let width = rows - c;
        *row = vec![0; width];
        revenue[c] = vec![0.0; width];
    }
    for i in 0..t.len() {
        let Ok(cohort) = usize::try_from(month_index(t.first_day[i]) - first_month) else {
            continue; // acquired before the cohort window
        };
        size[cohort] += 1;
        let mut last_k = usize::MAX;
        for j in t.day_range(i) {
            // A return dated before the first purchase (of an order bought before the file's
            // period) counts in month 0, so cohort revenue still adds up to net revenue.
            let k =
                usize::try_from(month_index(t.days[j]) - first_month - cohort as i32).unwrap_or(0);
            if t.day_purchase[j] && k != last_k {
                active[cohort][k] += 1;
                last_k = k;
            }
            revenue[cohort][k] += t.day_value[j];
        }
    }
    let customers = active
        .iter()
        .zip(&size)
        .map(|(row, &n)| {
            row.iter()
                .map(|&a| if n > 0 { a as f64 / n as f64 } else { 0.0 })
                .collect()
        })
        .collect();
    let revenue_retention = revenue
        .iter()
        .map(|row| {
            let base = row.first().copied().unwrap_or(0.0);
            row.iter()
                .map(|v| if base > 0.0 { v / base } else { 0.0 })
                .collect()
        })
        .collect();
    Cohorts {
        months: (first_month..=last_month).map(format_month).collect(),
        size,
        customers,
        revenue,
        revenue_retention,
    }
}
