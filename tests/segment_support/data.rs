//! Seeded test data for the segment module: a BTYD customer base like the product benchmark
//! (BG/NBD r=0.25, alpha=4, a=0.8, b=2.5 in days; Gamma-Gamma p=6, q=4, gamma=15; customers
//! arriving uniformly over 3 years) and well-separated blobs with a known number of clusters.
#![allow(dead_code)]

//! All draws use `libm` (pure Rust) so the data are bit-identical natively and in wasm32, which
//! lets the benches compare native and wasm outputs exactly.

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

pub struct Customers {
    pub recency: Vec<f64>,
    pub frequency: Vec<f64>,
    pub monetary: Vec<f64>,
    pub tenure: Vec<f64>,
}

impl Customers {
    /// The segmentation's input over these customers (no CLV column).
    pub fn input(&self) -> crm_lens::segment::SegmentInput<'_> {
        crm_lens::segment::SegmentInput {
            recency_days: &self.recency,
            frequency: &self.frequency,
            monetary: &self.monetary,
            tenure_days: &self.tenure,
            clv: None,
        }
    }
}

fn unit(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Uniform in (0, 1].
fn unit_pos(rng: &mut Xoshiro256PlusPlus) -> f64 {
    ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
}

fn normal(rng: &mut Xoshiro256PlusPlus) -> f64 {
    let (u, v) = (unit_pos(rng), unit(rng));
    libm::sqrt(-2.0 * libm::log(u)) * libm::cos(2.0 * std::f64::consts::PI * v)
}

/// Gamma(shape, scale) by Marsaglia-Tsang (boosted for shape < 1).
fn gamma(rng: &mut Xoshiro256PlusPlus, shape: f64, scale: f64) -> f64 {
    if shape < 1.0 {
        let u = unit_pos(rng);
        return gamma(rng, shape + 1.0, scale) * libm::pow(u, 1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / libm::sqrt(9.0 * d);
    loop {
        let x = normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = unit_pos(rng);
        if libm::log(u) < 0.5 * x * x + d - d * v + d * libm::log(v) {
            return d * v * scale;
        }
    }
}

fn beta(rng: &mut Xoshiro256PlusPlus, a: f64, b: f64) -> f64 {
    let x = gamma(rng, a, 1.0);
    let y = gamma(rng, b, 1.0);
    if x + y > 0.0 {
        x / (x + y)
    } else {
        0.5
    }
}

/// BTYD customers observed at day 1095; ~0.5% have a net refund (negative monetary).
pub fn btyd(n: usize, seed: u64) -> Customers {
    let horizon = 1095.0;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut c = Customers {
        recency: Vec::with_capacity(n),
        frequency: Vec::with_capacity(n),
        monetary: Vec::with_capacity(n),
        tenure: Vec::with_capacity(n),
    };
    for _ in 0..n {
        let birth = (unit(&mut rng) * horizon).floor();
        let lambda = gamma(&mut rng, 0.25, 1.0 / 4.0);
        let p = beta(&mut rng, 0.8, 2.5);
        let nu = gamma(&mut rng, 4.0, 1.0 / 15.0).max(1e-9);
        let mut t = birth;
        let mut last = birth;
        let mut count = 1.0;
        let mut spend = gamma(&mut rng, 6.0, 1.0 / nu);
        if lambda > 1e-12 {
            loop {
                if unit(&mut rng) < p {
                    break;
                }
                t += -libm::log(unit_pos(&mut rng)) / lambda;
                if t >= horizon {
                    break;
                }
                last = t.floor();
                count += 1.0;
                spend += gamma(&mut rng, 6.0, 1.0 / nu);
            }
        }
        let mut monetary = (spend * 100.0).round() / 100.0;
        if unit(&mut rng) < 0.005 {
            monetary = -monetary * 0.5;
        }
        c.recency.push(horizon - last);
        c.frequency.push(count);
        c.monetary.push(monetary);
        c.tenure.push(horizon - birth);
    }
    c
}

/// `k` well-separated groups of `per` customers each: centres spread in log space, small noise.
pub fn blobs(k: usize, per: usize, seed: u64) -> Customers {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut c = Customers {
        recency: Vec::new(),
        frequency: Vec::new(),
        monetary: Vec::new(),
        tenure: Vec::new(),
    };
    for g in 0..k {
        // Centres on a spiral in (log recency, log frequency, log monetary).
        let a = g as f64 * 2.4;
        let centre = [
            3.0 + 1.5 * libm::cos(a),
            1.5 + 1.2 * libm::sin(a),
            4.0 + 0.5 * g as f64,
        ];
        for _ in 0..per {
            let v: Vec<f64> = centre
                .iter()
                .map(|m| libm::expm1(m + 0.08 * normal(&mut rng)))
                .collect();
            c.recency.push(v[0]);
            c.frequency.push(v[1]);
            c.monetary.push(v[2]);
            c.tenure.push(400.0 + unit(&mut rng) * 100.0);
        }
    }
    c
}
