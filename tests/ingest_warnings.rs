//! The skipped-rows warning names the detected guess that is likely wrong and the option
//! that fixes it; rows left out by design (after `asOf`, customers without a purchase,
//! returns under `returns: drop`, blank lines) never count toward its 5% share.
#![cfg(not(target_arch = "wasm32"))]
mod common;
use common::*;

fn many_skipped(v: &serde_json::Value) -> Option<String> {
    warning_codes(v)
        .contains(&"many_rows_skipped".to_string())
        .then(|| warning(v, "many_rows_skipped"))
}

/// `good` rows of two customers, then `bad` rows as given.
fn file(good: usize, bad: &[&str]) -> String {
    let mut s = String::from("customer,date,amount\n");
    for i in 0..good {
        s.push_str(&format!(
            "c{},2024-03-{:02},{}.50\n",
            i % 2,
            i % 28 + 1,
            i + 1
        ));
    }
    bad.iter().for_each(|b| s.push_str(&format!("{b}\n")));
    s
}

#[test]
fn day_first_dates_read_month_first_are_named() {
    // Month-first (13/12 cannot be a month), then 3 of 20 rows written day-first.
    let mut s = String::from("customer,date,amount\n");
    for i in 0..17 {
        s.push_str(&format!("c{},03/{:02}/2024,1\n", i % 3, i + 13));
    }
    s.push_str("c1,25/03/2024,1\nc2,26/03/2024,1\nc1,27/03/2024,1\n");
    let v = run(s.as_bytes(), "{}");
    assert_eq!(detected(&v)["dateFormat"], "%m/%d/%Y");
    assert_eq!(skipped(&v, "unparseableDate"), 3);
    let w = many_skipped(&v).expect("15% skipped");
    assert!(w.contains("3 of 20 rows (15.0%)"), "{w}");
    assert!(w.contains("most as unparseableDate (3)"), "{w}");
    assert!(
        w.contains(r#"dates read as "%m/%d/%Y" from column "date" is likely wrong"#),
        "{w}"
    );
    assert!(w.contains("--date-format"), "{w}");
}

#[test]
fn each_guess_is_named_with_its_column() {
    // (bad rows, words the warning must hold)
    let cases: &[(&[&str], &[&str])] = &[
        (
            &[",2024-03-20,3", " ,2024-03-21,3"],
            &[
                r#"customer ids read from column "customer" is likely wrong"#,
                "--customer-col",
            ],
        ),
        (
            &["c1,2024-03-20,n/a", "c1,2024-03-21,1.2.3"],
            &[
                r#"amounts read with decimal separator "." from column "amount""#,
                "--decimal",
            ],
        ),
        (
            &["c1,2024-03-20,3,x", "c1,2024-03-21,3,y"],
            &[r#"fields split on ",""#, "--delimiter"],
        ),
    ];
    for (bad, words) in cases {
        let v = run(file(8, bad).as_bytes(), "{}");
        let w = many_skipped(&v).unwrap_or_else(|| panic!("{bad:?}: no warning"));
        for word in *words {
            assert!(w.contains(word), "{bad:?}: {w}");
        }
    }
}

#[test]
fn rows_skipped_by_design_are_not_warned_about() {
    // Half the rows are returns dropped on request.
    let mut bad = Vec::new();
    for i in 0..10 {
        bad.push(format!("c{},2024-03-{:02},-1", i % 2, i + 1));
    }
    let bad: Vec<&str> = bad.iter().map(String::as_str).collect();
    let v = run(
        file(10, &bad).as_bytes(),
        r#"{"ingest":{"returns":"drop"}}"#,
    );
    assert_eq!(skipped(&v, "returnDropped"), 10);
    assert_eq!(many_skipped(&v), None);

    // Customers who only returned things: counted as noPurchaseInPeriod, not warned.
    let returns_only: Vec<String> = (0..6).map(|i| format!("r{i},2024-03-05,-2")).collect();
    let returns_only: Vec<&str> = returns_only.iter().map(String::as_str).collect();
    let v = run(file(10, &returns_only).as_bytes(), "{}");
    assert_eq!(skipped(&v, "noPurchaseInPeriod"), 6);
    assert_eq!(many_skipped(&v), None);

    // Blank lines: counted, not warned.
    let v = run(file(10, &[",,", ",,", ",,"]).as_bytes(), "{}");
    assert_eq!(skipped(&v, "blankLine"), 3);
    assert_eq!(many_skipped(&v), None);

    // 19 of 42 rows after asOf, one bad date and two returns dropped: the old rule (every
    // reason but afterAsOf: 3 of 42 = 7.1%) warned; only the bad date counts now (2.4%).
    let mut s = file(39, &["c1,never,1"]);
    s.push_str("c1,2024-03-02,-1\nc1,2024-03-03,-1\n");
    let v = run(
        s.as_bytes(),
        r#"{"asOf":"2024-03-10","ingest":{"returns":"drop"}}"#,
    );
    assert_eq!(skipped(&v, "afterAsOf"), 19, "{}", v["ingest"]);
    assert_eq!(skipped(&v, "returnDropped"), 2);
    assert_eq!(many_skipped(&v), None);
    // The same with 3 bad dates (3 of 44, 6.8%) warns, naming dates, not asOf or returns.
    let mut s = file(39, &["c1,never,1", "c1,nope,1", "c1,later,1"]);
    s.push_str("c1,2024-03-02,-1\nc1,2024-03-03,-1\n");
    let v = run(
        s.as_bytes(),
        r#"{"asOf":"2024-03-10","ingest":{"returns":"drop"}}"#,
    );
    let w = many_skipped(&v).expect("7% unreadable");
    assert!(w.starts_with("3 of 44 rows"), "{w}");
    assert!(
        w.contains("unparseableDate") && w.contains("dates read as"),
        "{w}"
    );
}

#[test]
fn no_usable_rows_names_the_customer_column() {
    let e = error(
        b"customer,date,amount\n,2024-03-05,1\n ,2024-03-06,2\n",
        r#"{"ingest":{"customerCol":"customer"}}"#,
    );
    assert_eq!(e.code, "no_usable_rows");
    let hint = e.hint.unwrap();
    assert!(
        hint.contains(r#"customer ids read from column "customer""#),
        "{hint}"
    );
    assert!(hint.contains("--customer-col"), "{hint}");
}
