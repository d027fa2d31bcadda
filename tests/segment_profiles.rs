//! Cluster profiles and the cluster × RFM-segment crosstab of a real analysis, against
//! computations made here from the per-customer columns (mean, numpy-style median, revenue
//! share) and, for the crosstab, from pandas' own RFM segments of the same log
//! (tests/fixtures/reference/sample-10000-seed7.rfm.json).
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::{Dataset, Options};
use serde_json::Value;
use std::collections::HashMap;

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// numpy's median: the middle value, or the mean of the two middle values.
fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn profiles_and_crosstab_equal_an_independent_computation() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reference/sample-10000-seed7.rfm.json"
    );
    let fx: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let log = generate_csv(&SampleSpec {
        transactions: 10_000,
        seed: 7,
        ..Default::default()
    })
    .unwrap();
    // pandas' RFM recipe ranks F by position: the fixture's segments are `ties: "first"`'s.
    let o =
        Options::from_json(r#"{"clv": {"bootstrapDraws": 0}, "rfm": {"ties": "first"}}"#).unwrap();
    let a = Dataset::from_bytes(log.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    let t = &a.customers;
    let seg = &a.report.segments;
    let n = t.len();
    assert!(seg.k >= 2);
    assert_eq!(seg.clusters.len(), seg.k);
    let total_revenue: f64 = t.revenue.iter().sum();
    let frequency: Vec<f64> = t.transactions.iter().map(|&x| x as f64).collect();
    for (c, p) in seg.clusters.iter().enumerate() {
        assert_eq!(p.id as usize, c);
        let members: Vec<usize> = (0..n)
            .filter(|&i| a.segments.cluster[i] as usize == c)
            .collect();
        let pick = |col: &[f64]| -> Vec<f64> { members.iter().map(|&i| col[i]).collect() };
        assert_eq!(p.size, members.len(), "cluster {c} size");
        assert!(
            close(p.share, members.len() as f64 / n as f64),
            "cluster {c} share"
        );
        for (stat, col, what) in [
            (&p.recency_days, pick(&t.recency_days), "recency"),
            (&p.frequency, pick(&frequency), "frequency"),
            (&p.monetary, pick(&t.revenue), "monetary"),
            (&p.tenure_days, pick(&t.tenure_days), "tenure"),
            (p.clv.as_ref().unwrap(), pick(&a.clv.clv), "clv"),
        ] {
            assert!(close(stat.mean, mean(&col)), "cluster {c} {what} mean");
            assert!(
                close(stat.median, median(&col)),
                "cluster {c} {what} median"
            );
        }
        let revenue: f64 = pick(&t.revenue).iter().sum();
        let share = p.revenue_share.expect("positive total revenue");
        assert!(
            (share - revenue / total_revenue).abs() < 1e-12,
            "cluster {c} revenue share"
        );
    }
    let shares: f64 = seg.clusters.iter().filter_map(|p| p.revenue_share).sum();
    assert!((shares - 1.0).abs() < 1e-12);

    // Crosstab: our clusters against pandas' RFM segment of each customer, by name.
    let pandas_segment: HashMap<&str, &str> = fx["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r[0].as_str().unwrap(), r[7].as_str().unwrap()))
        .collect();
    let x = seg.crosstab.as_ref().expect("crosstab");
    let names: Vec<&str> = a
        .report
        .rfm
        .segments
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(x.rfm_segments, names);
    let mut counts = vec![vec![0u64; names.len()]; seg.k];
    for i in 0..n {
        let name = pandas_segment[&t.ids[i]];
        let s = names.iter().position(|x| *x == name).unwrap();
        counts[a.segments.cluster[i] as usize][s] += 1;
    }
    assert_eq!(x.counts, counts);
    assert!(x.unknown.iter().all(|&u| u == 0));
    let filled = counts.iter().flatten().filter(|&&c| c > 0).count();
    assert!(
        filled > seg.k,
        "clusters mix several RFM segments: {filled} cells"
    );
}
