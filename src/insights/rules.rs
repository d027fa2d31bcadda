//! The rules behind the findings, in priority order (docs/report.md, "insights").
//!
//! Shares are in 0..1. Ties inside a rule go to the first in the Report's order (segment
//! table order, stage order).

use super::{Draft, Inputs, ListRef, Value, MIN_CUSTOMERS, MIN_GROUP};
use crate::ingest::SkipReason;
use crate::lifecycle::Stage;
use crate::pipeline::{by_design_skip, dominant_skip};

type Rule = fn(&Inputs) -> Option<Draft>;

/// Every rule, highest priority first.
pub const RULES: [Rule; 9] = [
    rows_skipped,
    segment_slipping,
    retention_fell,
    clv_concentration,
    stage_at_risk,
    one_time_buyers,
    retention_rose,
    champions,
    largest_cluster,
];

/// Rows skipped for other than by-design reasons, as a share of rows read, from which the
/// finding is made (the `many_rows_skipped` warning starts at 5%).
pub const ROWS_SKIPPED: f64 = 0.01;
/// RFM segments of customers who bought well but not lately (default rule names).
pub const SLIPPING: [&str; 4] = [
    "At Risk",
    "Can't Lose Them",
    "About To Sleep",
    "Need Attention",
];
/// Change of mean retention, last 3 periods vs the 3 before, worth a finding.
pub const RETENTION_CHANGE: f64 = 0.02;
/// Periods on each side of the retention comparison, and the base each period needs.
pub const RETENTION_PERIODS: usize = 3;
pub const RETENTION_MIN_BASE: u64 = 30;
/// The top share of customers by CLV, and the value share from which it is a finding.
pub const TOP_CLV_SHARE: f64 = 0.1;
pub const TOP_CLV_MIN_VALUE_SHARE: f64 = 0.2;
/// Customers with one transaction, as a share, from which they are a finding.
pub const ONE_TIME_SHARE: f64 = 0.4;

fn num(x: f64) -> Value {
    Value::Number(x)
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn list(kind: &str, key: &str) -> Option<ListRef> {
    Some(ListRef {
        kind: kind.into(),
        key: key.into(),
    })
}

fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        part / whole
    } else {
        0.0
    }
}

fn enough_customers(inp: &Inputs) -> bool {
    inp.customers.len() >= MIN_CUSTOMERS
}

fn mean(v: impl ExactSizeIterator<Item = f64>) -> f64 {
    let n = v.len();
    share(v.sum(), n as f64)
}

/// Mean days since the last purchase and mean transactions over all customers: a segment
/// named for its recency or frequency must really differ from them (RFM scores of tied
/// values are ranks in file order, so a name alone proves nothing).
fn overall(inp: &Inputs) -> (f64, f64) {
    let c = inp.customers;
    (
        mean(c.recency_days.iter().copied()),
        mean(c.transactions.iter().map(|&t| t as f64)),
    )
}

/// The median of `v` (mean of the two middle values); None when empty.
fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    crate::sort::floats(&mut v);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Median P(alive) of the customers `members` admits, counting only customers whose P(alive)
/// the chosen model estimates (not one-time buyers under BG/NBD); None without a model or
/// when fewer than half of them (or than [`MIN_GROUP`]) have one.
fn median_p_alive(inp: &Inputs, members: impl Fn(usize) -> bool) -> Option<f64> {
    let c = &inp.report.clv;
    if c.chosen_model == "simple" || inp.p_alive.len() != inp.customers.len() {
        return None;
    }
    let skip_one_time = c.one_time_buyers.p_alive == "notEstimable";
    let mut all = 0usize;
    let mut vals = Vec::new();
    for i in (0..inp.customers.len()).filter(|&i| members(i)) {
        all += 1;
        if !(skip_one_time && inp.customers.frequency[i] == 0.0) {
            vals.push(inp.p_alive[i]);
        }
    }
    (vals.len() >= MIN_GROUP && 2 * vals.len() >= all)
        .then(|| median(vals))
        .flatten()
}

/// Rows that could not be read (not those skipped by design), when ≥ 1% of rows read.
fn rows_skipped(inp: &Inputs) -> Option<Draft> {
    let a = inp.account;
    let wrong = |r: SkipReason| !by_design_skip(r);
    let rows: u64 = a
        .skipped
        .iter()
        .filter(|(r, _)| wrong(**r))
        .map(|(_, n)| n)
        .sum();
    let part = share(rows as f64, a.rows_read as f64);
    if rows == 0 || part < ROWS_SKIPPED {
        return None;
    }
    // The most frequent reason (ties: the first in reason order).
    let (reason, _) = dominant_skip(a, wrong)?;
    Some(Draft {
        code: "rowsSkipped",
        panel: "ingest",
        list: None,
        values: vec![
            ("rows", num(rows as f64)),
            ("share", num(part)),
            ("reason", text(reason.key())),
        ],
    })
}

/// Of the slipping RFM segments, the one holding most revenue (≥ 1% of customers, silent for
/// longer than the average customer).
fn segment_slipping(inp: &Inputs) -> Option<Draft> {
    if !enough_customers(inp) {
        return None;
    }
    let segs = &inp.report.rfm.segments;
    let (code, s) = segs
        .iter()
        .enumerate()
        .filter(|(_, s)| SLIPPING.contains(&s.name.as_str()))
        .filter(|(_, s)| s.customers as usize >= MIN_GROUP && s.share >= 0.01)
        .filter(|(_, s)| s.mean_recency > overall(inp).0)
        .fold(
            None,
            |best: Option<(usize, &crate::rfm::SegmentSummary)>, (i, s)| match best {
                Some((_, b)) if b.revenue_share >= s.revenue_share => best,
                _ => Some((i, s)),
            },
        )?;
    let mut values = vec![
        ("segment", text(&s.name)),
        ("customers", num(s.customers as f64)),
        ("share", num(s.share)),
        ("revenueShare", num(s.revenue_share)),
    ];
    if let Some(m) = median_p_alive(inp, |i| inp.rfm_segment[i] as usize == code) {
        values.push(("medianPAlive", num(m)));
    }
    Some(Draft {
        code: "segmentSlipping",
        panel: "rfm",
        list: list("rfm", &s.name),
        values,
    })
}

/// Mean retention of the last [`RETENTION_PERIODS`] complete periods and of those before
/// them, when every one has a rate and a base of at least [`RETENTION_MIN_BASE`].
fn retention_change(inp: &Inputs) -> Option<(f64, f64)> {
    let k = &inp.report.kpis;
    let as_of = crate::dates::parse_iso(&inp.report.as_of)?;
    // A period still running at asOf has had less time to lose customers: left out.
    let complete = k.period.index(as_of + 1) != k.period.index(as_of);
    let periods = &k.periods[..k.periods.len() - usize::from(!complete && !k.periods.is_empty())];
    let n = 2 * RETENTION_PERIODS;
    let last = periods.get(periods.len().checked_sub(n)?..)?;
    let rates: Vec<f64> = last
        .iter()
        .filter(|p| p.start_customers >= RETENTION_MIN_BASE)
        .filter_map(|p| p.retention_rate)
        .collect();
    if rates.len() < n {
        return None;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    Some((
        mean(&rates[..RETENTION_PERIODS]),
        mean(&rates[RETENTION_PERIODS..]),
    ))
}

fn retention_draft(inp: &Inputs, code: &'static str, from: f64, to: f64) -> Draft {
    Draft {
        code,
        panel: "kpis",
        list: None,
        values: vec![
            ("from", num(from)),
            ("to", num(to)),
            ("periods", num(RETENTION_PERIODS as f64)),
            ("period", text(period_key(inp))),
        ],
    }
}

fn period_key(inp: &Inputs) -> &'static str {
    match inp.report.kpis.period {
        crate::kpis::KpiPeriod::Week => "week",
        crate::kpis::KpiPeriod::Month => "month",
        crate::kpis::KpiPeriod::Quarter => "quarter",
    }
}

/// Retention fell by at least [`RETENTION_CHANGE`].
fn retention_fell(inp: &Inputs) -> Option<Draft> {
    let (from, to) = retention_change(inp)?;
    (from - to >= RETENTION_CHANGE).then(|| retention_draft(inp, "retentionFell", from, to))
}

/// Retention rose by at least [`RETENTION_CHANGE`] (lower priority: good news).
fn retention_rose(inp: &Inputs) -> Option<Draft> {
    let (from, to) = retention_change(inp)?;
    (to - from >= RETENTION_CHANGE).then(|| retention_draft(inp, "retentionRose", from, to))
}

/// The top 10% of customers by predicted CLV hold ≥ 20% of it (a fitted model only).
fn clv_concentration(inp: &Inputs) -> Option<Draft> {
    let n = inp.customers.len();
    if inp.report.clv.chosen_model == "simple" || inp.clv.len() != n || n < 10 * MIN_GROUP {
        return None;
    }
    let total: f64 = inp.clv.iter().sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    let top = ((n as f64 * TOP_CLV_SHARE).ceil() as usize).max(1);
    let mut v = inp.clv.to_vec();
    v.select_nth_unstable_by(top - 1, |a, b| b.total_cmp(a));
    let value: f64 = v[..top].iter().sum();
    let part = value / total;
    (part >= TOP_CLV_MIN_VALUE_SHARE).then(|| Draft {
        code: "clvConcentration",
        panel: "clv",
        list: None,
        values: vec![
            ("topShare", num(TOP_CLV_SHARE)),
            ("customers", num(top as f64)),
            ("valueShare", num(part)),
            ("value", num(value)),
            ("model", text(&inp.report.clv.chosen_model)),
        ],
    })
}

/// Customers in the At Risk stage (≥ 1% of customers), with the revenue they brought.
fn stage_at_risk(inp: &Inputs) -> Option<Draft> {
    if !enough_customers(inp) {
        return None;
    }
    let r = inp.report;
    let s = r
        .lifecycle
        .stages
        .iter()
        .find(|s| s.stage == Stage::AtRisk)?;
    let part = share(s.customers as f64, inp.customers.len() as f64);
    if (s.customers as usize) < MIN_GROUP || part < 0.01 {
        return None;
    }
    let mut values = vec![
        ("customers", num(s.customers as f64)),
        ("share", num(part)),
        ("revenueShare", num(share(s.revenue, r.kpis.revenue))),
    ];
    if let Some(th) = &r.lifecycle.thresholds {
        values.push(("atRiskFactor", num(th.at_risk_factor)));
    }
    if let Some(m) = median_p_alive(inp, |i| inp.stages[i] == Stage::AtRisk) {
        values.push(("medianPAlive", num(m)));
    }
    Some(Draft {
        code: "stageAtRisk",
        panel: "lifecycle",
        list: list("stage", "atRisk"),
        values,
    })
}

/// Customers with a single transaction, when at least 40% of customers.
fn one_time_buyers(inp: &Inputs) -> Option<Draft> {
    if !enough_customers(inp) {
        return None;
    }
    let once = inp
        .customers
        .transactions
        .iter()
        .filter(|&&t| t == 1)
        .count();
    let part = share(once as f64, inp.customers.len() as f64);
    (part >= ONE_TIME_SHARE).then(|| Draft {
        code: "oneTimeBuyers",
        panel: "kpis",
        list: None,
        values: vec![("customers", num(once as f64)), ("share", num(part))],
    })
}

/// Champions, when their revenue share is at least twice their share of customers (and they
/// are more recent and more frequent than the average customer).
fn champions(inp: &Inputs) -> Option<Draft> {
    if !enough_customers(inp) {
        return None;
    }
    let s = inp
        .report
        .rfm
        .segments
        .iter()
        .find(|s| s.name == "Champions")?;
    let (recency, frequency) = overall(inp);
    if (s.customers as usize) < MIN_GROUP
        || s.revenue_share < 2.0 * s.share
        || s.mean_recency >= recency
        || s.mean_frequency <= frequency
    {
        return None;
    }
    Some(Draft {
        code: "champions",
        panel: "rfm",
        list: list("rfm", &s.name),
        values: vec![
            ("segment", text(&s.name)),
            ("customers", num(s.customers as f64)),
            ("share", num(s.share)),
            ("revenueShare", num(s.revenue_share)),
        ],
    })
}

/// The largest k-means cluster by its name, when there are at least two.
fn largest_cluster(inp: &Inputs) -> Option<Draft> {
    let seg = &inp.report.segments;
    if !enough_customers(inp) || seg.clusters.len() < 2 {
        return None;
    }
    let c = &seg.clusters[0];
    let mut values = vec![
        ("cluster", num(c.id as f64)),
        ("name", text(&c.name.code)),
        ("customers", num(c.size as f64)),
        ("share", num(c.share)),
        ("k", num(seg.k as f64)),
    ];
    if let Some(r) = c.revenue_share {
        values.push(("revenueShare", num(r)));
    }
    Some(Draft {
        code: "largestCluster",
        panel: "kmeans",
        list: list("cluster", &c.id.to_string()),
        values,
    })
}
