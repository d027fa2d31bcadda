//! Row accounting, skip warnings, returns, order lines, quantity × unit price, the summary
//! input, and every option that overrides a guess.
#![cfg(not(target_arch = "wasm32"))]
mod common;
use common::*;

/// Online Retail-like: order lines, quantity × unit price, a cancelled invoice, m/d dates.
const RETAIL: &str =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,\"WHITE HANGING HEART, T-LIGHT\",6,12/1/2010 8:26,2.55,17850,United Kingdom
536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom
536366,22633,HAND WARMER,6,12/1/2010 8:28,1.85,17850,United Kingdom
536367,84879,BIRD ORNAMENT,32,12/1/2010 8:34,1.69,13047,United Kingdom
C536379,D,Discount,-1,12/1/2010 9:41,27.50,14527,United Kingdom
536380,22961,JAM JAR,2,12/2/2010 9:41,5.00,14527,United Kingdom
536381,22961,JAM JAR,1,12/13/2010 10:00,5.00,,United Kingdom
";

#[test]
fn order_lines_quantity_price_and_cancelled_invoices() {
    let v = run(RETAIL.as_bytes(), "{}");
    let d = detected(&v);
    assert_eq!(d["columns"]["orderId"], "InvoiceNo");
    assert_eq!(d["columns"]["quantity"], "Quantity");
    assert_eq!(d["columns"]["unitPrice"], "UnitPrice");
    assert!(d["columns"]["amount"].is_null());
    assert_eq!(d["columns"]["customerId"], "CustomerID");
    assert_eq!(d["dateFormat"], "%m/%d/%Y");
    assert_eq!(rows(&v), (7, 6));
    assert_eq!(skipped(&v, "missingCustomerId"), 1);
    assert_eq!(
        example(&v, "missingCustomerId"),
        (8, "CustomerID".into(), "".into())
    );
    assert_eq!(customers(&v), 3);
    // 17850: two lines of 536365 are one transaction, plus 536366; the cancelled invoice is
    // a return, not a purchase.
    assert_eq!(transactions(&v), 4);
    assert_close(revenue(&v), 15.3 + 20.34 + 11.1 + 54.08 - 27.5 + 10.0);
    assert_eq!(v["ingest"]["returns"], "net");
    assert_eq!(v["ingest"]["returnLines"], 1);
    assert_eq!(d["cancelledOrderPrefix"], "C", "the convention is reported");
}

/// A shop whose order ids all start with C and a digit (C0001 …) is not cancelling every
/// order: the Online Retail convention holds only while C-ids are the exception.
#[test]
fn order_ids_that_all_start_with_c_are_ordinary_orders() {
    let mut csv = String::from("customer,order,date,amount\n");
    for i in 0..40 {
        csv += &format!("k{},C{:04},2024-01-{:02},10\n", i % 7, i, 1 + i % 28);
    }
    let v = run(csv.as_bytes(), "{}");
    assert_eq!(v["ingest"]["returnLines"], 0);
    assert_close(revenue(&v), 400.0);
    assert!(detected(&v).get("cancelledOrderPrefix").is_none());
    // One C-id among ordinary ones is a cancellation again.
    let mut retail = String::from("customer,order,date,amount\n");
    for i in 0..40 {
        let order = if i == 5 {
            "C1005".to_string()
        } else {
            format!("{}", 1000 + i)
        };
        retail += &format!("k{},{order},2024-01-{:02},10\n", i % 7, 1 + i % 28);
    }
    let v = run(retail.as_bytes(), "{}");
    assert_eq!(v["ingest"]["returnLines"], 1);
    assert_close(revenue(&v), 380.0);
}

#[test]
fn returns_net_drop_keep() {
    let drop = run(RETAIL.as_bytes(), r#"{"ingest":{"returns":"drop"}}"#);
    assert_eq!(rows(&drop), (7, 5));
    assert_eq!(skipped(&drop, "returnDropped"), 1);
    assert_eq!(example(&drop, "returnDropped").0, 6);
    assert_eq!(drop["ingest"]["returnLines"], 0);
    assert_eq!(transactions(&drop), 4);
    assert_close(revenue(&drop), 15.3 + 20.34 + 11.1 + 54.08 + 10.0);

    let keep = run(RETAIL.as_bytes(), r#"{"ingest":{"returns":"keep"}}"#);
    assert_eq!(rows(&keep), (7, 6));
    assert_eq!(keep["ingest"]["returns"], "keep");
    assert_eq!(
        transactions(&keep),
        5,
        "the return is a transaction of its own"
    );
    assert_close(revenue(&keep), 15.3 + 20.34 + 11.1 + 54.08 - 27.5 + 10.0);
}

#[test]
fn negative_lines_zero_and_negative_totals_do_not_crash() {
    // A nets to 0, B to a negative total, C only returns (not a customer), D buys for 0.
    let text = "customer,date,amount\nA,2024-01-05,10\nA,2024-01-09,-10\nB,2024-02-01,5\nB,2024-02-03,(12.50)\nC,2024-02-04,-3\nD,2024-03-01,0\n";
    for returns in ["net", "drop", "keep"] {
        let v = run(
            text.as_bytes(),
            &format!(r#"{{"ingest":{{"returns":"{returns}"}}}}"#),
        );
        let k = &v["kpis"];
        for key in [
            "revenue",
            "averageOrderValue",
            "revenuePerCustomer",
            "purchaseFrequency",
        ] {
            assert!(
                k[key].as_f64().is_some_and(f64::is_finite),
                "{returns} {key}: {k}"
            );
        }
        // serde_json writes a non-finite f64 as null, so check that the totals are numbers.
        for (section, key) in [("clv", "totals"), ("segments", "inertia")] {
            let x = &v[section][key];
            assert!(
                x.is_number() || x.is_object(),
                "{returns} {section}.{key}: {x}"
            );
        }
        assert!(
            v["clv"]["totals"]["clv"]
                .as_f64()
                .is_some_and(f64::is_finite),
            "{returns}"
        );
        let json = serde_json::to_string(&v).unwrap();
        assert!(
            !json.contains("NaN") && !json.contains("Infinity"),
            "{returns}"
        );
    }
    let net = run(text.as_bytes(), "{}");
    assert_eq!(customers(&net), 3);
    assert_eq!(skipped(&net, "noPurchaseInPeriod"), 1);
    assert_eq!(
        example(&net, "noPurchaseInPeriod"),
        (6, "customer".into(), "C".into())
    );
    assert_close(revenue(&net), -7.5);
}

fn ten_rows_with(bad: &[&str]) -> String {
    let mut s = String::from("customer,date,amount\n");
    for i in 0..10 - bad.len() {
        s.push_str(&format!("c{},2024-03-{:02},{}.50\n", i % 4, i + 1, i + 1));
    }
    for b in bad {
        s.push_str(b);
        s.push('\n');
    }
    s
}

#[test]
fn each_skip_reason_is_counted_with_examples_and_warned_with_its_option() {
    // (bad rows, reason, column of the example, text of the first example, option in warning)
    let cases: &[(&[&str], &str, &str, &str, &str)] = &[
        (
            &["c9,yesterday,3", "c9,2024-13-45,3"],
            "unparseableDate",
            "date",
            "yesterday",
            "--date-format",
        ),
        (
            &["c9,2024-03-20,n/a", "c9,2024-03-21,twelve"],
            "nonNumericAmount",
            "amount",
            "n/a",
            "--decimal",
        ),
        (
            &["c9,2024-03-20,3,extra,more", "c8,2024-03-21,3,x"],
            "wrongFieldCount",
            "",
            "5 fields: c9|2024-03-20|3|extra|more",
            "--delimiter",
        ),
        (
            &[",2024-03-20,3", "  ,2024-03-21,3"],
            "missingCustomerId",
            "customer",
            "",
            "--customer-col",
        ),
        // Blank lines are counted but never warned about: no guess is wrong
        // (tests/ingest_warnings.rs).
        (&[",,", " , , "], "blankLine", "", "", ""),
    ];
    for (bad, reason, col, text, option) in cases {
        let v = run(ten_rows_with(bad).as_bytes(), "{}");
        assert_eq!(rows(&v), (10, 8), "{reason}: {}", v["ingest"]);
        assert_eq!(skipped(&v, reason), 2, "{reason}");
        let (line, column, t) = example(&v, reason);
        assert_eq!(line, 10, "{reason}");
        assert_eq!(column, *col, "{reason}");
        assert_eq!(t, *text, "{reason}");
        if option.is_empty() {
            assert!(!warning_codes(&v).contains(&"many_rows_skipped".to_string()));
            continue;
        }
        let w = warning(&v, "many_rows_skipped");
        assert!(w.contains("2 of 10 rows"), "{w}");
        assert!(w.contains(option), "{reason}: {w}");
    }
    // Under 5%: no warning.
    let mut s = ten_rows_with(&[]);
    for i in 0..30 {
        s.push_str(&format!("d{i},2024-04-01,1\n"));
    }
    s.push_str("d1,never,1\n");
    let v = run(s.as_bytes(), "{}");
    assert_eq!(skipped(&v, "unparseableDate"), 1);
    assert!(!warning_codes(&v).contains(&"many_rows_skipped".to_string()));
}

#[test]
fn after_as_of_is_accounted_but_not_warned() {
    let v = run(ten_rows_with(&[]).as_bytes(), r#"{"asOf":"2024-03-05"}"#);
    assert_eq!(rows(&v), (10, 5));
    assert_eq!(skipped(&v, "afterAsOf"), 5);
    assert_eq!(
        example(&v, "afterAsOf"),
        (7, "date".into(), "2024-03-06".into())
    );
    assert!(!warning_codes(&v).contains(&"many_rows_skipped".to_string()));
}

/// Lines of used rows are no longer a column but runs (`ingest::Lines`): the examples of rows
/// dropped after ingest must still name the right physical line past skipped rows, blank
/// lines and a quoted field that spans two lines.
#[test]
fn after_as_of_examples_name_the_physical_line() {
    let text = "customer,date,amount\n\
                a,2024-03-01,1\n\
                b,never,1\n\
                \n\
                c,2024-03-02,\"1\"\n\
                \"d\nx\",2024-03-10,2\n\
                e,2024-03-11,3\n\
                ,2024-03-01,1\n\
                f,2024-03-12,4\n\
                g,2024-03-13,5\n";
    let v = run(text.as_bytes(), r#"{"asOf":"2024-03-05"}"#);
    assert_eq!(skipped(&v, "afterAsOf"), 4);
    let lines: Vec<u64> = v["ingest"]["examples"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["reason"] == "afterAsOf")
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [6, 8, 10]);
    assert_eq!(example(&v, "unparseableDate").0, 3);
    assert_eq!(example(&v, "missingCustomerId").0, 9);
}

#[test]
fn summary_input() {
    let text = "customer_id,frequency,recency,T,monetary_value\na,2,30,40,25.5\nb,0,0,20,0\nc,-1,0,5,0\nd,1,50,40,10\ne,1,10,1e300,10\nf,1e300,1,2,1e300\n";
    let v = run(
        text.as_bytes(),
        r#"{"asOf":"2024-12-31","ingest":{"summary":true}}"#,
    );
    assert_eq!(detected(&v)["source"], "summary");
    assert_eq!(rows(&v), (6, 2));
    assert_eq!(skipped(&v, "invalidSummaryRow"), 4);
    assert_eq!(example(&v, "invalidSummaryRow").2, "c|-1|0|5|0");
    assert_eq!(customers(&v), 2);
    assert_close(revenue(&v), 25.5 * 3.0);
    // Without monetary_value, and with lifetimes' short names.
    let v = run(
        b"id,x,t_x,T\na,3,10,12\nb,0,0,4\n",
        r#"{"asOf":"2024-12-31","ingest":{"summary":true}}"#,
    );
    assert_eq!(rows(&v), (2, 2));
    assert_eq!(customers(&v), 2);
    let e = error(b"who,what\na,1\n", r#"{"ingest":{"summary":true}}"#);
    assert_eq!(e.code, "summary_columns");
    assert!(e.message.contains("\"who\""), "{e}");
}

#[test]
fn column_options_override_the_guesses() {
    // customer: `email` is the sniffed id; the option picks the name instead.
    let text = "email,customer_name,date,amount\na@x,Ann,2024-03-05,1\nb@x,Ann,2024-03-06,2\n";
    assert_eq!(customers(&run(text.as_bytes(), "{}")), 2);
    let v = run(
        text.as_bytes(),
        r#"{"ingest":{"customerCol":"customer_name"}}"#,
    );
    assert_eq!(detected(&v)["columns"]["customerId"], "customer_name");
    assert_eq!(customers(&v), 1);

    // date, by name; amount and order, by 1-based number.
    let text = "created,shipped,customer,amount,tax,ref\n2024-03-01,2024-03-05,A,10,1,r1\n2024-03-02,2024-03-09,A,20,2,r1\n";
    let v = run(text.as_bytes(), "{}");
    assert_eq!(detected(&v)["columns"]["date"], "created");
    assert_eq!(transactions(&v), 2);
    let v = run(
        text.as_bytes(),
        r#"{"ingest":{"dateCol":"shipped","amountCol":"5","orderCol":"6"}}"#,
    );
    let cols = &detected(&v)["columns"];
    assert_eq!(
        (cols["date"].as_str(), cols["amount"].as_str()),
        (Some("shipped"), Some("tax"))
    );
    assert_eq!(cols["orderId"], "ref");
    assert_eq!(v["ingest"]["firstDate"], "2024-03-05");
    assert_close(revenue(&v), 3.0);
    assert_eq!(transactions(&v), 1, "two lines of order r1");

    // quantity × unit price by option.
    let text = "customer,date,n,each\nA,2024-03-05,2,1.25\nB,2024-03-06,3,2.50\n";
    let v = run(
        text.as_bytes(),
        r#"{"ingest":{"quantityCol":"n","unitPriceCol":"each"}}"#,
    );
    assert_eq!(detected(&v)["columns"]["quantity"], "n");
    assert!(detected(&v)["columns"]["amount"].is_null());
    assert_close(revenue(&v), 10.0);
}

#[test]
fn format_options_override_the_guesses() {
    // decimal: `1.234` alone cannot tell; the option says it is German thousands.
    let text = b"customer;date;amount\nA;2024-03-05;1.234\nB;2024-03-06;2.500\n";
    let v = run(text, "{}");
    assert_eq!(detected(&v)["decimalSeparator"], ".");
    assert_close(revenue(&v), 3.734);
    let v = run(text, r#"{"ingest":{"decimal":","}}"#);
    assert_eq!(detected(&v)["decimalSeparator"], ",");
    assert_close(revenue(&v), 3734.0);

    // date format: day-first forced on an unambiguous month-first file skips what it cannot read.
    let text = b"customer,date,amount\nA,03/05/2024,1\nB,03/17/2024,2\n";
    let v = run(text, r#"{"ingest":{"dateFormat":"%d/%m/%Y"}}"#);
    assert_eq!(detected(&v)["dateFormat"], "%d/%m/%Y");
    assert_eq!(skipped(&v, "unparseableDate"), 1);

    // encoding: forced, and reported as forced.
    let (cp, _, _) = encoding_rs::WINDOWS_1251.encode("Клиент;Дата;Сумма\nА;05.03.2024;1\n");
    let v = run(&cp, r#"{"ingest":{"encoding":"windows-1251"}}"#);
    assert_eq!(detected(&v)["encoding"], "windows-1251");
    assert_eq!(detected(&v)["columns"]["customerId"], "Клиент");

    // delimiter: `;` forced on a file whose amounts hold commas.
    let text = b"customer;date;amount\nA;2024-03-05;1,5\nB;2024-03-06;2,5\n";
    let v = run(text, r#"{"ingest":{"delimiter":";"}}"#);
    assert_eq!(detected(&v)["delimiter"], ";");
    assert_eq!(detected(&v)["decimalSeparator"], ",");
    assert_close(revenue(&v), 4.0);
    let v = run(
        b"A\t2024-03-05\t1\nB\t2024-03-06\t2\n",
        r#"{"ingest":{"delimiter":"tab"}}"#,
    );
    assert_eq!(detected(&v)["delimiter"], "\\t");

    // header: a first row of data that the sniffer would call a header is read as data.
    let text = b"id,when,value\nA,2024-03-05,1\nB,2024-03-06,2\nC,2024-03-07,3\nA,2024-03-08,4\nB,2024-03-09,5\n";
    let v = run(text, "{}");
    assert_eq!(detected(&v)["hasHeader"], true);
    assert_eq!(rows(&v), (5, 5));
    let v = run(text, r#"{"ingest":{"hasHeader":false}}"#);
    assert_eq!(detected(&v)["hasHeader"], false);
    assert_eq!(detected(&v)["columns"]["date"], "#2");
    assert_eq!(rows(&v), (6, 5));
    assert_eq!(skipped(&v, "unparseableDate"), 1);
}
