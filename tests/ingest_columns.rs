//! Data from memory has a file's guarantees: the same orders as CSV text and as columns
//! (text cells, numbers, epoch days, epoch milliseconds, mixed kinds) give the same Report,
//! every analysis included, and the same per-customer columns. What legitimately differs is
//! `ingest.detected`'s description of the text (docs/embedding.md lists it) and the
//! examples' `line`: a file's 1-based line, a column's 0-based row index.
use crm_lens::ingest::{Cell, Column, MemoryInput, TextCells};
use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::{Analysis, Dataset, Options};
use serde_json::Value;

/// One order as the file has it (text), before any form of column is made from it.
#[derive(Clone)]
struct Order {
    order: String,
    customer: String,
    date: String,
    amount: String,
}

/// A sample log with dirty rows spread through it: each is a skip of its own reason. A blank
/// row has no typed-array form (a `Float64Array` has no null), so it is optional.
fn orders(n: usize, blank: bool) -> Vec<Order> {
    let csv = generate_csv(&SampleSpec {
        transactions: n,
        seed: 5,
        ..Default::default()
    })
    .unwrap();
    let mut out: Vec<Order> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Order {
                order: f[0].into(),
                customer: f[1].trim_start_matches(['C', '0']).into(),
                date: f[2].into(),
                amount: f[3].into(),
            }
        })
        .collect();
    let dirty = |o: &Order, f: &dyn Fn(&mut Order)| {
        let mut o = o.clone();
        f(&mut o);
        o
    };
    let at = |i: usize| out.len() * i / 7;
    let rows = [
        (at(1), dirty(&out[0], &|o| o.amount = "NaN".into())),
        (at(2), dirty(&out[1], &|o| o.date = "2024-02-30".into())),
        (at(3), dirty(&out[2], &|o| o.customer = "".into())),
        (at(4), dirty(&out[3], &|o| o.amount = "".into())),
        (
            at(5),
            Order {
                order: "".into(),
                customer: "".into(),
                date: "".into(),
                amount: "".into(),
            },
        ),
        (at(6), dirty(&out[4], &|o| o.date = "".into())),
    ];
    for (i, o) in rows {
        if blank || !o.customer.is_empty() || !o.date.is_empty() {
            out.insert(i, o);
        }
    }
    out
}

fn csv_of(orders: &[Order]) -> String {
    let mut s = String::from("order,customer,date,amount\n");
    for o in orders {
        s += &format!("{},{},{},{}\n", o.order, o.customer, o.date, o.amount);
    }
    s
}

fn text(name: &str, cells: impl Iterator<Item = String>) -> Column {
    Column::text(name, TextCells::new(cells).unwrap())
}

/// The orders as text cells, named as the file's header names them.
fn text_input(orders: &[Order]) -> MemoryInput {
    MemoryInput {
        source: "records".into(),
        customer: text("customer", orders.iter().map(|o| o.customer.clone())),
        date: text("date", orders.iter().map(|o| o.date.clone())),
        amount: Some(text("amount", orders.iter().map(|o| o.amount.clone()))),
        order: Some(text("order", orders.iter().map(|o| o.order.clone()))),
        quantity: None,
        unit_price: None,
        covariates: Vec::new(),
    }
}

fn day(date: &str) -> Option<i32> {
    crm_lens::dates::parse_iso(date)
}

/// An amount text as a number (NaN where the file's text is no number).
fn number(amount: &str) -> f64 {
    amount.parse().unwrap_or(f64::NAN)
}

fn analyse(ds: crm_lens::Result<Dataset>, opts: &Options) -> (Value, Analysis) {
    let a = ds.and_then(|d| d.analyze(opts)).unwrap();
    (serde_json::to_value(&a.report).unwrap(), a)
}

/// A message with every `line N` as `line N+2` (a row index as the file's line).
fn lines_plus_two(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find("line ") {
        out.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            let n: u64 = rest[..digits].parse().unwrap();
            out.push_str(&(n + 2).to_string());
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// Asserts the memory Report equals the file's but for `detected`'s text description and
/// the examples' lines (file line = row index + 2: the header is line 1). `texts`: whether
/// the examples' texts must match too (typed cells describe a bad value their own way).
fn assert_same(name: &str, file: &(Value, Analysis), mem: &(Value, Analysis), texts: bool) {
    let (mut f, mut m) = (file.0.clone(), mem.0.clone());
    let fe = f["ingest"]["examples"].take();
    let me = m["ingest"]["examples"].take();
    let (fe, me) = (fe.as_array().unwrap(), me.as_array().unwrap());
    assert_eq!(fe.len(), me.len(), "{name}: examples");
    assert!(!fe.is_empty(), "{name}: the dirty rows give examples");
    let fr = f["ingest"]["repairExamples"].take();
    let mr = m["ingest"]["repairExamples"].take();
    let (fr, mr) = (fr.as_array().unwrap(), mr.as_array().unwrap());
    assert_eq!(fr.len(), mr.len(), "{name}: repair examples");
    for (a, b) in fe.iter().zip(me).chain(fr.iter().zip(mr)) {
        assert_eq!(
            a["line"].as_u64().unwrap(),
            b["line"].as_u64().unwrap() + 2,
            "{name}"
        );
        assert_eq!(a["reason"], b["reason"], "{name}");
        assert_eq!(a["column"], b["column"], "{name}");
        if texts {
            assert_eq!(a["text"], b["text"], "{name}");
        }
    }
    let fd = f["ingest"]["detected"].take();
    let md = m["ingest"]["detected"].take();
    assert_eq!(fd["columns"], md["columns"], "{name}: column names");
    assert_eq!(md["encoding"], "n/a");
    assert_eq!(md["delimiter"], "n/a");
    assert_eq!(md["bom"], false);
    assert_eq!(md["hasHeader"], true);
    let mut header = serde_json::json!(["customer", "date", "amount", "order"]);
    if let Some(c) = fd["columns"]["covariates"].as_array() {
        header.as_array_mut().unwrap().extend(c.iter().cloned());
    }
    assert_eq!(md["header"], header, "{name}");
    assert_eq!(fd["cancelledOrderPrefix"], md["cancelledOrderPrefix"]);
    // Outlier dates: the same rows and bounds; the examples' lines as above.
    let (mut fo, mut mo) = (fd["dateOutliers"].clone(), md["dateOutliers"].clone());
    let (fx, mx) = (fo["examples"].take(), mo["examples"].take());
    assert_eq!(fo, mo, "{name}: dateOutliers");
    let lines = |x: &Value, plus: u64| -> Vec<(u64, Value)> {
        let rows = x.as_array().cloned().unwrap_or_default();
        rows.iter()
            .map(|e| (e["line"].as_u64().unwrap() + plus, e["date"].clone()))
            .collect()
    };
    assert_eq!(
        lines(&fx, 0),
        lines(&mx, 2),
        "{name}: dateOutliers examples"
    );
    // Warnings quote examples by line: the memory's row index + 2 is the file's line.
    let fw = f["warnings"].take();
    let mw = m["warnings"].take();
    let (fw, mw) = (fw.as_array().unwrap(), mw.as_array().unwrap());
    assert_eq!(fw.len(), mw.len(), "{name}: warnings");
    for (a, b) in fw.iter().zip(mw) {
        assert_eq!(a["code"], b["code"], "{name}");
        if texts {
            let b = lines_plus_two(b["message"].as_str().unwrap());
            assert_eq!(a["message"].as_str().unwrap(), b, "{name}");
        }
    }
    assert_eq!(f, m, "{name}: every other key of the Report");
    // Per-customer columns: ids in the same order, every value the same.
    let (fa, ma) = (&file.1, &mem.1);
    assert_eq!(fa.customers.ids, ma.customers.ids, "{name}: ids");
    assert_eq!(fa.customers.revenue, ma.customers.revenue, "{name}");
    assert_eq!(
        fa.customers.recency_days, ma.customers.recency_days,
        "{name}"
    );
    assert_eq!(fa.rfm.segment, ma.rfm.segment, "{name}");
    assert_eq!(fa.segments.cluster, ma.segments.cluster, "{name}");
    assert_eq!(fa.clv.clv, ma.clv.clv, "{name}");
    assert_eq!(*fa.stages, *ma.stages, "{name}");
}

#[test]
fn same_orders_as_file_and_as_every_form_of_column_give_the_same_report() {
    let opts = Options::from_json(r#"{"asOf":"2023-12-31","segments":{"k":4}}"#).unwrap();
    let orders = orders(6_000, true);
    let file = analyse(
        Dataset::from_bytes(csv_of(&orders).as_bytes(), &opts),
        &opts,
    );
    assert_eq!(file.0["ingest"]["rowsSkipped"]["unparseableDate"], 2);
    assert_eq!(file.0["ingest"]["rowsSkipped"]["blankLine"], 1);
    let no_blank = self::orders(6_000, false);
    let file_no_blank = analyse(
        Dataset::from_bytes(csv_of(&no_blank).as_bytes(), &opts),
        &opts,
    );

    let texts = text_input(&orders);
    let mem = analyse(Dataset::from_memory(&texts, &opts), &opts);
    assert_same("text cells", &file, &mem, true);
    assert_eq!(mem.0["ingest"]["detected"]["dateFormat"], "%Y-%m-%d");
    assert_eq!(mem.0["ingest"]["detected"]["decimalSeparator"], ".");
    assert_eq!(mem.0["ingest"]["detected"]["source"], "records");

    // Amounts as numbers, dates as epoch days. An epoch day has no unparseable form: the
    // file's bad dates become a year past 2200, `dateOutOfRange` in both.
    let beyond: Vec<Order> = no_blank
        .iter()
        .map(|o| match day(&o.date) {
            Some(_) => o.clone(),
            None => Order {
                date: "2201-01-01".into(),
                ..o.clone()
            },
        })
        .collect();
    let file_beyond = analyse(
        Dataset::from_bytes(csv_of(&beyond).as_bytes(), &opts),
        &opts,
    );
    assert_eq!(file_beyond.0["ingest"]["rowsSkipped"]["dateOutOfRange"], 2);
    let typed = MemoryInput {
        source: "columns".into(),
        amount: Some(Column::numbers(
            "amount",
            beyond.iter().map(|o| number(&o.amount)).collect(),
        )),
        date: Column::days(
            "date",
            beyond.iter().map(|o| day(&o.date).unwrap()).collect(),
        ),
        ..text_input(&beyond)
    };
    let mem = analyse(Dataset::from_memory(&typed, &opts), &opts);
    assert_same("numbers and epoch days", &file_beyond, &mem, false);
    assert_eq!(mem.0["ingest"]["detected"]["dateFormat"], "epoch-days");
    assert_eq!(mem.0["ingest"]["detected"]["decimalSeparator"], "n/a");

    // Dates as epoch milliseconds with a time of day; customer ids as numbers.
    let ms =
        |o: &Order| day(&o.date).map_or(f64::NAN, |d| d as f64 * 86_400_000.0 + 13.5 * 3_600_000.0);
    let cells: Vec<Cell> = no_blank
        .iter()
        .map(|o| match o.customer.parse::<f64>() {
            Ok(v) => Cell::Number(v),
            Err(_) => Cell::Text(&o.customer),
        })
        .collect();
    let epoch = MemoryInput {
        customer: Column::from_cells("customer", &cells),
        date: Column::numbers("date", no_blank.iter().map(ms).collect()),
        ..typed.clone()
    };
    let mem = analyse(Dataset::from_memory(&epoch, &opts), &opts);
    assert_same(
        "epoch milliseconds, numeric ids",
        &file_no_blank,
        &mem,
        false,
    );
    assert_eq!(mem.0["ingest"]["detected"]["dateFormat"], "epoch-ms");

    // One column of every kind at once: text and numbers alternate row by row.
    let dates: Vec<Cell> = orders
        .iter()
        .enumerate()
        .map(|(i, o)| match (i % 3, day(&o.date)) {
            (0, Some(d)) => Cell::Number(d as f64 * 86_400_000.0),
            (1, _) if o.date.is_empty() => Cell::Missing("null"),
            _ => Cell::Text(&o.date),
        })
        .collect();
    let amounts: Vec<Cell> = orders
        .iter()
        .enumerate()
        .map(|(i, o)| match (i % 2, o.amount.parse::<f64>()) {
            (0, Ok(v)) => Cell::Number(v),
            (1, _) if o.amount.is_empty() => Cell::Missing("undefined"),
            _ => Cell::Text(&o.amount),
        })
        .collect();
    let mixed = MemoryInput {
        date: Column::from_cells("date", &dates),
        amount: Some(Column::from_cells("amount", &amounts)),
        ..texts.clone()
    };
    let mem = analyse(Dataset::from_memory(&mixed, &opts), &opts);
    assert_same("mixed kinds", &file, &mem, false);

    // Re-analysis on a Dataset from memory is the fresh run's (the stage memo is shared).
    let mut ds = Dataset::from_memory(&texts, &opts).unwrap();
    let other = Options::from_json(r#"{"asOf":"2023-12-31","segments":{"k":3}}"#).unwrap();
    ds.reanalyze(&opts).unwrap();
    let again = ds.reanalyze(&other).unwrap();
    assert_eq!(ds.stages_run(), ["segments", "explain"]);
    let fresh = Dataset::from_memory(&texts, &other)
        .unwrap()
        .analyze(&other)
        .unwrap();
    assert_eq!(again.report, fresh.report);
}

/// A customer's attributes as a CRM holds them: a channel, and an age (a number).
fn attributes(customer: &str) -> (&'static str, f64) {
    let id: u64 = customer.parse().unwrap_or(0);
    (
        ["web", "store", "app"][(id % 3) as usize],
        20.0 + (id % 47) as f64,
    )
}

#[test]
fn covariate_columns_from_memory_are_a_files_covariate_columns() {
    let orders = orders(6_000, true);
    let mut csv = String::from("order,customer,date,amount,channel,age\n");
    for o in &orders {
        let (channel, age) = attributes(&o.customer);
        let blank = o.customer.is_empty();
        let (channel, age) = if blank {
            ("", String::new())
        } else {
            (channel, age.to_string())
        };
        csv += &format!(
            "{},{},{},{},{channel},{age}\n",
            o.order, o.customer, o.date, o.amount
        );
    }
    let opts = Options::from_json(
        r#"{"asOf":"2023-12-31","segments":{"k":4},"ingest":{"covariateCols":["channel","age:numeric"]}}"#,
    )
    .unwrap();
    let file = analyse(Dataset::from_bytes(csv.as_bytes(), &opts), &opts);
    let covariates = &file.0["clv"]["covariates"]["covariates"];
    assert_eq!(covariates[0]["name"], "channel");
    assert_eq!(covariates[1]["kind"], "numeric");
    assert!(file.0["churn"]["customers"].as_u64().unwrap() > 0);

    // The channel as text cells, the age as numbers (null where the row has no customer:
    // NaN would make the blank row a row with a value).
    let ages: Vec<Cell> = orders
        .iter()
        .map(|o| match o.customer.is_empty() {
            true => Cell::Missing("null"),
            false => Cell::Number(attributes(&o.customer).1),
        })
        .collect();
    let input = MemoryInput {
        covariates: vec![
            text(
                "channel",
                orders.iter().map(|o| match o.customer.is_empty() {
                    true => String::new(),
                    false => attributes(&o.customer).0.to_string(),
                }),
            ),
            Column::from_cells("age", &ages),
        ],
        ..text_input(&orders)
    };
    let mem = analyse(Dataset::from_memory(&input, &opts), &opts);
    assert_same("covariate columns", &file, &mem, true);
    assert_eq!(file.1.customers.covariates, mem.1.customers.covariates);

    // Without covariateCols every covariate column given is read, its kind decided from its
    // values; the option may only choose among them, and must name each one.
    let plain = Options::from_json(r#"{"asOf":"2023-12-31","segments":{"k":4}}"#).unwrap();
    let all = analyse(Dataset::from_memory(&input, &plain), &plain);
    assert_eq!(
        all.0["ingest"]["detected"]["columns"]["covariates"],
        serde_json::json!(["channel", "age"])
    );
    assert_eq!(
        all.0["clv"]["covariates"]["covariates"][0]["levels"],
        mem.0["clv"]["covariates"]["covariates"][0]["levels"]
    );
    let e = err(&input, r#"{"ingest":{"covariateCols":["channel"]}}"#);
    assert_eq!(e.code, "invalid_option");
    assert!(
        e.message
            .contains("\"age\" is given but covariateCols leaves it out"),
        "{}",
        e.message
    );
    let e = err(
        &input,
        r#"{"ingest":{"covariateCols":["channel","age","country"]}}"#,
    );
    assert!(
        e.message.contains("\"country\" names no column"),
        "{}",
        e.message
    );
    let e = err(
        &text_input(&orders),
        r#"{"ingest":{"covariateCols":["channel"]}}"#,
    );
    assert!(
        e.message.contains("carry no covariate columns"),
        "{}",
        e.message
    );
    let short = MemoryInput {
        covariates: vec![Column::numbers("age", vec![30.0])],
        ..text_input(&orders)
    };
    assert_eq!(err(&short, "{}").code, "column_lengths");
}

fn small(amounts: &[&str], dates: &[&str]) -> MemoryInput {
    let n = amounts.len();
    MemoryInput {
        source: "columns".into(),
        customer: text("customer", (0..n).map(|i| format!("c{}", i % 3))),
        date: text("date", dates.iter().map(|s| s.to_string())),
        amount: Some(text("amount", amounts.iter().map(|s| s.to_string()))),
        order: None,
        quantity: None,
        unit_price: None,
        covariates: Vec::new(),
    }
}

fn err(input: &MemoryInput, opts: &str) -> crm_lens::Error {
    Dataset::from_memory(input, &Options::from_json(opts).unwrap()).unwrap_err()
}

/// The rules of main's careless-input classes hold for text cells as for a file: a control
/// character in an id, a year outside 1900–2200, a date far outside the bulk, amounts
/// beyond 10¹⁵, separators no reading vouches for, and the other decimal separator
/// repaired. Typed cells follow the same bounds.
#[test]
fn careless_values_are_counted_as_a_file_counts_them() {
    let opts = Options::from_json(r#"{"asOf":"2023-12-31"}"#).unwrap();
    let mut orders = orders(6_000, false);
    let at = |i: usize| 5_000 + 40 * i;
    type Change<'a> = (&'a str, &'a dyn Fn(&mut Order));
    let changes: [Change; 7] = [
        ("invalidCustomerId", &|o| o.customer = "12\u{0}34".into()),
        ("dateOutOfRange", &|o| o.date = "1899-12-31".into()),
        ("outlierDate", &|o| o.date = "1950-06-01".into()),
        ("amountOutOfRange", &|o| o.amount = "1e16".into()),
        ("ambiguousAmount", &|o| o.amount = "\"1,2,3\"".into()),
        ("otherDecimal", &|o| o.amount = "\"12,50\"".into()),
        ("amountOutOfRange", &|o| o.amount = "-2e15".into()),
    ];
    for (i, (_, f)) in changes.iter().enumerate() {
        f(&mut orders[at(i)]);
    }
    let file = analyse(
        Dataset::from_bytes(csv_of(&orders).as_bytes(), &opts),
        &opts,
    );
    let skipped = &file.0["ingest"]["rowsSkipped"];
    for key in [
        "invalidCustomerId",
        "dateOutOfRange",
        "outlierDate",
        "ambiguousAmount",
    ] {
        assert_eq!(skipped[key], 1, "{key}: {skipped}");
    }
    assert_eq!(skipped["amountOutOfRange"], 2, "{skipped}");
    assert_eq!(file.0["ingest"]["repairs"]["otherDecimal"], 1);
    // The cells hold what the file's fields mean (no CSV quotes).
    for o in &mut orders {
        o.amount = o.amount.trim_matches('"').to_string();
    }
    let mem = analyse(Dataset::from_memory(&text_input(&orders), &opts), &opts);
    assert_same("careless text cells", &file, &mem, true);

    // Typed cells: numbers beyond 10¹⁵ and epoch days or milliseconds beyond 2200.
    let input = MemoryInput {
        source: "columns".into(),
        customer: text(
            "customer",
            ["a", "b", "c\u{7f}", "d", "e", "f"]
                .map(String::from)
                .into_iter(),
        ),
        date: Column::numbers(
            "date",
            vec![
                0.0,
                86_400_000.0,
                2.0 * 86_400_000.0,
                -2.3e12,
                8e12,
                3.0 * 86_400_000.0,
            ],
        ),
        amount: Some(Column::numbers(
            "amount",
            vec![1.0, 2e15, 3.0, 4.0, 5.0, 1e15],
        )),
        order: None,
        quantity: None,
        unit_price: None,
        covariates: Vec::new(),
    };
    let r = Dataset::from_memory(&input, &Options::default())
        .unwrap()
        .analyze(&Options::default())
        .unwrap()
        .report;
    let skipped: Vec<(&str, u64)> = r
        .ingest
        .rows_skipped
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        skipped,
        [
            ("amountOutOfRange", 1),
            ("dateOutOfRange", 2),
            ("invalidCustomerId", 1)
        ]
    );
    assert_eq!(r.ingest.rows_used, 2);
}

#[test]
fn text_cells_are_sniffed_as_a_file_is() {
    // Decimal commas and day-first dates, decided over the column as for a file.
    let input = small(
        &["12,50", "3,10", "1 234,56 ₽", "7"],
        &["05.03.2024", "17.03.2024", "01.04.2024", "02.04.2024"],
    );
    let ds = Dataset::from_memory(&input, &Options::default()).unwrap();
    let d = ds.detected();
    assert_eq!(
        (d.decimal_separator.as_str(), d.date_format.as_str()),
        (",", "%d.%m.%Y")
    );
    let r = ds.analyze(&Options::default()).unwrap().report;
    assert_eq!(r.kpis.revenue, 12.5 + 3.1 + 1234.56 + 7.0);
    assert_eq!(r.ingest.first_date.as_deref(), Some("2024-03-05"));
    // An option wins over the guess, as for a file.
    let opts = Options::from_json(r#"{"ingest":{"decimal":"."}}"#).unwrap();
    let r = Dataset::from_memory(&input, &opts)
        .unwrap()
        .analyze(&opts)
        .unwrap()
        .report;
    // `12,50` reads only with a decimal comma: used as 12.5 and counted as a repair, as in
    // a file (never silently 1250).
    assert_eq!(r.ingest.rows_skipped.get("nonNumericAmount"), None);
    assert_eq!(r.ingest.repairs.get("otherDecimal"), Some(&3));
    assert_eq!(r.kpis.revenue, 12.5 + 3.1 + 1234.56 + 7.0);
}

#[test]
fn every_bad_cell_is_a_counted_skip_with_its_index() {
    let n = 9;
    let customer = Column::from_cells(
        "id",
        &[
            Cell::Text("a"),
            Cell::Missing("null"),
            Cell::Text("  "),
            Cell::Number(f64::NAN),
            Cell::Number(7.0),
            Cell::Text("a"),
            Cell::Text("b"),
            Cell::Missing("undefined"),
            Cell::Other("true"),
        ],
    );
    let date = Column::from_cells(
        "when",
        &[
            Cell::Text("2024-01-02"),
            Cell::Text("2024-01-02"),
            Cell::Text("2024-01-02"),
            Cell::Text("2024-01-02"),
            Cell::Number(1e300),
            Cell::Other("Invalid Date"),
            Cell::Text("2024-01-03"),
            Cell::Missing("undefined"),
            Cell::Text("2024-01-04"),
        ],
    );
    let amount = Column::from_cells(
        "total",
        &[
            Cell::Number(f64::INFINITY),
            Cell::Number(1.0),
            Cell::Number(1.0),
            Cell::Number(1.0),
            Cell::Number(1.0),
            Cell::Number(1.0),
            Cell::Number(2.5),
            Cell::Missing("null"),
            Cell::Number(3.0),
        ],
    );
    assert_eq!(amount.len(), n);
    let input = MemoryInput {
        source: "records".into(),
        customer,
        date,
        amount: Some(amount),
        order: None,
        quantity: None,
        unit_price: None,
        covariates: Vec::new(),
    };
    let r = Dataset::from_memory(&input, &Options::default())
        .unwrap()
        .analyze(&Options::default())
        .unwrap()
        .report;
    let i = &r.ingest;
    assert_eq!((i.rows_read, i.rows_used), (9, 1));
    let skipped: Vec<(&str, u64)> = i
        .rows_skipped
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        skipped,
        [
            ("blankLine", 1),
            ("dateOutOfRange", 1),
            ("missingCustomerId", 4),
            ("nonNumericAmount", 1),
            ("unparseableDate", 1)
        ]
    );
    let ex: Vec<(u64, &str, &str, &str)> = i
        .examples
        .iter()
        .map(|e| (e.line, e.reason, e.column.as_str(), e.text.as_str()))
        .collect();
    assert_eq!(
        ex,
        [
            (0, "nonNumericAmount", "total", "Infinity"),
            (1, "missingCustomerId", "id", "null"),
            (2, "missingCustomerId", "id", "  "),
            (3, "missingCustomerId", "id", "NaN"),
            (4, "dateOutOfRange", "when", "1e+300"),
            (5, "unparseableDate", "when", "Invalid Date"),
            (7, "blankLine", "", ""),
        ]
    );
    assert_eq!(i.detected.columns.customer_id.as_deref(), Some("id"));
    assert_eq!(r.kpis.revenue, 2.5);
    // The hint names what fixes data from memory (no --customer-col for it).
    let w = r
        .warnings
        .iter()
        .find(|w| w.code == "many_rows_skipped")
        .unwrap();
    assert!(
        w.message.contains("set the customer column of the mapping"),
        "{}",
        w.message
    );
}

#[test]
fn quantity_times_unit_price_and_cancelled_invoices_as_for_a_file() {
    let mut input = small(
        &["0", "0", "0", "0"],
        &["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
    );
    input.amount = None;
    input.quantity = Some(Column::numbers("qty", vec![2.0, 1.0, 3.0, 1.0]));
    input.unit_price = Some(text(
        "price",
        ["1,5", "2", "10", "4"].map(String::from).into_iter(),
    ));
    input.order = Some(text(
        "invoice",
        ["1001", "1002", "1003", "C1004"]
            .map(String::from)
            .into_iter(),
    ));
    let ds = Dataset::from_memory(&input, &Options::default()).unwrap();
    let d = ds.detected();
    assert_eq!(d.cancelled_order_prefix.as_deref(), Some("C"));
    assert_eq!(d.decimal_separator, ",");
    assert_eq!(d.columns.quantity.as_deref(), Some("qty"));
    let r = ds.analyze(&Options::default()).unwrap().report;
    assert_eq!(r.ingest.return_lines, 1);
    assert_eq!(r.kpis.revenue, 3.0 + 2.0 + 30.0 - 4.0);
    // Without an amount, quantity and unit price are both needed.
    input.unit_price = None;
    assert_eq!(err(&input, "{}").code, "no_amount_column");
}

#[test]
fn malformed_input_is_a_clear_error_before_any_work() {
    let mut input = small(
        &["1", "2", "3"],
        &["2024-01-01", "2024-01-02", "2024-01-03"],
    );
    input.date = text("date", ["2024-01-01".to_string()].into_iter());
    let e = err(&input, "{}");
    assert_eq!(e.code, "column_lengths");
    assert!(
        e.message.contains("customer 3, date 1, amount 3"),
        "{}",
        e.message
    );
    assert!(e.hint.unwrap().contains("one value per order"));

    let empty = small(&[], &[]);
    assert_eq!(err(&empty, "{}").code, "empty_input");

    let ok = small(&["1", "2"], &["2024-01-01", "2024-01-02"]);
    let e = err(&ok, r#"{"ingest":{"delimiter":";","customerCol":"x"}}"#);
    assert_eq!(e.code, "invalid_option");
    assert!(
        e.message
            .contains("delimiter, customerCol apply to files only"),
        "{}",
        e.message
    );
    assert_eq!(
        err(
            &MemoryInput {
                source: "csv".into(),
                ..ok.clone()
            },
            "{}"
        )
        .code,
        "invalid_columns"
    );

    // Epoch seconds (or Excel serial days) read as milliseconds would all be 1970.
    let seconds = MemoryInput {
        date: Column::numbers("date", vec![1_709_596_800.0, 1_709_683_200.0]),
        ..ok.clone()
    };
    let e = err(&seconds, "{}");
    assert_eq!(e.code, "unparseable_dates");
    assert!(e.message.contains("1709596800"), "{}", e.message);
    let serial = MemoryInput {
        date: Column::numbers("date", vec![45_356.0, 45_357.5]),
        ..ok.clone()
    };
    let opts = Options::from_json(r#"{"ingest":{"dateFormat":"excel-serial"}}"#).unwrap();
    let r = Dataset::from_memory(&serial, &opts)
        .unwrap()
        .analyze(&opts)
        .unwrap()
        .report;
    assert_eq!(r.ingest.first_date.as_deref(), Some("2024-03-05"));
    assert_eq!(r.ingest.last_date.as_deref(), Some("2024-03-06"));

    let words = small(&["1", "2"], &["soon", "later"]);
    assert_eq!(err(&words, "{}").code, "unparseable_dates");
}
