//! What a per-customer summary (`--summary`) can and cannot give, decided in one place.
//!
//! A summary has one row per customer and no purchase history. Every per-customer analysis
//! (RFM, lifecycle stages, k-means, CLV with its holdout) runs on it; what needs each
//! customer's purchase days — cohorts, retention and churn per period, lifecycle transitions,
//! the holdout's tracking series, and so the measured retention of the simple CLV — is not
//! computed, and a warning says why rather than showing numbers made up from two dates.
use crate::clv::{HoldoutInput, TimeUnit};
use crate::dates::format_day;
use crate::error::{Error, Result};
use crate::ingest::SummaryTable;
use crate::kpis::KpisReport;
use crate::report::Warning;

/// The summary's as-of day. With purchase dates it is implied by every row (first purchase
/// plus `T`), so the rows must agree with each other and with `--as-of` if given: a
/// disagreement means another time unit or as-of date than the summary was computed with.
pub fn as_of(s: &SummaryTable, option: Option<i32>, unit: TimeUnit) -> Result<(i32, Vec<Warning>)> {
    let (Some(first), Some(last)) = (&s.first_day, &s.last_day) else {
        let mut w = vec![Warning::new(
            "summary_reconstructed",
            "the summary has no first_purchase, last_purchase, transactions and revenue columns: RFM, lifecycle stages and k-means use values reconstructed from frequency, recency, T and monetary_value (first purchase T before asOf, x + 1 transactions, revenue = monetary_value × (x + 1)); crm-lens sql summary writes the exact columns",
        )];
        if option.is_none() {
            w.push(Warning::new(
                "summary_no_as_of",
                "neither the summary nor --as-of gives the analysis date: purchase dates are counted back from 1970-01-01; pass --as-of",
            ));
        }
        return Ok((option.unwrap_or(0), w));
    };
    let u = unit.days();
    let days = |v: f64| (v * u).round();
    let mismatch = |what: String| {
        Error::new("summary_inconsistent", what).with_hint(format!(
            "pass the --time-unit ({}) and --as-of the summary was computed with",
            unit.name()
        ))
    };
    let mut implied: Option<i32> = None;
    for i in 0..s.ids.len() {
        let here = first[i] as f64 + days(s.t[i]);
        if !(f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&here) {
            return Err(mismatch(format!(
                "customer {:?}: first purchase + T is out of the calendar",
                s.ids[i]
            )));
        }
        let here = here as i32;
        if (last[i] - first[i]) as f64 != days(s.recency[i]) {
            return Err(mismatch(format!(
                "customer {:?}: recency {} {}s is not the {} days from first to last purchase ({} to {})",
                s.ids[i],
                s.recency[i],
                unit.name(),
                last[i] - first[i],
                format_day(first[i]),
                format_day(last[i])
            )));
        }
        match implied {
            None => implied = Some(here),
            Some(d) if d != here => {
                return Err(mismatch(format!(
                    "first purchase + T gives the as-of date {} for customer {:?} but {} for customer {:?}",
                    format_day(d),
                    s.ids[0],
                    format_day(here),
                    s.ids[i]
                )))
            }
            Some(_) => {}
        }
    }
    let implied = implied.unwrap_or(option.unwrap_or(0));
    if let Some(o) = option.filter(|&o| o != implied) {
        return Err(Error::new(
            "summary_inconsistent",
            format!(
                "--as-of {} differs from the date the summary was computed as of ({}: first purchase + T)",
                format_day(o),
                format_day(implied)
            ),
        )
        .with_hint(format!(
            "drop --as-of, or recompute the summary with --as-of {}",
            format_day(o)
        )));
    }
    Ok((implied, Vec::new()))
}

/// Removes from the KPIs what a summary cannot give (per-period rates, cohorts) and says
/// why; the headline counts and sums stay.
pub fn limit_kpis(kpis: &mut KpisReport, warnings: &mut Vec<Warning>) {
    kpis.periods.clear();
    kpis.cohorts = Default::default();
    kpis.retention_rate = None;
    kpis.churn_rate = None;
    kpis.monthly_retention_rate = None;
    warnings.push(Warning::new(
        "summary_no_history",
        "a per-customer summary has no purchase history: cohorts, retention and churn per period, lifecycle transitions and the holdout's tracking series need each customer's purchase days and are not computed; the simple CLV uses clv.retentionRate when given",
    ));
}

/// The calibration columns of a summary as the CLV stage's holdout input: the calibration
/// customers' rows and their holdout purchases (`None` when the summary has no holdout, or
/// `clv.holdoutDays` is 0).
pub struct SummaryHoldout {
    pub x: Vec<f64>,
    pub t_x: Vec<f64>,
    pub t: Vec<f64>,
    pub actual: Vec<f64>,
    pub duration: f64,
}

impl SummaryHoldout {
    pub fn of(s: &SummaryTable, holdout_days: Option<u32>) -> Option<SummaryHoldout> {
        let h = s.holdout.as_ref().filter(|_| holdout_days != Some(0))?;
        let mut out = SummaryHoldout {
            x: Vec::new(),
            t_x: Vec::new(),
            t: Vec::new(),
            actual: Vec::new(),
            duration: h.duration,
        };
        for c in h.calibration.iter().flatten() {
            out.x.push(c.frequency);
            out.t_x.push(c.recency);
            out.t.push(c.t);
            out.actual.push(c.holdout_frequency);
        }
        (!out.x.is_empty()).then_some(out)
    }

    pub fn input(&self) -> HoldoutInput<'_> {
        HoldoutInput {
            x: &self.x,
            t_x: &self.t_x,
            t: &self.t,
            actual: &self.actual,
            duration: self.duration,
            weights: None,
            tracking: None,
        }
    }
}

/// Warns when `clv.holdoutDays` asks for another holdout than the summary was computed with.
pub fn holdout_warning(
    s: &SummaryTable,
    holdout_days: Option<u32>,
    unit: TimeUnit,
) -> Option<Warning> {
    let h = s.holdout.as_ref()?;
    let asked = holdout_days.filter(|&d| d != 0)?;
    let have = h.duration * unit.days();
    ((have - f64::from(asked)).abs() > 0.5).then(|| {
        Warning::new(
            "summary_holdout_fixed",
            format!(
                "clv.holdoutDays is {asked} but the summary's holdout columns cover {} days: they were used; recompute the summary with the holdout you want",
                have.round()
            ),
        )
    })
}
