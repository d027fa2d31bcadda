//! The customer table of a per-customer summary (`--summary`, what `crm-lens sql summary`
//! writes): the BTYD columns as given, the CRM view taken or reconstructed.

use super::{average, CustomerTable, DayLists};
use crate::ingest::SummaryTable;
use crate::units::TimeUnit;

impl CustomerTable {
    /// A table from a per-customer summary (`--summary`). The BTYD columns are taken as given.
    /// The CRM view is the summary's own when it has `first_purchase`, `last_purchase`,
    /// `transactions` and `revenue` (what `crm-lens sql summary` writes: then every
    /// per-customer value equals the raw log's). Otherwise it is reconstructed relative to
    /// `as_of`: first purchase `T` units before it, last purchase `t_x` units after the first,
    /// `x + 1` transactions, and revenue `monetary_value × (x + 1)` (the first purchase assumed
    /// of typical value). The per-day lists hold only the first and last purchase day: enough
    /// for "last purchase by asOf", not for cohorts or retention, which the pipeline does not
    /// compute for a summary.
    pub fn from_summary(s: &SummaryTable, as_of: i32, unit: TimeUnit) -> CustomerTable {
        let u = unit.days();
        let mut t = CustomerTable {
            day_start: vec![0],
            discrete: s.discrete,
            ..Default::default()
        };
        let mut per_day = DayLists::default();
        let crm = match (&s.first_day, &s.last_day, &s.transactions, &s.revenue) {
            (Some(f), Some(l), Some(tx), Some(r)) => Some((f, l, tx, r)),
            _ => None,
        };
        for i in summary_order(s) {
            let (x, tx, big_t) = (s.frequency[i], s.recency[i], s.t[i]);
            let m = s.monetary.as_ref().map_or(0.0, |m| m[i]);
            let (first, last, transactions, revenue) = match crm {
                Some((f, l, n, r)) => (f[i], l[i], n[i], r[i]),
                None => {
                    // Clamped to 200 years so no value can leave the calendar (ingest
                    // rejects more).
                    let span = |v: f64| (v * u).round().clamp(0.0, 73_050.0) as i32;
                    let first = as_of - span(big_t);
                    let last = first + span(tx).min(span(big_t));
                    (first, last, (x as u32).saturating_add(1), m * (x + 1.0))
                }
            };
            t.ids.push(&s.ids[i]);
            t.first_day.push(first);
            t.last_day.push(last);
            t.transactions.push(transactions);
            t.revenue.push(revenue);
            t.average_spend.push(average(revenue, transactions));
            t.recency_days.push((as_of - last) as f64);
            t.tenure_days.push((as_of - first) as f64);
            t.frequency.push(x);
            t.recency.push(tx);
            t.t.push(big_t);
            t.monetary_value.push(m);
            per_day.push(first, m, true, 1);
            if last != first {
                per_day.push(last, m * x, true, x as u32);
            }
            t.day_start.push(per_day.len() as u32);
        }
        per_day.into_table(&mut t);
        t
    }
}

/// Summary rows by customer id, as the transaction table orders customers; a repeated id by
/// its values, so even then the row order of the file does not matter.
fn summary_order(s: &SummaryTable) -> Vec<usize> {
    let m = |i: usize| s.monetary.as_ref().map_or(0.0, |m| m[i]);
    let mut order: Vec<usize> = (0..s.ids.len()).collect();
    crate::sort::indices_by(&mut order, |a, b| {
        s.ids[a]
            .cmp(&s.ids[b])
            .then(s.frequency[a].total_cmp(&s.frequency[b]))
            .then(s.recency[a].total_cmp(&s.recency[b]))
            .then(s.t[a].total_cmp(&s.t[b]))
            .then(m(a).total_cmp(&m(b)))
    });
    order
}
