//! The per-customer table: one row per customer with at least one purchase up to `asOf`,
//! stored as parallel columns (they cross into JS as typed arrays).
//!
//! It carries both views the analyses need: the CRM view (days, transactions, spend) and the
//! BTYD summary exactly as `lifetimes.utils.summary_data_from_transaction_data` defines it
//! (`freq="D"`, `freq_multiplier` = days per unit): purchases are aggregated per calendar day.
use std::sync::Arc;

use crate::exact_sum::exact_sum;
use crate::ingest::{
    CovariateColumn, CovariateKind, Names, ReturnsPolicy, Transactions, COVARIATE_BLANK,
};
use crate::units::TimeUnit;

mod from_summary;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerTable {
    /// Customer ids in one arena: 350k separate `String`s cost a third of the build.
    pub ids: Names,
    pub first_day: Vec<i32>,
    pub last_day: Vec<i32>,
    /// Distinct purchase orders (lines without an order id count one each): RFM's F.
    pub transactions: Vec<u32>,
    /// Net spend over the period (returns netted unless dropped): RFM's M. The correctly
    /// rounded sum of the amounts (`exact_sum`), the same in any row order.
    pub revenue: Vec<f64>,
    /// Net spend per transaction: `revenue / transactions`.
    pub average_spend: Vec<f64>,
    /// Days from the last purchase to `asOf`.
    pub recency_days: Vec<f64>,
    /// Days from the first purchase to `asOf`.
    pub tenure_days: Vec<f64>,
    /// BTYD x: purchase days minus one.
    pub frequency: Vec<f64>,
    /// BTYD t_x: first to last purchase day, in the time unit.
    pub recency: Vec<f64>,
    /// BTYD T: first purchase day to `asOf`, in the time unit.
    pub t: Vec<f64>,
    /// Mean value of the repeat purchase days (0 without repeats): the correctly rounded sum
    /// of those days' lines (`exact_sum`, as `revenue`) over x. `crm-lens sql summary` sums
    /// the same lines exactly in SQL (src/scale/exact_sql.rs), so the two agree to the bit.
    pub monetary_value: Vec<f64>,
    /// Days with any line of customer `c`: `days[day_range(c)]`, ascending. Per day: the
    /// value of all its lines (`day_value`), whether it holds a purchase (`day_purchase`; a
    /// day of returns only does not), and its distinct purchase orders (`day_orders`).
    /// Cohorts, retention and the holdout split read these instead of re-sorting the
    /// transactions, and their sums agree with `revenue`. A table cut by
    /// [`CustomerTable::until`] shares the lists of the table it was cut from (its customers'
    /// ranges end earlier): read them through `day_range`, never whole.
    pub day_start: Vec<u32>,
    /// Where customer `c`'s entries end in a table cut by `until`; empty in a table built
    /// whole, where they end at `day_start[c + 1]`.
    pub day_end: Vec<u32>,
    pub days: Arc<Vec<i32>>,
    pub day_value: Arc<Vec<f64>>,
    pub day_purchase: Arc<Vec<bool>>,
    pub day_orders: Arc<Vec<u32>>,
    /// Discrete time: `frequency`, `recency` and `t` count transaction opportunities of one
    /// `timeUnit` each (a summary with `periods`; BG/BB).
    pub discrete: bool,
    /// The `covariateCols` columns, one value per customer.
    pub covariates: Vec<CustomerCovariate>,
}

/// A covariate column at the customer level.
///
/// A customer's value is the one on their first purchase day (on a day with several values,
/// the smallest by text), so it describes how they came (channel, first product) and does not
/// depend on row order. Blank cells and return lines are ignored; a customer without any
/// value holds [`COVARIATE_BLANK`]. Customers whose purchase rows hold more than one distinct
/// value are counted in `differing` (warning `covariate_values_differ`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerCovariate {
    pub name: String,
    /// Forced by the option; else decided by the model from the levels.
    pub kind: Option<CovariateKind>,
    /// Distinct values, sorted by text.
    pub levels: Vec<String>,
    /// Per customer: index into `levels`, or [`COVARIATE_BLANK`].
    pub value: Vec<u32>,
    pub differing: usize,
}

/// Per customer of the transaction log (its own numbering): the covariate level on the
/// first purchase day up to `as_of` (smallest on ties) and whether their values differ.
fn first_levels(
    tx: &Transactions,
    col: &CovariateColumn,
    as_of: i32,
    keep: bool,
) -> (Vec<u32>, Vec<bool>) {
    let n = tx.customer_names.len();
    let (mut day, mut level) = (vec![i32::MAX; n], vec![COVARIATE_BLANK; n]);
    let (mut seen, mut differ) = (vec![COVARIATE_BLANK; n], vec![false; n]);
    for i in 0..tx.len() {
        let v = col.values.get(i).copied().unwrap_or(COVARIATE_BLANK);
        if v == COVARIATE_BLANK || tx.day[i] > as_of || !(tx.amount[i] >= 0.0 || keep) {
            continue;
        }
        let c = tx.customer[i] as usize;
        if (tx.day[i], v) < (day[c], level[c]) {
            day[c] = tx.day[i];
            level[c] = v;
        }
        if seen[c] == COVARIATE_BLANK {
            seen[c] = v;
        } else if seen[c] != v {
            differ[c] = true;
        }
    }
    (level, differ)
}

/// Row lines that did not make it into the table, so the pipeline can account for them.
#[derive(Debug, Default)]
pub struct Excluded {
    /// Rows after `asOf` (indices into the transactions).
    pub after_as_of: Vec<usize>,
    /// Rows of customers with no purchase up to `asOf` (returns only).
    pub no_purchase: Vec<usize>,
}

/// What one customer's per-day pass yields; `push_row` derives the rest.
struct Row {
    first: i32,
    last: i32,
    transactions: u32,
    revenue: f64,
    purchase_days: u32,
    repeat_sum: f64,
}

impl CustomerTable {
    /// Appends one customer (the caller records their per-day entries): recency, tenure and
    /// the BTYD summary as of `as_of`, in units of `unit_days`.
    fn push_row(&mut self, id: &str, r: Row, as_of: i32, unit_days: f64) {
        let x = r.purchase_days.saturating_sub(1) as f64;
        self.ids.push(id);
        self.first_day.push(r.first);
        self.last_day.push(r.last);
        self.transactions.push(r.transactions);
        self.revenue.push(r.revenue);
        self.average_spend.push(average(r.revenue, r.transactions));
        self.recency_days.push((as_of - r.last) as f64);
        self.tenure_days.push((as_of - r.first) as f64);
        self.frequency.push(x);
        self.recency.push((r.last - r.first) as f64 / unit_days);
        self.t.push((as_of - r.first) as f64 / unit_days);
        self.monetary_value.push(if r.purchase_days > 1 {
            r.repeat_sum / x
        } else {
            0.0
        });
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Range of customer `c`'s entries in the per-day columns.
    pub fn day_range(&self, c: usize) -> std::ops::Range<usize> {
        let end = match self.day_end.get(c) {
            Some(&end) => end,
            None => self.day_start[c + 1],
        };
        self.day_start[c] as usize..end as usize
    }

    /// Last purchase day of customer `c` on or before `tau`.
    pub fn last_purchase_by(&self, c: usize, tau: i32) -> Option<i32> {
        let r = self.day_range(c);
        let days = &self.days[r.clone()];
        let k = days.partition_point(|&d| d <= tau);
        (0..k)
            .rev()
            .find(|&j| self.day_purchase[r.start + j])
            .map(|j| days[j])
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Builds the table from transactions on or before `as_of`.
    pub fn build(
        tx: &Transactions,
        as_of: i32,
        unit: TimeUnit,
        returns: ReturnsPolicy,
    ) -> (CustomerTable, Excluded) {
        let n_cust = tx.customer_names.len();
        let mut excluded = Excluded::default();
        // Rows in customer-id order, and sums that ignore the order of their terms: the table
        // is a function of the multiset of lines, whatever the file's row order.
        let order = tx.customer_names.sorted_order();
        let mut rank = vec![0u32; n_cust];
        for (r, &c) in order.iter().enumerate() {
            rank[c as usize] = r as u32;
        }
        // Counting sort of the lines by customer rank, scattering each line's fields into one
        // contiguous record: one sequential read of the columns, and each customer's pass
        // below then reads adjacent memory instead of four scattered columns.
        let mut start = vec![0u32; n_cust + 1];
        for (i, (&c, &day)) in tx.customer.iter().zip(&tx.day).enumerate() {
            if day > as_of {
                excluded.after_as_of.push(i);
            } else {
                start[rank[c as usize] as usize + 1] += 1;
            }
        }
        for r in 0..n_cust {
            start[r + 1] += start[r];
        }
        let keep = returns == ReturnsPolicy::Keep;
        let mut lines = vec![Line::default(); start[n_cust] as usize];
        let mut fill = start.clone();
        for (i, &c) in tx.customer.iter().enumerate() {
            let day = tx.day[i];
            if day <= as_of {
                let slot = &mut fill[rank[c as usize] as usize];
                lines[*slot as usize] = Line {
                    day,
                    amount: tx.amount[i],
                    order: tx.order[i],
                };
                *slot += 1;
            }
        }
        drop(fill);
        drop(rank);
        let unit_days = unit.days();
        let mut t = CustomerTable::with_capacity(n_cust, tx.customer_names.text_len());
        t.day_start.push(0);
        // At most one entry a line; the unused reserve is given back below.
        let mut per_day = DayLists::with_capacity(lines.len());
        let mut no_purchase = Vec::new();
        let firsts: Vec<(Vec<u32>, Vec<bool>)> = tx
            .covariates
            .iter()
            .map(|col| first_levels(tx, col, as_of, keep))
            .collect();
        t.covariates = tx
            .covariates
            .iter()
            .map(|col| CustomerCovariate {
                name: col.name.clone(),
                kind: col.kind,
                levels: col.levels.clone(),
                value: Vec::with_capacity(n_cust),
                differing: 0,
            })
            .collect();
        let (mut all_orders, mut day_orders): (Vec<u64>, Vec<u64>) = (Vec::new(), Vec::new());
        let mut repeat_days: Vec<std::ops::Range<usize>> = Vec::new();
        for (r, &c) in order.iter().enumerate() {
            let c = c as usize;
            let lines = &mut lines[start[r] as usize..start[r + 1] as usize];
            if lines.is_empty() {
                continue;
            }
            let is_purchase = |l: &Line| l.amount >= 0.0 || keep;
            if !lines.iter().any(is_purchase) {
                no_purchase.push(c as u32);
                continue;
            }
            let revenue = exact_sum(lines.iter().map(|l| l.amount));
            if !lines.is_sorted_by_key(|l| l.day) {
                lines.sort_unstable_by_key(|l| l.day);
            }
            // Per day: value of all lines, purchase flag, distinct purchase orders. Lines of
            // one day are adjacent after the sort; orders are counted per day and overall.
            let (mut first, mut last, mut days) = (i32::MAX, i32::MIN, 0u32);
            let mut k = 0;
            // Where the repeat purchase days' lines start (lines are in day order): those
            // lines are summed exactly once the first purchase day is known.
            repeat_days.clear();
            all_orders.clear();
            let mut unordered = 0u32;
            while k < lines.len() {
                let day = lines[k].day;
                let mut j = k;
                let mut purchase = false;
                day_orders.clear();
                let mut day_unordered = 0u32;
                while j < lines.len() && lines[j].day == day {
                    let l = lines[j];
                    if is_purchase(&l) {
                        purchase = true;
                        if l.order == 0 {
                            day_unordered += 1;
                        } else {
                            day_orders.push(l.order);
                        }
                    }
                    j += 1;
                }
                let value = exact_sum(lines[k..j].iter().map(|l| l.amount));
                all_orders.extend_from_slice(&day_orders);
                unordered += day_unordered;
                let distinct = distinct_count(&mut day_orders);
                per_day.push(day, value, purchase, distinct + day_unordered);
                if purchase {
                    if days > 0 {
                        repeat_days.push(k..j);
                    }
                    days += 1;
                    first = first.min(day);
                    last = last.max(day);
                }
                k = j;
            }
            let repeat_sum = exact_sum(
                repeat_days
                    .iter()
                    .flat_map(|r| lines[r.clone()].iter().map(|l| l.amount)),
            );
            let row = Row {
                first,
                last,
                transactions: distinct_count(&mut all_orders) + unordered,
                revenue,
                purchase_days: days,
                repeat_sum,
            };
            t.push_row(&tx.customer_names[c], row, as_of, unit_days);
            t.day_start.push(per_day.days.len() as u32);
            for (cov, (level, differ)) in t.covariates.iter_mut().zip(&firsts) {
                cov.value.push(level[c]);
                cov.differing += usize::from(differ[c]);
            }
        }
        per_day.into_table(&mut t);
        if !no_purchase.is_empty() {
            // Rare (customers with returns only): found again by a pass in file order.
            let mut flagged = vec![false; n_cust];
            for &c in &no_purchase {
                flagged[c as usize] = true;
            }
            excluded.no_purchase = (0..tx.len())
                .filter(|&i| flagged[tx.customer[i] as usize] && tx.day[i] <= as_of)
                .collect();
        }
        (t, excluded)
    }

    /// Room for the per-customer columns (`day_start` empty: its first entry is the
    /// caller's).
    fn with_capacity(customers: usize, id_bytes: usize) -> CustomerTable {
        CustomerTable {
            ids: Names::with_capacity(customers, id_bytes),
            first_day: Vec::with_capacity(customers),
            last_day: Vec::with_capacity(customers),
            transactions: Vec::with_capacity(customers),
            revenue: Vec::with_capacity(customers),
            average_spend: Vec::with_capacity(customers),
            recency_days: Vec::with_capacity(customers),
            tenure_days: Vec::with_capacity(customers),
            frequency: Vec::with_capacity(customers),
            recency: Vec::with_capacity(customers),
            t: Vec::with_capacity(customers),
            monetary_value: Vec::with_capacity(customers),
            day_start: Vec::with_capacity(customers + 1),
            day_end: Vec::new(),
            days: Arc::default(),
            day_value: Arc::default(),
            day_purchase: Arc::default(),
            day_orders: Arc::default(),
            discrete: false,
            covariates: Vec::new(),
        }
    }
}

/// The per-day lists while a table is built (see [`CustomerTable::days`]).
#[derive(Default)]
struct DayLists {
    days: Vec<i32>,
    value: Vec<f64>,
    purchase: Vec<bool>,
    orders: Vec<u32>,
}

impl DayLists {
    fn with_capacity(n: usize) -> DayLists {
        DayLists {
            days: Vec::with_capacity(n),
            value: Vec::with_capacity(n),
            purchase: Vec::with_capacity(n),
            orders: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, day: i32, value: f64, purchase: bool, orders: u32) {
        self.days.push(day);
        self.value.push(value);
        self.purchase.push(purchase);
        self.orders.push(orders);
    }

    fn len(&self) -> usize {
        self.days.len()
    }

    /// Hands the lists to `t`, without their unused reserve (shrunk in place).
    fn into_table(mut self, t: &mut CustomerTable) {
        self.days.shrink_to_fit();
        self.value.shrink_to_fit();
        self.purchase.shrink_to_fit();
        self.orders.shrink_to_fit();
        t.days = Arc::new(self.days);
        t.day_value = Arc::new(self.value);
        t.day_purchase = Arc::new(self.purchase);
        t.day_orders = Arc::new(self.orders);
    }
}

/// One line of a customer, gathered for their pass: 20 bytes, not 24 (a line is a purchase
/// by its amount and the returns policy). 10M lines gather 200 MB here.
#[derive(Clone, Copy, Default)]
#[repr(C, packed(4))]
struct Line {
    day: i32,
    amount: f64,
    order: u64,
}

/// Spend per transaction; 0 without transactions (a table row always has one).
fn average(revenue: f64, transactions: u32) -> f64 {
    if transactions > 0 {
        revenue / transactions as f64
    } else {
        0.0
    }
}

/// Distinct values of a short list (most customers have a handful of orders).
fn distinct_count(v: &mut [u64]) -> u32 {
    match v.len() {
        0 | 1 => v.len() as u32,
        2 => 1 + u32::from(v[0] != v[1]),
        _ => {
            v.sort_unstable();
            1 + v.windows(2).filter(|w| w[0] != w[1]).count() as u32
        }
    }
}

impl CustomerTable {
    /// The table as it stood at the end of an earlier day `until` (≤ this table's `asOf`),
    /// cut from the per-day lists without touching the transactions again; with the row of
    /// this table each returned customer came from. Used for the lifecycle comparison date
    /// and the CLV calibration period. Transactions are summed per day there, so an order
    /// spanning two days counts twice (the full build counts it once).
    pub fn until(&self, until: i32, unit: TimeUnit) -> (CustomerTable, Vec<u32>) {
        let unit_days = unit.days();
        // Sized exactly first: grown by doubling, the columns of a 3.5M-customer table left
        // their earlier blocks behind in wasm's linear memory (twice the table at worst). The
        // per-day lists are this table's, shared: each customer's range ends at `until`.
        let (mut customers, mut id_bytes) = (0, 0);
        for c in (0..self.len()).filter(|&c| self.first_day[c] <= until) {
            customers += 1;
            id_bytes += self.ids[c].len();
        }
        let mut t = CustomerTable::with_capacity(customers, id_bytes);
        t.day_end = Vec::with_capacity(customers);
        t.days = Arc::clone(&self.days);
        t.day_value = Arc::clone(&self.day_value);
        t.day_purchase = Arc::clone(&self.day_purchase);
        t.day_orders = Arc::clone(&self.day_orders);
        let mut rows = Vec::with_capacity(customers);
        for c in 0..self.len() {
            if self.first_day[c] > until {
                continue;
            }
            let (mut last, mut days, mut orders) = (self.first_day[c], 0u32, 0u32);
            let (mut revenue, mut repeat_sum) = (0.0, 0.0);
            let range = self.day_range(c);
            let mut end = range.start;
            for j in range {
                let day = self.days[j];
                if day > until {
                    break;
                }
                end = j + 1;
                revenue += self.day_value[j];
                if self.day_purchase[j] {
                    if days > 0 {
                        repeat_sum += self.day_value[j];
                    }
                    days += 1;
                    last = day;
                    orders += self.day_orders[j];
                }
            }
            let row = Row {
                first: self.first_day[c],
                last,
                transactions: orders,
                revenue,
                purchase_days: days,
                repeat_sum,
            };
            t.push_row(&self.ids[c], row, until, unit_days);
            t.day_start.push(self.day_start[c]);
            t.day_end.push(end as u32);
            rows.push(c as u32);
        }
        t.covariates = self
            .covariates
            .iter()
            .map(|cov| CustomerCovariate {
                value: rows.iter().map(|&c| cov.value[c as usize]).collect(),
                levels: cov.levels.clone(),
                name: cov.name.clone(),
                kind: cov.kind,
                differing: cov.differing,
            })
            .collect();
        (t, rows)
    }
}

#[cfg(test)]
mod tests;
