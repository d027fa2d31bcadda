//! A deterministic generator of realistic transaction logs (the sample, tests and benchmarks).
//!
//! Customers follow the buy-till-you-die story the BTYD models assume, so model fits can be
//! checked for parameter recovery: each customer arrives on a uniform day, buys at a Poisson
//! rate λ ~ Gamma(r, α) per week (`unit_days`) while alive, and after each repeat purchase
//! drops out with probability p ~ Beta(a, b) (BG/NBD). Order values are Gamma-Gamma: z ~ Gamma(p, ν), ν ~ Gamma(q, γ).
//! Most orders have one line, some two or three; about 2% of orders are partly returned a
//! few days later.
use rand::{Rng, SeedableRng};
use rand_distr::{Beta, Distribution, Exp, Gamma};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::fmt::Write;

use crate::dates::{format_day, parse_iso};
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct SampleSpec {
    /// Exactly this many order lines (the last customer's later lines are cut off).
    pub transactions: usize,
    pub seed: u64,
    pub start: String,
    /// Days over which customers arrive; the log ends on the last of them.
    pub days: u32,
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
    pub p: f64,
    pub q: f64,
    pub gamma: f64,
    pub return_rate: f64,
    /// Days per model time unit of `r, alpha` (7: the purchase rates are per week).
    pub unit_days: f64,
}

impl Default for SampleSpec {
    fn default() -> Self {
        SampleSpec {
            transactions: 55_000,
            seed: 42,
            start: "2022-01-01".into(),
            days: 730,
            r: 0.25,
            alpha: 4.0,
            a: 0.8,
            b: 2.5,
            p: 6.0,
            q: 4.0,
            gamma: 15.0,
            return_rate: 0.02,
            unit_days: 7.0,
        }
    }
}

/// 24 bytes: the 100M-line benchmark log holds 2.4 GB of these while it is sorted.
struct Line {
    amount: f64,
    day: i32,
    order: u32,
    customer: u32,
    channel: u8,
}

const CHANNELS: [&str; 3] = ["web", "store", "app"];

impl SampleSpec {
    /// Checks the spec, so generation itself cannot fail halfway (the CLI passes user values).
    pub fn validate(&self) -> Result<()> {
        let positive = [
            ("r", self.r),
            ("alpha", self.alpha),
            ("a", self.a),
            ("b", self.b),
            ("p", self.p),
        ];
        let more = [
            ("q", self.q),
            ("gamma", self.gamma),
            ("unitDays", self.unit_days),
        ];
        if let Some((name, v)) = positive
            .iter()
            .chain(&more)
            .find(|(_, v)| !(v.is_finite() && *v > 0.0))
        {
            return Err(Error::option(format!(
                "sample: {name} must be a positive number, got {v}"
            )));
        }
        if self.days == 0 {
            return Err(Error::option("sample: days must be at least 1").with_hint("--days 730"));
        }
        if !(0.0..=1.0).contains(&self.return_rate) {
            return Err(Error::option("sample: the return rate must be within 0..1"));
        }
        if parse_iso(&self.start).is_none() {
            return Err(Error::option(format!(
                "sample: start {:?} is not a YYYY-MM-DD date",
                self.start
            )));
        }
        Ok(())
    }
}

/// Generates the log as CSV text: `order_id,customer_id,order_date,amount,channel`, in date order.
pub fn generate_csv(spec: &SampleSpec) -> Result<String> {
    let mut out = Vec::with_capacity(spec.transactions.saturating_mul(40));
    write_csv(spec, &mut out)?;
    out.push(b'\n');
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// Writes the log as [`generate_csv`] does, without a final line break, straight to `w`: a
/// 100M-line log is 4 GB of text that is never held in memory.
pub fn write_csv(spec: &SampleSpec, w: impl std::io::Write) -> Result<()> {
    use std::io::Write as _;
    let lines = generate(spec)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, w);
    let mut buf = String::with_capacity(64);
    let io = |e: std::io::Error| Error::new("io", e.to_string());
    w.write_all(b"order_id,customer_id,order_date,amount,channel")
        .map_err(io)?;
    for l in &lines {
        buf.clear();
        let _ = write!(
            buf,
            "\nO{:08},C{:07},{},{:.2},{}",
            l.order,
            l.customer,
            format_day(l.day),
            l.amount,
            CHANNELS[l.channel as usize]
        );
        w.write_all(buf.as_bytes()).map_err(io)?;
    }
    w.flush().map_err(io)
}

fn generate(spec: &SampleSpec) -> Result<Vec<Line>> {
    spec.validate()?;
    let bad = |e: String| Error::option(format!("sample: {e}"));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(spec.seed);
    let start = parse_iso(&spec.start).unwrap_or(0);
    let end = spec.days as f64;
    let lambda = Gamma::new(spec.r, 1.0 / spec.alpha).map_err(|e| bad(e.to_string()))?;
    let dropout = Beta::new(spec.a, spec.b).map_err(|e| bad(e.to_string()))?;
    let nu = Gamma::new(spec.q, 1.0 / spec.gamma).map_err(|e| bad(e.to_string()))?;
    if spec.transactions > u32::MAX as usize / 2 {
        return Err(Error::option("sample: at most 2,147,483,647 transactions"));
    }
    let mut lines = Vec::with_capacity(spec.transactions + 64);
    let (mut customer, mut order) = (0u32, 0u32);
    while lines.len() < spec.transactions {
        customer += 1;
        let arrival: f64 = rng.gen_range(0.0..end);
        let rate: f64 = lambda.sample(&mut rng).max(1e-9);
        let p_drop: f64 = dropout.sample(&mut rng);
        let spend_scale = 1.0 / nu.sample(&mut rng).max(1e-9);
        let value = Gamma::new(spec.p, spend_scale).map_err(|e| bad(e.to_string()))?;
        let channel: u8 = rng.gen_range(0..3);
        let gap = Exp::new(rate / spec.unit_days).map_err(|e| bad(e.to_string()))?;
        let mut t = arrival;
        loop {
            order += 1;
            let day = start + t.floor() as i32;
            let total: f64 = value.sample(&mut rng);
            // Most orders are one line; about one in twelve has two or three (several lines per order id).
            let n_lines = if rng.gen_bool(0.92) {
                1
            } else {
                rng.gen_range(2..=3u32)
            };
            for k in 0..n_lines {
                // Split the order value over its lines; cents kept exact in the total.
                let share = if k + 1 == n_lines {
                    total - total * (k as f64) / n_lines as f64
                } else {
                    total / n_lines as f64
                };
                lines.push(Line {
                    day,
                    order,
                    customer,
                    amount: (share * 100.0).round() / 100.0,
                    channel,
                });
            }
            if rng.gen_bool(spec.return_rate) {
                let back = day + rng.gen_range(1..=14);
                if ((back - start) as f64) < end {
                    let amount = -((total / n_lines as f64) * 100.0).round() / 100.0;
                    lines.push(Line {
                        day: back,
                        order,
                        customer,
                        amount,
                        channel,
                    });
                }
            }
            // BG/NBD: dropout can follow a *repeat* purchase only; the first purchase opens
            // the relationship. (Dropping out after the first as well is MBG/NBD.)
            if t > arrival && rng.gen_bool(p_drop) {
                break;
            }
            t += gap.sample(&mut rng);
            if t >= end {
                break;
            }
        }
    }
    // The last customer may have bought past the count: `--transactions N` writes N lines.
    lines.truncate(spec.transactions);
    lines.sort_by_key(|l| (l.day, l.order, l.customer));
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_sized() {
        let spec = SampleSpec {
            transactions: 2000,
            ..Default::default()
        };
        let a = generate_csv(&spec).unwrap();
        assert_eq!(a, generate_csv(&spec).unwrap());
        let rows = a.lines().count() - 1;
        assert_eq!(rows, 2000);
        for n in [1, 7, 55_000] {
            let spec = SampleSpec {
                transactions: n,
                ..Default::default()
            };
            assert_eq!(generate_csv(&spec).unwrap().lines().count() - 1, n);
        }
        assert!(a.lines().any(|l| l.contains(",-")), "some returns");
    }

    #[test]
    fn bad_specs_are_errors_not_panics() {
        for spec in [
            SampleSpec {
                days: 0,
                ..Default::default()
            },
            SampleSpec {
                alpha: 0.0,
                ..Default::default()
            },
            SampleSpec {
                b: f64::NAN,
                ..Default::default()
            },
            SampleSpec {
                return_rate: 2.0,
                ..Default::default()
            },
            SampleSpec {
                start: "tomorrow".into(),
                ..Default::default()
            },
        ] {
            assert_eq!(generate_csv(&spec).unwrap_err().code, "invalid_option");
        }
    }
}
