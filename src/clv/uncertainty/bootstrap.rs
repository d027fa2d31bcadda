//! Seeded parametric bootstrap of CLV: parameter draws from N(log theta_hat, Cov) (log space, the
//! inverse Hessian) for the transaction model and, independently, for Gamma-Gamma. Each draw is
//! evaluated exactly on the collapsed rows (the (x, T) stream once per run of rows), customers
//! with identical (row, spend) share one interval, and rows are processed in chunks so memory
//! stays at chunk x draws.

use crate::clv::fitting::linalg::cholesky;
use crate::clv::gamma_gamma::spend::SpendModel;
use crate::clv::maths::special::{cos, exp, ln};
use crate::clv::model::ModelKind;
use crate::clv::prediction::palive::PAlive;
use crate::clv::prediction::purchases::{stream, Grid};
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Bootstrap inputs.
pub struct BootIn<'a> {
    pub kind: ModelKind,
    pub theta: &'a [f64],
    pub cov: &'a [Vec<f64>],
    /// Gamma-Gamma `[p,q,v]` and its log-space covariance, if fitted.
    pub gg: Option<(&'a [f64], &'a [Vec<f64>])>,
    pub spend: &'a SpendModel,
    /// P(alive) evaluator over the collapsed rows.
    pub pal: &'a PAlive<'a>,
    /// Customer x and m.
    pub x: &'a [f64],
    pub m: &'a [f64],
    pub margin: f64,
    pub grid: &'a Grid,
    pub draws: usize,
    pub seed: u64,
    pub interval: f64,
    /// Largest runs x draws evaluated exactly; above it D(x, T) (and Pareto/NBD's P(alive))
    /// use their first-order expansion. The pipeline passes 0, always the expansion (the
    /// interval study in docs/performance.md); `usize::MAX` forces the exact path.
    pub exact_budget: usize,
    /// Which order statistics bound the interval.
    pub positions: Positions,
}

/// Where the interval's ends sit among the sorted draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Positions {
    /// numpy's default quantile (type 7, position `(n − 1) q`): an interval of `n` draws then
    /// holds `(n − 1) × interval / (n + 1)` of the distribution on average (89.1% for 90% at
    /// 200 draws).
    Numpy,
    /// Type 6 (position `(n + 1) q`, 1-based): the expected coverage equals `interval` at any
    /// `n` (the k-th of n draws has E[F(X_(k))] = k / (n + 1)). What the pipeline uses.
    Nominal,
}

/// The type-7 quantile levels that place the ends at `positions` among `n` draws.
pub fn levels(interval: f64, n: usize, positions: Positions) -> (f64, f64) {
    let (lo, hi) = ((1.0 - interval) / 2.0, (1.0 + interval) / 2.0);
    match positions {
        Positions::Numpy => (lo, hi),
        Positions::Nominal if n > 1 => {
            // 1-based position (n + 1) q is the type-7 position (n - 1) q' + 1.
            let at = |q: f64| (((n + 1) as f64 * q - 1.0) / (n - 1) as f64).clamp(0.0, 1.0);
            (at(lo), at(hi))
        }
        Positions::Nominal => (lo, hi),
    }
}

/// Bootstrap outputs.
#[derive(Debug, Clone, Default)]
pub struct BootOut {
    pub low: Vec<f64>,
    pub high: Vec<f64>,
    pub total_low: f64,
    pub total_high: f64,
    pub draws: usize,
    /// "exact", or "linearizedStream" when D(x, T) used the first-order expansion.
    pub method: String,
    /// Parameter draws rejected (non-finite, or Gamma-Gamma q <= 1) and replaced.
    pub rejected: usize,
}

/// Standard normal by Box-Muller on the portable libm (bit-identical across targets).
fn normal(rng: &mut Xoshiro256PlusPlus) -> f64 {
    let u =
        |rng: &mut Xoshiro256PlusPlus| ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    let (u1, u2) = (u(rng), u(rng));
    (-2.0 * ln(u1)).sqrt() * cos(2.0 * std::f64::consts::PI * u2)
}

fn draw(rng: &mut Xoshiro256PlusPlus, theta: &[f64], l: &[Vec<f64>]) -> Vec<f64> {
    let z: Vec<f64> = (0..theta.len()).map(|_| normal(rng)).collect();
    (0..theta.len())
        .map(|i| {
            let shift: f64 = (0..=i).map(|k| l[i][k] * z[k]).sum();
            exp(ln(theta[i]) + shift)
        })
        .collect()
}

/// A draw that is finite and passes `ok` (Gamma-Gamma: q > 1), redrawn up to 20 times (each
/// counted in `rejected`), else the point estimate itself.
pub(crate) fn draw_valid(
    rng: &mut Xoshiro256PlusPlus,
    theta: &[f64],
    l: &[Vec<f64>],
    ok: impl Fn(&[f64]) -> bool,
    rejected: &mut usize,
) -> Vec<f64> {
    let valid = |th: &[f64]| th.iter().all(|v| v.is_finite()) && ok(th);
    let mut th = draw(rng, theta, l);
    let mut tries = 0;
    while !valid(&th) && tries < 20 {
        *rejected += 1;
        tries += 1;
        th = draw(rng, theta, l);
    }
    if valid(&th) {
        th
    } else {
        theta.to_vec()
    }
}

/// Type-7 (numpy default) quantile of an unsorted buffer (reordered in place).
pub fn quantile(buf: &mut [f64], q: f64) -> f64 {
    let n = buf.len();
    if n == 0 {
        return 0.0;
    }
    let h = (n - 1) as f64 * q;
    let lo = (h.floor() as usize).min(n - 1);
    let (_, &mut a, right) = buf.select_nth_unstable_by(lo, |x, y| x.total_cmp(y));
    let b = right.iter().copied().fold(f64::INFINITY, f64::min);
    if lo + 1 >= n || !b.is_finite() {
        return a;
    }
    a + (h - lo as f64) * (b - a)
}

/// Largest number of exact stream evaluations (rows x draws) before BG/BB's bootstrap
/// (`uncertainty::discrete`) switches to the first-order expansion of D in the log-parameters.
/// The continuous models' bootstrap always takes the expansion (`exact_budget: 0`): the interval
/// study in docs/performance.md found it as accurate as the exact path.
pub const EXACT_BUDGET: usize = 2_000_000;

/// Discounted purchase stream `D(x, T)` per draw: exact, or (on large data) the first-order
/// expansion `D(theta_hat) + grad D . (log theta_j - log theta_hat)` with a forward-difference
/// gradient. P(alive) and spend are always evaluated exactly per draw.
/// D at the point estimate and its gradient per run.
type Linear = (Vec<f64>, Vec<[f64; 4]>);

pub(super) struct Streams {
    /// First row of the evaluated span.
    pub(super) start: usize,
    /// Row `start + i` -> index of its (x, T) run in the span (rows are sorted by x, T).
    pub(super) run_of: Vec<usize>,
    /// First row of each run.
    first: Vec<usize>,
    /// `Some((D0, grad))` in linear mode.
    pub(super) linear: Option<Linear>,
    /// Log-parameter shift of each draw from the point estimate.
    shifts: Vec<[f64; 4]>,
}

impl Streams {
    /// The streams of the runs of rows `span`, linearised when `linear` (decided on all rows:
    /// `boot_eval::method`). A run's D depends on its (x, T) only, so a span cut inside a run
    /// gives it the bits the whole run has.
    pub(super) fn new(
        bi: &BootIn,
        params: &[Vec<f64>],
        span: std::ops::Range<usize>,
        linear: bool,
    ) -> Streams {
        let rows = bi.pal.d.rows;
        let mut run_of = Vec::with_capacity(span.len());
        let mut first = Vec::new();
        for r in span.clone() {
            let new_run =
                r == span.start || rows.x[r] != rows.x[r - 1] || rows.t[r] != rows.t[r - 1];
            if new_run {
                first.push(r);
            }
            run_of.push(first.len() - 1);
        }
        let shifts: Vec<[f64; 4]> = params
            .iter()
            .map(|p| {
                let mut s = [0.0; 4];
                for (i, v) in s.iter_mut().enumerate().take(p.len().min(bi.theta.len())) {
                    *v = ln(p[i]) - ln(bi.theta[i]);
                }
                s
            })
            .collect();
        let linear = linear.then(|| {
            let d_at = |p: &[f64], r: usize| {
                stream(bi.kind, p, rows.x[r], rows.t[r], bi.grid).map_or(0.0, |s| s.0)
            };
            let d0: Vec<f64> = first.iter().map(|&r| d_at(bi.theta, r)).collect();
            let mut grad = vec![[0.0; 4]; first.len()];
            for i in 0..bi.theta.len().min(4) {
                let h = 1e-5;
                let mut p = bi.theta.to_vec();
                p[i] *= exp(h);
                for (k, &r) in first.iter().enumerate() {
                    grad[k][i] = (d_at(&p, r) - d0[k]) / h;
                }
            }
            (d0, grad)
        });
        Streams {
            start: span.start,
            run_of,
            first,
            linear,
            shifts,
        }
    }

    /// D for run `k` under draw `j` (parameters `p`).
    pub(super) fn d(&self, bi: &BootIn, k: usize, j: usize, p: &[f64]) -> f64 {
        match &self.linear {
            Some((d0, grad)) => {
                let s = &self.shifts[j];
                let g = &grad[k];
                d0[k] + g[0] * s[0] + g[1] * s[1] + g[2] * s[2] + g[3] * s[3]
            }
            None => {
                let r = self.first[k];
                let rows = bi.pal.d.rows;
                stream(bi.kind, p, rows.x[r], rows.t[r], bi.grid).map_or(0.0, |s| s.0)
            }
        }
    }
}

/// First-order expansion of logit P(alive) per row for Pareto/NBD (large data only).
pub(super) struct ParetoLinear {
    logit0: Vec<f64>,
    grad: Vec<[f64; 4]>,
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    (ln(p) - ln(1.0 - p)).clamp(-700.0, 37.0)
}

impl ParetoLinear {
    pub(super) fn new(bi: &BootIn) -> ParetoLinear {
        let mut base = Vec::new();
        bi.pal.rows(bi.kind, bi.theta, &mut base);
        let logit0: Vec<f64> = base.iter().map(|&p| logit(p)).collect();
        let mut grad = vec![[0.0; 4]; logit0.len()];
        let h = 1e-5;
        let mut buf = Vec::new();
        for i in 0..4 {
            let mut p = bi.theta.to_vec();
            p[i] *= exp(h);
            bi.pal.rows(bi.kind, &p, &mut buf);
            for (r, v) in buf.iter().enumerate() {
                grad[r][i] = (logit(*v) - logit0[r]) / h;
            }
        }
        ParetoLinear { logit0, grad }
    }

    pub(super) fn p_alive(&self, r: usize, streams: &Streams, j: usize) -> f64 {
        let s = streams.shifts[j];
        let g = &self.grad[r];
        let l = self.logit0[r] + g[0] * s[0] + g[1] * s[1] + g[2] * s[2] + g[3] * s[3];
        crate::clv::maths::special::expit(l)
    }
}

/// The seeded parameter draws of a bootstrap: transaction-model parameters, spend models, and
/// how many draws were rejected and redrawn. None if a covariance is not positive definite.
pub fn parameter_draws(bi: &BootIn) -> Option<(Vec<Vec<f64>>, Vec<SpendModel>, usize)> {
    let l = cholesky(bi.cov)?;
    let lg = match bi.gg {
        Some((_, c)) => Some(cholesky(c)?),
        None => None,
    };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(bi.seed);
    let mut rejected = 0;
    let mut params = Vec::with_capacity(bi.draws);
    let mut spends = Vec::with_capacity(bi.draws);
    for _ in 0..bi.draws {
        params.push(draw_valid(&mut rng, bi.theta, &l, |_| true, &mut rejected));
        let sp = match (bi.gg, &lg) {
            (Some((g, _)), Some(lgc)) => SpendModel::GammaGamma(draw_valid(
                &mut rng,
                g,
                lgc,
                |th| th[1] > 1.0,
                &mut rejected,
            )),
            _ => bi.spend.clone(),
        };
        spends.push(sp);
    }
    Some((params, spends, rejected))
}

/// Runs the bootstrap; None if a covariance is not positive definite.
pub fn run(bi: &BootIn) -> Option<BootOut> {
    let (params, spends, rejected) = parameter_draws(bi)?;
    Some(crate::clv::uncertainty::boot_eval::evaluate(
        bi, &params, &spends, rejected,
    ))
}
