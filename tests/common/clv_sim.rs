//! Seeded BG/NBD + Gamma-Gamma simulator producing lifetimes-style summaries (purchases
//! aggregated per day), for the benchmark and parameter-recovery tests.

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

pub struct Sim {
    pub x: Vec<f64>,
    pub tx: Vec<f64>,
    pub t: Vec<f64>,
    pub m: Vec<f64>,
    pub total: Vec<f64>,
    pub tenure: Vec<f64>,
    pub transactions: usize,
    /// Repeat purchase days in the holdout window (after `days`), per customer.
    pub holdout_actual: Vec<f64>,
}

fn unif(r: &mut Xoshiro256PlusPlus) -> f64 {
    ((r.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

fn normal(r: &mut Xoshiro256PlusPlus) -> f64 {
    let (a, b) = (unif(r), unif(r));
    (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos()
}

/// Marsaglia-Tsang gamma(shape, scale = 1).
fn gamma(r: &mut Xoshiro256PlusPlus, shape: f64) -> f64 {
    if shape < 1.0 {
        return gamma(r, shape + 1.0) * unif(r).powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let z = normal(r);
        let v = (1.0 + c * z).powi(3);
        if v <= 0.0 {
            continue;
        }
        if unif(r).ln() < 0.5 * z * z + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}

/// BG/NBD with (r, alpha, a, b) in days over `days` days of arrivals; spend Gamma-Gamma (p, q, g).
#[allow(dead_code)]
pub fn simulate(n: usize, days: f64, bg: [f64; 4], gg: [f64; 3], seed: u64) -> Sim {
    simulate_holdout(n, days, 0.0, bg, gg, seed)
}

/// As `simulate`, and keeps simulating `hold` more days to count holdout repeat purchases.
#[allow(dead_code)]
pub fn simulate_holdout(
    n: usize,
    days: f64,
    hold: f64,
    bg: [f64; 4],
    gg: [f64; 3],
    seed: u64,
) -> Sim {
    sim_core(n, days, hold, bg, gg, seed, true)
}

/// Continuous-time summary (no per-day aggregation): the exact BG/NBD likelihood applies, so
/// parameter recovery tests are free of discretisation bias.
#[allow(dead_code)]
pub fn simulate_continuous(n: usize, days: f64, bg: [f64; 4], gg: [f64; 3], seed: u64) -> Sim {
    sim_core(n, days, 0.0, bg, gg, seed, false)
}

fn sim_core(
    n: usize,
    days: f64,
    hold: f64,
    bg: [f64; 4],
    gg: [f64; 3],
    seed: u64,
    discrete: bool,
) -> Sim {
    let fl = |v: f64| if discrete { v.floor() } else { v };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let [r, alpha, a, b] = bg;
    let [p, q, g] = gg;
    let mut s = Sim {
        x: vec![],
        tx: vec![],
        t: vec![],
        m: vec![],
        total: vec![],
        tenure: vec![],
        transactions: 0,
        holdout_actual: vec![],
    };
    let end = if discrete { days.floor() - 1.0 } else { days };
    for _ in 0..n {
        let birth = unif(&mut rng) * days;
        let lam = gamma(&mut rng, r) / alpha;
        let ga = gamma(&mut rng, a);
        let pdrop = ga / (ga + gamma(&mut rng, b));
        let nu = gamma(&mut rng, q) / g;
        let first = fl(birth);
        let mut days_seen: Vec<(f64, f64)> = vec![(first, gamma(&mut rng, p) / nu)];
        let mut tt = birth;
        loop {
            tt += -unif(&mut rng).ln() / lam;
            if tt.is_nan() || tt >= days + hold {
                break;
            }
            let d = fl(tt);
            let spend = gamma(&mut rng, p) / nu;
            match days_seen.last_mut() {
                Some(last) if last.0 == d => last.1 += spend,
                _ => days_seen.push((d, spend)),
            }
            s.transactions += 1;
            if unif(&mut rng) < pdrop {
                break;
            }
        }
        s.transactions += 1;
        let cut = if discrete { days.floor() } else { days };
        let hold_days = days_seen.iter().filter(|v| v.0 >= cut).count();
        s.holdout_actual.push(hold_days as f64);
        days_seen.retain(|v| v.0 < cut);
        let x = (days_seen.len() - 1) as f64;
        let last = days_seen.last().map(|v| v.0).unwrap_or(first);
        let rep: f64 = days_seen.iter().skip(1).map(|v| v.1).sum();
        s.x.push(x);
        s.tx.push(last - first);
        s.t.push(end - first);
        s.m.push(if x > 0.0 { rep / x } else { 0.0 });
        s.total.push(days_seen.iter().map(|v| v.1).sum());
        s.tenure.push(end - first);
    }
    s
}

/// A continuous-time summary (x, t_x, T) from another purchase process: customers arrive
/// uniformly over `days`; `draw` gives one customer's purchase times after the first, at most
/// up to their age T. No per-day aggregation, so the model's exact likelihood applies.
#[allow(dead_code)]
fn continuous_summary(
    n: usize,
    days: f64,
    seed: u64,
    mut draw: impl FnMut(&mut Xoshiro256PlusPlus, f64) -> Vec<f64>,
) -> Sim {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut s = Sim {
        x: vec![],
        tx: vec![],
        t: vec![],
        m: vec![],
        total: vec![],
        tenure: vec![],
        transactions: 0,
        holdout_actual: vec![],
    };
    for _ in 0..n {
        let age = days - unif(&mut rng) * days;
        let times = draw(&mut rng, age);
        s.x.push(times.len() as f64);
        s.tx.push(times.last().copied().unwrap_or(0.0));
        s.t.push(age);
        s.m.push(0.0);
        s.total.push(0.0);
        s.tenure.push(age);
        s.transactions += times.len() + 1;
        s.holdout_actual.push(0.0);
    }
    s
}

/// Pareto/NBD (Schmittlein et al. 1987) with `[r, alpha, s, beta]`: purchase rate
/// lambda ~ Gamma(r, 1/alpha), lifetime ~ Exp(mu) with mu ~ Gamma(s, 1/beta).
#[allow(dead_code)]
pub fn simulate_pareto(n: usize, days: f64, p: [f64; 4], seed: u64) -> Sim {
    let [r, alpha, s, beta] = p;
    continuous_summary(n, days, seed, |rng, age| {
        let lam = gamma(rng, r) / alpha;
        let mu = gamma(rng, s) / beta;
        let end = (-unif(rng).ln() / mu).min(age);
        let mut times = Vec::new();
        let mut t = 0.0;
        loop {
            t += -unif(rng).ln() / lam;
            if t >= end || t.is_nan() {
                return times;
            }
            times.push(t);
        }
    })
}

/// MBG/NBD (Batislam et al. 2007) with `[r, alpha, a, b]`: as BG/NBD, but the customer may
/// also drop out right after the first purchase (dropout p ~ Beta(a, b) after every purchase).
#[allow(dead_code)]
pub fn simulate_mbgnbd(n: usize, days: f64, p: [f64; 4], seed: u64) -> Sim {
    let [r, alpha, a, b] = p;
    continuous_summary(n, days, seed, |rng, age| {
        let lam = gamma(rng, r) / alpha;
        let ga = gamma(rng, a);
        let pdrop = ga / (ga + gamma(rng, b));
        let mut times = Vec::new();
        let mut t = 0.0;
        while unif(rng) >= pdrop {
            t += -unif(rng).ln() / lam;
            if t >= age || t.is_nan() {
                break;
            }
            times.push(t);
        }
        times
    })
}
