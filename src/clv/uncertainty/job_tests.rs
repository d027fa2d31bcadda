use super::*;
use crate::clv::fitting::collapse::collapse;
use crate::clv::input::Summary;
use crate::clv::uncertainty::bootstrap;

fn job() -> BootJob {
    job_of(ModelKind::Mbgnbd)
}

fn job_of(kind: ModelKind) -> BootJob {
    let (mut x, mut tx, mut t, mut m) = (vec![], vec![], vec![], vec![]);
    for c in 0..3000usize {
        let xv = (c % 7) as f64;
        let tv = (30 + c % 200) as f64;
        x.push(xv);
        t.push(tv);
        tx.push(
            if xv == 0.0 {
                0.0
            } else {
                ((c * 13) % 30) as f64
            }
            .min(tv),
        );
        m.push(if xv == 0.0 {
            0.0
        } else {
            10.0 + (c % 11) as f64
        });
    }
    let rows = collapse(&Summary {
        x: x.clone(),
        tx,
        t,
    });
    let d = FitData::new(&rows);
    let pal = PAlive::new(kind, &d);
    let grid = Grid::new(12, 30.0, 0.01);
    let theta = [0.4, 30.0, 0.8, 2.5];
    let cov: Vec<Vec<f64>> = (0..4)
        .map(|i| (0..4).map(|j| if i == j { 0.01 } else { 0.002 }).collect())
        .collect();
    let ggc: Vec<Vec<f64>> = (0..3)
        .map(|i| (0..3).map(|j| if i == j { 0.02 } else { 0.0 }).collect())
        .collect();
    let gg = [6.0, 4.0, 15.0];
    let spend = SpendModel::GammaGamma(gg.to_vec());
    let bi = BootIn {
        kind,
        theta: &theta,
        cov: &cov,
        gg: Some((&gg, &ggc)),
        spend: &spend,
        pal: &pal,
        x: &x,
        m: &m,
        margin: 0.3,
        grid: &grid,
        draws: 200,
        seed: 7,
        interval: 0.9,
        exact_budget: 0,
        positions: Positions::Nominal,
    };
    let job = BootJob::of(&bi, (12, 30.0, 0.01)).expect("positive definite");
    // The job's own evaluation is the in-process bootstrap, bit for bit.
    let whole = job.finish(&job.run_blocks(0..BLOCKS));
    let direct = bootstrap::run(&bi).expect("bootstrap");
    assert_eq!(bits(&whole), bits(&direct));
    job
}

fn bits(o: &BootOut) -> Vec<u64> {
    o.low
        .iter()
        .chain(&o.high)
        .chain([&o.total_low, &o.total_high])
        .map(|v| v.to_bits())
        .collect()
}

#[test]
fn any_split_of_the_blocks_gives_the_same_interval() {
    let job = job();
    let whole = bits(&job.finish(&job.run_blocks(0..BLOCKS)));
    for cut in 0..=BLOCKS {
        // The second share crosses as bytes, as between the page's workers.
        let (token, blocks, there) = BootJob::decode(&job.encode(9, cut..BLOCKS)).unwrap();
        assert_eq!((token, &there), (9, &job));
        let (_, far) = decode_parts(&encode_parts(9, &there.run_blocks(blocks))).unwrap();
        let mut parts = far;
        parts.extend(job.run_blocks(0..cut));
        assert_eq!(bits(&job.finish(&parts)), whole, "cut at block {cut}");
    }
}

#[test]
fn blocks_one_at_a_time_in_any_order_give_the_same_interval() {
    // How the page's workers share them: each block alone, from both ends, with what
    // every block reads made once (Pareto/NBD: its linearised P(alive) too).
    for kind in [ModelKind::Mbgnbd, ModelKind::ParetoNbd, ModelKind::Bgnbd] {
        let job = job_of(kind);
        let whole = bits(&job.finish(&job.run_blocks(0..BLOCKS)));
        let inputs = job.block_inputs();
        let mut parts = Vec::new();
        for b in [7, 0, 6, 1, 5, 2, 4, 3] {
            let alone = job.run_blocks_with(&inputs, b..b + 1);
            assert_eq!(alone, job.run_blocks(b..b + 1), "{kind:?}, block {b}");
            parts.extend(alone);
        }
        assert_eq!(parts.len(), BLOCKS);
        assert_eq!(bits(&job.finish(&parts)), whole, "{kind:?}");
    }
}

#[test]
fn malformed_bytes_are_refused() {
    let job = job();
    let bytes = job.encode(1, 4..8);
    for len in [0, 7, 8, 100, bytes.len() - 1] {
        assert!(BootJob::decode(&bytes[..len]).is_none(), "{len} bytes");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(BootJob::decode(&longer).is_none());
    let mut bad_map = job.clone();
    bad_map.rows.map[0] = bad_map.rows.x.len();
    assert!(BootJob::decode(&bad_map.encode(1, 0..1)).is_none());
    assert!(decode_parts(&bytes).is_none());
    let parts = encode_parts(1, &job.run_blocks(0..2));
    assert!(decode_parts(&parts[..parts.len() - 8]).is_none());
}
