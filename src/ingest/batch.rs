//! Rows parsed but not yet given their customer index, interned in small batches.
//!
//! The interner's table outgrows the cache on large files (354k customers on the 1M-line
//! file), so each new row's lookup is a cache miss. Interning one row at a time waits on each
//! miss in turn; a batch first touches all its rows' table slots (independent loads the CPU
//! overlaps), then interns them in order — indices stay in order of first appearance.
use super::names::Interner;
use super::rows::Transactions;

/// Rows per batch: enough to keep the memory system busy, small enough to stay in L1.
const BATCH: usize = 32;

#[derive(Default)]
pub(super) struct Batch {
    /// The customer ids, concatenated; `ends[i]` closes the `i`-th.
    names: String,
    ends: Vec<usize>,
    day: Vec<i32>,
    amount: Vec<f64>,
    order: Vec<u64>,
    line: Vec<u64>,
    /// Covariate levels, `k` per row (`k` = the number of covariate columns).
    levels: Vec<u32>,
}

impl Batch {
    /// Queues a used row; returns true when the batch is full and must be flushed.
    pub fn push(
        &mut self,
        name: &str,
        (day, amount, order, line): (i32, f64, u64, u64),
        levels: &[u32],
    ) -> bool {
        self.levels.extend_from_slice(levels);
        self.names.push_str(name);
        self.ends.push(self.names.len());
        self.day.push(day);
        self.amount.push(amount);
        self.order.push(order);
        self.line.push(line);
        self.ends.len() >= BATCH
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(a, b)| self.names.get(a..b).unwrap_or_default())
    }

    /// Interns the queued rows and appends them to `tx`. Returns false if an id did not fit
    /// the arena (that row is left out; ingest then fails with an error).
    pub fn flush(&mut self, ids: &mut Interner, tx: &mut Transactions) -> bool {
        ids.touch(self.names());
        tx.reserve(self.ends.len());
        let mut ok = true;
        let k = tx.covariates.len();
        for (i, name) in self.names().enumerate() {
            let Some(id) = ids.id(name) else {
                ok = false;
                continue;
            };
            tx.customer.push(id);
            tx.day.push(self.day[i]);
            tx.amount.push(self.amount[i]);
            tx.order.push(self.order[i]);
            tx.lines.push(self.line[i]);
            for (c, col) in tx.covariates.iter_mut().enumerate() {
                col.values.push(self.levels[i * k + c]);
            }
        }
        self.names.clear();
        self.ends.clear();
        self.day.clear();
        self.amount.clear();
        self.order.clear();
        self.line.clear();
        self.levels.clear();
        ok
    }
}
