//! KPIs, cohorts and lifecycle on a small log whose every number was worked out by hand.
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::lifecycle::Stage;
use crm_lens::{Dataset, Options};

/// Seven customers over Jan–Mar 2024. C's return on 02-20 is on a day without a purchase;
/// A's order 2 has two lines.
const LOG: &str = "customer_id,order_id,order_date,amount
A,1,2024-01-05,100
B,3,2024-01-20,40
C,5,2024-01-25,30
F,12,2024-02-01,20
F,13,2024-02-05,20
A,2,2024-02-10,50
A,2,2024-02-10,25
G,14,2024-02-15,15
C,6,2024-02-20,-10
D,7,2024-03-01,200
B,4,2024-03-15,60
E,8,2024-03-31,10
";

fn options() -> Options {
    Options::from_json(
        r#"{"lifecycle": {"newWindowDays": 30, "churnWindowDays": 60, "loyalMinTransactions": 2,
            "loyalMinTenureDays": 60, "atRiskFactor": 1.5, "compareDays": 30}}"#,
    )
    .unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn headline_kpis() {
    let a = Dataset::from_bytes(LOG.as_bytes(), &options())
        .unwrap()
        .analyze(&options())
        .unwrap();
    let k = &a.report.kpis;
    assert_eq!(a.report.as_of, "2024-03-31");
    assert_eq!(k.customers, 7);
    assert_eq!(k.transactions, 10);
    assert!(close(k.revenue, 560.0));
    assert!(close(k.average_order_value, 56.0));
    assert!(close(k.purchase_frequency, 10.0 / 7.0));
    assert!(close(k.repeat_purchase_rate, 3.0 / 7.0));
    assert!(close(k.revenue_per_customer, 80.0));
    // Last purchase within 60 days of 03-31: all but C (66 days).
    assert_eq!(k.active_customers, 6);
}

#[test]
fn monthly_retention_is_crr() {
    let a = Dataset::from_bytes(LOG.as_bytes(), &options())
        .unwrap()
        .analyze(&options())
        .unwrap();
    let p = &a.report.kpis.periods;
    let row = |i: usize| {
        (
            p[i].period.as_str(),
            p[i].start_customers,
            p[i].end_customers,
            p[i].new_customers,
        )
    };
    assert_eq!(row(0), ("2024-01", 0, 3, 3));
    assert_eq!(row(1), ("2024-02", 3, 5, 2));
    assert_eq!(row(2), ("2024-03", 5, 6, 2));
    assert_eq!(p[0].retention_rate, None);
    assert!(close(p[1].retention_rate.unwrap(), 1.0)); // (5 − 2) / 3
    assert!(close(p[2].retention_rate.unwrap(), 0.8)); // (6 − 2) / 5
    assert!(close(p[2].churn_rate.unwrap(), 0.2));
    assert!(close(a.report.kpis.retention_rate.unwrap(), 0.9));
    assert!(close(a.report.kpis.churn_rate.unwrap(), 0.1));
    let rev: Vec<f64> = p.iter().map(|x| x.revenue).collect();
    assert_eq!(rev, vec![170.0, 120.0, 270.0]);
    let tx: Vec<u64> = p.iter().map(|x| x.transactions).collect();
    assert_eq!(tx, vec![3, 4, 3]);
}

#[test]
fn cohorts_by_acquisition_month() {
    let a = Dataset::from_bytes(LOG.as_bytes(), &options())
        .unwrap()
        .analyze(&options())
        .unwrap();
    let c = &a.report.kpis.cohorts;
    assert_eq!(c.months, vec!["2024-01", "2024-02", "2024-03"]);
    assert_eq!(c.size, vec![3, 2, 2]);
    assert_eq!(c.customers[0], vec![1.0, 1.0 / 3.0, 1.0 / 3.0]); // C's February return is no purchase
    assert_eq!(c.customers[1], vec![1.0, 0.0]);
    assert_eq!(c.customers[2], vec![1.0]);
    assert_eq!(c.revenue[0], vec![170.0, 65.0, 60.0]);
    assert_eq!(c.revenue[1], vec![55.0, 0.0]);
    assert_eq!(c.revenue[2], vec![210.0]);
    assert!(close(c.revenue_retention[0][1], 65.0 / 170.0));
}

#[test]
fn lifecycle_stages_and_transitions() {
    let a = Dataset::from_bytes(LOG.as_bytes(), &options())
        .unwrap()
        .analyze(&options())
        .unwrap();
    let stage_of = |id: &str| a.stages[a.customers.ids.iter().position(|x| x == id).unwrap()];
    assert_eq!(stage_of("A"), Stage::Loyal); // 50 days silent < 1.5 × 36-day gap; 2 orders, 86 days
    assert_eq!(stage_of("B"), Stage::Loyal);
    assert_eq!(stage_of("C"), Stage::Lost); // 66 days > 60
    assert_eq!(stage_of("D"), Stage::New);
    assert_eq!(stage_of("E"), Stage::New);
    assert_eq!(stage_of("F"), Stage::AtRisk); // 55 days silent vs a 4-day rhythm
    assert_eq!(stage_of("G"), Stage::Active); // one-timer: 45 < 1.5 × typical 36
    let l = &a.report.lifecycle;
    let counts: Vec<(Stage, u64)> = l.stages.iter().map(|s| (s.stage, s.customers)).collect();
    assert_eq!(
        counts,
        vec![
            (Stage::Prospect, 0),
            (Stage::New, 2),
            (Stage::Active, 1),
            (Stage::Loyal, 2),
            (Stage::AtRisk, 1),
            (Stage::Lost, 1)
        ]
    );
    assert_eq!(l.thresholds.as_ref().unwrap().typical_gap_days, 36.0);
    assert_eq!(l.compared_to.as_deref(), Some("2024-03-01"));
    let tr: Vec<(&str, Stage, u64)> = l
        .transitions
        .iter()
        .map(|t| (t.from.as_str(), t.to, t.customers))
        .collect();
    assert_eq!(
        tr,
        vec![
            ("active", Stage::Loyal, 2),
            ("active", Stage::Lost, 1),
            ("new", Stage::New, 1),
            ("new", Stage::Active, 1),
            ("new", Stage::AtRisk, 1),
            ("none", Stage::New, 1)
        ]
    );
}

#[test]
fn optional_inputs_give_cac_nps_csat() {
    let o = Options::from_json(
        r#"{"kpis": {"marketingSpend": {"2024-02": 100, "2024-03": 50}, "npsAnswers": [10, 9, 8, 7, 3],
            "csatAnswers": [5, 4, 3, 1]}}"#,
    )
    .unwrap();
    let a = Dataset::from_bytes(LOG.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    let k = &a.report.kpis;
    assert_eq!(k.periods[1].cac, Some(50.0)); // 100 / 2 new (F, G)
    assert_eq!(k.cac, Some(37.5)); // 150 / 4 new in Feb + Mar
    assert!(close(k.nps.unwrap(), 20.0)); // 40% promoters − 20% detractors
    assert!(close(k.csat.unwrap(), 50.0));
}

#[test]
fn prospects_are_listed_ids_without_purchases() {
    let o = Options::from_json(r#"{"lifecycle": {"prospects": ["A", "Z1", "Z2", "Z2"]}}"#).unwrap();
    let a = Dataset::from_bytes(LOG.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    assert_eq!(a.report.lifecycle.stages[0].customers, 2);
}

#[test]
fn cohorts_stay_bounded_on_centuries_of_dates() {
    let log =
        "customer_id,order_date,amount\nold,1950-01-15,10\nold,2024-03-01,5\nnew,2024-03-10,7\n";
    let o = Options::default();
    let a = Dataset::from_bytes(log.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    let c = &a.report.kpis.cohorts;
    assert_eq!(c.months.len(), crm_lens::kpis::cohorts::MAX_COHORTS);
    assert_eq!(c.months.last().map(String::as_str), Some("2024-03"));
    assert_eq!(
        c.size.iter().sum::<u64>(),
        1,
        "only the customer acquired in the window"
    );
}

#[test]
fn out_of_range_compare_days_is_an_option_error() {
    let o = Options::from_json(r#"{"lifecycle": {"compareDays": 4000000000}}"#).unwrap();
    let err = Dataset::from_bytes(LOG.as_bytes(), &o).unwrap_err();
    assert_eq!(err.code, "invalid_option");
}

/// Found by the fuzzer: a return dated before the customer's first purchase, in the earliest
/// month of the file, made the period and cohort month offsets negative.
#[test]
fn return_before_first_purchase_counts_in_month_zero() {
    let log = "customer_id,order_date,amount\nA1,2024-03-05,-12.50\nB2,2024-03-06,100\nA1,2024-04-01,7.25\n";
    let o = Options::default();
    let a = Dataset::from_bytes(log.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    let k = &a.report.kpis;
    assert!(close(k.revenue, 94.75));
    let period_revenue: f64 = k.periods.iter().map(|p| p.revenue).sum();
    assert!(
        close(period_revenue, 94.75),
        "periods add up to net revenue"
    );
    let cohort_revenue: f64 = k.cohorts.revenue.iter().flatten().sum();
    assert!(
        close(cohort_revenue, 94.75),
        "cohorts add up to net revenue"
    );
    assert_eq!(
        k.cohorts.revenue[1][0],
        7.25 - 12.5,
        "A1's early return counts in its month 0"
    );
}

fn with(json: &str, log: &str) -> crm_lens::Analysis {
    let mut o = options();
    let extra = Options::from_json(json).unwrap();
    o.kpis = extra.kpis;
    o.as_of = extra.as_of;
    Dataset::from_bytes(log.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap()
}

/// ISO weeks: 2024-01-01 is a Monday, so week k runs from Jan 1 + 7(k − 1). With the 60-day
/// churn window nobody leaves the base before C on 03-25 (last purchase 01-25 + 59 days =
/// 03-24), so every week keeps its base (CRR 1) except W13 (03-25..03-31): S = 6, E = 6,
/// N = 1 (E), CRR = 5/6. W01 has S = 0. Mean over the 12 weeks with S > 0: (11 + 5/6)/12.
#[test]
fn weekly_retention_is_crr_per_iso_week() {
    let a = with(r#"{"kpis": {"period": "week"}}"#, LOG);
    let k = &a.report.kpis;
    assert_eq!(k.period, crm_lens::kpis::KpiPeriod::Week);
    let p = &k.periods;
    let labels: Vec<&str> = p.iter().map(|x| x.period.as_str()).collect();
    let expected_labels: Vec<String> = (1..=13).map(|w| format!("2024-W{w:02}")).collect();
    assert_eq!(labels, expected_labels);
    let sen: Vec<(u64, u64, u64)> = p
        .iter()
        .map(|x| (x.start_customers, x.end_customers, x.new_customers))
        .collect();
    assert_eq!(
        sen,
        [
            (0, 1, 1), // W01: A
            (1, 1, 0),
            (1, 2, 1), // W03: B
            (2, 3, 1), // W04: C
            (3, 4, 1), // W05: F
            (4, 4, 0),
            (4, 5, 1), // W07: G
            (5, 5, 0),
            (5, 6, 1), // W09: D
            (6, 6, 0),
            (6, 6, 0),
            (6, 6, 0), // W12 ends 03-24: C still in
            (6, 6, 1), // W13: E joins, C leaves
        ]
    );
    assert_eq!(p[0].retention_rate, None);
    assert!(p[1..12].iter().all(|x| x.retention_rate == Some(1.0)));
    assert!(close(p[12].retention_rate.unwrap(), 5.0 / 6.0));
    assert!(close(p[12].churn_rate.unwrap(), 1.0 / 6.0));
    assert!(close(k.retention_rate.unwrap(), (11.0 + 5.0 / 6.0) / 12.0));
    assert!(close(
        k.churn_rate.unwrap(),
        1.0 - (11.0 + 5.0 / 6.0) / 12.0
    ));
    let rev: Vec<f64> = p.iter().map(|x| x.revenue).collect();
    assert_eq!(
        rev,
        [100.0, 0.0, 40.0, 30.0, 20.0, 95.0, 15.0, -10.0, 200.0, 0.0, 60.0, 0.0, 10.0]
    );
    let tx: Vec<u64> = p.iter().map(|x| x.transactions).collect();
    assert_eq!(tx, [1, 0, 1, 1, 1, 2, 1, 0, 1, 0, 1, 0, 1]);
    // Cohorts stay monthly, and the simple CLV keeps the monthly retention (0.9).
    assert_eq!(k.cohorts.months, ["2024-01", "2024-02", "2024-03"]);
    assert!(close(a.report.clv.simple.retention_rate, 0.9));
}

/// Quarters, with two more orders in Q2 and `asOf` 2024-06-30: Q1 starts from an empty
/// base; Q2 starts with the 6 customers in the base on 03-31 and ends with those who bought
/// since 05-02 (06-30 − 59 days): A (06-01) and the new H (05-10). CRR = (2 − 1)/6.
#[test]
fn quarterly_retention_is_crr_per_quarter() {
    let log = format!("{LOG}H,15,2024-05-10,100\nA,16,2024-06-01,30\n");
    let a = with(
        r#"{"asOf": "2024-06-30", "kpis": {"period": "quarter", "marketingSpend": {"2024-05": 40}}}"#,
        &log,
    );
    let k = &a.report.kpis;
    let p = &k.periods;
    let rows: Vec<(&str, u64, u64, u64)> = p
        .iter()
        .map(|x| {
            (
                x.period.as_str(),
                x.start_customers,
                x.end_customers,
                x.new_customers,
            )
        })
        .collect();
    assert_eq!(rows, [("2024-Q1", 0, 6, 7), ("2024-Q2", 6, 2, 1)]);
    assert_eq!(p[0].retention_rate, None);
    assert!(close(p[1].retention_rate.unwrap(), 1.0 / 6.0));
    assert!(close(k.retention_rate.unwrap(), 1.0 / 6.0));
    assert_eq!(
        p.iter().map(|x| x.revenue).collect::<Vec<_>>(),
        [560.0, 130.0]
    );
    assert_eq!(
        p.iter().map(|x| x.transactions).collect::<Vec<_>>(),
        [10, 2]
    );
    // CAC stays monthly: 40 spent in May, one customer (H) acquired then.
    assert_eq!(p[1].cac, None);
    assert_eq!(k.cac, Some(40.0));
    // Monthly for comparison. End of April: bought since 03-02 → B, E. End of May: since
    // 04-02 → H. End of June: since 05-02 → H and A (back after four months).
    let m = with(r#"{"asOf": "2024-06-30"}"#, &log);
    let months: Vec<(&str, u64, u64, u64)> = m
        .report
        .kpis
        .periods
        .iter()
        .map(|x| {
            (
                x.period.as_str(),
                x.start_customers,
                x.end_customers,
                x.new_customers,
            )
        })
        .collect();
    assert_eq!(
        months[3..],
        [
            ("2024-04", 6, 2, 0),
            ("2024-05", 2, 1, 1),
            ("2024-06", 1, 2, 0)
        ]
    );
}

#[test]
fn an_unknown_period_is_an_option_error() {
    let err = Options::from_json(r#"{"kpis": {"period": "day"}}"#).unwrap_err();
    assert_eq!(err.code, "invalid_option");
    assert!(err.message.contains("unknown variant"), "{}", err.message);
}

/// The period changes the KPIs, not the CLV: the simple CLV's monthly retention is the same.
#[test]
fn changing_the_period_does_not_refit_clv() {
    let o = options();
    let mut ds = Dataset::from_bytes(LOG.as_bytes(), &o).unwrap();
    ds.reanalyze(&o).unwrap();
    let mut weekly = options();
    weekly.kpis = Options::from_json(r#"{"kpis": {"period": "week"}}"#)
        .unwrap()
        .kpis;
    ds.reanalyze(&weekly).unwrap();
    let ran = ds.stages_run();
    assert!(ran.contains(&"kpis"), "{ran:?}");
    assert!(!ran.contains(&"clv"), "{ran:?}");
}
