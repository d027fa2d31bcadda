//! Keys docs/report.md names where the code once said something else: the projection's
//! `components` (documented as `loadings` before), the KPI `period`, and `periods[].transactions`
//! counting orders (documented as purchase days before).
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::{Dataset, Options};
use serde_json::Value;

fn report(log: &str) -> Value {
    let o = Options::from_json(r#"{"clv": {"bootstrapDraws": 0}}"#).unwrap();
    let a = Dataset::from_bytes(log.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    serde_json::to_value(&a.report).unwrap()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

/// Two orders of one customer on one day are two transactions of that month, though one
/// purchase day; a two-line order is one.
#[test]
fn documented_keys_and_period_transactions() {
    let log = "customer_id,order_id,order_date,amount
A,1,2024-01-05,10
A,2,2024-01-05,20
A,3,2024-01-20,5
A,3,2024-01-20,5
B,4,2024-01-07,8
C,5,2024-02-01,9
D,6,2024-02-03,4
";
    let r = report(log);
    assert_eq!(
        keys(&r["segments"]["projection"]),
        ["components", "explainedVariance", "method"]
    );
    assert_eq!(
        r["segments"]["projection"]["components"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        keys(&r["segments"]["recommendation"]),
        [
            "bestInRangeK",
            "bestInRangeSilhouette",
            "bestSilhouette",
            "bestSilhouetteK",
            "elbowK",
            "k",
            "preferredRange",
            "reason",
            "silhouetteTolerance"
        ]
    );
    // Four customers: too few for any finding, and the section is still there.
    assert_eq!(keys(&r["insights"]), ["findings"]);
    assert_eq!(r["insights"]["findings"].as_array().unwrap().len(), 0);
    assert_eq!(
        keys(&r["clv"]["oneTimeBuyers"]),
        ["customers", "pAlive", "share"]
    );
    assert_eq!(r["kpis"]["period"], "month");
    let p = &r["kpis"]["periods"];
    assert_eq!(
        keys(&p[0]),
        [
            "cac",
            "churnRate",
            "endCustomers",
            "newCustomers",
            "period",
            "retentionRate",
            "revenue",
            "startCustomers",
            "transactions"
        ]
    );
    // January: A's orders 1 and 2 (one day), 3 (two lines), B's 4: 4 orders on 3 purchase days.
    assert_eq!(p[0]["period"], "2024-01");
    assert_eq!(p[0]["transactions"], 4);
    assert_eq!(p[1]["transactions"], 2);
    assert_eq!(r["kpis"]["transactions"], 6);
}
