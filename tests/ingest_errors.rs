//! Files that cannot be analysed get a clear error: what was found and which option fixes it.
//! And no input panics.
#![cfg(not(target_arch = "wasm32"))]
mod common;
use common::*;

#[test]
fn empty_files() {
    for bytes in [
        &b""[..],
        b"   \n\r\n\t",
        b"\xEF\xBB\xBF",
        b"\xEF\xBB\xBF\n\n",
    ] {
        let e = error(bytes, "{}");
        assert_eq!(e.code, "empty_file", "{bytes:?}: {e}");
        assert!(e.hint.is_some());
    }
    let e = error(b"customer,date,amount\n", "{}");
    assert_eq!(e.code, "empty_file");
    assert!(
        e.message.contains("\"customer\", \"date\", \"amount\""),
        "{e}"
    );
    assert!(e.hint.unwrap().contains("--has-header"));
}

#[test]
fn binary_files() {
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00";
    let e = error(png, "{}");
    assert_eq!(e.code, "binary_file", "{e}");
    // No NUL bytes, but nothing like text either.
    let noise: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 31 + 1) as u8).collect();
    let e = error(&noise, "{}");
    assert_eq!(e.code, "binary_file", "{e}");
    assert!(e.hint.unwrap().contains("CSV"));
    // A zip that is not a workbook.
    let e = error(b"PK\x03\x04garbage", "{}");
    assert_eq!(e.code, "unreadable_workbook", "{e}");
}

#[test]
fn no_date_column() {
    let e = error(b"customer,amount,note\nA1,12.50,hi\nB2,3,yo\n", "{}");
    assert_eq!(e.code, "no_date_column");
    assert!(
        e.message.contains("\"customer\", \"amount\", \"note\""),
        "{e}"
    );
    assert!(e.message.contains("\"A1\", \"12.50\", \"hi\""), "{e}");
    assert!(e.hint.unwrap().contains("--date-col"));
    // A date column by name whose values no format reads.
    let e = error(b"customer,date,amount\nA1,soon,1\nB2,later,2\n", "{}");
    assert_eq!(e.code, "unparseable_dates");
    assert!(e.message.contains("\"soon\""), "{e}");
    assert!(e.hint.unwrap().contains("--date-format"));
}

#[test]
fn no_amount_column() {
    let e = error(
        b"customer,date,note\nA1,2024-03-05,hello\nB2,2024-03-06,bye\n",
        "{}",
    );
    assert_eq!(e.code, "no_amount_column");
    assert!(e.message.contains("\"note\""), "{e}");
    assert!(e.message.contains("\"hello\""), "{e}");
    assert!(e.hint.unwrap().contains("--amount-col"));
}

#[test]
fn no_usable_rows_names_the_reason_and_the_option() {
    let e = error(
        b"customer,date,amount\nA1,2024-03-05,1\nB2,2024-03-06,2\n",
        r#"{"ingest":{"dateFormat":"%d.%m.%Y"}}"#,
    );
    assert_eq!(e.code, "no_usable_rows");
    assert!(e.message.contains("2 rows unparseableDate"), "{e}");
    assert!(e.hint.unwrap().contains("--date-format"));
}

#[test]
fn invalid_options() {
    let cases: &[(&str, &str)] = &[
        (r#"{"ingest":{"delimiter":"ab"}}"#, "--delimiter"),
        (r#"{"ingest":{"encoding":"klingon"}}"#, "--encoding"),
        (r#"{"ingest":{"dateFormat":"%H:%M"}}"#, "--date-format"),
        (r#"{"ingest":{"customerCol":"nope"}}"#, "--customer-col"),
        (r#"{"ingest":{"amountCol":"9"}}"#, "--amount-col"),
    ];
    for (opts, flag) in cases {
        let e = error(b"customer,date,amount\nA1,2024-03-05,1\n", opts);
        assert_eq!(e.code, "invalid_option", "{opts}");
        assert!(
            e.hint.as_deref().unwrap_or("").contains(flag),
            "{opts}: {e:?}"
        );
    }
    let e = error(
        b"customer,date,amount\nA1,2024-03-05,1\n",
        r#"{"ingest":{"customerCol":"nope"}}"#,
    );
    assert!(
        e.message.contains("\"customer\", \"date\", \"amount\""),
        "{e}"
    );
}

/// Inputs that once were (or could be) trouble: each returns a Report or an Error.
#[test]
fn odd_inputs_never_panic() {
    let inputs: Vec<Vec<u8>> = vec![
        b"\"".to_vec(),
        b"\"a,b\n\"c".to_vec(),
        b",,,\n,,,\n".to_vec(),
        b"a\n".to_vec(),
        b"customer,date,amount\n\xff\xfe\xfd,2024-03-05,1\n".to_vec(),
        b"customer,date,amount\nA,2024-03-05,1e308\nA,2024-03-05,1e308\n".to_vec(),
        b"customer,date,amount\nA,2024-03-05,-0\n".to_vec(),
        b"customer,date,amount\nA,1900-01-01,1\nB,2200-12-31,1\n".to_vec(),
        b"customer,date,amount\nA,45356,1\n".to_vec(),
        b"\xFF\xFEc\x00,\x00d\x00".to_vec(),
        b"\xFE\xFF\x00c".to_vec(),
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec(),
        b"PK\x03\x04".to_vec(),
        "客户,日期,金额\n张,2024年13月45日,1\n".as_bytes().to_vec(),
        b"x y z\n1 2 3\n".to_vec(),
        b"  \"  \n  \"".to_vec(),
        b"id,frequency,recency,T\na,1e308,1e308,1e308\n".to_vec(),
    ];
    for bytes in &inputs {
        for opts in [
            "{}",
            r#"{"ingest":{"summary":true},"asOf":"2024-01-01"}"#,
            r#"{"ingest":{"delimiter":"spaces"}}"#,
            r#"{"ingest":{"returns":"keep","hasHeader":false}}"#,
        ] {
            let o = crm_lens::Options::from_json(opts).unwrap();
            if let Ok(r) = crm_lens::analyze(bytes, &o) {
                assert_balanced(&serde_json::to_value(&r).unwrap());
            }
        }
    }
}
