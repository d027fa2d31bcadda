//! End to end: models with covariates (`clv.covariates`), the churn comparison (`churn`) and
//! the rule explanations (`explain`) — their Report sections, the `churnRisk` export column,
//! independence of row order, and finite output on degenerate files.

use crm_lens::options::Options;
use crm_lens::pipeline::Dataset;
use crm_lens::sample::{generate_csv, SampleSpec};
use serde_json::Value;

fn analyze(csv: &str, opts: &Options) -> (Value, crm_lens::pipeline::Analysis) {
    let ds = Dataset::from_bytes(csv.as_bytes(), opts).expect("read");
    let a = ds.analyze(opts).expect("analysed");
    (serde_json::to_value(&a.report).unwrap(), a)
}

fn with_covariates(cols: &[&str]) -> Options {
    let mut o = Options::default();
    o.ingest.covariate_cols = cols.iter().map(|c| c.to_string()).collect();
    o.clv.bootstrap_draws = 0;
    o
}

fn sample(n: usize) -> String {
    generate_csv(&SampleSpec {
        transactions: n,
        ..Default::default()
    })
    .unwrap()
}

fn codes(r: &Value) -> Vec<String> {
    r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect()
}

/// The sample's channel is drawn independently of behaviour: both models with it are
/// reported, the LR test has 4 degrees of freedom (2 levels × 2 processes) and finds nothing.
#[test]
fn covariate_models_on_the_sample_channel() {
    let (r, _) = analyze(&sample(20_000), &with_covariates(&["channel"]));
    let cov = &r["clv"]["covariates"];
    assert_eq!(cov["covariates"][0]["name"], "channel");
    assert_eq!(cov["covariates"][0]["kind"], "categorical");
    assert_eq!(cov["covariates"][0]["levels"].as_array().unwrap().len(), 3);
    let models = cov["models"].as_array().unwrap();
    assert_eq!(models.len(), 2, "{cov}");
    for m in models {
        let lr = &m["lrTest"];
        assert_eq!(lr["df"], 4);
        let p = lr["pValue"].as_f64().unwrap();
        assert!(p > 0.001 && p <= 1.0, "{lr}");
        let plain = &r["clv"][m["model"].as_str().unwrap()]["logLikelihood"];
        assert_eq!(&lr["plainLogLikelihood"], plain);
        assert!(m["logLikelihood"].as_f64().unwrap() >= plain.as_f64().unwrap() - 1e-6);
        for c in m["coefficients"].as_array().unwrap() {
            let (g, se) = (
                c["gamma"].as_f64().unwrap(),
                c["stdError"].as_f64().unwrap(),
            );
            assert!(g.is_finite() && se > 0.0 && se < 1.0, "{c}");
        }
        let e = &m["effects"][0]["purchaseRate"];
        assert!(e["low"].as_f64().unwrap() < 1.0 && e["high"].as_f64().unwrap() > 1.0);
    }
}

#[test]
fn a_constant_covariate_leaves_the_plain_model() {
    let csv: String = sample(5_000)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l},country\n")
            } else {
                format!("{l},CN\n")
            }
        })
        .collect();
    let (r, _) = analyze(&csv, &with_covariates(&["country"]));
    let (plain, _) = analyze(&csv, &with_covariates(&[]));
    assert!(r["clv"]["covariates"]["models"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(r["clv"]["covariates"]["covariates"][0]["dropped"]
        .as_bool()
        .unwrap());
    assert!(codes(&r).contains(&"clv_covariate_constant".to_string()));
    assert_eq!(r["clv"]["bgnbd"], plain["clv"]["bgnbd"]);
    assert_eq!(plain["clv"]["covariates"], Value::Null);
}

#[test]
fn a_customer_takes_the_value_of_their_first_purchase_day() {
    let csv = "customer,date,amount,channel\n\
               a,2024-01-05,10,web\na,2024-01-01,10,store\na,2024-01-01,5,app\n\
               b,2024-01-02,10,web\nb,2024-02-02,10,web\n";
    let opts = with_covariates(&["channel"]);
    let ds = Dataset::from_bytes(csv.as_bytes(), &opts).unwrap();
    let a = ds.analyze(&opts).unwrap();
    let cov = &a.customers.covariates[0];
    assert_eq!(cov.levels, ["app", "store", "web"]);
    // a: day 2024-01-01 holds app and store: the smaller text, app.
    assert_eq!(cov.value, [0, 2]);
    assert_eq!(cov.differing, 1);
}

#[test]
fn churn_compares_both_models_and_scores_every_customer() {
    let (r, a) = analyze(&sample(20_000), &with_covariates(&["channel"]));
    let c = &r["churn"];
    assert_eq!(
        c["windowDays"],
        r["clv"]["holdout"]["duration"].as_f64().unwrap() as u64
    );
    assert!(c["test"].as_u64().unwrap() > 1000);
    let models = c["models"].as_array().unwrap();
    assert_eq!(models.len(), 2);
    for m in models {
        let mm = &m["metrics"];
        let auc = mm["auc"].as_f64().unwrap();
        assert!(mm["aucLow"].as_f64().unwrap() <= auc && auc <= mm["aucHigh"].as_f64().unwrap());
        assert_eq!(mm["calibration"].as_array().unwrap().len(), 10);
    }
    let chosen = c["chosen"].as_str().unwrap();
    let best = models
        .iter()
        .max_by(|x, y| {
            let f = |m: &Value| m["metrics"]["auc"].as_f64().unwrap();
            f(x).total_cmp(&f(y))
        })
        .unwrap();
    assert_eq!(chosen, best["model"]);
    assert!(c["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "channel=app"));
    assert_eq!(a.churn.risk.len(), a.customers.len());
    assert!(a.churn.risk.iter().all(|r| (0.0..=1.0).contains(r)));
    let csv = String::from_utf8(crm_lens::export::customers_csv(&a).unwrap()).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(header.last(), Some(&"churnRisk"));
}

/// Shuffling the rows changes nothing: covariate fits, churn metrics, rules.
#[test]
fn row_order_does_not_matter() {
    let csv = sample(8_000);
    let mut lines: Vec<&str> = csv.lines().collect();
    let header = lines.remove(0);
    let mut shuffled = lines.clone();
    // A fixed permutation: reverse, then interleave halves.
    shuffled.reverse();
    let (a, b) = shuffled.split_at(shuffled.len() / 2);
    let mixed: Vec<&str> = a
        .iter()
        .zip(b)
        .flat_map(|(x, y)| [*x, *y])
        .chain(b.iter().skip(a.len()).copied())
        .collect();
    assert_eq!(mixed.len(), lines.len());
    let text = |ls: &[&str]| format!("{header}\n{}\n", ls.join("\n"));
    let opts = with_covariates(&["channel"]);
    let (r1, _) = analyze(&text(&lines), &opts);
    let (r2, _) = analyze(&text(&mixed), &opts);
    assert_eq!(r1["churn"], r2["churn"]);
    assert_eq!(r1["explain"], r2["explain"]);
    // The likelihoods sum in another order: equal to rounding.
    let (m1, m2) = (
        &r1["clv"]["covariates"]["models"],
        &r2["clv"]["covariates"]["models"],
    );
    for (x, y) in m1.as_array().unwrap().iter().zip(m2.as_array().unwrap()) {
        for (c1, c2) in x["coefficients"]
            .as_array()
            .unwrap()
            .iter()
            .zip(y["coefficients"].as_array().unwrap())
        {
            let (g1, g2) = (c1["gamma"].as_f64().unwrap(), c2["gamma"].as_f64().unwrap());
            assert!((g1 - g2).abs() < 1e-6, "{g1} vs {g2}");
        }
    }
}

#[test]
fn explanations_name_each_cluster_and_stage_with_counted_rules() {
    let (r, a) = analyze(&sample(20_000), &with_covariates(&[]));
    let e = &r["explain"];
    assert_eq!(e["depth"], 3);
    let classes = e["classes"].as_array().unwrap();
    let k = r["segments"]["k"].as_u64().unwrap();
    let clusters = classes.iter().filter(|c| c["kind"] == "cluster").count() as u64;
    assert_eq!(clusters, k);
    let n = a.customers.len() as f64;
    for c in classes {
        for rule in c["rules"].as_array().unwrap() {
            let conds = rule["conditions"].as_array().unwrap();
            assert!(!conds.is_empty() && conds.len() <= 3 * 2);
            let k = rule["customers"].as_f64().unwrap();
            assert!((rule["coverage"].as_f64().unwrap() - k / n).abs() < 1e-12);
            let p = rule["purity"].as_f64().unwrap();
            assert!(p > 0.0 && p <= 1.0);
        }
    }
    // Lost is "silent longer than the churn window": one rule on recency, exactly.
    let lost = classes.iter().find(|c| c["class"] == "lost").unwrap();
    let rule = &lost["rules"][0];
    assert_eq!(rule["conditions"][0]["feature"], "recencyDays");
    assert_eq!(rule["purity"], 1.0);
    assert_eq!(rule["recall"], 1.0);
    let window = r["lifecycle"]["thresholds"]["churnWindowDays"]
        .as_f64()
        .unwrap();
    assert_eq!(rule["conditions"][0]["threshold"].as_f64().unwrap(), window);
}

fn all_finite(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_f64().is_some_and(f64::is_finite),
        Value::Array(a) => a.iter().all(all_finite),
        Value::Object(o) => o.values().all(all_finite),
        _ => true,
    }
}

/// One customer, no repeat buyers, everyone gone in the holdout: finite sections and
/// warnings, never NaN.
#[test]
fn degenerate_files_give_warnings_not_nan() {
    let one = "customer,date,amount,channel\na,2024-01-01,10,web\na,2024-03-01,10,web\n";
    let mut no_repeat = String::from("customer,date,amount,channel\n");
    for i in 0..60 {
        no_repeat.push_str(&format!(
            "c{i},2024-01-{:02},10,{}\n",
            1 + i % 28,
            ["web", "app"][i % 2]
        ));
    }
    no_repeat.push_str("z,2024-06-30,10,web\n");
    let mut gone = String::from("customer,date,amount,channel\n");
    for i in 0..80 {
        gone.push_str(&format!("c{i},2024-01-{:02},10,web\n", 1 + i % 28));
        gone.push_str(&format!("c{i},2024-02-{:02},20,app\n", 1 + i % 28));
    }
    gone.push_str("z,2024-12-31,10,web\n");
    for (name, csv, want) in [
        ("one", one, "churn_unvalidated"),
        ("noRepeat", no_repeat.as_str(), "clv_covariates_not_fitted"),
        ("gone", gone.as_str(), "churn_unvalidated"),
    ] {
        let (r, a) = analyze(csv, &with_covariates(&["channel"]));
        assert!(all_finite(&r), "{name}");
        assert!(
            codes(&r).contains(&want.to_string()),
            "{name}: {:?}",
            codes(&r)
        );
        assert!(a.churn.risk.iter().all(|v| v.is_finite()), "{name}");
        assert!(r["churn"]["chosen"].is_null(), "{name}");
    }
}
