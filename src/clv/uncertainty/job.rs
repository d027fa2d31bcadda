//! The bootstrap as a job another thread can share: owned inputs, run block by block
//! (`boot_eval::BLOCKS`), merged wherever the parts meet. The page's two workers split the
//! blocks of a large bootstrap (`pipeline::offload`); a part is the same bits whichever thread
//! computed it, and the merge sums the blocks in their fixed order, so the Report is the one a
//! single thread (or the native CLI) gives.
//!
//! Jobs and parts cross between workers as bytes ([`BootJob::encode`], [`encode_parts`]):
//! little-endian, lengths first, every f64 by its bits. Decoding checks every length and index
//! the evaluation reads, so malformed bytes are an error, never a panic.

use std::ops::Range;

use crate::clv::fitting::collapse::Rows;
use crate::clv::fitting::fitdata::FitData;
use crate::clv::gamma_gamma::spend::SpendModel;
use crate::clv::model::ModelKind;
use crate::clv::pareto::fast::Pairs;
use crate::clv::prediction::palive::PAlive;
use crate::clv::prediction::purchases::Grid;
use crate::clv::uncertainty::boot_eval::{self, BootPart, Ends, BLOCKS};
use crate::clv::uncertainty::bootstrap::{
    levels, parameter_draws, BootIn, BootOut, ParetoLinear, Positions,
};

/// A bootstrap with everything it reads, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct BootJob {
    pub kind: ModelKind,
    pub theta: Vec<f64>,
    pub cov: Vec<Vec<f64>>,
    pub gg: Option<(Vec<f64>, Vec<Vec<f64>>)>,
    pub spend: SpendModel,
    pub rows: Rows,
    pub x: Vec<f64>,
    pub m: Vec<f64>,
    pub margin: f64,
    /// The horizon grid's months, units per month and monthly discount rate.
    pub grid: (u32, f64, f64),
    pub draws: usize,
    pub seed: u64,
    pub interval: f64,
    pub exact_budget: usize,
    pub positions: Positions,
    /// Parameter draws rejected and redrawn (known when the job is made).
    pub rejected: usize,
    /// `boot_eval::method`'s name, decided on all rows.
    pub method: &'static str,
}

/// What every block of a job reads besides its own rows: the scaled view's tables, the
/// Pareto/NBD pair table, the parameter draws and the linearised Pareto/NBD P(alive). They
/// are functions of the job, so a block evaluated with them has the bits a fresh evaluation
/// gives; made once, they spare a worker that runs the blocks one at a time their cost per
/// block (a sort of every row's times, 200 draws, five P(alive) passes for Pareto/NBD).
pub struct BlockInputs {
    scale: f64,
    vals: Vec<f64>,
    ti: Vec<u32>,
    txi: Vec<u32>,
    pairs: Option<Pairs>,
    draws: Option<(Vec<Vec<f64>>, Vec<SpendModel>)>,
    lin: Option<ParetoLinear>,
}

impl std::fmt::Debug for BlockInputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockInputs")
            .field("rows", &self.ti.len())
            .finish_non_exhaustive()
    }
}

impl BootJob {
    /// The job of `bi`, whose grid is `Grid::new(grid.0, grid.1, grid.2)`; None when a
    /// covariance is not positive definite (then there is no interval to compute).
    pub fn of(bi: &BootIn, grid: (u32, f64, f64)) -> Option<BootJob> {
        let (_, _, rejected) = parameter_draws(bi)?;
        Some(BootJob {
            kind: bi.kind,
            theta: bi.theta.to_vec(),
            cov: bi.cov.to_vec(),
            gg: bi.gg.map(|(p, c)| (p.to_vec(), c.to_vec())),
            spend: bi.spend.clone(),
            rows: bi.pal.d.rows.clone(),
            x: bi.x.to_vec(),
            m: bi.m.to_vec(),
            margin: bi.margin,
            grid,
            draws: bi.draws,
            seed: bi.seed,
            interval: bi.interval,
            exact_budget: bi.exact_budget,
            positions: bi.positions,
            rejected,
            method: boot_eval::method(bi, bi.draws).2,
        })
    }

    /// Runs `f` on the job's `BootIn` (the scaled view and P(alive) tables rebuilt: the same
    /// bits as the original's, they are functions of the rows).
    fn with<T>(&self, f: impl FnOnce(&BootIn) -> T) -> T {
        let d = FitData::new(&self.rows);
        let pal = PAlive::new(self.kind, &d);
        let grid = self.grid();
        f(&self.boot_in(&pal, &grid))
    }

    fn grid(&self) -> Grid {
        Grid::new(self.grid.0, self.grid.1, self.grid.2)
    }

    fn boot_in<'b>(&'b self, pal: &'b PAlive<'b>, grid: &'b Grid) -> BootIn<'b> {
        BootIn {
            kind: self.kind,
            theta: &self.theta,
            cov: &self.cov,
            gg: self.gg.as_ref().map(|(p, c)| (p.as_slice(), c.as_slice())),
            spend: &self.spend,
            pal,
            x: &self.x,
            m: &self.m,
            margin: self.margin,
            grid,
            draws: self.draws,
            seed: self.seed,
            interval: self.interval,
            exact_budget: self.exact_budget,
            positions: self.positions,
        }
    }

    /// The parts of `blocks` (the parameter draws are made again: same seed, same draws).
    pub fn run_blocks(&self, blocks: Range<usize>) -> Vec<BootPart> {
        self.with(|bi| match parameter_draws(bi) {
            Some((params, spends, _)) => boot_eval::evaluate_blocks(bi, &params, &spends, blocks),
            None => Vec::new(),
        })
    }

    /// What every block reads besides its own rows, computed once for a worker that runs the
    /// blocks one at a time ([`BootJob::run_blocks_with`]).
    pub fn block_inputs(&self) -> BlockInputs {
        let d = FitData::new(&self.rows);
        let pal = PAlive::new(self.kind, &d);
        let grid = self.grid();
        let bi = self.boot_in(&pal, &grid);
        let draws = parameter_draws(&bi).map(|(params, spends, _)| (params, spends));
        let lin = draws
            .as_ref()
            .and_then(|(params, _)| boot_eval::pareto_linear(&bi, params.len()));
        let pairs = pal.into_pairs();
        let FitData {
            scale,
            vals,
            ti,
            txi,
            ..
        } = d;
        BlockInputs {
            scale,
            vals,
            ti,
            txi,
            pairs,
            draws,
            lin,
        }
    }

    /// The parts of `blocks` from [`BootJob::block_inputs`]: those [`BootJob::run_blocks`]
    /// gives, without making the tables and draws every block shares again.
    pub fn run_blocks_with(&self, inputs: &BlockInputs, blocks: Range<usize>) -> Vec<BootPart> {
        let Some((params, spends)) = &inputs.draws else {
            return Vec::new();
        };
        let d = FitData {
            rows: &self.rows,
            scale: inputs.scale,
            vals: inputs.vals.clone(),
            ti: inputs.ti.clone(),
            txi: inputs.txi.clone(),
        };
        let pal = PAlive::with_pairs(&d, inputs.pairs.clone());
        let grid = self.grid();
        let bi = self.boot_in(&pal, &grid);
        boot_eval::evaluate_blocks_with(&bi, params, spends, inputs.lin.as_ref(), blocks)
    }

    /// The interval from the parts of every block.
    pub fn finish(&self, parts: &[BootPart]) -> BootOut {
        let ends = Ends {
            customers: self.x.len(),
            draws: self.draws,
            rejected: self.rejected,
            method: self.method,
            levels: levels(self.interval, self.draws, self.positions),
        };
        boot_eval::merge(&ends, parts)
    }

    /// The job as bytes, with a `token` (whose stage it is) and the `blocks` to run.
    pub fn encode(&self, token: u64, blocks: Range<usize>) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(
            64 + 44 * self.rows.len() + 20 * self.x.len(),
        ));
        w.u64(MAGIC);
        w.u64(token);
        w.u64(blocks.start as u64);
        w.u64(blocks.end as u64);
        w.u64(match self.kind {
            ModelKind::Bgnbd => 0,
            ModelKind::ParetoNbd => 1,
            ModelKind::Mbgnbd => 2,
        });
        w.f64s(&self.theta);
        w.matrix(&self.cov);
        match &self.gg {
            Some((p, c)) => {
                w.u64(1);
                w.f64s(p);
                w.matrix(c);
            }
            None => w.u64(0),
        }
        match &self.spend {
            SpendModel::GammaGamma(p) => {
                w.u64(0);
                w.f64s(p);
            }
            SpendModel::Observed { mean } => {
                w.u64(1);
                w.f64(*mean);
            }
        }
        let r = &self.rows;
        for v in [&r.x, &r.tx, &r.t, &r.w, &r.xs, &r.xw] {
            w.f64s(v);
        }
        w.u64s(r.xi.iter().map(|&v| v as u64), r.xi.len());
        w.u64s(r.map.iter().map(|&v| v as u64), r.map.len());
        w.f64(r.n);
        w.f64(r.max_t);
        w.f64s(&self.x);
        w.f64s(&self.m);
        w.f64(self.margin);
        w.u64(self.grid.0 as u64);
        w.f64(self.grid.1);
        w.f64(self.grid.2);
        w.u64(self.draws as u64);
        w.u64(self.seed);
        w.f64(self.interval);
        w.u64(self.exact_budget as u64);
        w.u64(match self.positions {
            Positions::Numpy => 0,
            Positions::Nominal => 1,
        });
        w.u64(self.rejected as u64);
        w.u64(METHODS.iter().position(|m| *m == self.method).unwrap_or(0) as u64);
        w.0
    }

    /// A job from [`BootJob::encode`]'s bytes: (token, blocks, job); None when malformed.
    pub fn decode(bytes: &[u8]) -> Option<(u64, Range<usize>, BootJob)> {
        let mut r = Reader(bytes);
        if r.u64()? != MAGIC {
            return None;
        }
        let token = r.u64()?;
        let (b0, b1) = (r.usize()?, r.usize()?);
        let kind = [ModelKind::Bgnbd, ModelKind::ParetoNbd, ModelKind::Mbgnbd]
            .get(r.usize()?)
            .copied()?;
        let theta = r.f64s()?;
        let cov = r.matrix()?;
        let gg = match r.u64()? {
            0 => None,
            1 => Some((r.f64s()?, r.matrix()?)),
            _ => return None,
        };
        let spend = match r.u64()? {
            0 => SpendModel::GammaGamma(r.f64s()?),
            1 => SpendModel::Observed { mean: r.f64()? },
            _ => return None,
        };
        let (x, tx, t, w, xs, xw) = (
            r.f64s()?,
            r.f64s()?,
            r.f64s()?,
            r.f64s()?,
            r.f64s()?,
            r.f64s()?,
        );
        let xi = r.usizes()?;
        let map = r.usizes()?;
        let rows = Rows {
            x,
            tx,
            t,
            w,
            xi,
            xs,
            xw,
            map,
            n: r.f64()?,
            max_t: r.f64()?,
        };
        let job = BootJob {
            kind,
            theta,
            cov,
            gg,
            spend,
            rows,
            x: r.f64s()?,
            m: r.f64s()?,
            margin: r.f64()?,
            grid: (u32::try_from(r.u64()?).ok()?, r.f64()?, r.f64()?),
            draws: r.usize()?,
            seed: r.u64()?,
            interval: r.f64()?,
            exact_budget: r.usize()?,
            positions: match r.u64()? {
                0 => Positions::Numpy,
                1 => Positions::Nominal,
                _ => return None,
            },
            rejected: r.usize()?,
            method: METHODS.get(r.usize()?).copied()?,
        };
        (r.0.is_empty() && b0 <= b1 && b1 <= BLOCKS && job.consistent()).then_some((
            token,
            b0..b1,
            job,
        ))
    }

    /// Every length and index the evaluation reads agrees (what `decode` cannot see alone).
    fn consistent(&self) -> bool {
        let r = &self.rows;
        let n = r.x.len();
        let k = self.theta.len();
        let square = |m: &[Vec<f64>], k: usize| m.len() == k && m.iter().all(|row| row.len() == k);
        k == 4
            && square(&self.cov, k)
            && self
                .gg
                .as_ref()
                .is_none_or(|(p, c)| p.len() == 3 && square(c, 3))
            && match &self.spend {
                SpendModel::GammaGamma(p) => p.len() == 3,
                SpendModel::Observed { .. } => true,
            }
            && [r.tx.len(), r.t.len(), r.w.len(), r.xi.len()]
                .iter()
                .all(|&l| l == n)
            && r.xs.len() == r.xw.len()
            && r.xi.iter().all(|&i| i < r.xs.len())
            && r.map.iter().all(|&i| i < n)
            && self.x.len() == r.map.len()
            && self.m.len() == r.map.len()
            && self.draws > 0
            && self.draws <= MAX_DRAWS
            && self.grid.0 <= MAX_MONTHS
    }
}

const MAGIC: u64 = u64::from_le_bytes(*b"crmboot1");
const PARTS_MAGIC: u64 = u64::from_le_bytes(*b"crmpart1");
const METHODS: [&str; 4] = [
    "exact",
    "linearizedStream",
    "linearizedPAlive",
    "linearizedStreamAndPAlive",
];
/// Bounds a decoded job's allocations (the options allow far fewer).
const MAX_DRAWS: usize = 1_000_000;
const MAX_MONTHS: u32 = 100_000;

/// Parts as bytes, with the job's token.
pub fn encode_parts(token: u64, parts: &[BootPart]) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    w.u64(PARTS_MAGIC);
    w.u64(token);
    w.u64(parts.len() as u64);
    for p in parts {
        w.u64(p.block as u64);
        w.u64s(p.customers.iter().map(|&c| c as u64), p.customers.len());
        w.f64s(&p.low);
        w.f64s(&p.high);
        w.f64s(&p.totals);
    }
    w.0
}

/// Parts from [`encode_parts`]'s bytes: (token, parts); None when malformed.
pub fn decode_parts(bytes: &[u8]) -> Option<(u64, Vec<BootPart>)> {
    let mut r = Reader(bytes);
    if r.u64()? != PARTS_MAGIC {
        return None;
    }
    let token = r.u64()?;
    let n = r.usize()?;
    let mut parts = Vec::with_capacity(n.min(BLOCKS));
    for _ in 0..n {
        let block = r.usize()?;
        let customers = r
            .usizes()?
            .into_iter()
            .map(|c| u32::try_from(c).ok())
            .collect::<Option<Vec<u32>>>()?;
        let (low, high, totals) = (r.f64s()?, r.f64s()?, r.f64s()?);
        if block >= BLOCKS || low.len() != customers.len() || high.len() != customers.len() {
            return None;
        }
        parts.push(BootPart {
            block,
            customers,
            low,
            high,
            totals,
        });
    }
    r.0.is_empty().then_some((token, parts))
}

struct Writer(Vec<u8>);

impl Writer {
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }
    fn f64s(&mut self, v: &[f64]) {
        self.u64(v.len() as u64);
        v.iter().for_each(|&x| self.f64(x));
    }
    fn u64s(&mut self, v: impl Iterator<Item = u64>, len: usize) {
        self.u64(len as u64);
        v.for_each(|x| self.u64(x));
    }
    fn matrix(&mut self, m: &[Vec<f64>]) {
        self.u64(m.len() as u64);
        m.iter().for_each(|row| self.f64s(row));
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn u64(&mut self) -> Option<u64> {
        let (head, rest) = self.0.split_first_chunk::<8>()?;
        self.0 = rest;
        Some(u64::from_le_bytes(*head))
    }
    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }
    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_bits(self.u64()?))
    }
    /// A length that the remaining bytes can hold (8 bytes per value): bounds the allocation.
    fn len(&mut self) -> Option<usize> {
        let n = self.usize()?;
        (n <= self.0.len() / 8).then_some(n)
    }
    fn f64s(&mut self) -> Option<Vec<f64>> {
        let n = self.len()?;
        (0..n).map(|_| self.f64()).collect()
    }
    fn usizes(&mut self) -> Option<Vec<usize>> {
        let n = self.len()?;
        (0..n).map(|_| self.usize()).collect()
    }
    fn matrix(&mut self) -> Option<Vec<Vec<f64>>> {
        let n = self.len()?;
        (0..n).map(|_| self.f64s()).collect()
    }
}

#[cfg(test)]
#[path = "job_tests.rs"]
mod tests;
