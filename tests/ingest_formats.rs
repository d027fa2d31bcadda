//! Ingest of the text exports people really have: encodings, delimiters, headers, numbers and
//! dates. Each test asserts the detected settings, the row account, customers and revenue.
#![cfg(not(target_arch = "wasm32"))]
mod common;
use common::*;

/// Three rows, two customers, revenue 119.75 — the base case every variant reads the same.
fn check_abc(v: &serde_json::Value) {
    assert_eq!(rows(v), (3, 3), "{}", v["ingest"]);
    assert_eq!(customers(v), 2);
    assert_close(revenue(v), 119.75);
    assert_eq!(v["ingest"]["firstDate"], "2024-03-05");
    assert_eq!(v["ingest"]["lastDate"], "2024-04-01");
}

#[test]
fn utf8_comma_with_header() {
    let v = run(
        b"customer_id,order_date,amount\nA1,2024-03-05,12.50\nB2,2024-03-06,100\nA1,2024-04-01,7.25\n",
        "{}",
    );
    let d = detected(&v);
    assert_eq!(d["source"], "csv");
    assert_eq!(d["encoding"], "UTF-8");
    assert_eq!(d["bom"], false);
    assert_eq!(d["delimiter"], ",");
    assert_eq!(d["hasHeader"], true);
    assert_eq!(d["decimalSeparator"], ".");
    assert_eq!(d["dateFormat"], "%Y-%m-%d");
    assert_eq!(d["columns"]["customerId"], "customer_id");
    assert_eq!(d["columns"]["date"], "order_date");
    assert_eq!(d["columns"]["amount"], "amount");
    check_abc(&v);
}

#[test]
fn utf8_bom_semicolon_decimal_comma_dotted_dates() {
    let text = "\u{feff}customer;date;amount\r\nA1;5.3.2024;12,50\r\nB2;6.3.2024;1.000,00\r\nA1;1.4.2024;7,25\r\n";
    let v = run(text.as_bytes(), "{}");
    let d = detected(&v);
    assert_eq!(d["bom"], true);
    assert_eq!(d["encoding"], "UTF-8");
    assert_eq!(d["delimiter"], ";");
    assert_eq!(d["decimalSeparator"], ",");
    assert_eq!(d["dateFormat"], "%d.%m.%Y");
    assert_eq!(
        d["columns"]["customerId"], "customer",
        "the BOM is not part of the name"
    );
    assert_eq!(rows(&v), (3, 3));
    assert_eq!(customers(&v), 2);
    assert_close(revenue(&v), 1019.75);
}

#[test]
fn gbk_chinese_export() {
    let text = "客户编号,下单时间,实付金额\n张三,2024年3月5日 10:00,￥12.50\n李四,2024年3月6日,\"￥1,000.00\"\n张三,2024年4月1日,7.25元\n";
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "fixture must be GBK, not UTF-8"
    );
    let v = run(&bytes, "{}");
    let d = detected(&v);
    assert_eq!(d["encoding"], "GBK");
    assert_eq!(d["dateFormat"], "%Y年%m月%d日");
    assert_eq!(d["columns"]["customerId"], "客户编号");
    assert_eq!(d["columns"]["date"], "下单时间");
    assert_eq!(d["columns"]["amount"], "实付金额");
    assert_eq!(rows(&v), (3, 3));
    assert_eq!(customers(&v), 2);
    assert_close(revenue(&v), 1019.75);
}

#[test]
fn gb18030_forced_encoding() {
    let text = "客户ID,订单日期,金额\n王五,2024/3/5,10\n赵六,2024/3/17,20.5\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    let v = run(&bytes, r#"{"ingest":{"encoding":"gb18030"}}"#);
    assert_eq!(detected(&v)["encoding"], "gb18030");
    assert_eq!(detected(&v)["dateFormat"], "%Y/%m/%d");
    assert_eq!(detected(&v)["columns"]["customerId"], "客户ID");
    assert_eq!(customers(&v), 2);
    assert_close(revenue(&v), 30.5);
}

/// GB18030 proper: names outside GBK (four-byte sequences), detected without an option. The
/// detector names the GBK family; encoding_rs decodes four-byte sequences under that label
/// too (WHATWG: one decoder for both), so every name arrives intact.
#[test]
fn gb18030_detected() {
    let text = "客户ID,订单日期,金额\n王𠀀,2024/3/5,10\n赵😀,2024/3/17,20.5\n王𠀀,2024/3/18,1\n";
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    assert!(
        encoding_rs::GBK.encode(text).2,
        "fixture must need GB18030's four-byte sequences"
    );
    let v = run(&bytes, "{}");
    let d = detected(&v);
    assert_eq!(d["encoding"], "GBK");
    assert_eq!(d["columns"]["customerId"], "客户ID");
    assert_eq!(d["dateFormat"], "%Y/%m/%d");
    assert_eq!(rows(&v), (3, 3));
    assert_eq!(customers(&v), 2);
    assert_close(revenue(&v), 31.5);
    // The four-byte names survive: the forced label reads the same customers.
    let forced = run(&bytes, r#"{"ingest":{"encoding":"gb18030"}}"#);
    assert_eq!(forced["rfm"], v["rfm"]);
    let opts = crm_lens::Options::default();
    let analysis = crm_lens::Dataset::from_bytes(&bytes, &opts)
        .and_then(|ds| ds.analyze(&opts))
        .unwrap();
    let ids: Vec<&str> = analysis.customers.ids.iter().collect();
    assert_eq!(ids, ["王𠀀", "赵😀"]);
}

#[test]
fn windows_1251_russian_export() {
    let text = "Покупатель;Дата;Сумма\nИванов;05.03.2024;1\u{a0}234,50 руб.\nПетров;06.03.2024;99,90\nИванов;17.03.2024;1 000 руб.\n";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(text);
    assert!(!unmappable);
    let v = run(&bytes, "{}");
    let d = detected(&v);
    assert_eq!(d["encoding"], "windows-1251");
    assert_eq!(d["delimiter"], ";");
    assert_eq!(d["decimalSeparator"], ",");
    assert_eq!(d["dateFormat"], "%d.%m.%Y");
    assert_eq!(d["columns"]["customerId"], "Покупатель");
    assert_eq!(d["columns"]["amount"], "Сумма");
    assert_eq!(rows(&v), (3, 3));
    assert_eq!(customers(&v), 2);
    assert_close(revenue(&v), 2334.4);
}

#[test]
fn tab_without_header() {
    let v = run(
        b"A1\t2024-03-05\t12.50\nB2\t2024-03-06\t100.00\nA1\t2024-04-01\t7.25\n",
        "{}",
    );
    let d = detected(&v);
    assert_eq!(d["delimiter"], "\\t");
    assert_eq!(d["hasHeader"], false);
    assert_eq!(d["header"], serde_json::json!(["#1", "#2", "#3"]));
    assert_eq!(d["columns"]["customerId"], "#1");
    assert_eq!(d["columns"]["date"], "#2");
    assert_eq!(d["columns"]["amount"], "#3");
    check_abc(&v);
}

#[test]
fn pipe_with_quoted_embedded_delimiters() {
    let text = "order|customer|date|amount|note\n\
                1|\"Smith|John\"|2024-03-05|12.50|\"said \"\"hi\"\" | bye\"\n\
                2|B2|2024-03-06|100|\"two\nlines\"\n\
                3|\"Smith|John\"|2024-04-01|7.25|\n";
    let v = run(text.as_bytes(), "{}");
    assert_eq!(detected(&v)["delimiter"], "|");
    assert_eq!(detected(&v)["columns"]["orderId"], "order");
    check_abc(&v);
}

#[test]
fn comma_with_quoted_thousands() {
    let text = "customer,date,amount\nA1,2024-03-05,\"1,012.50\"\nB2,2024-03-06,\"$100.00\"\nA1,2024-04-01,7.25\n";
    let v = run(text.as_bytes(), "{}");
    assert_eq!(detected(&v)["delimiter"], ",");
    assert_eq!(detected(&v)["decimalSeparator"], ".");
    assert_close(revenue(&v), 1119.75);
}

#[test]
fn whitespace_aligned_columns() {
    let text = "customer   date          amount\n\
                A1         2024-03-05     12.50\n\
                B2         2024-03-06    100.00\n\
                A1         2024-04-01      7.25\n";
    let v = run(text.as_bytes(), "{}");
    assert_eq!(detected(&v)["delimiter"], "spaces");
    assert_eq!(detected(&v)["columns"]["amount"], "amount");
    check_abc(&v);
    // The same with the option, and with a quoted name holding spaces.
    let text = "  id   date        amount\n  \"A 1\"  2024-03-05  12.50\n  B2   2024-03-06  100\n  \"A 1\"  2024-04-01   7.25\n";
    let v = run(text.as_bytes(), r#"{"ingest":{"delimiter":"spaces"}}"#);
    assert_eq!(detected(&v)["delimiter"], "spaces");
    check_abc(&v);
}

#[test]
fn currency_signs_codes_and_grouping() {
    // (first amount, second amount, detected decimal, revenue)
    let cases: &[(&str, &str, &str, f64)] = &[
        ("¥1234", "¥10.5", ".", 1244.5),
        ("￥1,234.00", "￥5.00", ".", 1239.0),
        ("$1,234.56", "$3.44", ".", 1238.0),
        ("€1.234,56", "€3,44", ",", 1238.0),
        ("1 234,56 ₽", "3,44 ₽", ",", 1238.0),
        ("1 234,56 руб.", "3,44 руб.", ",", 1238.0),
        ("1\u{a0}234,56 руб.", "3,44руб.", ",", 1238.0),
        ("1\u{202f}234,56 €", "3,44 €", ",", 1238.0),
        ("88元", "12.5元", ".", 100.5),
        ("USD 10.00", "USD 5.50", ".", 15.5),
        ("RUB 1 000", "RUB 500", ".", 1500.0),
        ("CNY 1,000.50", "0.50 CNY", ".", 1001.0),
    ];
    for (a, b, dec, total) in cases {
        let text = format!("customer;date;amount\nA;2024-03-05;{a}\nB;2024-03-06;{b}\n");
        let v = run(text.as_bytes(), "{}");
        assert_eq!(rows(&v), (2, 2), "{a} {b}: {}", v["ingest"]);
        assert_eq!(detected(&v)["decimalSeparator"], *dec, "{a} {b}");
        assert_eq!(customers(&v), 2, "{a} {b}");
        assert_close(revenue(&v), *total);
    }
}

#[test]
fn date_forms() {
    // (first, second, detected format); dates are 5 and 17 March 2024.
    let cases: &[(&str, &str, &str)] = &[
        ("2024-03-05", "2024-03-17", "%Y-%m-%d"),
        ("2024-03-05 14:23:11", "2024-03-17T09:00:00Z", "%Y-%m-%d"),
        ("05/03/2024", "17/03/2024", "%d/%m/%Y"),
        ("03/05/2024", "03/17/2024", "%m/%d/%Y"),
        ("05/03/2024 14:23", "17/03/2024 08:00", "%d/%m/%Y"),
        ("3/5/2024 8:26 PM", "3/17/2024 10:00 AM", "%m/%d/%Y"),
        ("5.3.2024", "17.3.2024", "%d.%m.%Y"),
        ("05.03.2024 10:00", "17.03.2024", "%d.%m.%Y"),
        ("20240305", "20240317", "%Y%m%d"),
        ("2024/3/5", "2024/3/17", "%Y/%m/%d"),
        ("2024年3月5日", "2024年3月17日", "%Y年%m月%d日"),
        ("2024年3月5日 10:00", "2024年3月17日", "%Y年%m月%d日"),
        ("45356", "45368", "excel-serial"),
        ("45356.6", "45368.25", "excel-serial"),
    ];
    for (a, b, fmt) in cases {
        let text = format!("customer,date,amount\nA,{a},10\nB,{b},5\nA,{b},1\n");
        let v = run(text.as_bytes(), "{}");
        assert_eq!(detected(&v)["dateFormat"], *fmt, "{a} {b}");
        assert!(detected(&v)["dateFormatAmbiguousWith"].is_null(), "{a}");
        assert_eq!(rows(&v), (3, 3), "{a} {b}");
        assert_eq!(customers(&v), 2, "{a} {b}");
        assert_close(revenue(&v), 16.0);
        assert_eq!(v["ingest"]["firstDate"], "2024-03-05", "{a}");
        assert_eq!(v["ingest"]["lastDate"], "2024-03-17", "{a}");
    }
}

#[test]
fn ambiguous_day_month_is_reported_and_overridable() {
    let text = b"customer,date,amount\nA,03/04/2024,1\nB,05/06/2024,2\nC,01/02/2024,3\n";
    let v = run(text, "{}");
    assert_eq!(detected(&v)["dateFormat"], "%d/%m/%Y");
    assert_eq!(detected(&v)["dateFormatAmbiguousWith"], "%m/%d/%Y");
    assert!(warning(&v, "ambiguous_date_format").contains("--date-format"));
    assert_eq!(v["ingest"]["firstDate"], "2024-02-01");
    let v = run(text, r#"{"ingest":{"dateFormat":"%m/%d/%Y"}}"#);
    assert_eq!(detected(&v)["dateFormat"], "%m/%d/%Y");
    assert!(detected(&v)["dateFormatAmbiguousWith"].is_null());
    assert!(!warning_codes(&v).contains(&"ambiguous_date_format".to_string()));
    assert_eq!(v["ingest"]["firstDate"], "2024-01-02");
    // A month-first log in date order is resolved from the order, without a warning.
    let v = run(
        b"customer,date,amount\nA,03/01/2024,1\nB,03/02/2024,2\nC,03/03/2024,3\nA,03/04/2024,4\n",
        "{}",
    );
    assert_eq!(detected(&v)["dateFormat"], "%m/%d/%Y");
    assert!(detected(&v)["dateFormatAmbiguousWith"].is_null());
}

#[test]
fn headers_in_english_chinese_and_russian() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("Customer", "Date", "Amount", ","),
        ("CustomerID", "InvoiceDate", "Total", ","),
        ("client_id", "created_at", "revenue", ","),
        ("客户编号", "下单时间", "实付金额", ","),
        ("客户ID", "订单日期", "金额", ","),
        ("会员编号", "付款时间", "支付金额", ","),
        ("Клиент", "Дата", "Сумма", ";"),
        ("Покупатель", "Дата заказа", "Сумма заказа", ";"),
    ];
    for (c, d, a, sep) in cases {
        // Columns in an unusual order, with a distractor, so only the names can decide.
        let text = format!(
            "note{sep}{a}{sep}{c}{sep}{d}\nx{sep}10{sep}u1{sep}2024-03-05\ny{sep}5{sep}u2{sep}2024-03-06\n"
        );
        let v = run(text.as_bytes(), "{}");
        let cols = &detected(&v)["columns"];
        assert_eq!(cols["customerId"], *c, "{text}");
        assert_eq!(cols["date"], *d, "{text}");
        assert_eq!(cols["amount"], *a, "{text}");
        assert_eq!(customers(&v), 2);
        assert_close(revenue(&v), 15.0);
    }
}

/// A headerless Russian export (`;`, `dd.mm.yyyy`, decimal comma): with no named amount column
/// every column votes on the decimal separator, but the dates' dots must not (they made
/// `1,5` read as 15).
#[test]
fn headerless_day_month_dots_do_not_make_the_decimal_a_dot() {
    let mut csv = String::new();
    for i in 0..30 {
        csv += &format!("K{};{:02}.03.2024;{},5\n", i % 6, 1 + i % 28, 1 + i % 4);
    }
    let v = run(csv.as_bytes(), "{}");
    let d = detected(&v);
    assert_eq!(d["decimalSeparator"], ",");
    assert_eq!(d["dateFormat"], "%d.%m.%Y");
    assert_eq!(customers(&v), 6);
    // Σ (1 + i % 4) + 0.5 over 30 rows.
    let want: f64 = (0..30).map(|i| 1.5 + (i % 4) as f64).sum();
    assert_close(revenue(&v), want);
}
