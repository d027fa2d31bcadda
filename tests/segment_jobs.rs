//! The k-means jobs of a segmentation (`Scan`) give `run`'s segmentation whoever runs them and
//! in whatever order: two threads taking jobs from both ends as the page's two workers do, one
//! thread in reverse, a split where one side runs a single job; answers through their bytes.

#[path = "segment_support/data.rs"]
mod segment_data;

use std::sync::atomic::{AtomicBool, Ordering};

use crm_lens::segment::{run, KmeansFit, Scan, SegmentOptions};
use segment_data::{blobs, btyd, Customers};

/// The segmentation with job `i` run by the side `side(i)` says (each side its own `Scan`,
/// the answers through bytes), in the order `order` gives; finished by a third `Scan`.
fn split(c: &Customers, opts: &SegmentOptions, order: &[usize], side: impl Fn(usize) -> bool) {
    let inp = c.input();
    let (a, b, last) = (
        Scan::new(&inp, opts),
        Scan::new(&inp, opts),
        Scan::new(&inp, opts),
    );
    let mut bytes = vec![Vec::new(); last.jobs()];
    for &i in order {
        bytes[i] = if side(i) { a.run_job(i) } else { b.run_job(i) }.encode();
    }
    let fits = bytes
        .iter()
        .enumerate()
        .map(|(i, b)| last.decode_fit(i, b).expect("an answer of this job"))
        .collect();
    assert_eq!(last.finish(&inp, None, fits), run(&inp, opts, None));
}

/// Two threads, one taking jobs from the first up and one from the last down, each claiming
/// a job before it runs it (as the analysis and the segment worker do).
fn threads(c: &Customers, opts: &SegmentOptions) -> usize {
    let inp = c.input();
    let (a, b) = (Scan::new(&inp, opts), Scan::new(&inp, opts));
    let n = a.jobs();
    let claimed: Vec<AtomicBool> = (0..n).map(|_| AtomicBool::new(false)).collect();
    let take = |i: usize| !claimed[i].swap(true, Ordering::SeqCst);
    let (up, down) = std::thread::scope(|s| {
        let up = s.spawn(|| {
            (0..n)
                .filter(|&i| take(i))
                .map(|i| (i, a.run_job(i)))
                .collect::<Vec<_>>()
        });
        let down = s.spawn(|| {
            (0..n)
                .rev()
                .filter(|&i| take(i))
                .map(|i| (i, b.run_job(i).encode()))
                .collect::<Vec<_>>()
        });
        (up.join().unwrap(), down.join().unwrap())
    });
    let mut fits: Vec<Option<KmeansFit>> = vec![None; n];
    for (i, f) in up {
        fits[i] = Some(f);
    }
    for (i, bytes) in down {
        fits[i] = a.decode_fit(i, &bytes);
    }
    let fits = fits
        .into_iter()
        .map(|f| f.expect("every job ran once"))
        .collect();
    assert_eq!(a.finish(&inp, None, fits), run(&inp, opts, None));
    n
}

#[test]
fn scan_on_all_customers_any_split() {
    let c = btyd(2_500, 11);
    let opts = SegmentOptions::default();
    let n = Scan::new(&c.input(), &opts).jobs();
    assert_eq!(n, 9, "k = 2..10");
    let all: Vec<usize> = (0..n).collect();
    let rev: Vec<usize> = all.iter().rev().copied().collect();
    split(&c, &opts, &rev, |i| i % 2 == 0);
    split(&c, &opts, &all, |i| i == 4);
    split(&c, &opts, &[3, 8, 0, 5, 1, 7, 2, 6, 4], |i| i < 5);
    assert_eq!(threads(&c, &opts), 9);
}

#[test]
fn scan_on_a_sample_with_restarts_on_all_any_split() {
    // The scan sample is smaller than the customers: the full-data restarts join each job.
    let c = btyd(4_000, 5);
    let opts = SegmentOptions {
        scan_sample: 1_000,
        silhouette_sample: 500,
        ..SegmentOptions::default()
    };
    let rev: Vec<usize> = (0..9).rev().collect();
    split(&c, &opts, &rev, |i| i >= 6);
    assert_eq!(threads(&c, &opts), 9);
}

#[test]
fn fixed_k_and_degenerate_inputs() {
    let c = blobs(4, 300, 3);
    let fixed = SegmentOptions {
        k: Some(4),
        ..SegmentOptions::default()
    };
    split(&c, &fixed, &[0], |_| false);
    assert_eq!(threads(&c, &fixed), 1);
    // Fewer customers than the scan's largest k: the range shrinks, the jobs with it.
    let few = btyd(6, 2);
    assert_eq!(threads(&few, &SegmentOptions::default()), 5);
    // Nobody differs: no job, one segment.
    let mut same = btyd(50, 1);
    for v in [
        &mut same.recency,
        &mut same.frequency,
        &mut same.monetary,
        &mut same.tenure,
    ] {
        v.iter_mut().for_each(|x| *x = 3.0);
    }
    assert_eq!(threads(&same, &SegmentOptions::default()), 0);
}

#[test]
fn answers_of_another_job_are_refused() {
    let c = btyd(800, 4);
    let inp = c.input();
    let scan = Scan::new(&inp, &SegmentOptions::default());
    let bytes = scan.run_job(0).encode(); // k = 2
    assert!(scan.decode_fit(0, &bytes).is_some());
    assert!(
        scan.decode_fit(1, &bytes).is_none(),
        "k = 3 has more centroids"
    );
    assert!(scan.decode_fit(0, &bytes[..bytes.len() - 1]).is_none());
    assert!(scan.decode_fit(9, &bytes).is_none(), "no job 9");
    assert!(scan.decode_fit(0, &[]).is_none());
    let failed = KmeansFit::Failed("k = 2: cannot fit".into());
    assert_eq!(scan.decode_fit(0, &failed.encode()), Some(failed));
}
