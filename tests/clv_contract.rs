//! The serialised `clv` contract on a real `analyze()` Report: the documented keys exist with
//! the documented types, and the per-customer columns of `--export-customers` are the chosen
//! model's predictions at the parameters the Report states (recomputed here from the exported
//! x, tX, T, monetaryValue with the per-row formulas that tests/clv_reference.rs checks against
//! lifetimes).
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::clv::gamma_gamma::spend::SpendModel;
use crm_lens::clv::prediction::purchases::{stream, Grid};
use crm_lens::clv::ModelKind;
use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::{export, Dataset, Options};
use serde_json::Value;

fn num(v: &Value, path: &str) -> f64 {
    let mut cur = v;
    for k in path.split('.') {
        cur = &cur[k];
    }
    cur.as_f64()
        .unwrap_or_else(|| panic!("{path} is not a number: {cur}"))
}

fn params(v: &Value, key: &str, names: &[&str]) -> Vec<f64> {
    let p = &v[key]["params"];
    let obj = p.as_object().unwrap_or_else(|| panic!("{key}.params: {p}"));
    assert_eq!(obj.len(), names.len(), "{key}.params keys: {p}");
    names.iter().map(|n| num(p, n)).collect()
}

fn fit_section(v: &Value, key: &str, names: &[&str]) -> Vec<f64> {
    let s = &v[key];
    assert!(
        s.is_object(),
        "clv.{key} is null: the model must fit on this sample"
    );
    assert!(num(s, "logLikelihood").is_finite(), "{key}.logLikelihood");
    assert_eq!(s["converged"], Value::Bool(true), "{key}.converged");
    for k in ["aic", "gradNorm", "customers"] {
        num(s, k);
    }
    assert!(s["stdErrors"].is_object(), "{key}.stdErrors");
    params(v, key, names)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1e-9)
}

#[test]
fn clv_keys_and_exported_columns_follow_the_contract() {
    let csv = generate_csv(&SampleSpec {
        transactions: 5000,
        seed: 23,
        ..Default::default()
    })
    .unwrap();
    for (kind, choice) in [
        (ModelKind::Bgnbd, "bgnbd"),
        (ModelKind::ParetoNbd, "paretoNbd"),
        (ModelKind::Mbgnbd, "mbgnbd"),
    ] {
        let o = Options::from_json(&format!(
            r#"{{"clv": {{"model": "{choice}", "bootstrapDraws": 50, "marginRate": 0.3}}}}"#
        ))
        .unwrap();
        let a = Dataset::from_bytes(csv.as_bytes(), &o)
            .unwrap()
            .analyze(&o)
            .unwrap();
        let report = serde_json::to_value(&a.report).unwrap();
        let v = &report["clv"];
        for k in [
            "formula",
            "retentionRate",
            "retentionSource",
            "discountRate",
            "marginRate",
            "multiplier",
            "meanMonthlyMargin",
            "total",
            "mean",
        ] {
            assert!(!v["simple"][k].is_null(), "clv.simple.{k}");
        }
        let bg = fit_section(v, "bgnbd", &["r", "alpha", "a", "b"]);
        let pareto = fit_section(v, "paretoNbd", &["r", "alpha", "s", "beta"]);
        let mbg = fit_section(v, "mbgnbd", &["r", "alpha", "a", "b"]);
        let gg = fit_section(v, "gammaGamma", &["p", "q", "v"]);
        assert_eq!(v["chosenModel"], choice);
        assert_eq!(v["choiceCriterion"], "user");
        let p = match kind {
            ModelKind::Bgnbd => bg,
            ModelKind::ParetoNbd => pareto,
            ModelKind::Mbgnbd => mbg,
        };
        let h = num(v, "units.horizonMonths") as u32;
        let grid = Grid::new(h, num(v, "units.monthFactor"), num(v, "units.discountRate"));
        let horizon = num(v, "units.horizonUnits");
        assert_eq!(horizon, grid.horizon());
        let margin = num(v, "units.marginRate");
        assert_eq!(margin, 0.3);
        let spend = SpendModel::GammaGamma(gg);

        let bytes = export::customers_csv(&a).unwrap();
        let mut rdr = csv::Reader::from_reader(&bytes[3..]);
        let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("export column {name}"))
        };
        let c = [
            "x",
            "tX",
            "T",
            "monetaryValue",
            "pAlive",
            "expectedPurchases",
            "expectedSpend",
            "clv",
            "clvLow",
            "clvHigh",
        ]
        .map(col);
        let (mut rows, mut wide) = (0, 0);
        for r in rdr.records() {
            let r = r.unwrap();
            let f: Vec<f64> = c.iter().map(|&i| r[i].parse::<f64>().unwrap()).collect();
            let (x, tx, t, m) = (f[0], f[1], f[2], f[3]);
            let pa = kind.p_alive(&p, x, tx, t);
            let e = pa * kind.u(&p, x, t, horizon).unwrap();
            let es = spend.expected(x, m);
            let clv = margin * es * pa * stream(kind, &p, x, t, &grid).unwrap().0;
            assert!(
                close(f[4], pa),
                "{choice} pAlive row {rows}: {} vs {pa}",
                f[4]
            );
            assert!(
                close(f[5], e),
                "{choice} expectedPurchases row {rows}: {} vs {e}",
                f[5]
            );
            assert!(close(f[6], es), "{choice} expectedSpend row {rows}");
            assert!(
                close(f[7], clv),
                "{choice} clv row {rows}: {} vs {clv}",
                f[7]
            );
            assert!(f[8] <= f[7] + 1e-9 * f[7].abs() && f[7] <= f[9] + 1e-9 * f[9].abs());
            wide += usize::from(f[8] < f[9]);
            rows += 1;
        }
        assert_eq!(rows, num(v, "customers") as usize);
        assert!(
            wide * 2 > rows,
            "{choice}: the bootstrap interval has width"
        );
        let total = num(v, "totals.clv");
        assert!(num(v, "totals.clvLow") < total && total < num(v, "totals.clvHigh"));
    }
}
