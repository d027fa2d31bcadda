//! Per-customer results as CSV, for re-import into the CRM.
//!
//! UTF-8 with a BOM, so Excel opens Chinese and Russian ids correctly. Shared by the CLI
//! (`--export-customers`) and the page (through wasm), so both write the same columns.
use crate::error::Error;
use crate::pipeline::Analysis;

pub const COLUMNS: [&str; 30] = [
    "customerId",
    "firstPurchase",
    "lastPurchase",
    "recencyDays",
    "frequency",
    "monetary",
    "averageSpend",
    "rScore",
    "fScore",
    "mScore",
    "rfmScore",
    "rfmCell",
    "rfmSegment",
    "stage",
    "cluster",
    "px",
    "py",
    "x",
    "tX",
    "T",
    "monetaryValue",
    "tenureDays",
    "pAlive",
    "expectedPurchases",
    "expectedSpend",
    "clv",
    "clvLow",
    "clvHigh",
    "simpleClv",
    "churnRisk",
];

fn num(v: f64) -> String {
    if v.is_finite() {
        // Shortest representation that reads back to the same f64.
        format!("{v}")
    } else {
        String::new()
    }
}

fn col(v: &[f64], i: usize) -> String {
    v.get(i).map_or(String::new(), |x| num(*x))
}

/// The projection columns are `f32`: written as the shortest text of the `f32`.
fn col32(v: &[f32], i: usize) -> String {
    v.get(i)
        .filter(|x| x.is_finite())
        .map_or(String::new(), |x| format!("{x}"))
}

/// The CSV bytes; a row's length is tied to [`COLUMNS`] by its type, so they cannot drift.
pub fn customers_csv(a: &Analysis) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(a.customers.len() * 120 + 3);
    out.extend_from_slice(b"\xEF\xBB\xBF");
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let fail =
        |e: csv::Error| Error::new("export_failed", format!("writing the customer CSV: {e}"));
    w.write_record(COLUMNS).map_err(fail)?;
    let t = &a.customers;
    let seg_names: Vec<&str> = a
        .report
        .rfm
        .segments
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    for i in 0..t.len() {
        let cluster = a
            .segments
            .cluster
            .get(i)
            .map_or(String::new(), |c| c.to_string());
        let row: [String; COLUMNS.len()] = [
            t.ids[i].to_string(),
            crate::dates::format_day(t.first_day[i]),
            crate::dates::format_day(t.last_day[i]),
            num(t.recency_days[i]),
            t.transactions[i].to_string(),
            num(t.revenue[i]),
            num(t.average_spend[i]),
            a.rfm.r[i].to_string(),
            a.rfm.f[i].to_string(),
            a.rfm.m[i].to_string(),
            a.rfm.score[i].to_string(),
            crate::rfm::cell(a.rfm.r[i], a.rfm.f[i], a.rfm.m[i]),
            seg_names
                .get(a.rfm.segment[i] as usize)
                .copied()
                .unwrap_or("Others")
                .to_string(),
            a.stages[i].key().to_string(),
            cluster,
            col32(&a.segments.x, i),
            col32(&a.segments.y, i),
            num(t.frequency[i]),
            num(t.recency[i]),
            num(t.t[i]),
            num(t.monetary_value[i]),
            num(t.tenure_days[i]),
            col(&a.clv.p_alive, i),
            col(&a.clv.expected_purchases, i),
            col(&a.clv.expected_spend, i),
            col(&a.clv.clv, i),
            col(&a.clv.clv_low, i),
            col(&a.clv.clv_high, i),
            col(&a.clv.simple_clv, i),
            col(&a.churn.risk, i),
        ];
        w.write_record(&row).map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| Error::new("export_failed", format!("writing the customer CSV: {e}")))
}
