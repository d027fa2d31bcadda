//! Subscription data as the sBG sees it: loss and censoring [`Cells`] pooled over cohorts, the
//! cohorts themselves (for the chart), and the observed (Kaplan-Meier) survival.
//!
//! A survival table gives each cohort's active count at some periods; subscribers lost between
//! two observed periods are one loss cell, the last count is censored there. Per-subscriber
//! rows give each subscription's lifetime: a subscription that ended is lost in the period of
//! its end; an active one is censored at the renewals it has made by `asOf`.
use std::collections::BTreeMap;

use crate::clv::sbg::Cells;
use crate::dates::{format_day, format_month, from_day, month_index};
use crate::ingest::{SubscriptionTable, SurvivalTable};
use crate::kpis::KpiPeriod;
use crate::units::TimeUnit;
use chrono::Datelike;

/// Cohorts shown in the report (the latest); older ones are still fitted.
pub const MAX_COHORTS: usize = 60;

/// Days after a renewal date within which an end still counts as a cancellation at that
/// renewal: end dates are often the paid-through date, and calendar months differ from the
/// average month by up to 3 days. At most a tenth of a period (weeks, days).
fn tolerance_days(unit: TimeUnit) -> f64 {
    (0.1 * unit.days()).min(3.0)
}

/// One cohort's observations.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortData {
    pub name: String,
    /// First start day (subscriptions input).
    pub start: Option<i32>,
    pub subscribers: f64,
    /// Active at periods 0..=last observed; None where the table has no row.
    pub active: Vec<Option<f64>>,
    /// This cohort's own cells (for its own fit).
    pub cells: Cells,
}

/// The retention data of one input.
#[derive(Debug, Clone, PartialEq)]
pub struct RetentionData {
    /// `survivalTable` or `subscriptions`.
    pub source: &'static str,
    /// Reported cohorts (the latest [`MAX_COHORTS`]).
    pub cohorts: Vec<CohortData>,
    pub cohorts_omitted: usize,
    /// Every subscriber, pooled.
    pub cells: Cells,
}

/// Sums counts per cell key, so the cells come out sorted and merged whatever the row order.
#[derive(Default)]
struct CellSums {
    lost: BTreeMap<(u32, u32), f64>,
    censored: BTreeMap<u32, f64>,
}

impl CellSums {
    fn lose(&mut self, a: u32, b: u32, n: f64) {
        if n > 0.0 {
            *self.lost.entry((a, b)).or_insert(0.0) += n;
        }
    }

    fn censor(&mut self, t: u32, n: f64) {
        if n > 0.0 {
            *self.censored.entry(t).or_insert(0.0) += n;
        }
    }

    fn cells(self) -> Cells {
        Cells {
            lost: self.lost.into_iter().map(|((a, b), n)| (a, b, n)).collect(),
            censored: self.censored.into_iter().collect(),
        }
    }
}

impl RetentionData {
    /// From a validated survival table (cohorts in file order).
    pub fn from_table(t: &SurvivalTable) -> RetentionData {
        let mut sums = CellSums::default();
        let mut cohorts: Vec<CohortData> = Vec::with_capacity(t.cohorts.len());
        let mut i = 0;
        while i < t.rows.len() {
            let c = t.rows[i].cohort;
            let mut j = i;
            while j < t.rows.len() && t.rows[j].cohort == c {
                j += 1;
            }
            let rows = &t.rows[i..j];
            let mut own = CellSums::default();
            for w in rows.windows(2) {
                let lost = w[0].active - w[1].active;
                sums.lose(w[0].period, w[1].period, lost);
                own.lose(w[0].period, w[1].period, lost);
            }
            let last = &rows[rows.len() - 1];
            sums.censor(last.period, last.active);
            own.censor(last.period, last.active);
            let mut active = vec![None; last.period as usize + 1];
            for r in rows {
                active[r.period as usize] = Some(r.active);
            }
            cohorts.push(CohortData {
                name: t.cohorts[c as usize].clone(),
                start: None,
                subscribers: rows[0].active,
                active,
                cells: own.cells(),
            });
            i = j;
        }
        let omitted = cohorts.len().saturating_sub(MAX_COHORTS);
        RetentionData {
            source: "survivalTable",
            cohorts: cohorts.split_off(omitted),
            cohorts_omitted: omitted,
            cells: sums.cells(),
        }
    }

    /// From subscriptions as of `as_of`, periods of `unit`; with the subscriptions that started
    /// after `as_of` (left out, for the row account).
    pub fn from_subscriptions(
        t: &SubscriptionTable,
        as_of: i32,
        unit: TimeUnit,
    ) -> (RetentionData, Vec<usize>) {
        let (u, tol) = (unit.days(), tolerance_days(unit));
        let periods = |days: f64| (days / u).clamp(0.0, 100_000.0);
        let mut sums = CellSums::default();
        let mut after = Vec::new();
        // Per subscription: cohort key, the period it was lost in (None: active), periods observed.
        let mut lives: Vec<(i32, Option<u32>, u32)> = Vec::with_capacity(t.start.len());
        for i in 0..t.start.len() {
            let start = t.start[i];
            if start > as_of {
                after.push(i);
                continue;
            }
            let observed = periods((as_of - start) as f64 + tol).floor() as u32;
            let lost = t.end[i].filter(|&e| e <= as_of).map(|e| {
                let t = periods((e - start) as f64 - tol).ceil() as u32;
                t.clamp(1, observed + 1)
            });
            match lost {
                Some(l) => sums.lose(l - 1, l, 1.0),
                None => sums.censor(observed, 1.0),
            }
            lives.push((cohort_key(unit, start), lost, observed));
        }
        let (cohorts, omitted) = cohorts_of(&lives, t, &after, unit);
        let data = RetentionData {
            source: "subscriptions",
            cohorts,
            cohorts_omitted: omitted,
            cells: sums.cells(),
        };
        (data, after)
    }
}

/// The calendar period a start falls in, as an ordered key.
fn cohort_key(unit: TimeUnit, day: i32) -> i32 {
    match unit {
        TimeUnit::Day => day,
        TimeUnit::Week => KpiPeriod::Week.index(day),
        TimeUnit::Month => month_index(day),
        TimeUnit::Year => from_day(day).year(),
    }
}

fn cohort_label(unit: TimeUnit, key: i32) -> String {
    match unit {
        TimeUnit::Day => format_day(key),
        TimeUnit::Week => KpiPeriod::Week.label(key),
        TimeUnit::Month => format_month(key),
        TimeUnit::Year => format!("{key:04}"),
    }
}

/// The latest [`MAX_COHORTS`] calendar cohorts with their active counts through the period
/// every member was observed in; and how many older cohorts were left out.
fn cohorts_of(
    lives: &[(i32, Option<u32>, u32)],
    t: &SubscriptionTable,
    after: &[usize],
    unit: TimeUnit,
) -> (Vec<CohortData>, usize) {
    let mut sizes: BTreeMap<i32, usize> = BTreeMap::new();
    for l in lives {
        *sizes.entry(l.0).or_insert(0) += 1;
    }
    let omitted = sizes.len().saturating_sub(MAX_COHORTS);
    let kept: Vec<i32> = sizes.keys().skip(omitted).copied().collect();
    // (first start, observed through, lost per period, own cells)
    type Acc = (i32, u32, Vec<f64>, CellSums);
    let mut acc: BTreeMap<i32, Acc> = kept
        .iter()
        .map(|&k| (k, (i32::MAX, u32::MAX, Vec::new(), CellSums::default())))
        .collect();
    let starts = (0..t.start.len()).filter(|i| after.binary_search(i).is_err());
    for (l, i) in lives.iter().zip(starts) {
        if let Some(a) = acc.get_mut(&l.0) {
            a.0 = a.0.min(t.start[i]);
            a.1 = a.1.min(l.2);
            match l.1 {
                Some(p) => {
                    a.3.lose(p - 1, p, 1.0);
                    let p = p as usize;
                    if a.2.len() <= p {
                        a.2.resize(p + 1, 0.0);
                    }
                    a.2[p] += 1.0;
                }
                None => a.3.censor(l.2, 1.0),
            }
        }
    }
    let cohorts = acc
        .into_iter()
        .map(|(k, (start, through, lost, own))| {
            let size = sizes[&k] as f64;
            let mut alive = size;
            let active = (0..=through as usize)
                .map(|p| {
                    alive -= lost.get(p).copied().unwrap_or(0.0);
                    Some(alive)
                })
                .collect();
            CohortData {
                name: cohort_label(unit, k),
                start: Some(start),
                subscribers: size,
                active,
                cells: own.cells(),
            }
        })
        .collect();
    (cohorts, omitted)
}

/// The cells as the data stood at period `k` of every subscription: losses after `k` and
/// counts observed after `k` become "active at k"; a loss somewhere in (a, b] with a < k < b
/// is active at `a` as far as periods up to `k` tell.
pub fn truncate(cells: &Cells, k: u32) -> Cells {
    let mut sums = CellSums::default();
    for &(a, b, n) in &cells.lost {
        if b <= k {
            sums.lose(a, b, n);
        } else {
            sums.censor(a.min(k), n);
        }
    }
    for &(t, n) in &cells.censored {
        sums.censor(t.min(k), n);
    }
    sums.cells()
}

/// Observed survival pooled over cohorts (Kaplan-Meier) at periods 0..=h, and the observed
/// retention rate of periods 1..=h: of the subscribers active at t − 1 whose status at t is
/// known, the share still active. None from the first period nobody is known at risk for.
pub fn kaplan_meier(cells: &Cells, h: u32) -> (Vec<Option<f64>>, Vec<Option<f64>>) {
    let m = cells.max_period().max(h) as usize + 2;
    // known[t]: subscribers whose status at t is known and who were active at t − 1 ...
    // expressed as: survived through `s` (active at s) adds to every t ≤ s; a one-period loss
    // at b adds to t = b as a loss and to t < b as survival.
    let mut through = vec![0.0; m];
    let mut lost_at = vec![0.0; m];
    for &(a, b, n) in &cells.lost {
        if b == a + 1 {
            lost_at[b as usize] += n;
            through[a as usize] += n;
        } else {
            through[a as usize] += n;
        }
    }
    for &(t, n) in &cells.censored {
        through[t as usize] += n;
    }
    // at risk at t = active through ≥ t (survived to t) + lost exactly at t.
    let mut alive_from = vec![0.0; m + 1];
    for t in (0..m).rev() {
        alive_from[t] = alive_from[t + 1] + through[t];
    }
    let (mut surv, mut rates) = (vec![Some(1.0)], Vec::with_capacity(h as usize));
    let mut s = Some(1.0);
    for t in 1..=h as usize {
        let at_risk = alive_from[t] + lost_at[t];
        let r = (at_risk > 0.0).then(|| alive_from[t] / at_risk);
        s = match (s, r) {
            (Some(s), Some(r)) => Some(s * r),
            _ => None,
        };
        rates.push(r);
        surv.push(s);
    }
    (surv, rates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_iso;
    use crate::ingest::SurvivalRow;

    fn table(counts: &[&[f64]]) -> SurvivalTable {
        let mut t = SurvivalTable::default();
        for (c, cs) in counts.iter().enumerate() {
            t.cohorts.push(format!("c{c}"));
            for (p, &n) in cs.iter().enumerate() {
                t.rows.push(SurvivalRow {
                    cohort: c as u32,
                    period: p as u32,
                    active: n,
                });
            }
        }
        t
    }

    #[test]
    fn one_cohort_km_is_the_table() {
        let d = RetentionData::from_table(&table(&[&[1000.0, 631.0, 468.0, 382.0]]));
        assert_eq!(d.cells.subscribers(), 1000.0);
        assert_eq!(d.cells.censored, vec![(3, 382.0)]);
        let (s, r) = kaplan_meier(&d.cells, 5);
        assert_eq!(s[..4], [Some(1.0), Some(0.631), Some(0.468), Some(0.382)]);
        assert_eq!(s[4], None);
        assert!((r[1].unwrap() - 468.0 / 631.0).abs() < 1e-15);
    }

    #[test]
    fn truncation_moves_later_losses_to_active() {
        let d = RetentionData::from_table(&table(&[&[100.0, 60.0, 40.0, 30.0]]));
        let c = truncate(&d.cells, 2);
        assert_eq!(c.lost, vec![(0, 1, 40.0), (1, 2, 20.0)]);
        assert_eq!(c.censored, vec![(2, 40.0)]);
    }

    #[test]
    fn subscriptions_give_the_table_of_their_cohort() {
        let day = |s| parse_iso(s).unwrap();
        // Yearly plan from 2020-01-01: ends at the first renewal (paid-through date), during
        // the second year, and active.
        let t = SubscriptionTable {
            start: vec![day("2020-01-01"); 4],
            end: vec![
                Some(day("2021-01-01")),
                Some(day("2020-06-01")),
                Some(day("2021-05-01")),
                None,
            ],
            line: vec![2, 3, 4, 5],
        };
        let (d, after) = RetentionData::from_subscriptions(&t, day("2023-01-01"), TimeUnit::Year);
        assert!(after.is_empty());
        assert_eq!(d.cells.lost, vec![(0, 1, 2.0), (1, 2, 1.0)]);
        assert_eq!(d.cells.censored, vec![(3, 1.0)]);
        assert_eq!(d.cohorts.len(), 1);
        assert_eq!(d.cohorts[0].name, "2020");
        let active: Vec<f64> = d.cohorts[0].active.iter().map(|v| v.unwrap()).collect();
        assert_eq!(active, vec![4.0, 2.0, 1.0, 1.0]);
    }
}
