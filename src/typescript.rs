//! The package's TypeScript types of the options, the Report and the model card, generated from these Rust
//! types by ts-rs into `src/js/types.d.ts` (derived under `cfg(test)` only: nothing of it is
//! in the CLI or the wasm modules).
//!
//! `cargo test --lib typescript` fails when the committed file is not what the types give;
//! with `CRM_LENS_WRITE_TYPES=1` it rewrites the file (scripts/test.sh does, then checks
//! that git sees no change). The second test checks the serde behaviour the declarations
//! claim for the options: a key marked optional may be left out, one typed `| null` may be
//! null, and no other key may (ts-rs sees one type for both directions, serde does not).
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use ts_rs::{Config, TypeVisitor, TS};

use crate::error::Error;
use crate::ingest::Decoded;
use crate::options::Options;
use crate::report::Report;
use crate::scale::card::ModelCard;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/js/types.d.ts");

/// Every type a root reaches, by name: its declaration.
#[derive(Default)]
struct Collect {
    cfg: Config,
    decls: BTreeMap<String, String>,
}

impl TypeVisitor for Collect {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Built-in types (numbers, arrays, maps) have no declaration of their own.
        if T::output_path().is_none() {
            return;
        }
        let name = T::ident(&self.cfg);
        if self.decls.contains_key(&name) {
            return;
        }
        self.decls.insert(name, T::decl(&self.cfg));
        T::visit_dependencies(self);
    }
}

fn generate() -> String {
    let mut c = Collect {
        // Counts are u64 in Rust and plain numbers in the JSON the Report crosses as.
        cfg: Config::new().with_large_int("number"),
        ..Default::default()
    };
    c.visit::<Options>();
    c.visit::<Report>();
    c.visit::<Error>();
    c.visit::<Decoded>();
    // The options of `exportCustomersCsv` (and the analyzer's `exportCsv`).
    c.visit::<crate::export::ExportOptions>();
    // The model card `analyze --save-model` writes and `score` reads (Node batch jobs).
    c.visit::<ModelCard>();
    let mut out = String::from(
        "// Generated from the Rust types by ts-rs (src/typescript.rs); do not edit.\n\
         // Regenerate: CRM_LENS_WRITE_TYPES=1 cargo test --lib typescript\n",
    );
    for decl in c.decls.values() {
        out.push_str("\nexport ");
        out.push_str(decl);
        out.push('\n');
    }
    out
}

#[test]
fn committed_types_are_generated() {
    let text = generate();
    if std::env::var_os("CRM_LENS_WRITE_TYPES").is_some() {
        std::fs::write(PATH, &text).unwrap();
    }
    let committed = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        committed == text,
        "src/js/types.d.ts is not what the Rust types give: run CRM_LENS_WRITE_TYPES=1 cargo test --lib typescript"
    );
}

/// The fields of a declaration `type X = { a?: T | null, b: U, };`: name, optional, nullable.
fn fields(decl: &str) -> Vec<(String, bool, bool)> {
    let mut text = String::new();
    let mut rest = decl;
    while let Some(start) = rest.find("/**") {
        text.push_str(&rest[..start]);
        rest = rest[start..].split_once("*/").map_or("", |(_, r)| r);
    }
    text.push_str(rest);
    let body = &text[text.find('{').unwrap() + 1..text.rfind('}').unwrap()];
    let (mut depth, mut field, mut out) = (0i32, String::new(), Vec::new());
    for c in body.chars().chain([',']) {
        match c {
            '<' | '{' | '[' | '(' => depth += 1,
            '>' | '}' | ']' | ')' => depth -= 1,
            ',' if depth == 0 => {
                if let Some((name, ty)) = field.split_once(':') {
                    let name = name.trim();
                    let nullable = ty.split('|').any(|t| t.trim() == "null");
                    out.push((
                        name.trim_end_matches('?').to_string(),
                        name.ends_with('?'),
                        nullable,
                    ));
                }
                field.clear();
                continue;
            }
            _ => {}
        }
        field.push(c);
    }
    out
}

/// What serde accepts for each key of `sample` (a full value of `T` as JSON) is what the
/// declaration of `T` says: may be absent ⟺ `key?`, may be null ⟺ `| null`.
fn check_input<T: TS + DeserializeOwned>(sample: serde_json::Value) {
    let decl = T::decl(&Config::new().with_large_int("number"));
    let declared = fields(&decl);
    let serde_json::Value::Object(full) = sample else {
        panic!("{decl}: sample is not an object")
    };
    let mut names: Vec<&str> = declared.iter().map(|f| f.0.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        full.keys().map(String::as_str).collect::<Vec<_>>(),
        "{decl}"
    );
    for (name, optional, nullable) in declared {
        let mut without = full.clone();
        without.remove(&name);
        let absent_ok = serde_json::from_value::<T>(without.into()).is_ok();
        let mut null = full.clone();
        null.insert(name.clone(), serde_json::Value::Null);
        let null_ok = serde_json::from_value::<T>(null.into()).is_ok();
        assert_eq!(
            (optional, nullable),
            (absent_ok, null_ok),
            "{name} in {decl}"
        );
    }
}

fn json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}

#[test]
fn option_declarations_say_what_serde_accepts() {
    use crate::{churn, clv, ingest, kpis, lifecycle, rfm, segment};
    check_input::<Options>(json(&Options::default()));
    let ingest = ingest::IngestOptions {
        encoding: Some("utf-8".into()),
        ..Default::default()
    };
    check_input::<ingest::IngestOptions>(json(&ingest));
    check_input::<rfm::RfmOptions>(json(&rfm::RfmOptions::default()));
    let rule = serde_json::json!({ "name": "Champions", "r": [4, 5], "f": [4, 5], "m": [4, 5] });
    check_input::<rfm::SegmentRule>(rule);
    check_input::<kpis::KpiOptions>(json(&kpis::KpiOptions::default()));
    check_input::<lifecycle::LifecycleOptions>(json(&lifecycle::LifecycleOptions::default()));
    check_input::<segment::SegmentOptions>(json(&segment::SegmentOptions::default()));
    check_input::<clv::ClvOptions>(json(&clv::ClvOptions::default()));
    check_input::<churn::ChurnOptions>(json(&churn::ChurnOptions::default()));
    check_input::<crate::retention::options::RetentionOptions>(json(
        &crate::retention::options::RetentionOptions::default(),
    ));
    let decoded = serde_json::json!({
        "source": "csv",
        "encoding": "gbk",
        "bom": false,
        "invalidUtf8": { "count": 1, "examples": [[3, "ff"]] },
    });
    check_input::<Decoded>(decoded);
    check_input::<crate::export::ExportOptions>(serde_json::json!({ "raw": true }));
}
