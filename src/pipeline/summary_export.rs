//! The per-customer summary of a transaction log, in the layout `--summary` reads and
//! `crm-lens sql summary` writes: the native reference the SQL is tested against, and a way
//! to move one analysis' customers into the summary path (`analyze --export-summary`).
use super::clv_input::holdout_split;
use super::{Analysis, Dataset, Source};
use crate::dates::format_day;
use crate::error::{Error, Result};
use crate::options::Options;

/// The columns, in order; the last five only when the analysis has a holdout.
pub const SUMMARY_COLUMNS: [&str; 14] = [
    "customer_id",
    "frequency",
    "recency",
    "T",
    "monetary_value",
    "first_purchase",
    "last_purchase",
    "transactions",
    "revenue",
    "frequency_cal",
    "recency_cal",
    "T_cal",
    "frequency_holdout",
    "duration_holdout",
];

impl Dataset {
    /// The summary of `analysis` (run with `opts` on this dataset) as CSV text, customers in
    /// the table's order (first appearance in the file). Numbers are written in their
    /// shortest exact form, so the file reads back to the same values.
    pub fn summary_csv(&self, analysis: &Analysis, opts: &Options) -> Result<Vec<u8>> {
        if let Source::Summary(_) = self.source {
            return Err(Error::option("the input is already a summary")
                .with_hint("--export-summary needs a transaction log"));
        }
        let t = &analysis.customers;
        let as_of = crate::dates::parse_iso(&analysis.report.as_of).unwrap_or(0);
        let split = holdout_split(t, as_of, opts, true);
        let cols = if split.is_some() { 14 } else { 9 };
        let mut cal: Vec<Option<usize>> = vec![None; t.len()];
        if let Some(s) = &split {
            for (k, &row) in s.rows.iter().enumerate() {
                cal[row as usize] = Some(k);
            }
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| Error::new("io", e.to_string());
        w.write_record(&SUMMARY_COLUMNS[..cols]).map_err(io)?;
        let mut rec: Vec<String> = Vec::with_capacity(cols);
        for c in 0..t.len() {
            rec.clear();
            rec.push(t.ids[c].to_string());
            rec.push(t.frequency[c].to_string());
            rec.push(t.recency[c].to_string());
            rec.push(t.t[c].to_string());
            rec.push(t.monetary_value[c].to_string());
            rec.push(format_day(t.first_day[c]));
            rec.push(format_day(t.last_day[c]));
            rec.push(t.transactions[c].to_string());
            rec.push(t.revenue[c].to_string());
            if let Some(s) = &split {
                match cal[c] {
                    Some(k) => {
                        let cal = &s.cal;
                        rec.push(cal.frequency[k].to_string());
                        rec.push(cal.recency[k].to_string());
                        rec.push(cal.t[k].to_string());
                        rec.push(s.actual[k].to_string());
                    }
                    None => rec.extend(std::iter::repeat_n(String::new(), 4)),
                }
                rec.push((s.days as f64 / opts.time_unit.days()).to_string());
            }
            w.write_record(&rec).map_err(io)?;
        }
        w.into_inner().map_err(|e| Error::new("io", e.to_string()))
    }
}
