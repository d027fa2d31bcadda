//! Retention KPIs: the numbers a CRM dashboard opens with.
//!
//! Definitions (also in docs/report.md):
//! - a customer is *in the base* at time τ when acquired by τ and their last purchase lies in
//!   the churn window ending at τ (so "active" and "lost" agree with the lifecycle stages);
//! - per month: S = base at the start, E = base at the end, N = customers acquired in the
//!   month; CRR = (E − N) / S, churn = 1 − CRR;
//! - `retentionRate` is the mean CRR of the last 12 months with S > 0 (the last month may be
//!   partial, ending at `asOf`).
pub mod cohorts;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::customers::CustomerTable;
use crate::dates::{format_month, month_index, to_day};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct KpiOptions {
    /// Marketing spend per month (`YYYY-MM` → amount): gives CAC = spend / new customers.
    pub marketing_spend: BTreeMap<String, f64>,
    /// Survey answers on 0–10 (NPS).
    pub nps_answers: Vec<f64>,
    /// Survey answers on 1–5 (CSAT = share of 4s and 5s).
    pub csat_answers: Vec<f64>,
}

impl KpiOptions {
    pub fn validate(&self) -> Result<()> {
        for (m, v) in &self.marketing_spend {
            let ok = m.len() == 7 && crate::dates::parse_iso(&format!("{m}-01")).is_some();
            if !ok || !v.is_finite() || *v < 0.0 {
                return Err(Error::option(format!(
                    "kpis.marketingSpend: {m:?}: {v} needs a YYYY-MM key and an amount ≥ 0"
                )));
            }
        }
        if self.nps_answers.iter().any(|v| !(0.0..=10.0).contains(v)) {
            return Err(Error::option("kpis.npsAnswers must be within 0..10"));
        }
        if self.csat_answers.iter().any(|v| !(1.0..=5.0).contains(v)) {
            return Err(Error::option("kpis.csatAnswers must be within 1..5"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    pub period: String,
    pub start_customers: u64,
    pub end_customers: u64,
    pub new_customers: u64,
    pub retention_rate: Option<f64>,
    pub churn_rate: Option<f64>,
    pub revenue: f64,
    /// Purchase orders in the month.
    pub transactions: u64,
    /// Marketing spend / new customers, when spend was given for the month.
    pub cac: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KpisReport {
    pub customers: u64,
    pub active_customers: u64,
    pub transactions: u64,
    pub revenue: f64,
    pub average_order_value: f64,
    pub purchase_frequency: f64,
    pub repeat_purchase_rate: f64,
    pub revenue_per_customer: f64,
    pub retention_rate: Option<f64>,
    pub churn_rate: Option<f64>,
    pub churn_window_days: u32,
    pub periods: Vec<Period>,
    pub cohorts: cohorts::Cohorts,
    pub cac: Option<f64>,
    pub nps: Option<f64>,
    pub csat: Option<f64>,
}

fn month_start_day(m: i32) -> i32 {
    let d = chrono::NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1);
    d.map(to_day).unwrap_or(0)
}

/// Customers in the base at each of the ascending times `bounds`: a purchase day `d` keeps
/// its customer in the base for τ in `[d, d + w)`. Each customer's intervals are merged, then
/// added to a difference array over the bounds — O(purchase days · log bounds), not
/// O(customers · bounds).
fn base_at(t: &CustomerTable, bounds: &[i32], w: i32) -> Vec<u64> {
    let mut diff = vec![0i64; bounds.len() + 1];
    let mut add = |a: i32, b: i32| {
        let lo = bounds.partition_point(|&x| x < a);
        let hi = bounds.partition_point(|&x| x <= b);
        if lo < hi {
            diff[lo] += 1;
            diff[hi] -= 1;
        }
    };
    for i in 0..t.len() {
        let mut open: Option<(i32, i32)> = None;
        for j in t.day_range(i).filter(|&j| t.day_purchase[j]) {
            let (a, b) = (t.days[j], t.days[j] + w - 1);
            open = match open {
                Some((oa, ob)) if a <= ob + 1 => Some((oa, ob.max(b))),
                Some((oa, ob)) => {
                    add(oa, ob);
                    Some((a, b))
                }
                None => Some((a, b)),
            };
        }
        if let Some((a, b)) = open {
            add(a, b);
        }
    }
    let mut run = 0i64;
    diff[..bounds.len()]
        .iter()
        .map(|d| {
            run += d;
            run.max(0) as u64
        })
        .collect()
}

pub fn compute(
    t: &CustomerTable,
    as_of: i32,
    churn_window_days: u32,
    opts: &KpiOptions,
) -> KpisReport {
    let n = t.len() as u64;
    let transactions: u64 = t.transactions.iter().map(|&x| x as u64).sum();
    let revenue: f64 = t.revenue.iter().sum();
    let w = churn_window_days as i32;
    let active = (0..t.len())
        .filter(|&i| t.last_purchase_by(i, as_of).is_some_and(|d| as_of - d < w))
        .count() as u64;
    let repeaters = t.transactions.iter().filter(|&&x| x >= 2).count() as u64;
    let ratio = |a: f64, b: f64| if b != 0.0 { a / b } else { 0.0 };

    let mut periods = Vec::new();
    if let Some(first) = t.first_day.iter().min() {
        // The first month with any line: a return can predate every first purchase.
        let first_line = t.days.iter().min().map_or(*first, |d| (*d).min(*first));
        let (m0, m1) = (month_index(first_line), month_index(as_of));
        let months = (m1 - m0 + 1) as usize;
        let mut new = vec![0u64; months];
        let mut rev = vec![0.0; months];
        let mut txs = vec![0u64; months];
        for i in 0..t.len() {
            new[(month_index(t.first_day[i]) - m0) as usize] += 1;
            for j in t.day_range(i) {
                let k = (month_index(t.days[j]) - m0) as usize;
                rev[k] += t.day_value[j];
                txs[k] += t.day_orders[j] as u64;
            }
        }
        // Base at each month boundary: the day before the month starts, and asOf for the last.
        let bounds: Vec<i32> = (0..=months)
            .map(|k| {
                if k == months {
                    as_of
                } else {
                    month_start_day(m0 + k as i32) - 1
                }
            })
            .collect();
        let base = base_at(t, &bounds, w);
        for k in 0..months {
            let (s, e) = (base[k], base[k + 1]);
            let crr = (s > 0).then(|| (e as f64 - new[k] as f64) / s as f64);
            let label = format_month(m0 + k as i32);
            let cac = opts
                .marketing_spend
                .get(&label)
                .and_then(|sp| (new[k] > 0).then(|| sp / new[k] as f64));
            periods.push(Period {
                period: label,
                start_customers: s,
                end_customers: e,
                new_customers: new[k],
                retention_rate: crr,
                churn_rate: crr.map(|r| 1.0 - r),
                revenue: rev[k],
                transactions: txs[k],
                cac,
            });
        }
    }
    let recent: Vec<f64> = periods
        .iter()
        .rev()
        .filter_map(|p| p.retention_rate)
        .take(12)
        .collect();
    let retention_rate =
        (!recent.is_empty()).then(|| recent.iter().sum::<f64>() / recent.len() as f64);
    let spend_months: Vec<&Period> = periods
        .iter()
        .filter(|p| opts.marketing_spend.contains_key(&p.period))
        .collect();
    let cac = {
        let spend: f64 = spend_months
            .iter()
            .map(|p| opts.marketing_spend[&p.period])
            .sum();
        let acquired: u64 = spend_months.iter().map(|p| p.new_customers).sum();
        (acquired > 0).then(|| spend / acquired as f64)
    };
    let nps = (!opts.nps_answers.is_empty()).then(|| {
        let k = opts.nps_answers.len() as f64;
        let promoters = opts.nps_answers.iter().filter(|&&v| v >= 9.0).count() as f64;
        let detractors = opts.nps_answers.iter().filter(|&&v| v <= 6.0).count() as f64;
        100.0 * (promoters - detractors) / k
    });
    let csat = (!opts.csat_answers.is_empty()).then(|| {
        100.0 * opts.csat_answers.iter().filter(|&&v| v >= 4.0).count() as f64
            / opts.csat_answers.len() as f64
    });
    KpisReport {
        customers: n,
        active_customers: active,
        transactions,
        revenue,
        average_order_value: ratio(revenue, transactions as f64),
        purchase_frequency: ratio(transactions as f64, n as f64),
        repeat_purchase_rate: ratio(repeaters as f64, n as f64),
        revenue_per_customer: ratio(revenue, n as f64),
        retention_rate,
        churn_rate: retention_rate.map(|r| 1.0 - r),
        churn_window_days,
        periods,
        cohorts: cohorts::compute(t, as_of),
        cac,
        nps,
        csat,
    }
}
