//! The seeded parametric bootstrap of BG/BB CLV: parameter draws from N(log θ̂, Cov) in log
//! space (and, independently, Gamma-Gamma draws), each evaluated on the collapsed (x, t_x, n)
//! rows. The discounted stream of a row already holds P(alive), so CLV per draw is
//! `margin × spend × D`. On large data (rows × draws above `EXACT_BUDGET`) D uses its
//! first-order expansion in the log-parameters, as the continuous bootstrap does. Customers
//! sharing a row and a spend share an interval; groups are evaluated in chunks, so memory stays
//! at chunk × draws.
use crate::clv::bgbb::Evaluator;
use crate::clv::discrete::Plan;
use crate::clv::fitting::linalg::cholesky;
use crate::clv::gamma_gamma::spend::SpendModel;
use crate::clv::maths::special::{exp, ln};
use crate::clv::uncertainty::boot_eval::two_quantiles;
use crate::clv::uncertainty::bootstrap::{
    draw_valid, levels, quantile, BootOut, Positions, EXACT_BUDGET,
};
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Bootstrap inputs.
pub struct BootIn<'a> {
    pub theta: &'a [f64],
    pub cov: &'a [Vec<f64>],
    pub gg: Option<(&'a [f64], &'a [Vec<f64>])>,
    pub spend: &'a SpendModel,
    /// The likelihood of the collapsed rows, and the horizon's opportunities.
    pub ev: &'a Evaluator<'a>,
    pub plan: &'a Plan,
    /// Customer x and m.
    pub x: &'a [f64],
    pub m: &'a [f64],
    pub margin: f64,
    pub draws: usize,
    pub seed: u64,
    pub interval: f64,
}

/// Customer groups evaluated at once.
const CHUNK: usize = 4096;

/// Log-parameter step of the forward-difference gradient (large data).
const GRAD_STEP: f64 = 1e-5;

/// Every row's discounted stream at `p` (non-finite: 0).
fn streams(bi: &BootIn, p: &[f64]) -> Vec<f64> {
    let mut d = bi.plan.streams(bi.ev, p).discounted;
    d.iter_mut()
        .filter(|v| !v.is_finite())
        .for_each(|v| *v = 0.0);
    d
}

/// Runs the bootstrap; None if a covariance is not positive definite.
pub fn run(bi: &BootIn) -> Option<BootOut> {
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
        spends.push(match (bi.gg, &lg) {
            (Some((g, _)), Some(lgc)) => SpendModel::GammaGamma(draw_valid(
                &mut rng,
                g,
                lgc,
                |th| th[1] > 1.0,
                &mut rejected,
            )),
            _ => bi.spend.clone(),
        });
    }
    let rows = bi.ev.rows;
    let nd = params.len();
    // D per row and draw: exact (rows × draws values, at most EXACT_BUDGET), or per row its
    // value and gradient in the log-parameters, expanded per draw.
    let exact = rows.len().saturating_mul(nd) <= EXACT_BUDGET;
    let table: Vec<f64> = if exact {
        // Draw-minor: `[r * nd + j]`.
        let per_draw: Vec<Vec<f64>> = params.iter().map(|p| streams(bi, p)).collect();
        (0..rows.len())
            .flat_map(|r| per_draw.iter().map(move |d| d[r]))
            .collect()
    } else {
        let d0 = streams(bi, bi.theta);
        let shifted: Vec<Vec<f64>> = (0..4)
            .map(|i| {
                let mut p = bi.theta.to_vec();
                p[i] *= exp(GRAD_STEP);
                streams(bi, &p)
            })
            .collect();
        (0..rows.len())
            .flat_map(|r| {
                let base = d0[r];
                std::iter::once(base).chain(shifted.iter().map(move |s| (s[r] - base) / GRAD_STEP))
            })
            .collect()
    };
    let shifts: Vec<[f64; 4]> = params
        .iter()
        .map(|p| std::array::from_fn(|i| ln(p[i]) - ln(bi.theta[i])))
        .collect();
    let d_at = |r: usize, j: usize| {
        if exact {
            table[r * nd + j]
        } else {
            let g = &table[r * 5..r * 5 + 5];
            g[0] + (0..4).map(|i| g[i + 1] * shifts[j][i]).sum::<f64>()
        }
    };
    // Customer groups: same row and same spend (spend depends on m only for x > 0, m > 0).
    let n = bi.x.len();
    let mut order: Vec<(usize, u64, u32)> = (0..n)
        .map(|c| {
            let m = if bi.spend.uses_m(bi.x[c], bi.m[c]) {
                bi.m[c].to_bits()
            } else {
                0
            };
            (rows.map[c], m, c as u32)
        })
        .collect();
    order.sort_unstable();
    let mut groups: Vec<(usize, usize)> = Vec::new(); // (first index in order, count)
    for (i, g) in order.iter().enumerate() {
        match groups.last_mut() {
            Some((first, count)) if (order[*first].0, order[*first].1) == (g.0, g.1) => *count += 1,
            _ => groups.push((i, 1)),
        }
    }
    let (qlo, qhi) = levels(bi.interval, nd, Positions::Nominal);
    let mut low = vec![0.0; n];
    let mut high = vec![0.0; n];
    let mut totals = vec![0.0; nd];
    let mut buf = vec![0.0; CHUNK * nd];
    for chunk in groups.chunks(CHUNK) {
        for (k, &(first, count)) in chunk.iter().enumerate() {
            let c = order[first].2 as usize;
            let r = order[first].0;
            let vals = &mut buf[k * nd..(k + 1) * nd];
            for j in 0..nd {
                let v = bi.margin * spends[j].expected(bi.x[c], bi.m[c]) * d_at(r, j);
                vals[j] = if v.is_finite() { v } else { 0.0 };
                totals[j] += count as f64 * vals[j];
            }
            let (lo, hi) = two_quantiles(vals, qlo, qhi);
            for g in &order[first..first + count] {
                low[g.2 as usize] = lo;
                high[g.2 as usize] = hi;
            }
        }
    }
    let total_low = quantile(&mut totals.clone(), qlo);
    let total_high = quantile(&mut totals, qhi);
    Some(BootOut {
        low,
        high,
        total_low,
        total_high,
        draws: nd,
        method: if exact { "exact" } else { "linearizedStream" }.into(),
        rejected,
    })
}
