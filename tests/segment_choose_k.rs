//! The default k a marketer can use (src/segment/choose_k.rs): on blobs with a known k the rule
//! finds it, 6 inside the preferred 3..8 and 2 outside it (with the reason saying why the range
//! gave way); on the bundled sample and on the 1M-transaction log, where the silhouette alone
//! peaks at a weak k = 2, it keeps to 3..8. Every k of the scan stays in the Report, and the
//! clusters get names.
#![cfg(not(target_arch = "wasm32"))]

#[path = "segment_support/data.rs"]
mod segment_data;

use crm_lens::customers::CustomerTable;
use crm_lens::ingest::{self, Ingested, ReturnsPolicy};
use crm_lens::pipeline::SegmentFeatures;
use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::segment::{
    run, SegmentInput, SegmentOptions, SegmentsReport, OUTSIDE_MARGIN, PREFERRED_K,
    STRONG_STRUCTURE,
};
use crm_lens::units::TimeUnit;
use crm_lens::Options;
use segment_data::blobs;

fn on_blobs(k: usize) -> SegmentsReport {
    let c = blobs(k, 600, 200 + k as u64);
    let input = SegmentInput {
        recency_days: &c.recency,
        frequency: &c.frequency,
        monetary: &c.monetary,
        tenure_days: &c.tenure,
        clv: None,
    };
    run(&input, &SegmentOptions::default(), None).0
}

/// The segmentation the pipeline runs on a generated log of `transactions` lines.
fn on_log(transactions: usize) -> SegmentsReport {
    let csv = generate_csv(&SampleSpec {
        transactions,
        ..Default::default()
    })
    .unwrap();
    let Ok(Ingested::Transactions(tx, _, _)) =
        ingest::ingest(csv.as_bytes(), &Options::default().ingest)
    else {
        panic!("a transaction log");
    };
    drop(csv);
    let as_of = *tx.day.iter().max().unwrap();
    let (t, _) = CustomerTable::build(&tx, as_of, TimeUnit::Day, ReturnsPolicy::Net);
    drop(tx);
    let f = SegmentFeatures::of(&t);
    run(&f.input(None), &SegmentOptions::default(), None).0
}

fn silhouette(r: &SegmentsReport, k: usize) -> f64 {
    r.scan
        .iter()
        .find(|p| p.k == k)
        .and_then(|p| p.silhouette)
        .unwrap()
}

#[test]
fn blobs_with_six_groups_give_six() {
    let r = on_blobs(6);
    assert_eq!(r.scan.len(), 9, "the scan shows every k");
    assert_eq!(
        (r.k, r.recommendation.reason.as_str()),
        (6, "maxSilhouette")
    );
    assert!(r.clusters.iter().all(|c| c.size == 600));
    assert!(r.clusters.iter().all(|c| !c.name.code.is_empty()));
}

#[test]
fn blobs_with_two_groups_give_two_and_say_why_the_range_gave_way() {
    let r = on_blobs(2);
    let rec = &r.recommendation;
    assert_eq!(
        (r.k, rec.reason.as_str()),
        (2, "strongStructureOutsideRange")
    );
    assert_eq!(rec.preferred_range, PREFERRED_K);
    let in_range = rec.best_in_range_silhouette.unwrap();
    assert!(silhouette(&r, 2) >= STRONG_STRUCTURE);
    assert!(silhouette(&r, 2) - in_range >= OUTSIDE_MARGIN);
    assert!((PREFERRED_K[0]..=PREFERRED_K[1]).contains(&rec.best_in_range_k.unwrap()));
    assert!(r.clusters.iter().all(|c| c.size == 600));
}

/// The sample and the 1M log: the silhouette's best (k = 2) is weak, so the rule keeps to
/// 3..8 and names the clusters for what they are.
fn check_customer_log(r: &SegmentsReport) {
    let rec = &r.recommendation;
    assert_eq!(r.scan.len(), 9, "the scan shows every k");
    assert_eq!(rec.best_silhouette_k, Some(2), "{rec:?}");
    assert!(rec.best_silhouette.unwrap() < STRONG_STRUCTURE);
    assert!((PREFERRED_K[0]..=PREFERRED_K[1]).contains(&r.k), "{rec:?}");
    assert!(
        [
            "maxSilhouetteInPreferredRange",
            "elbowWithinSilhouetteTolerance"
        ]
        .contains(&rec.reason.as_str()),
        "{rec:?}"
    );
    let names: Vec<&str> = r.clusters.iter().map(|c| c.name.code.as_str()).collect();
    println!("k = {} ({}); names {names:?}", r.k, rec.reason);
    // The largest cluster of a BTYD base is the lapsed one-time buyers; the repeat buyers
    // who still buy stand apart.
    assert_eq!(names[0], "lapsedOnePurchase");
    assert!(names.contains(&"loyalHighSpenders"), "{names:?}");
}

#[test]
fn the_sample_keeps_to_three_to_eight() {
    let r = on_log(55_000);
    assert_eq!(
        (r.k, r.recommendation.reason.as_str()),
        (3, "maxSilhouetteInPreferredRange")
    );
    check_customer_log(&r);
}

#[test]
fn the_1m_log_keeps_to_three_to_eight() {
    check_customer_log(&on_log(1_000_000));
}
