//! The browser reads a legacy code page or a workbook in two modules: the formats module's
//! `ingest::decode` turns the file into UTF-8 text or a sheet's rows, the core's
//! `Dataset::from_decoded` reads that. Natively `Dataset::from_bytes` streams the file in one
//! step. The Report must not depend on the way taken.
use crm_lens::ingest::{self, Decoded};
use crm_lens::{Dataset, Options};

/// The Report (or the error) both ways, as JSON.
fn both_ways(bytes: &[u8], opts: &Options) -> (String, String) {
    let direct = Dataset::from_bytes(bytes, opts).and_then(|d| d.analyze(opts));
    let decoded = ingest::decode(bytes, &opts.ingest)
        .and_then(|(info, text)| Dataset::from_decoded(&info, &text, opts))
        .and_then(|d| d.analyze(opts));
    let json = |r: crm_lens::Result<crm_lens::Analysis>| match r {
        Ok(a) => serde_json::to_string(&a.report).unwrap(),
        Err(e) => serde_json::to_string(&e).unwrap(),
    };
    (json(direct), json(decoded))
}

fn assert_same(name: &str, bytes: &[u8], opts: &Options) {
    let (direct, decoded) = both_ways(bytes, opts);
    assert_eq!(direct, decoded, "{name}");
}

/// A log of `n` orders with Chinese or Russian names, long enough that the sniffing sample
/// (256 KiB of decoded text) ends inside it.
fn log(n: usize, header: &str, name: &str, sep: char) -> String {
    let mut s = format!("{header}\n");
    for i in 0..n {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        s += &format!(
            "{name}{}{sep}2024-{month:02}-{day:02}{sep}{}.{:02}\n",
            i % 997,
            10 + i % 90,
            i % 100
        );
    }
    s
}

#[test]
fn legacy_code_pages_give_the_same_report_both_ways() {
    let opts = Options::default();
    let zh = log(20_000, "客户编号,下单时间,实付金额", "客户", ',');
    let (gbk, _, bad) = encoding_rs::GBK.encode(&zh);
    assert!(!bad);
    assert!(
        gbk.len() > 256 * 1024,
        "the sample must end inside the file"
    );
    assert_same("gbk", &gbk, &opts);
    let (gb18030, _, _) = encoding_rs::GB18030.encode(&zh);
    let forced = Options::from_json(r#"{"ingest":{"encoding":"gb18030"}}"#).unwrap();
    assert_same("gb18030 forced", &gb18030, &forced);

    let ru = log(20_000, "Клиент;Дата;Сумма", "Покупатель ", ';');
    let (cp1251, _, bad) = encoding_rs::WINDOWS_1251.encode(&ru);
    assert!(!bad);
    assert_same("windows-1251", &cp1251, &opts);

    let mut utf16 = vec![0xFF, 0xFE];
    for u in ru.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    assert_same("utf-16le with BOM", &utf16, &opts);

    // Not valid UTF-8 in a UTF-8 file: decoded with replacement characters both ways.
    let mut broken = zh.clone().into_bytes();
    broken[100] = 0xFF;
    let utf8 = Options::from_json(r#"{"ingest":{"encoding":"utf-8"}}"#).unwrap();
    assert_same("invalid utf-8, forced utf-8", &broken, &utf8);
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), &broken].concat();
    assert_same("invalid utf-8 after a BOM", &with_bom, &opts);
}

/// The sniffer decides day/month order from the sample (at most 2,000 rows, at most 256 KiB
/// of text). With long Chinese names, rows past 256 KiB of UTF-8 text but within 256 KiB of
/// the GBK bytes settle it: a sample cut from the undecoded bytes would see them and a sample
/// of the decoded text would not, and the two ways would disagree.
#[test]
fn the_sample_is_cut_from_the_decoded_text() {
    let name = "客".repeat(50);
    for late in ["25/03/2024", "03/25/2024"] {
        let mut s = String::from("客户编号,下单时间,实付金额\n");
        for i in 0..1_900 {
            let date = if s.len() < 257 * 1024 {
                "05/03/2024"
            } else {
                late
            };
            s += &format!("{name}{i},{date},12.5\n");
        }
        let (gbk, _, _) = encoding_rs::GBK.encode(&s);
        assert!(s.len() > 256 * 1024 && gbk.len() < 256 * 1024);
        assert_same(late, &gbk, &Options::default());
    }
}

#[test]
fn workbooks_and_fixtures_give_the_same_report_both_ways() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let opts = Options::default();
    for f in [
        "ingest/orders.xlsx",
        "ingest/orders.xls",
        "ingest/far-cell.xlsx",
        "ingest/fuzz-xls-short-sector.bin",
        "e2e/orders.xlsx",
        "e2e/orders-gbk.csv",
        "e2e/orders-cp1251.csv",
        "e2e/orders-xss.csv",
    ] {
        let bytes = std::fs::read(format!("{dir}/{f}")).unwrap();
        assert_same(f, &bytes, &opts);
    }
}

#[test]
fn errors_are_the_same_both_ways() {
    let opts = Options::default();
    for (name, bytes) in [
        ("empty", b"  \n".as_slice()),
        ("binary", b"\x00\x01\x02\x03"),
        ("no amount", "клиент;дата\nа;2024-01-01\n".as_bytes()),
        ("utf-16 spaces", b"\xFF\xFE \x00 \x00\n\x00"),
    ] {
        let (direct, decoded) = both_ways(bytes, &opts);
        assert!(direct.contains("\"code\""), "{name}: {direct}");
        assert_eq!(direct, decoded, "{name}");
    }
}

#[test]
fn damaged_decoded_input_is_an_error_not_a_panic() {
    let opts = Options::default();
    let info = |source: &str| Decoded {
        source: source.into(),
        encoding: "GBK".into(),
        bom: false,
        invalid_utf8: Default::default(),
    };
    let e = Dataset::from_decoded(&info("csv"), b"a,b\n\xFF", &opts).unwrap_err();
    assert_eq!(e.code, "invalid_decoded");
    let e = Dataset::from_decoded(&info("xlsx"), b"\x05\x00\x00", &opts).unwrap_err();
    assert_eq!(e.code, "invalid_table");
    let e = Dataset::from_decoded(&info("pdf"), b"", &opts).unwrap_err();
    assert_eq!(e.code, "invalid_decoded");
}
