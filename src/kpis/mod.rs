//! Retention KPIs: the numbers a CRM dashboard opens with.
//!
//! Definitions (also in docs/report.md):
//! - a customer is *in the base* at time τ when acquired by τ and their last purchase lies in
//!   the churn window ending at τ (so "active" and "lost" agree with the lifecycle stages);
//! - per period (`kpis.period`: month by default, ISO week or quarter): S = base at the
//!   start, E = base at the end, N = customers acquired in the period; CRR = (E − N) / S,
//!   churn = 1 − CRR;
//! - `retentionRate` is the mean CRR of the last year's periods with S > 0 (12 months, 52
//!   weeks or 4 quarters; the last period may be partial, ending at `asOf`);
//! - cohorts stay by acquisition month whatever the period: a cohort matrix is read by
//!   months of age, and weekly rows would be too many to read (see `cohorts`). Marketing
//!   spend is given per month, so CAC is per month too.
//!
//! The simple CLV needs a monthly retention whatever the period: `monthly_retention_rate`.
pub mod cohorts;
pub mod period;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::customers::CustomerTable;
use crate::error::{Error, Result};
pub use period::KpiPeriod;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[cfg_attr(test, ts(optional_fields = nullable))]
pub struct KpiOptions {
    /// Period of the retention and churn rates: `month` (default), `week` or `quarter`.
    #[cfg_attr(test, ts(optional = nullable))]
    pub period: KpiPeriod,
    /// Marketing spend per month (`YYYY-MM` → amount): gives CAC = spend / new customers.
    #[cfg_attr(test, ts(optional = nullable))]
    pub marketing_spend: BTreeMap<String, f64>,
    /// Survey answers on 0–10 (NPS).
    #[cfg_attr(test, ts(optional = nullable))]
    pub nps_answers: Vec<f64>,
    /// Survey answers on 1–5 (CSAT = share of 4s and 5s).
    #[cfg_attr(test, ts(optional = nullable))]
    pub csat_answers: Vec<f64>,
}

impl KpiOptions {
    /// Survey answers are whole points of their scale, spend a month key and an amount within
    /// the bounds amounts have (`ingest::MAX_AMOUNT`): anything else is a wrong input, never
    /// a silently skewed NPS, CSAT or CAC.
    pub fn validate(&self) -> Result<()> {
        for (m, v) in &self.marketing_spend {
            let ok = m.len() == 7 && crate::dates::parse_iso(&format!("{m}-01")).is_some();
            if !ok || !v.is_finite() || *v < 0.0 || *v > crate::ingest::MAX_AMOUNT {
                return Err(Error::option(format!(
                    "kpis.marketingSpend: {m:?}: {v} needs a YYYY-MM key and an amount from 0 to 10^15"
                ))
                .with_hint(r#"{"kpis":{"marketingSpend":{"2024-03":1500}}}"#));
            }
        }
        let points = |answers: &[f64], lo: f64, hi: f64| {
            answers
                .iter()
                .position(|v| !(lo..=hi).contains(v) || v.fract() != 0.0)
        };
        if let Some(i) = points(&self.nps_answers, 0.0, 10.0) {
            return Err(Error::option(format!(
                "kpis.npsAnswers[{i}] is {}: NPS answers are whole points from 0 to 10",
                self.nps_answers[i]
            ))
            .with_hint(r#"{"kpis":{"npsAnswers":[10,9,7,3]}}"#));
        }
        if let Some(i) = points(&self.csat_answers, 1.0, 5.0) {
            return Err(Error::option(format!(
                "kpis.csatAnswers[{i}] is {}: CSAT answers are whole points from 1 to 5",
                self.csat_answers[i]
            ))
            .with_hint(r#"{"kpis":{"csatAnswers":[5,4,2]}}"#));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Period {
    pub period: String,
    pub start_customers: u64,
    pub end_customers: u64,
    pub new_customers: u64,
    pub retention_rate: Option<f64>,
    pub churn_rate: Option<f64>,
    pub revenue: f64,
    /// Purchase orders: distinct order ids per customer and day (lines without an order id
    /// count one each), so the periods add up to `transactions` unless an order spans days.
    pub transactions: u64,
    /// Marketing spend / new customers, when spend was given for the month (month periods).
    pub cac: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
    /// The period of `periods`, `retentionRate` and `churnRate`.
    pub period: KpiPeriod,
    pub periods: Vec<Period>,
    /// Mean monthly CRR of the last 12 months with S > 0, whatever `period` is: the measured
    /// retention of the simple CLV (a monthly formula). Not a Report key: the CLV section
    /// reports the rate it used.
    #[serde(skip)]
    pub monthly_retention_rate: Option<f64>,
    pub cohorts: cohorts::Cohorts,
    pub cac: Option<f64>,
    pub nps: Option<f64>,
    pub csat: Option<f64>,
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

    // Months always: the simple CLV needs a monthly retention and spend is given per month.
    let months = periods(t, as_of, w, KpiPeriod::Month, &opts.marketing_spend);
    let monthly_retention_rate = mean_recent_crr(&months, 12);
    let cac = {
        let spend_months: Vec<&Period> = months
            .iter()
            .filter(|p| opts.marketing_spend.contains_key(&p.period))
            .collect();
        let spend: f64 = spend_months
            .iter()
            .filter_map(|p| opts.marketing_spend.get(&p.period))
            .sum();
        let acquired: u64 = spend_months.iter().map(|p| p.new_customers).sum();
        (acquired > 0).then(|| spend / acquired as f64)
    };
    let periods = match opts.period {
        KpiPeriod::Month => months,
        unit => periods(t, as_of, w, unit, &opts.marketing_spend),
    };
    let retention_rate = mean_recent_crr(&periods, opts.period.per_year());
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
        period: opts.period,
        periods,
        monthly_retention_rate,
        cohorts: cohorts::compute(t, as_of),
        cac,
        nps,
        csat,
    }
}

/// One row per period from the first line's period to `asOf`'s. `spend` (per month) gives
/// a per-period CAC for month periods only.
fn periods(
    t: &CustomerTable,
    as_of: i32,
    w: i32,
    unit: KpiPeriod,
    spend: &BTreeMap<String, f64>,
) -> Vec<Period> {
    let Some(first) = t.first_day.iter().min() else {
        return Vec::new();
    };
    // The first period with any line: a return can predate every first purchase. Read per
    // customer (`day_range`): a table cut by `until` shares longer lists.
    let first_line = (0..t.len())
        .filter_map(|c| t.days[t.day_range(c)].first())
        .min()
        .map_or(*first, |d| (*d).min(*first));
    let (p0, p1) = (unit.index(first_line), unit.index(as_of));
    let count = (p1 - p0 + 1) as usize;
    let mut new = vec![0u64; count];
    let mut rev = vec![0.0; count];
    let mut txs = vec![0u64; count];
    for i in 0..t.len() {
        new[(unit.index(t.first_day[i]) - p0) as usize] += 1;
        for j in t.day_range(i) {
            let k = (unit.index(t.days[j]) - p0) as usize;
            rev[k] += t.day_value[j];
            txs[k] += t.day_orders[j] as u64;
        }
    }
    // Base at each boundary: the day before the period starts, and asOf for the last.
    let bounds: Vec<i32> = (0..=count)
        .map(|k| {
            if k == count {
                as_of
            } else {
                unit.start_day(p0 + k as i32) - 1
            }
        })
        .collect();
    let base = base_at(t, &bounds, w);
    (0..count)
        .map(|k| {
            let (s, e) = (base[k], base[k + 1]);
            let crr = (s > 0).then(|| (e as f64 - new[k] as f64) / s as f64);
            let label = unit.label(p0 + k as i32);
            let cac = (unit == KpiPeriod::Month)
                .then(|| spend.get(&label))
                .flatten()
                .and_then(|sp| (new[k] > 0).then(|| sp / new[k] as f64));
            Period {
                period: label,
                start_customers: s,
                end_customers: e,
                new_customers: new[k],
                retention_rate: crr,
                churn_rate: crr.map(|r| 1.0 - r),
                revenue: rev[k],
                transactions: txs[k],
                cac,
            }
        })
        .collect()
}

/// Mean CRR of the last `n` periods with S > 0.
fn mean_recent_crr(periods: &[Period], n: usize) -> Option<f64> {
    let recent: Vec<f64> = periods
        .iter()
        .rev()
        .filter_map(|p| p.retention_rate)
        .take(n)
        .collect();
    (!recent.is_empty()).then(|| recent.iter().sum::<f64>() / recent.len() as f64)
}
