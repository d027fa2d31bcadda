//! wasm tests, run in headless Chromium by `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const LOG: &[u8] = b"customer_id,order_date,amount\na,2024-01-01,10\na,2024-02-01,20\nb,2024-01-15,5\nc,2024-03-01,7.5\nb,2024-03-02,-1\n";

#[wasm_bindgen_test]
fn binding_returns_the_core_report() {
    let opts = crm_lens::Options::default();
    let core = serde_json::to_string(&crm_lens::analyze(LOG, &opts).unwrap()).unwrap();
    let via_binding = crm_lens::wasm::analyze_json(LOG, None).unwrap();
    assert_eq!(core, via_binding);
    let report = crm_lens::wasm::analyze(LOG, None).unwrap();
    let kpis = js_sys::Reflect::get(&report, &"kpis".into()).unwrap();
    assert_eq!(
        js_sys::Reflect::get(&kpis, &"customers".into())
            .unwrap()
            .as_f64(),
        Some(3.0)
    );
}

#[wasm_bindgen_test]
fn binding_errors_are_objects_with_codes() {
    let err = crm_lens::wasm::analyze(b"", None).unwrap_err();
    let code = js_sys::Reflect::get(&err, &"code".into()).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("empty_file"));
}

#[wasm_bindgen_test]
fn dataset_binding_gives_typed_columns() {
    let mut ds = crm_lens::wasm::Dataset::new(LOG, None).unwrap();
    ds.analyze(None).unwrap();
    let cols = ds.customer_columns(None).unwrap();
    let rec = js_sys::Reflect::get(&cols, &"recencyDays".into()).unwrap();
    let rec: js_sys::Float64Array = rec.into();
    assert_eq!(rec.length(), 3);
    // Every per-customer column the page and embedders read is there, one value per customer.
    for key in [
        "pAlive",
        "expectedPurchases",
        "clv",
        "clvLow",
        "clvHigh",
        "cluster",
        "px",
        "py",
        "stage",
        "averageSpend",
    ] {
        let col = js_sys::Reflect::get(&cols, &key.into()).unwrap();
        let len = js_sys::Reflect::get(&col, &"length".into())
            .unwrap()
            .as_f64();
        assert_eq!(len, Some(3.0), "{key}");
    }
    let csv = ds.export_customers_csv(None, None).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBFcustomerId,"));
    // Ids as UTF-8 bytes + offsets, the same ids as the string Array.
    let ids = ds.customer_ids().unwrap();
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap();
    let bytes = js_sys::Uint8Array::from(get(&ids, "bytes")).to_vec();
    let offsets = js_sys::Uint32Array::from(get(&ids, "offsets")).to_vec();
    assert_eq!(offsets, [0, 1, 2, 3]);
    assert_eq!(bytes, b"abc");
    let strings = js_sys::Array::from(&get(&cols, "customerId"));
    assert_eq!(strings.get(1).as_string().as_deref(), Some("b"));
    let without = ds.customer_columns(Some(false)).unwrap();
    assert!(get(&without, "customerId").is_undefined());
}

/// The page's download (the worker calls `exportCustomersCsv()`) neutralises formulas in ids;
/// `{ raw: true }` writes them as they are. And `12,50` in a dot-decimal column is 12.5, counted
/// as a repair, in the browser too (tests/hostile_text.rs has every class natively).
#[wasm_bindgen_test]
fn export_neutralises_formulas_and_amounts_keep_their_decimals() {
    let log = b"customer,date,amount\n=HYPERLINK(\"x\"),2024-03-05,1\n@SUM(A1),2024-03-06,\"12,50\"\n-2+3,2024-03-07,3.5\n";
    let mut ds = crm_lens::wasm::Dataset::new(log, None).unwrap();
    ds.analyze(None).unwrap();
    let ids = |csv: Vec<u8>| -> Vec<String> {
        String::from_utf8(csv[3..].to_vec())
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect()
    };
    // The customer table is in id order, not file order.
    let mut safe = ids(ds.export_customers_csv(None, None).unwrap());
    safe.sort();
    assert_eq!(safe, ["\"'=HYPERLINK(\"\"x\"\")\"", "'-2+3", "'@SUM(A1)"]);
    let raw = js_sys::JSON::parse(r#"{"raw":true}"#).unwrap();
    let mut raw = ids(ds.export_customers_csv(None, Some(raw)).unwrap());
    raw.sort();
    assert_eq!(raw, ["\"=HYPERLINK(\"\"x\"\")\"", "-2+3", "@SUM(A1)"]);
    let report: serde_json::Value =
        serde_json::from_str(&crm_lens::wasm::analyze_json(log, None).unwrap()).unwrap();
    assert_eq!(report["ingest"]["repairs"]["otherDecimal"], 1);
    assert_eq!(report["kpis"]["revenue"], 17.0);
}

#[wasm_bindgen_test]
fn dataset_binding_reruns_only_changed_stages() {
    let mut ds = crm_lens::wasm::Dataset::new(LOG, None).unwrap();
    let stages = |ds: &crm_lens::wasm::Dataset| -> Vec<String> {
        ds.stages_run()
            .iter()
            .filter_map(|s| s.as_string())
            .collect()
    };
    ds.analyze(None).unwrap();
    assert!(stages(&ds).contains(&"customers".to_string()));
    let all = stages(&ds).len();
    let k2 = js_sys::JSON::parse(r#"{"segments":{"k":2}}"#).unwrap();
    ds.analyze(Some(k2)).unwrap();
    // The rules read the clusters, so they follow k; nothing else re-runs.
    assert_eq!(stages(&ds), ["segments", "explain"]);
    assert!(all > 2);
}

#[wasm_bindgen_test]
fn bad_input_is_an_error_not_a_panic() {
    let opts = crm_lens::Options::default();
    for input in [
        &b""[..],
        b"\x00\x01\x02\x03",
        b"just,some\nwords,here\n",
        b"a;b;c\n1;2;3\n",
    ] {
        assert!(crm_lens::analyze(input, &opts).is_err());
    }
}

#[wasm_bindgen_test]
fn dataset_reanalyses_without_rereading() {
    let opts = crm_lens::Options::default();
    let ds = crm_lens::Dataset::from_bytes(LOG, &opts).unwrap();
    let full = ds.analyze(&opts).unwrap();
    let earlier = crm_lens::Options {
        as_of: Some("2024-01-31".into()),
        ..Default::default()
    };
    let cut = ds.analyze(&earlier).unwrap();
    assert_eq!(full.report.kpis.customers, 3);
    assert_eq!(cut.report.kpis.customers, 2);
    assert_eq!(cut.report.ingest.rows_skipped.get("afterAsOf"), Some(&3));
}

/// The formats module's `decode` and the core's `Dataset.fromDecoded`, in the browser: a GBK
/// file gives the Report that reading it in one step gives (this test build has both
/// modules' exports; tests/e2e/native-vs-wasm.test.mjs checks the core alone refuses it).
#[wasm_bindgen_test]
fn decoded_legacy_file_reads_like_the_file() {
    let text =
        "客户编号,下单时间,实付金额\n张三,2024-01-01,10\n张三,2024-02-01,20\n李四,2024-01-15,5\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let decoded = crm_lens::wasm::decode(&gbk, None).unwrap();
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap();
    let bytes = js_sys::Uint8Array::from(get(&decoded, "bytes")).to_vec();
    assert_eq!(bytes, text.as_bytes());
    let mut ds =
        crm_lens::wasm::Dataset::from_decoded(&bytes, get(&decoded, "info"), None).unwrap();
    let report = ds.analyze(None).unwrap();
    let detected = get(&get(&report, "ingest"), "detected");
    assert_eq!(
        get(&detected, "encoding").as_string().as_deref(),
        Some("GBK")
    );
    assert_eq!(get(&get(&report, "kpis"), "customers").as_f64(), Some(2.0));
    let mut direct = crm_lens::wasm::Dataset::new(&gbk, None).unwrap();
    let want = direct.analyze(None).unwrap();
    assert_eq!(
        js_sys::JSON::stringify(&report).unwrap(),
        js_sys::JSON::stringify(&want).unwrap()
    );
}

/// The segmentation through the second-worker protocol equals the one `analyze` runs.
#[wasm_bindgen_test]
fn segmentation_handed_back_equals_analyze() {
    let opts =
        || Some(js_sys::JSON::parse(r#"{"segments":{"k":2},"clv":{"bootstrapDraws":0}}"#).unwrap());
    let mut plain = crm_lens::wasm::Dataset::new(LOG, None).unwrap();
    let want = js_sys::JSON::stringify(&plain.analyze(opts()).unwrap()).unwrap();
    let mut ds = crm_lens::wasm::Dataset::new(LOG, None).unwrap();
    let job = ds.segment_job(opts()).unwrap();
    assert!(!job.is_null());
    // The k-means jobs as two workers share them: run in any order, handed in job order.
    let mut scan = crm_lens::wasm::SegmentScan::new(job).unwrap();
    let fits = js_sys::Array::new_with_length(scan.jobs() as u32);
    for i in (0..scan.jobs()).rev() {
        let bytes = scan.run_job(i).unwrap();
        fits.set(i as u32, js_sys::Uint8Array::from(bytes.as_slice()).into());
    }
    let answer = scan.finish(fits).unwrap();
    ds.prepare_models(opts()).unwrap();
    ds.provide_segments(opts().unwrap(), answer.into()).unwrap();
    let got = js_sys::JSON::stringify(&ds.analyze(opts()).unwrap()).unwrap();
    assert_eq!(got, want);
    // Remembered now: no second job for the same options.
    assert!(ds.segment_job(opts()).unwrap().is_null());
}

/// Orders from memory through the binding (text cells as UTF-8 bytes and offsets, typed
/// arrays, a mixed column) give the Report the same orders as a file give, but for
/// `ingest.detected` and the examples' lines; mismatched lengths are an error object.
#[wasm_bindgen_test]
fn columns_from_memory_read_like_the_file() {
    use js_sys::{Float64Array, Object, Reflect, Uint32Array, Uint8Array};
    let set = |o: &Object, k: &str, v: &JsValue| {
        Reflect::set(o, &k.into(), v).unwrap();
    };
    let text = |name: &str, cells: &[&str]| {
        let o = Object::new();
        set(&o, "name", &name.into());
        set(
            &o,
            "utf8",
            &Uint8Array::from(cells.concat().as_bytes()).into(),
        );
        let mut offsets = vec![0u32];
        for c in cells {
            offsets.push(offsets[offsets.len() - 1] + c.len() as u32);
        }
        set(&o, "offsets", &Uint32Array::from(offsets.as_slice()).into());
        o
    };
    let input = Object::new();
    set(&input, "source", &"columns".into());
    set(
        &input,
        "customer",
        &text("customer_id", &["a", "a", "b", "c", "b"]).into(),
    );
    let date = text("order_date", &["2024-01-01", "2024-02-01", "", "", ""]);
    // Rows 2-4 are epoch milliseconds (kind 1), the others text (kind 0).
    set(
        &date,
        "kinds",
        &Uint8Array::from(&[0u8, 0, 1, 1, 1][..]).into(),
    );
    let day = |d: i32| d as f64 * 86_400_000.0;
    let ms = [0.0, 0.0, day(19737), day(19783), day(19784)];
    set(&date, "numbers", &Float64Array::from(&ms[..]).into());
    set(&input, "date", &date.into());
    let amount = Object::new();
    set(&amount, "name", &"amount".into());
    set(
        &amount,
        "numbers",
        &Float64Array::from(&[10.0, 20.0, 5.0, 7.5, -1.0][..]).into(),
    );
    set(&input, "amount", &amount.into());

    let mut ds = crm_lens::wasm::Dataset::from_columns(input.clone().into(), None).unwrap();
    let mem = ds.analyze(None).unwrap();
    let mut file = crm_lens::wasm::Dataset::new(LOG, None).unwrap();
    let want = file.analyze(None).unwrap();
    let without_detected = |r: &JsValue| {
        let ingest = Reflect::get(r, &"ingest".into()).unwrap();
        Reflect::delete_property(&ingest.into(), &"detected".into()).unwrap();
        js_sys::JSON::stringify(r).unwrap()
    };
    assert_eq!(without_detected(&mem), without_detected(&want));

    set(
        &input,
        "amount",
        &{
            let a = Object::new();
            set(&a, "name", &"amount".into());
            set(&a, "numbers", &Float64Array::from(&[1.0][..]).into());
            a
        }
        .into(),
    );
    let err = crm_lens::wasm::Dataset::from_columns(input.into(), None)
        .err()
        .unwrap();
    let code = Reflect::get(&err, &"code".into()).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("column_lengths"));
}

/// The bootstrap-sharing binding: no block to run without a deferred bootstrap (a small log's
/// is evaluated in the CLV stage), and bytes that are not an `intervalJob`'s are an error
/// object (the sharing itself: tests/interval_share.rs natively, two-workers.test.mjs).
#[wasm_bindgen_test]
fn interval_blocks_binding() {
    let mut ds = crm_lens::wasm::Dataset::new(LOG, None).unwrap();
    assert!(ds.interval_job(None).unwrap().is_none());
    assert!(!ds.run_interval_block(JsValue::UNDEFINED, 0).unwrap());
    let Err(err) = crm_lens::wasm::IntervalRun::new(b"not a job") else {
        panic!("bytes that are not a job were taken");
    };
    let code = js_sys::Reflect::get(&err, &"code".into()).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("invalid_interval_job"));
}
