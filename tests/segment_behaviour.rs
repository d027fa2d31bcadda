//! Behaviour of `segment::run`: recommended k on separated blobs, degenerate inputs (no panic,
//! no NaN, warning codes, fallbacks), determinism, report consistency.

#[path = "segment_support/data.rs"]
mod segment_data;

use crm_lens::report::Warning;
use crm_lens::segment::{run, Feature, SegmentColumns, SegmentOptions, SegmentsReport};
use segment_data::{blobs, btyd, Customers};

fn codes(w: &[Warning]) -> Vec<&str> {
    w.iter().map(|w| w.code.as_str()).collect()
}

/// Every number that reaches the serialized report must be finite.
fn assert_finite(r: &SegmentsReport, cols: &SegmentColumns) {
    let mut v = vec![r.inertia];
    v.extend(r.silhouette);
    for p in &r.scan {
        v.push(p.inertia);
        v.extend(p.silhouette);
    }
    for c in &r.clusters {
        v.extend([
            c.share,
            c.recency_days.mean,
            c.recency_days.median,
            c.frequency.mean,
        ]);
        v.extend([c.frequency.median, c.monetary.mean, c.monetary.median]);
        v.extend([c.tenure_days.mean, c.tenure_days.median]);
        v.extend(c.revenue_share);
        v.extend(c.centroid.iter().copied());
    }
    v.extend(r.projection.explained_variance);
    v.extend(r.projection.components.iter().flatten().copied());
    for t in &r.transform.per_feature {
        v.extend([t.mean, t.std]);
    }
    assert!(v.iter().all(|x| x.is_finite()), "non-finite value in {r:?}");
    assert!(cols.x.iter().chain(&cols.y).all(|x| x.is_finite()));
    assert!(serde_json::to_string(r).is_ok());
}

fn check_consistent(r: &SegmentsReport, cols: &SegmentColumns, n: usize) {
    assert_finite(r, cols);
    assert_eq!(cols.cluster.len(), n);
    assert_eq!(cols.x.len(), n);
    assert_eq!(cols.y.len(), n);
    assert_eq!(r.clusters.len(), r.k);
    assert_eq!(r.clusters.iter().map(|c| c.size).sum::<usize>(), n);
    assert!(cols.cluster.iter().all(|&c| (c as usize) < r.k.max(1)));
    for (i, c) in r.clusters.iter().enumerate() {
        assert_eq!(c.id as usize, i);
        assert_eq!(cols.cluster.iter().filter(|&&l| l == c.id).count(), c.size);
        assert!(!c.label.is_empty());
    }
    assert!(r.clusters.windows(2).all(|w| w[0].size >= w[1].size));
}

#[test]
fn recommends_true_k_on_separated_blobs() {
    for true_k in [3, 4, 5, 6] {
        let c = blobs(true_k, 800, 100 + true_k as u64);
        let (r, cols, w) = run(&c.input(), &SegmentOptions::default(), None);
        assert!(w.is_empty(), "{w:?}");
        check_consistent(&r, &cols, c.recency.len());
        assert_eq!(r.recommendation.k, true_k, "{:?}", r.recommendation);
        assert_eq!(r.k, true_k);
        assert!(r.silhouette.unwrap() > 0.7, "{:?}", r.silhouette);
        assert_eq!(r.scan.len(), 9);
        // Each blob is one cluster of 800.
        assert!(
            r.clusters.iter().all(|cl| cl.size == 800),
            "{:?}",
            r.clusters
        );
    }
}

#[test]
fn deterministic_and_consistent_on_btyd() {
    let c = btyd(30_000, 3);
    let names: Vec<String> = ["champions", "loyal", "atRisk"].map(String::from).to_vec();
    let seg: Vec<u16> = (0..c.recency.len()).map(|i| (i % 4) as u16).collect(); // 3 = unknown
    let opts = SegmentOptions::default();
    let (r1, c1, w1) = run(&c.input(), &opts, Some((&seg, &names)));
    let (r2, c2, w2) = run(&c.input(), &opts, Some((&seg, &names)));
    assert_eq!(
        serde_json::to_string(&r1).unwrap(),
        serde_json::to_string(&r2).unwrap()
    );
    assert_eq!(c1, c2);
    assert_eq!(w1, w2);
    check_consistent(&r1, &c1, 30_000);
    assert_eq!(codes(&w1), ["segment_rfm_segment_out_of_range"]);
    let ct = r1.crosstab.as_ref().unwrap();
    for (cl, (row, unk)) in r1.clusters.iter().zip(ct.counts.iter().zip(&ct.unknown)) {
        assert_eq!(row.iter().sum::<u64>() + unk, cl.size as u64);
    }
    let share: f64 = r1.clusters.iter().map(|c| c.share).sum();
    let rev: f64 = r1.clusters.iter().filter_map(|c| c.revenue_share).sum();
    assert!((share - 1.0).abs() < 1e-9 && (rev - 1.0).abs() < 1e-9);
    assert_eq!(r1.sample_sizes.scan, 10_000);
    assert_eq!(r1.sample_sizes.silhouette, 4_000);
    let ev = r1.projection.explained_variance;
    assert!(ev[0] >= ev[1] && ev[1] >= 0.0 && ev[0] + ev[1] <= 1.0 + 1e-12);
    // Fixing the recommended k reproduces the scan's clustering (same seed per k).
    let fixed = SegmentOptions {
        k: Some(r1.k),
        ..opts.clone()
    };
    let (r3, c3, _) = run(&c.input(), &fixed, None);
    assert_eq!(r3.inertia, r1.inertia);
    assert_eq!(c3.cluster, c1.cluster);
    assert_eq!(r3.recommendation.reason, "userFixed");
    // A different seed still gives a valid report.
    let (r4, c4, _) = run(&c.input(), &SegmentOptions { seed: 7, ..opts }, None);
    check_consistent(&r4, &c4, 30_000);
}

#[test]
fn json_keys_are_stable() {
    let c = blobs(3, 50, 1);
    let (r, _, _) = run(&c.input(), &SegmentOptions::default(), None);
    let v = serde_json::to_value(&r).unwrap();
    for key in [
        "k",
        "inertia",
        "silhouette",
        "scan",
        "clusters",
        "recommendation",
        "features",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    for key in [
        "transform",
        "projection",
        "crosstab",
        "sampleSizes",
        "droppedFeatures",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert!(v["projection"]["explainedVariance"].is_array());
    assert!(v["scan"][0].get("silhouette").is_some());
    assert!(v["clusters"][0].get("revenueShare").is_some());
    assert_eq!(v["recommendation"]["reason"], "maxSilhouette");
    let opts: SegmentOptions =
        serde_json::from_str(r#"{"k":4,"features":["recency","tenure"]}"#).unwrap();
    assert_eq!(opts.k, Some(4));
    assert_eq!(opts.features, [Feature::Recency, Feature::Tenure]);
    assert_eq!(opts.k_max, 10);
}

fn small(rows: &[[f64; 4]]) -> Customers {
    Customers {
        recency: rows.iter().map(|r| r[0]).collect(),
        frequency: rows.iter().map(|r| r[1]).collect(),
        monetary: rows.iter().map(|r| r[2]).collect(),
        tenure: rows.iter().map(|r| r[3]).collect(),
    }
}

#[test]
fn no_customers() {
    let c = small(&[]);
    let (r, cols, w) = run(&c.input(), &SegmentOptions::default(), None);
    assert_eq!(codes(&w), ["segment_no_customers"]);
    assert_eq!(r.k, 0);
    check_consistent(&r, &cols, 0);
}

#[test]
fn one_customer() {
    let c = small(&[[3.0, 2.0, 50.0, 100.0]]);
    let (r, cols, w) = run(&c.input(), &SegmentOptions::default(), None);
    assert!(codes(&w).contains(&"segment_no_variance"), "{w:?}");
    assert_eq!(r.k, 1);
    assert_eq!(r.silhouette, None);
    check_consistent(&r, &cols, 1);
}

#[test]
fn identical_customers() {
    let c = small(&[[3.0, 2.0, 50.0, 100.0]; 40]);
    let (r, cols, w) = run(&c.input(), &SegmentOptions::default(), None);
    let cw = codes(&w);
    assert_eq!(
        cw.iter()
            .filter(|&&c| c == "segment_constant_feature")
            .count(),
        3
    );
    assert!(cw.contains(&"segment_no_variance"));
    assert_eq!(r.k, 1);
    assert_eq!(r.clusters[0].size, 40);
    assert_eq!(r.clusters[0].label, ["typical"]);
    assert_eq!(r.recommendation.reason, "degenerate");
    check_consistent(&r, &cols, 40);
}

#[test]
fn constant_feature_is_dropped() {
    let mut c = blobs(3, 100, 9);
    c.frequency.iter_mut().for_each(|f| *f = 1.0);
    let (r, cols, w) = run(&c.input(), &SegmentOptions::default(), None);
    assert_eq!(codes(&w), ["segment_constant_feature"]);
    assert_eq!(r.features, [Feature::Recency, Feature::Monetary]);
    assert_eq!(r.dropped_features, [Feature::Frequency]);
    check_consistent(&r, &cols, 300);
}

#[test]
fn fewer_customers_than_k() {
    let c = small(&[
        [1.0, 1.0, 10.0, 5.0],
        [50.0, 3.0, 90.0, 60.0],
        [300.0, 9.0, 900.0, 400.0],
    ]);
    let fixed = SegmentOptions {
        k: Some(5),
        ..SegmentOptions::default()
    };
    let (r, cols, w) = run(&c.input(), &fixed, None);
    assert_eq!(codes(&w), ["segment_k_reduced"]);
    assert_eq!(r.k, 3);
    check_consistent(&r, &cols, 3);
    let (r, cols, w) = run(&c.input(), &SegmentOptions::default(), None);
    assert_eq!(codes(&w), ["segment_scan_range_reduced"]);
    assert!(r.k >= 2 && r.k <= 3);
    check_consistent(&r, &cols, 3);
}

#[test]
fn duplicates_leave_fewer_distinct_points_than_k() {
    let mut rows = vec![[1.0, 1.0, 10.0, 5.0]; 10];
    rows.extend(vec![[200.0, 5.0, 500.0, 300.0]; 10]);
    let c = small(&rows);
    let fixed = SegmentOptions {
        k: Some(4),
        ..SegmentOptions::default()
    };
    let (r, cols, w) = run(&c.input(), &fixed, None);
    assert_eq!(codes(&w), ["segment_empty_cluster_dropped"]);
    assert_eq!(r.k, 2);
    assert!(r.inertia < 1e-20);
    check_consistent(&r, &cols, 20);
}

#[test]
fn bad_values_lengths_and_options() {
    let mut c = blobs(3, 60, 4);
    c.monetary[0] = f64::NAN;
    c.recency[1] = f64::INFINITY;
    c.monetary[2] = -500.0; // net refund: clamped at 0 before the log
    c.tenure.pop();
    let bad = SegmentOptions {
        k_min: 5,
        k_max: 3,
        ..SegmentOptions::default()
    };
    assert!(bad.validate().is_err());
    let (r, cols, w) = run(&c.input(), &bad, None);
    assert_eq!(
        codes(&w),
        [
            "segment_invalid_options",
            "segment_length_mismatch",
            "segment_non_finite_input"
        ]
    );
    check_consistent(&r, &cols, 179);
    let clv_opts = SegmentOptions {
        features: vec![Feature::Recency, Feature::Clv],
        ..SegmentOptions::default()
    };
    let (r, cols, w) = run(&c.input(), &clv_opts, Some((&[0, 1], &["a".to_string()])));
    assert!(codes(&w).contains(&"segment_feature_missing"));
    assert!(codes(&w).contains(&"segment_rfm_length_mismatch"));
    assert_eq!(r.features, [Feature::Recency]);
    assert_eq!(r.projection.explained_variance, [1.0, 0.0]);
    check_consistent(&r, &cols, 179);
}
