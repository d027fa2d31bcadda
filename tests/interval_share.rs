//! The page's two workers share a large CLV bootstrap block by block: the segment worker runs
//! an `IntervalRun` of `interval_job`'s bytes from the last block down, the analysis worker
//! `run_interval_block` from the first up, and whatever both ran, or neither, the Report is
//! the one `analyze` gives, bit for bit.
use crm_lens::pipeline::IntervalRun;
use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::{Dataset, Options};

/// The bundled sample's process with 2,000 draws: rows × draws past the size from which the
/// bootstrap is deferred and shared (the default 200 draws get there from a 1M-line log).
fn setup() -> (Dataset, Options) {
    let csv = generate_csv(&SampleSpec::default()).unwrap();
    let o = Options::from_json(r#"{"segments":{"k":3},"clv":{"bootstrapDraws":2000}}"#).unwrap();
    (Dataset::from_bytes(csv.as_bytes(), &o).unwrap(), o)
}

fn report(ds: &mut Dataset, o: &Options) -> String {
    serde_json::to_string(&ds.reanalyze(o).unwrap().report).unwrap()
}

#[test]
fn blocks_shared_in_any_split_give_analyzes_report() {
    let (ds, o) = setup();
    let want = serde_json::to_string(&ds.analyze(&o).unwrap().report).unwrap();
    // (blocks the analysis worker runs, blocks the IntervalRun runs): a split, an overlap
    // (both ran block 3), a gap the assembly fills (block 4), one side alone.
    let splits: [(&[usize], &[usize]); 4] = [
        (&[0, 1, 2, 3], &[7, 6, 5, 4]),
        (&[0, 1, 2, 3], &[7, 6, 5, 3]),
        (&[0, 1, 2], &[7, 6, 5]),
        (&[], &[7, 6, 5, 4, 3, 2, 1, 0]),
    ];
    for (here, there) in splits {
        let mut ds = ds.clone();
        let bytes = ds
            .interval_job(&o)
            .unwrap()
            .expect("a large bootstrap is handed out");
        ds.prepare_models(&o).unwrap();
        for &b in here {
            assert!(ds.run_interval_block(&o, b).unwrap(), "block {b} exists");
        }
        let mut run = IntervalRun::new(&bytes).unwrap();
        assert_eq!(run.blocks(), 0..8, "the job holds every block");
        for &b in there {
            run.run_block(b).unwrap();
        }
        ds.provide_intervals(&o, &run.answer()).unwrap();
        assert_eq!(report(&mut ds, &o), want, "here {here:?}, there {there:?}");
    }
}

#[test]
fn blocks_past_the_last_or_without_a_deferred_bootstrap_are_refused() {
    let (mut ds, o) = setup();
    // No interval job yet: no deferred bootstrap to run blocks of.
    assert!(!ds.run_interval_block(&o, 0).unwrap());
    let bytes = ds.interval_job(&o).unwrap().unwrap();
    assert!(!ds.run_interval_block(&o, 8).unwrap());
    let mut run = IntervalRun::new(&bytes).unwrap();
    assert_eq!(run.run_block(8).unwrap_err().code, "invalid_interval_job");
    assert_eq!(
        IntervalRun::new(&bytes[..bytes.len() - 1])
            .unwrap_err()
            .code,
        "invalid_interval_job"
    );
    // Other options (another CLV stage): nothing deferred for them.
    let other =
        Options::from_json(r#"{"segments":{"k":3},"clv":{"bootstrapDraws":2000,"seed":1}}"#)
            .unwrap();
    assert!(!ds.run_interval_block(&other, 0).unwrap());
}
