//! Every ingest override is reachable from JS: the camelCase JSON names (what `new
//! Dataset(bytes, options)` and `analyze(bytes, options)` pass through serde) are the ones
//! docs/report.md documents, and each one, given as JSON, changes what ingest reads.
//!
//! The option list comes from serialising `IngestOptions` itself, so a new field without a
//! documented name or a case below fails here.
#![cfg(not(target_arch = "wasm32"))]
mod common;
use common::*;
use serde_json::Value;

use crm_lens::ingest::IngestOptions;

fn option_names() -> Vec<String> {
    let v = serde_json::to_value(IngestOptions::default()).unwrap();
    v.as_object().unwrap().keys().cloned().collect()
}

fn report_md() -> String {
    std::fs::read_to_string(format!("{}/docs/report.md", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The JSON example under "## Options" in docs/report.md.
fn documented_options() -> Value {
    let md = report_md();
    let section = &md[md.find("## Options").expect("an Options section")..];
    let start = section.find("```json").expect("a JSON example") + "```json".len();
    let end = start + section[start..].find("```").unwrap();
    serde_json::from_str(&section[start..end]).expect("the documented options are JSON")
}

#[test]
fn documented_names_are_the_struct_and_are_accepted() {
    let doc = documented_options();
    let mut documented: Vec<String> = doc["ingest"].as_object().unwrap().keys().cloned().collect();
    let mut names = option_names();
    documented.sort();
    names.sort();
    assert_eq!(
        documented, names,
        "docs/report.md's ingest options vs IngestOptions"
    );
    // The documented example deserialises (unknown keys are rejected) to the defaults.
    let opts = crm_lens::Options::from_json(&doc.to_string()).unwrap();
    assert_eq!(opts.ingest, IngestOptions::default());
    // And each name is explained in the reading table or the text, not only listed.
    let md = report_md();
    for name in &names {
        assert!(
            md.contains(&format!("`{name}`")),
            "`{name}` is not explained in docs/report.md"
        );
    }
}

const TWO_OF_EACH: &[u8] = b"customer_id,email,order_date,ship_date,amount,tax,invoice,note\n\
    c1,x@a,2024-03-05,2024-03-07,10,1,i1,n1\n\
    c2,x@a,2024-03-05,2024-03-08,20,2,i1,n1\n\
    c1,y@a,2024-03-06,2024-04-09,30,3,i2,n2\n\
    c1,y@a,2024-03-06,2024-04-10,40,4,i3,n2\n";

const QTY_PRICE: &[u8] = b"customer,date,qty,units,price,list_price\n\
    a,2024-03-05,2,3,1.5,2.5\n\
    b,2024-03-06,1,4,10,20\n";

/// For one option: the file, the option's JSON value, and what must differ from the file
/// read without it (the sniffed reading, or its error).
type Check = fn(&Result<Value, crm_lens::Error>, &Value);

fn case(name: &str) -> (Vec<u8>, &'static str, Check) {
    match name {
        "encoding" => (
            encoding_rs::WINDOWS_1251
                .encode("Клиент;Дата;Сумма\nАня;03.04.2024;15\nБорис;05.04.2024;25\nАня;07.04.2024;3\n")
                .0
                .into_owned(),
            r#""windows-1252""#,
            |base, v| {
                let base = base.as_ref().unwrap();
                assert_eq!(detected(base)["encoding"], "windows-1251");
                assert_eq!(detected(v)["encoding"], "windows-1252");
                assert_eq!(detected(v)["columns"]["customerId"], "Êëèåíò");
            },
        ),
        "delimiter" => (
            b"customer#date#amount\nA#2024-03-05#10\nB#2024-03-06#20\nA#2024-03-07#5\n".to_vec(),
            r##""#""##,
            |base, v| {
                assert_eq!(base.as_ref().unwrap_err().code, "no_date_column");
                assert_eq!(detected(v)["delimiter"], "#");
                assert_close(revenue(v), 35.0);
            },
        ),
        "hasHeader" => (
            b"A1,2024-03-05,12.50\nB2,2024-03-06,100\nA1,2024-04-01,7.25\nB2,2024-04-02,1\n".to_vec(),
            "true",
            |base, v| {
                assert_eq!(rows(base.as_ref().unwrap()), (4, 4));
                assert_eq!(rows(v), (3, 3));
                assert_close(revenue(v), 108.25);
            },
        ),
        "decimal" => (
            b"customer,date,amount\nA,2024-03-05,\"10,500\"\nB,2024-03-06,\"2,250\"\n".to_vec(),
            r#"",""#,
            |base, v| {
                assert_close(revenue(base.as_ref().unwrap()), 12_750.0);
                assert_eq!(detected(v)["decimalSeparator"], ",");
                assert_close(revenue(v), 12.75);
            },
        ),
        "dateFormat" => (
            b"customer,date,amount\nA,03/05/2024,10\nB,03/17/2024,20\nA,04/01/2024,5\n".to_vec(),
            r#""%d/%m/%Y""#,
            |base, v| {
                assert_eq!(detected(base.as_ref().unwrap())["dateFormat"], "%m/%d/%Y");
                assert_eq!(skipped(v, "unparseableDate"), 1);
                assert_eq!(v["ingest"]["firstDate"], "2024-01-04");
            },
        ),
        "covariateCols" => (TWO_OF_EACH.to_vec(), r#"["note"]"#, |base, v| {
            assert!(detected(base.as_ref().unwrap())["columns"]
                .get("covariates")
                .is_none());
            assert_eq!(detected(v)["columns"]["covariates"][0], "note");
        }),
        "customerCol" => (TWO_OF_EACH.to_vec(), r#""email""#, |base, v| {
            assert_eq!(transactions(base.as_ref().unwrap()), 4);
            assert_eq!(detected(v)["columns"]["customerId"], "email");
            assert_eq!(transactions(v), 3);
        }),
        "dateCol" => (TWO_OF_EACH.to_vec(), r#""ship_date""#, |base, v| {
            assert_eq!(base.as_ref().unwrap()["ingest"]["lastDate"], "2024-03-06");
            assert_eq!(v["ingest"]["lastDate"], "2024-04-10");
        }),
        "amountCol" => (TWO_OF_EACH.to_vec(), r#""6""#, |base, v| {
            assert_close(revenue(base.as_ref().unwrap()), 100.0);
            assert_eq!(detected(v)["columns"]["amount"], "tax");
            assert_close(revenue(v), 10.0);
        }),
        "orderCol" => (TWO_OF_EACH.to_vec(), r#""note""#, |base, v| {
            assert_eq!(detected(base.as_ref().unwrap())["columns"]["orderId"], "invoice");
            assert_eq!(detected(v)["columns"]["orderId"], "note");
            assert_eq!(transactions(v), 3);
        }),
        "quantityCol" => (QTY_PRICE.to_vec(), r#""units""#, |base, v| {
            assert_close(revenue(base.as_ref().unwrap()), 13.0);
            assert_close(revenue(v), 44.5);
        }),
        "unitPriceCol" => (QTY_PRICE.to_vec(), r#""list_price""#, |base, v| {
            assert_eq!(detected(base.as_ref().unwrap())["columns"]["unitPrice"], "price");
            assert_close(revenue(v), 25.0);
        }),
        "returns" => (
            b"invoice,customer,date,amount\nC1,a,2024-03-05,4\n2,a,2024-03-06,10\n3,b,2024-03-06,5\n"
                .to_vec(),
            r#""drop""#,
            |base, v| {
                assert_close(revenue(base.as_ref().unwrap()), 11.0);
                assert_eq!(skipped(v, "returnDropped"), 1);
                assert_close(revenue(v), 15.0);
            },
        ),
        "summary" => (
            b"customer_id,frequency,recency,T\na,1,5,10\nb,0,0,3\n".to_vec(),
            "true",
            |base, v| {
                assert_eq!(base.as_ref().unwrap_err().code, "looks_like_summary");
                assert_eq!(detected(v)["source"], "summary");
                assert_eq!(customers(v), 2);
            },
        ),
        "outlierDates" => (
            {
                let mut log = String::from("customer,date,amount\n");
                for i in 0..30 {
                    log += &format!("c{},2024-03-{:02},10\n", i % 7, 1 + i % 28);
                }
                log += "c1,2034-03-05,10\n";
                log.into_bytes()
            },
            r#""keep""#,
            |base, v| {
                let base = base.as_ref().unwrap();
                assert_eq!(skipped(base, "outlierDate"), 1);
                assert_eq!(detected(base)["dateOutliers"]["policy"], "skip");
                assert_eq!(skipped(v, "outlierDate"), 0);
                assert_eq!(skipped(v, "afterAsOf"), 1, "kept, then after asOf");
                assert_eq!(detected(v)["dateOutliers"]["policy"], "keep");
            },
        ),
        "survival" => (
            b"period,active\n0,100\n1,60\n2,45\n".to_vec(),
            "true",
            |base, v| {
                assert_eq!(base.as_ref().unwrap_err().code, "no_date_column");
                assert_eq!(detected(v)["source"], "survival");
                assert_eq!(v["retention"]["subscribers"], 100.0);
            },
        ),
        "subscriptions" => (
            b"customer,start,end\na,2024-01-05,2024-03-01\nb,2024-02-01,\n".to_vec(),
            "true",
            |base, v| {
                assert_eq!(base.as_ref().unwrap_err().code, "no_amount_column");
                assert_eq!(detected(v)["source"], "subscriptions");
                assert_eq!(v["retention"]["churned"], 1.0);
            },
        ),
        other => panic!("ingest option `{other}` has no case here: add one"),
    }
}

#[test]
fn every_ingest_option_changes_the_reading_through_json() {
    for name in option_names() {
        let (bytes, value, check) = case(&name);
        let base = crm_lens::Options::from_json(r#"{"asOf":"2024-12-31"}"#)
            .and_then(|o| crm_lens::analyze(&bytes, &o))
            .map(|r| serde_json::to_value(r).unwrap());
        let json = format!(r#"{{"asOf":"2024-12-31","ingest":{{"{name}":{value}}}}}"#);
        // The JSON name reaches its field: the parsed options differ from the defaults.
        let opts = crm_lens::Options::from_json(&json).unwrap();
        assert_ne!(opts.ingest, IngestOptions::default(), "{name}");
        check(&base, &run(&bytes, &json));
    }
}
