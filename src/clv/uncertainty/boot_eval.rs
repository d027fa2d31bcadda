//! Evaluation of the bootstrap draws, row by row: for each collapsed row the draws' P(alive) x
//! D(x, T) are computed into one short vector, then every customer group of that row turns it
//! into CLV values and takes their two quantiles. Nothing of size rows x draws is stored.
//!
//! Why it is fast: per draw, the parameter tables are laid out draw-minor (`[v * draws + j]`)
//! so the inner loop over draws reads contiguous memory; for BG/NBD and MBG/NBD the power
//! `exp((r + x) ln(alpha + v))` is computed once per distinct (x, v) and draw instead of one
//! exp per row and draw (P(alive) = K(t_x) / (K(t_x) + A K(T)) with A = a / (b + x - 1)); and
//! the two quantiles come from one pass keeping the few smallest and largest values.

use crate::clv::gamma_gamma::spend::SpendModel;
use crate::clv::maths::fastmath;
use crate::clv::maths::special::{expit, ln};
use crate::clv::model::ModelKind;
use crate::clv::uncertainty::bootstrap::{
    levels, quantile, BootIn, BootOut, ParetoLinear, Streams,
};

/// |exponent| below which the per-(x, v) powers neither overflow nor underflow.
const SAFE_EXPONENT: f64 = 600.0;

/// Per-draw tables of a BG/NBD or MBG/NBD draw set, draw-minor.
struct BgTables {
    /// `r_j`.
    r: Vec<f64>,
    /// `ln(alpha_j + v)` at `[v * nd + j]` (scaled time).
    lv: Vec<f64>,
    /// Largest |ln(alpha_j + v)| over v, per draw.
    lv_max: Vec<f64>,
    a: Vec<f64>,
    b: Vec<f64>,
}

impl BgTables {
    fn new(bi: &BootIn, params: &[Vec<f64>]) -> BgTables {
        let d = bi.pal.d;
        let nd = params.len();
        let nv = d.vals.len();
        let mut t = BgTables {
            r: params.iter().map(|p| p[0]).collect(),
            lv: vec![0.0; nv * nd],
            lv_max: vec![0.0; nd],
            a: params.iter().map(|p| p[2]).collect(),
            b: params.iter().map(|p| p[3]).collect(),
        };
        let mut buf = Vec::with_capacity(nv);
        for (j, p) in params.iter().enumerate() {
            d.log_shift(p[1] * d.scale, &mut buf);
            for (v, &l) in buf.iter().enumerate() {
                t.lv[v * nd + j] = l;
                t.lv_max[j] = t.lv_max[j].max(l.abs());
            }
        }
        t
    }
}

/// Largest number of order statistics [`two_quantiles`] keeps per side.
const KEEP: usize = 48;

/// `f64::total_cmp`'s order as an integer key (and back): integer compares in the hot loop.
fn key(v: f64) -> i64 {
    let b = v.to_bits() as i64;
    b ^ ((((b >> 63) as u64) >> 1) as i64)
}

fn unkey(k: i64) -> f64 {
    f64::from_bits((k ^ ((((k >> 63) as u64) >> 1) as i64)) as u64)
}

/// The `qlo` and `qhi` quantiles (numpy type 7) of `buf`, identical to [`quantile`] (same
/// order statistics, same interpolation): one pass keeps the `lo + 2` smallest and `n - hi`
/// largest values in small sorted arrays (insertion from the end), so a 200-draw buffer costs
/// about one integer comparison per value and side instead of two selections.
pub fn two_quantiles(buf: &mut [f64], qlo: f64, qhi: f64) -> (f64, f64) {
    let n = buf.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let kl = ((n - 1) as f64 * qlo).floor() as usize + 2;
    let kh = n.saturating_sub(((n - 1) as f64 * qhi).floor() as usize);
    if kl > KEEP || kh > KEEP || kl > n || kh == 0 {
        return (quantile(buf, qlo), quantile(buf, qhi));
    }
    // Sentinels: lo starts full of the largest key, hi of the smallest; n >= kl, kh values
    // replace them all.
    let mut lo = [i64::MAX; KEEP];
    let mut hi = [i64::MIN; KEEP];
    for &v in buf.iter() {
        let k = key(v);
        if k < lo[kl - 1] {
            let mut p = kl - 1;
            while p > 0 && lo[p - 1] > k {
                lo[p] = lo[p - 1];
                p -= 1;
            }
            lo[p] = k;
        }
        if k > hi[0] {
            let mut p = 0;
            while p + 1 < kh && hi[p + 1] < k {
                hi[p] = hi[p + 1];
                p += 1;
            }
            hi[p] = k;
        }
    }
    let pick = |q: f64, a: f64, b: Option<f64>| {
        let h = (n - 1) as f64 * q;
        let l = h.floor();
        match b {
            Some(b) if b.is_finite() => a + (h - l) * (b - a),
            _ => a,
        }
    };
    let ql = pick(qlo, unkey(lo[kl - 2]), Some(unkey(lo[kl - 1])));
    // hi holds the kh largest ascending: order statistic n - kh is hi[0].
    let qh = pick(qhi, unkey(hi[0]), (kh > 1).then(|| unkey(hi[1])));
    (ql, qh)
}

/// Fixed row blocks of every bootstrap. The per-draw totals are summed within a block and then
/// block by block in order, so the blocks can be evaluated anywhere (the two workers of the
/// page split them: `uncertainty::job`) and the Report keeps the same bits.
pub const BLOCKS: usize = 8;

/// The first row of each block and the end (`BLOCKS + 1` bounds): equal shares of one unit per
/// row plus one per customer (the row's draws, then its customers' quantiles).
pub fn block_bounds(w: &[f64]) -> Vec<usize> {
    let total: f64 = w.iter().map(|w| 1.0 + w).sum();
    let mut bounds = Vec::with_capacity(BLOCKS + 1);
    bounds.push(0);
    let mut cum = 0.0;
    let mut b = 1;
    for (i, wi) in w.iter().enumerate() {
        while b < BLOCKS && cum >= total * b as f64 / BLOCKS as f64 {
            bounds.push(i);
            b += 1;
        }
        cum += 1.0 + wi;
    }
    while bounds.len() <= BLOCKS {
        bounds.push(w.len());
    }
    bounds
}

/// One block's results: its customers' interval ends and its share of each draw's total.
#[derive(Debug, Clone, PartialEq)]
pub struct BootPart {
    pub block: usize,
    pub customers: Vec<u32>,
    pub low: Vec<f64>,
    pub high: Vec<f64>,
    pub totals: Vec<f64>,
}

/// The bootstrap's method name, decided on all rows (never on a block).
pub fn method(bi: &BootIn, draws: usize) -> (bool, bool, &'static str) {
    let rows = bi.pal.d.rows;
    let runs = (0..rows.len())
        .filter(|&r| r == 0 || rows.x[r] != rows.x[r - 1] || rows.t[r] != rows.t[r - 1])
        .count();
    let stream = runs.saturating_mul(draws) > bi.exact_budget;
    let palive =
        bi.kind == ModelKind::ParetoNbd && rows.len().saturating_mul(draws) > bi.exact_budget;
    let name = match (stream, palive) {
        (false, false) => "exact",
        (true, false) => "linearizedStream",
        (false, true) => "linearizedPAlive",
        (true, true) => "linearizedStreamAndPAlive",
    };
    (stream, palive, name)
}

/// Runs the draws over every block and merges them.
pub fn evaluate(
    bi: &BootIn,
    params: &[Vec<f64>],
    spends: &[SpendModel],
    rejected: usize,
) -> BootOut {
    let parts = evaluate_blocks(bi, params, spends, 0..BLOCKS);
    let ends = Ends {
        customers: bi.pal.d.rows.map.len(),
        draws: params.len(),
        rejected,
        method: method(bi, params.len()).2,
        levels: levels(bi.interval, params.len(), bi.positions),
    };
    merge(&ends, &parts)
}

/// What the merge of the parts needs besides them.
#[derive(Debug, Clone, PartialEq)]
pub struct Ends {
    pub customers: usize,
    pub draws: usize,
    pub rejected: usize,
    pub method: &'static str,
    /// The type-7 quantile levels of the interval's ends.
    pub levels: (f64, f64),
}

/// The interval from the parts of every block (in any order; a missing block leaves its
/// customers at 0, so callers pass them all).
pub fn merge(e: &Ends, parts: &[BootPart]) -> BootOut {
    let mut out = BootOut {
        low: vec![0.0; e.customers],
        high: vec![0.0; e.customers],
        draws: e.draws,
        rejected: e.rejected,
        method: e.method.into(),
        ..Default::default()
    };
    let mut totals = vec![0.0; e.draws];
    for b in 0..BLOCKS {
        if let Some(p) = parts.iter().find(|p| p.block == b) {
            for (k, &c) in p.customers.iter().enumerate() {
                if let Some(slot) = out.low.get_mut(c as usize) {
                    *slot = p.low[k];
                    out.high[c as usize] = p.high[k];
                }
            }
            for (t, v) in totals.iter_mut().zip(&p.totals) {
                *t += v;
            }
        }
    }
    out.total_low = quantile(&mut totals.clone(), e.levels.0);
    out.total_high = quantile(&mut totals, e.levels.1);
    out
}

/// Runs the draws over the rows of `blocks` and their customer groups: one part per block.
pub fn evaluate_blocks(
    bi: &BootIn,
    params: &[Vec<f64>],
    spends: &[SpendModel],
    blocks: std::ops::Range<usize>,
) -> Vec<BootPart> {
    let lin = pareto_linear(bi, params.len());
    evaluate_blocks_with(bi, params, spends, lin.as_ref(), blocks)
}

/// The linearised P(alive) of Pareto/NBD's draws, when the method (decided on all rows) asks
/// for it: a function of the rows and the point estimate, the same for every block.
pub(super) fn pareto_linear(bi: &BootIn, draws: usize) -> Option<ParetoLinear> {
    let (_, palive_linear, _) = method(bi, draws);
    (bi.kind == ModelKind::ParetoNbd && palive_linear).then(|| ParetoLinear::new(bi))
}

/// [`evaluate_blocks`] with [`pareto_linear`]'s answer given (computed once per job when its
/// blocks are evaluated one at a time: `job::BlockInputs`).
pub(super) fn evaluate_blocks_with(
    bi: &BootIn,
    params: &[Vec<f64>],
    spends: &[SpendModel],
    pareto_lin: Option<&ParetoLinear>,
    blocks: std::ops::Range<usize>,
) -> Vec<BootPart> {
    let d = bi.pal.d;
    let rows = d.rows;
    let nd = params.len();
    let nc = rows.map.len();
    let bounds = block_bounds(&rows.w);
    let blocks = blocks.start.min(BLOCKS)..blocks.end.min(BLOCKS);
    let span = bounds[blocks.start]..bounds[blocks.end];
    let mkey = |c: usize| {
        let (x, m) = (
            bi.x.get(c).copied().unwrap_or(0.0),
            bi.m.get(c).copied().unwrap_or(0.0),
        );
        if bi.spend.uses_m(x, m) {
            m.to_bits()
        } else {
            0
        }
    };
    // Customers by (row, spend key, index): a counting sort by row (stable, so indices stay
    // ascending), then the short runs of one row sorted by key.
    let mut start = vec![0u32; rows.len() + 1];
    for &r in &rows.map {
        start[r + 1] += 1;
    }
    for r in 0..rows.len() {
        start[r + 1] += start[r];
    }
    let mut order = vec![0u32; nc];
    let mut fill = start.clone();
    for (c, &r) in rows.map.iter().enumerate() {
        order[fill[r] as usize] = c as u32;
        fill[r] += 1;
    }
    // (key, index) pairs are distinct, so the shared pair sort gives the one order.
    let mut pairs: Vec<(u64, usize)> = Vec::new();
    for r in span.clone() {
        let run = &mut order[start[r] as usize..start[r + 1] as usize];
        if run.len() > 1 {
            pairs.clear();
            pairs.extend(run.iter().map(|&c| (mkey(c as usize), c as usize)));
            crate::sort::pairs_unstable(&mut pairs);
            for (slot, &(_, c)) in run.iter_mut().zip(&pairs) {
                *slot = c as u32;
            }
        }
    }
    let (linear, _, _) = method(bi, nd);
    let streams = Streams::new(bi, params, span.clone(), linear);
    let pareto = bi.kind == ModelKind::ParetoNbd;
    let bg = (!pareto).then(|| BgTables::new(bi, params));
    let s0: Vec<f64> = spends.iter().map(|s| s.expected(0.0, 0.0)).collect();
    let shared = Shared {
        bi,
        params,
        spends,
        order: &order,
        streams: &streams,
        pareto_lin,
        bg: bg.as_ref(),
        s0: &s0,
        mkey: &mkey,
    };
    blocks
        .map(|b| shared.block(b, bounds[b]..bounds[b + 1], start[bounds[b]] as usize))
        .collect()
}

/// What every block of one evaluation reads.
struct Shared<'a> {
    bi: &'a BootIn<'a>,
    params: &'a [Vec<f64>],
    spends: &'a [SpendModel],
    /// Customers by (row, spend key, index).
    order: &'a [u32],
    streams: &'a Streams,
    pareto_lin: Option<&'a ParetoLinear>,
    bg: Option<&'a BgTables>,
    /// Each draw's expected spend of a customer without repeat spend.
    s0: &'a [f64],
    mkey: &'a dyn Fn(usize) -> u64,
}

impl Shared<'_> {
    /// The rows `span` (block `block`), whose customers start at `pos` in `order`.
    fn block(&self, block: usize, span: std::ops::Range<usize>, mut pos: usize) -> BootPart {
        let Shared {
            bi,
            params,
            spends,
            order,
            streams,
            pareto_lin,
            bg,
            s0,
            mkey,
        } = *self;
        let d = bi.pal.d;
        let rows = d.rows;
        let nd = params.len();
        let nc = rows.map.len();
        let bgnbd = bi.kind == ModelKind::Bgnbd;
        let nv = d.vals.len();
        let mut part = BootPart {
            block,
            customers: Vec::new(),
            low: Vec::new(),
            high: Vec::new(),
            totals: vec![0.0; nd],
        };
        let totals = &mut part.totals;
        // Per-x-block scratch: powers K at [v * nd + j], which v are in use, spend coefficients.
        let mut k_tab = vec![0.0; if bg.is_some() { nv * nd } else { 0 }];
        let mut stamp = vec![usize::MAX; nv];
        let mut used: Vec<usize> = Vec::new();
        let (mut safe, mut big_a, mut lx) = (vec![false; nd], vec![0.0; nd], vec![0.0; nd]);
        let (mut sa, mut sb) = (vec![0.0; nd], vec![0.0; nd]);
        let (mut d_row, mut c_row, mut buf) = (vec![0.0; nd], vec![0.0; nd], vec![0.0; nd]);
        let (qlo, qhi) = levels(bi.interval, nd, bi.positions);
        let mut run = usize::MAX;
        let mut r = span.start;
        while r < span.end {
            // The block of rows sharing x (rows are sorted by x, T, t_x), whole even where the
            // span cuts it: what is shared across its rows must not depend on the cut.
            let x = rows.x[r];
            let xi = rows.xi[r];
            let mut first = r;
            while first > 0 && rows.xi[first - 1] == xi {
                first -= 1;
            }
            let mut end = r + 1;
            while end < rows.len() && rows.xi[end] == xi {
                end += 1;
            }
            for (j, s) in spends.iter().enumerate() {
                (sa[j], sb[j]) = s.affine(x);
            }
            let mut use_k = false;
            if let Some(t) = bg {
                for j in 0..nd {
                    let (a, b) = (t.a[j], t.b[j]);
                    let den = if bgnbd { b + x.max(1.0) - 1.0 } else { b + x };
                    lx[j] = ln(a) - ln(den);
                    big_a[j] = a / den;
                    safe[j] = (t.r[j] + x) * t.lv_max[j] < SAFE_EXPONENT && big_a[j].is_finite();
                }
                used.clear();
                for i in first..end {
                    for v in [d.ti[i] as usize, d.txi[i] as usize] {
                        if stamp[v] != first {
                            stamp[v] = first;
                            used.push(v);
                        }
                    }
                }
                use_k = !(bgnbd && x <= 0.0) && used.len() < end - first;
                if use_k {
                    for &v in &used {
                        for j in 0..nd {
                            if safe[j] {
                                k_tab[v * nd + j] = fastmath::exp((t.r[j] + x) * t.lv[v * nd + j]);
                            }
                        }
                    }
                }
            }
            let stop_row = end.min(span.end);
            for i in r..stop_row {
                let k = streams.run_of[i - streams.start];
                if k != run {
                    run = k;
                    for (j, p) in params.iter().enumerate() {
                        d_row[j] = streams.d(bi, k, j, p).max(0.0);
                    }
                }
                match bg {
                    Some(_) if bgnbd && x <= 0.0 => c_row.copy_from_slice(&d_row),
                    Some(t) => {
                        let (ti, txi) = (d.ti[i] as usize * nd, d.txi[i] as usize * nd);
                        for j in 0..nd {
                            let mut pa = f64::NAN;
                            if use_k && safe[j] {
                                let kt = k_tab[txi + j];
                                pa = kt / (kt + big_a[j] * k_tab[ti + j]);
                            }
                            if !pa.is_finite() {
                                let dl = t.lv[ti + j] - t.lv[txi + j];
                                pa = expit(-((t.r[j] + x) * dl + lx[j]));
                            }
                            c_row[j] = pa * d_row[j];
                        }
                    }
                    None => {
                        for (j, p) in params.iter().enumerate() {
                            let pa = match pareto_lin {
                                Some(pl) => pl.p_alive(i, streams, j),
                                None => bi.kind.p_alive(p, x, rows.tx[i], rows.t[i]),
                            };
                            c_row[j] = pa * d_row[j];
                        }
                    }
                }
                c_row.iter_mut().for_each(|c| {
                    if !c.is_finite() {
                        *c = 0.0;
                    }
                });
                // Customer groups of row i: same spend inputs.
                while pos < nc && rows.map[order[pos] as usize] == i {
                    let c0 = order[pos] as usize;
                    let k0 = mkey(c0);
                    let mut stop = pos + 1;
                    while stop < nc
                        && rows.map[order[stop] as usize] == i
                        && mkey(order[stop] as usize) == k0
                    {
                        stop += 1;
                    }
                    let m = bi.m.get(c0).copied().unwrap_or(0.0);
                    let cx = bi.x.get(c0).copied().unwrap_or(0.0);
                    let uses_m = bi.spend.uses_m(cx, m);
                    let cnt = (stop - pos) as f64;
                    for j in 0..nd {
                        let s = if uses_m { sa[j] + sb[j] * m } else { s0[j] };
                        let s = if s.is_finite() { s } else { 0.0 };
                        let v = bi.margin * s * c_row[j];
                        buf[j] = v;
                        totals[j] += cnt * v;
                    }
                    let (lo, hi) = two_quantiles(&mut buf, qlo, qhi);
                    for &c in &order[pos..stop] {
                        part.customers.push(c);
                        part.low.push(lo);
                        part.high.push(hi);
                    }
                    pos = stop;
                }
            }
            r = stop_row;
        }
        part
    }
}

#[cfg(test)]
#[path = "boot_eval_tests.rs"]
mod tests;
