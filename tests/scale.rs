//! The scale path natively (docs/scale.md): the summary layout read back gives the raw log's
//! per-customer analyses, the model card round-trips, `score` streams the analysis' own
//! numbers, `fit` writes the card `analyze` writes, and the SQL generators refuse what they
//! cannot express. The engines themselves run in tests/engines (npm test).
use crm_lens::ingest::Decimal;
use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::scale::card::ModelCard;
use crm_lens::scale::score::score_stream;
use crm_lens::scale::sql_summary::{Cancelled, SummarySql};
use crm_lens::scale::{fit::fit_summary, sql_score::ScoreSql, Engine};
use crm_lens::{Analysis, Dataset, Options};

fn opts(json: &str) -> Options {
    Options::from_json(json).unwrap()
}

fn log() -> Vec<u8> {
    generate_csv(&SampleSpec {
        transactions: 6000,
        seed: 11,
        ..Default::default()
    })
    .unwrap()
    .into_bytes()
}

/// The header, then the data lines reversed (`seed` 0) or shuffled.
fn permuted(csv: &str, seed: u64) -> String {
    let mut lines: Vec<&str> = csv.lines().collect();
    let body = &mut lines[1..];
    if seed == 0 {
        body.reverse();
    } else {
        let mut s = seed;
        for i in (1..body.len()).rev() {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            body.swap(i, (s >> 33) as usize % (i + 1));
        }
    }
    lines.join("\n") + "\n"
}

/// The raw analysis, its summary CSV, and the analysis of that summary.
fn raw_and_summary(o: &str, so: &str) -> (Analysis, Vec<u8>, Analysis) {
    let o = opts(o);
    let ds = Dataset::from_bytes(&log(), &o).unwrap();
    let raw = ds.analyze(&o).unwrap();
    let summary = ds.summary_csv(&raw, &o).unwrap();
    let so = opts(so);
    let back = Dataset::from_bytes(&summary, &so)
        .unwrap()
        .analyze(&so)
        .unwrap();
    (raw, summary, back)
}

#[test]
fn a_summary_gives_the_raw_logs_per_customer_analyses() {
    let (raw, summary, back) = raw_and_summary(
        r#"{"timeUnit":"week"}"#,
        r#"{"timeUnit":"week","ingest":{"summary":true}}"#,
    );
    let text = String::from_utf8(summary).unwrap();
    assert!(text.starts_with("customer_id,frequency,recency,T,monetary_value,first_purchase,last_purchase,transactions,revenue,frequency_cal"));
    let (a, b) = (&raw.report, &back.report);
    assert_eq!(a.as_of, b.as_of, "asOf implied by first purchase + T");
    assert_eq!(a.clv.bgnbd, b.clv.bgnbd);
    assert_eq!(a.clv.gamma_gamma, b.clv.gamma_gamma);
    assert_eq!(a.clv.chosen_model, b.clv.chosen_model);
    assert_eq!(
        a.clv.choice_criterion, "holdoutRmse",
        "the holdout columns keep the holdout choice"
    );
    assert_eq!(a.clv.choice_criterion, b.clv.choice_criterion);
    assert_eq!(raw.clv.p_alive, back.clv.p_alive);
    assert_eq!(raw.clv.clv, back.clv.clv);
    assert_eq!(raw.rfm, back.rfm);
    assert_eq!(a.rfm.segments, b.rfm.segments);
    assert_eq!(raw.stages, back.stages);
    assert_eq!(raw.segments.cluster, back.segments.cluster);
    assert_eq!(a.kpis.customers, b.kpis.customers);
    assert_eq!(a.kpis.revenue, b.kpis.revenue);
    assert_eq!(a.kpis.active_customers, b.kpis.active_customers);
    // What a summary cannot give is absent, and said so.
    assert!(b.kpis.periods.is_empty() && b.kpis.cohorts.months.is_empty());
    assert!(b.kpis.retention_rate.is_none() && b.lifecycle.transitions.is_empty());
    assert!(b.warnings.iter().any(|w| w.code == "summary_no_history"));
}

#[test]
fn a_summary_read_with_another_unit_or_date_is_an_error() {
    let o = opts("{}");
    let ds = Dataset::from_bytes(&log(), &o).unwrap();
    let summary = ds.summary_csv(&ds.analyze(&o).unwrap(), &o).unwrap();
    let read = |json: &str| {
        let so = opts(json);
        Dataset::from_bytes(&summary, &so).unwrap().analyze(&so)
    };
    let e = read(r#"{"timeUnit":"week","ingest":{"summary":true}}"#).unwrap_err();
    assert_eq!(e.code, "summary_inconsistent", "{e}");
    assert!(e.hint.unwrap().contains("--time-unit"));
    let e = read(r#"{"asOf":"2020-01-01","ingest":{"summary":true}}"#).unwrap_err();
    assert_eq!(e.code, "summary_inconsistent");
    // Read as an order log, a summary would be one "purchase" per customer: refused.
    let e = Dataset::from_bytes(&summary, &o).unwrap_err();
    assert_eq!(e.code, "looks_like_summary");
    // lifetimes' own layout still reads, and says what was reconstructed.
    let v = crm_lens::analyze(
        b"customer_id,frequency,recency,T\na,1,5,10\nb,0,0,3\n",
        &opts(r#"{"ingest":{"summary":true}}"#),
    )
    .unwrap();
    let codes: Vec<&str> = v.warnings.iter().map(|w| w.code.as_str()).collect();
    assert!(
        codes.contains(&"summary_reconstructed") && codes.contains(&"summary_no_as_of"),
        "{codes:?}"
    );
}

#[test]
fn the_model_card_round_trips_and_bad_cards_are_refused() {
    let o = opts("{}");
    let a = Dataset::from_bytes(&log(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    let card = ModelCard::of(&a, &o).unwrap();
    let json = card.to_json().unwrap();
    assert_eq!(ModelCard::from_json(&json).unwrap(), card);
    let (kind, params) = a.clv.model.clone().unwrap();
    assert_eq!(card.model_params().unwrap(), Some((kind, params)));
    assert_eq!(card.as_of, a.report.as_of);
    assert!(card.holdout.is_some() && card.spend.name == "gammaGamma");
    let name = format!("\"name\": \"{}\"", card.model.name);
    for (from, to) in [
        ("\"crm-lens model card\"", "\"something else\""),
        (name.as_str(), "\"name\": \"nbd\""),
        ("\"alpha\"", "\"alfa\""),
        ("\"unitDays\": 1.0", "\"unitDays\": 7.0"),
    ] {
        let bad = json.replacen(from, to, 1);
        assert_ne!(bad, json);
        assert_eq!(
            ModelCard::from_json(&bad).unwrap_err().code,
            "invalid_model_card",
            "{to}"
        );
    }
}

#[test]
fn score_streams_the_analysis_own_numbers() {
    let o = opts("{}");
    let ds = Dataset::from_bytes(&log(), &o).unwrap();
    let a = ds.analyze(&o).unwrap();
    let card = ModelCard::of(&a, &o).unwrap();
    let mut summary = ds.summary_csv(&a, &o).unwrap();
    // A row the summary reader refuses, and an id that needs quoting.
    summary.extend_from_slice(b"bad,-1,0,5,0,2023-01-01,2023-01-01,1,1,,,,,1\n");
    summary.extend_from_slice(b"\"a,b\",0,0,5,0,2023-12-26,2023-12-26,1,3,,,,,182\n");
    let mut out = Vec::new();
    let acc = score_stream(&card, &summary[..], &mut out, Decimal::Dot).unwrap();
    assert_eq!(acc.rows_read as usize, a.customers.len() + 2);
    assert_eq!(acc.rows_skipped.get("invalidSummaryRow"), Some(&1));
    assert_eq!(acc.predictions_failed, 0);
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("customer_id,p_alive,expected_purchases,clv")
    );
    let rel = |x: f64, y: f64| (x - y).abs() / x.abs().max(y.abs()).max(1e-300);
    let mut worst = 0.0f64;
    for (i, line) in lines.clone().take(a.customers.len()).enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[0], &a.customers.ids[i]);
        let v: Vec<f64> = f[1..].iter().map(|s| s.parse().unwrap()).collect();
        worst = worst
            .max(rel(v[0], a.clv.p_alive[i]))
            .max(rel(v[1], a.clv.expected_purchases[i]))
            .max(rel(v[2], a.clv.clv[i]));
    }
    assert!(worst < 1e-12, "score vs analyze: {worst:e}");
    assert!(lines.last().unwrap().starts_with("\"a,b\","), "a quoted id");
    // Scoring needs mean spend.
    let e = score_stream(
        &card,
        &b"customer_id,frequency,recency,T\na,1,2,3\n"[..],
        Vec::new(),
        Decimal::Dot,
    )
    .unwrap_err();
    assert_eq!(e.code, "summary_columns");
}

#[test]
fn fit_writes_the_card_analyze_writes() {
    let o = opts(r#"{"timeUnit":"week"}"#);
    let ds = Dataset::from_bytes(&log(), &o).unwrap();
    let a = ds.analyze(&o).unwrap();
    let card = ModelCard::of(&a, &o).unwrap();
    let summary = ds.summary_csv(&a, &o).unwrap();
    let (fitted, acc) = fit_summary(&summary[..], &o, Decimal::Dot).unwrap();
    assert_eq!(fitted.model, card.model);
    assert_eq!(fitted.spend, card.spend);
    assert_eq!(fitted.holdout, card.holdout);
    assert_eq!(fitted.as_of, card.as_of);
    assert_eq!(acc.customers as usize, a.customers.len());
    assert_eq!(acc.unique_rows, card.unique_rows);
    // The same summary collapsed as `sql summary --collapsed` writes it (the fit's columns,
    // one row per distinct tuple with its `weights` count) fits the same parameters.
    let mut rdr = csv::Reader::from_reader(&summary[..]);
    let header: Vec<String> = rdr
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let crm = [
        "customer_id",
        "first_purchase",
        "last_purchase",
        "transactions",
        "revenue",
    ];
    let keep: Vec<usize> = (0..header.len())
        .filter(|&i| !crm.contains(&header[i].as_str()))
        .collect();
    let mut groups = std::collections::BTreeMap::<String, u32>::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let key: Vec<&str> = keep.iter().map(|&i| &rec[i]).collect();
        *groups.entry(key.join(",")).or_default() += 1;
    }
    let names: Vec<&str> = keep.iter().map(|&i| header[i].as_str()).collect();
    let mut collapsed = format!("{},weights\n", names.join(","));
    for (k, w) in &groups {
        collapsed += &format!("{k},{w}\n");
    }
    let (c, cacc) = fit_summary(collapsed.as_bytes(), &o, Decimal::Dot).unwrap();
    assert!(
        groups.len() < a.customers.len() * 3 / 4,
        "{} rows",
        groups.len()
    );
    assert_eq!(
        (cacc.rows_read as usize, cacc.customers),
        (groups.len(), acc.customers)
    );
    assert_eq!((&c.model, &c.spend), (&card.model, &card.spend));
    // The holdout errors are exact weighted sums: the collapsed rows give the customers' bits.
    assert!(card.holdout.is_some());
    assert_eq!(c.holdout, card.holdout);
    assert_eq!(
        (c.customers, c.unique_rows),
        (card.customers, card.unique_rows)
    );
    // In any row order, either file gives the same card (holdout errors included).
    for seed in [0, 1, 2] {
        for (file, want) in [(&summary[..], &fitted), (collapsed.as_bytes(), &c)] {
            let text = std::str::from_utf8(file).unwrap();
            let (p, _) = fit_summary(permuted(text, seed).as_bytes(), &o, Decimal::Dot).unwrap();
            assert_eq!(
                (&p.model, &p.spend, &p.holdout, p.customers),
                (&want.model, &want.spend, &want.holdout, want.customers),
                "seed {seed}"
            );
        }
    }
    let e = fit_summary(&summary[..], &opts("{}"), Decimal::Dot).unwrap_err();
    assert_eq!(
        e.code, "summary_inconsistent",
        "read in days, the weeks disagree"
    );
}

#[test]
fn the_sql_generators_refuse_what_they_cannot_express() {
    let cols = r#"{"ingest":{"customerCol":"c","dateCol":"d","amountCol":"a"}}"#;
    let q = SummarySql::new(Engine::DuckDb, "orders", &opts(cols), Cancelled::Auto).unwrap();
    assert!(q.summary().contains("FROM orders"));
    assert!(q.account().contains("no_purchase_in_period"));
    for (json, why) in [
        (
            r#"{"ingest":{"customerCol":"1","dateCol":"d","amountCol":"a"}}"#,
            "numbered column",
        ),
        (
            r#"{"ingest":{"customerCol":"c","dateCol":"d"}}"#,
            "no amount",
        ),
    ] {
        let e = SummarySql::new(Engine::Spark, "orders", &opts(json), Cancelled::Auto).unwrap_err();
        assert_eq!(e.code, "invalid_option", "{why}");
    }
    assert!(SummarySql::new(
        Engine::DuckDb,
        "t; DROP TABLE x",
        &opts(cols),
        Cancelled::Auto
    )
    .is_err());
    // Quantity × unit price (each factor and the product bounded as analyze bounds them),
    // exact sums in Spark's dialect, and the collapsed fit input.
    let mut q = SummarySql::new(
        Engine::Spark,
        "orders",
        &opts(
            r#"{"ingest":{"customerCol":"c","dateCol":"d","quantityCol":"q","unitPriceCol":"p"}}"#,
        ),
        Cancelled::No,
    )
    .unwrap();
    let s = q.summary();
    assert!(s.contains("TRY_CAST(`q` AS DOUBLE) * TRY_CAST(`p` AS DOUBLE) AS a0"));
    assert!(s.contains("WHEN abs(q0) > CAST('1e15' AS DOUBLE) THEN 'amountOutOfRange'"));
    assert!(s.contains("try_sum(") && s.contains("raise_error(") && s.contains("shiftright("));
    assert!(s.contains("ORDER BY customer_id") && !s.contains("weights"));
    q.collapsed = true;
    let c = q.summary();
    assert!(c.contains("COUNT(*) AS weights") && c.contains("GROUP BY frequency, recency, `T`"));
    assert!(!c.contains("GROUP BY customer_id") && !c.contains("revenue, COUNT"));

    let o = opts(r#"{"clv":{"model":"paretoNbd"}}"#);
    let a = Dataset::from_bytes(&log(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    let card = ModelCard::of(&a, &o).unwrap();
    let duck = ScoreSql::new(Engine::DuckDb, "summary", &card)
        .unwrap()
        .select();
    // DuckDB 1.4.4's list_reduce is wrong with an initial value when the lambda reads a column:
    // every fold prepends its initial value instead.
    assert!(duck.contains("list_reduce(list_prepend(") && !duck.contains(")}, {'t'"));
    let spark = ScoreSql::new(Engine::Spark, "summary", &card)
        .unwrap()
        .select();
    assert!(spark.contains("aggregate(sequence(") && spark.contains("log1p("));
    let mut long = card.clone();
    long.clv.horizon_months = 600;
    assert!(ScoreSql::new(Engine::Spark, "summary", &long).is_err());
}
