//! The CLV interval study (issue #16 item 3): which bootstrap is accurate enough, and cheapest.
//! `cargo bench --bench interval_study` (env `STUDY_SIZES=10k,100k,1M`, `STUDY_SAMPLE=2000`).
//!
//! On the generated logs the benches use (`crm-lens sample --transactions N --seed 42`), the CLV
//! stage picks its model as `analyze` does (`pipeline::clv_for`, default options); this bench then
//! refits that model (the same optimum) and compares interval methods on the same fit:
//!
//! * **truth**: the parametric-bootstrap distribution the intervals estimate — each customer's
//!   CLV under 2,000 independent exact parameter draws (seed 1,000,000), evaluated per customer
//!   from the definition (`p_alive × stream × spend × margin`), for a random sample of customers;
//! * **reference**: the 90% interval of 2,000 exact draws (seed 0), computed the same way;
//! * **candidates**: `bootstrap::run` (what the Report holds) with 200, 100 or 50 draws, exact or
//!   with the linearised stream, over several seeds (1..=R; R per size is printed).
//!
//! Coverage of a method = the mean, over sampled customers and seeds, of the share of the
//! customer's truth draws inside the method's interval: the probability mass of the bootstrap
//! distribution the interval holds (nominal 90%). Customers whose truth draws are all equal (no
//! spread) are left out and counted. Width = the median over sampled customers of the interval's
//! width ÷ the reference width. Cost = the CPU time of one `bootstrap::run` over all customers.
//! A method passes when its coverage is within 1 point of the reference's.
use crm_lens::clv::fitting::collapse::collapse;
use crm_lens::clv::fitting::fit::fit;
use crm_lens::clv::fitting::fit_all::{fit_gamma_gamma, KINDS};
use crm_lens::clv::fitting::fitdata::FitData;
use crm_lens::clv::gamma_gamma::spend::SpendModel;
use crm_lens::clv::input::Summary;
use crm_lens::clv::prediction::palive::PAlive;
use crm_lens::clv::prediction::purchases::{stream, Grid};
use crm_lens::clv::uncertainty::bootstrap::{self, levels, quantile, BootIn, Positions};
use crm_lens::clv::TimeUnit;
use crm_lens::customers::CustomerTable;
use crm_lens::ingest::{self, Ingested, ReturnsPolicy};
use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::Options;

const TRUTH_SEED: u64 = 1_000_000;
const REF_DRAWS: usize = 2000;

fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |ns| ns / 1e6)
}

fn size(label: &str) -> usize {
    match label {
        "10k" => 10_000,
        "100k" => 100_000,
        "1M" => 1_000_000,
        other => other.parse().expect("size: 10k, 100k, 1M or a number"),
    }
}

/// Each sampled customer's CLV under each draw, from the definition.
fn values(bi: &BootIn, sample: &[usize], t_x: &[f64], t: &[f64]) -> Vec<Vec<f64>> {
    let (params, spends, _) = bootstrap::parameter_draws(bi).expect("covariance");
    sample
        .iter()
        .map(|&c| {
            let (x, m) = (bi.x[c], bi.m[c]);
            params
                .iter()
                .zip(&spends)
                .map(|(p, s)| {
                    let pa = bi.kind.p_alive(p, x, t_x[c], t[c]);
                    let d = stream(bi.kind, p, x, t[c], bi.grid).map_or(0.0, |s| s.0);
                    let v = bi.margin * s.expected(x, m) * pa * d.max(0.0);
                    if v.is_finite() {
                        v
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| x.is_finite());
    quantile(&mut v, 0.5)
}

fn study(label: &str, sample_size: usize) {
    let n = size(label);
    let bytes = generate_csv(&SampleSpec {
        transactions: n,
        seed: 42,
        ..Default::default()
    })
    .expect("sample spec")
    .into_bytes();
    let opts = Options::default();
    let Ok(Ingested::Transactions(tx, _, _)) = ingest::ingest(&bytes, &opts.ingest) else {
        panic!("the sample must ingest")
    };
    drop(bytes);
    let as_of = *tx.day.iter().max().expect("rows");
    let (table, _) = CustomerTable::build(&tx, as_of, TimeUnit::Day, ReturnsPolicy::Net);
    drop(tx);
    let (rep, _, _) = crm_lens::pipeline::clv_for(&table, as_of, Some(0.8), &opts, true);
    let kind = *KINDS
        .iter()
        .find(|k| k.key() == rep.chosen_model)
        .expect("a BTYD model is chosen on the sample");
    let summary = Summary {
        x: table.frequency.clone(),
        tx: table.recency.clone(),
        t: table.t.clone(),
    };
    let rows = collapse(&summary);
    let d = FitData::new(&rows);
    let fitted = fit(kind, &d, 0.0);
    let mut w = Vec::new();
    let (gg, _) = fit_gamma_gamma(&table.frequency, &table.monetary_value, 0.0, &mut w)
        .expect("Gamma-Gamma fits");
    let spend = SpendModel::GammaGamma(gg.params.clone());
    let pal = PAlive::new(kind, &d);
    let grid = Grid::new(12, TimeUnit::Day.lifetimes_month_factor(), 0.01);
    let cov = fitted.cov_log.clone().expect("covariance");
    let gcov = gg.cov_log.clone().expect("Gamma-Gamma covariance");
    let bi = |draws: usize, seed: u64, exact_budget: usize, positions: Positions| BootIn {
        kind,
        theta: &fitted.params,
        cov: &cov,
        gg: Some((&gg.params, &gcov)),
        spend: &spend,
        pal: &pal,
        x: &table.frequency,
        m: &table.monetary_value,
        margin: 1.0,
        grid: &grid,
        draws,
        seed,
        interval: 0.9,
        exact_budget,
        positions,
    };
    let nc = table.len();
    // A uniform sample of customers (xorshift, fixed seed).
    let mut state = 0x2545_f491_4f6c_dd1du64 ^ n as u64;
    let sample: Vec<usize> = (0..sample_size.min(nc))
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % nc as u64) as usize
        })
        .collect();
    let truth = values(
        &bi(REF_DRAWS, TRUTH_SEED, usize::MAX, Positions::Nominal),
        &sample,
        &table.recency,
        &table.t,
    );
    let spread: Vec<bool> = truth.iter().map(|v| v.iter().any(|&a| a != v[0])).collect();
    let used = spread.iter().filter(|&&s| s).count();
    let ref_values = values(
        &bi(REF_DRAWS, 0, usize::MAX, Positions::Nominal),
        &sample,
        &table.recency,
        &table.t,
    );
    let interval_of = |positions| -> Vec<(f64, f64)> {
        let (qlo, qhi) = levels(0.9, REF_DRAWS, positions);
        ref_values
            .iter()
            .map(|v| (quantile(&mut v.clone(), qlo), quantile(&mut v.clone(), qhi)))
            .collect()
    };
    let reference = interval_of(Positions::Nominal);
    let coverage = |iv: &dyn Fn(usize) -> (f64, f64)| {
        let mut sum = 0.0;
        for (i, vals) in truth.iter().enumerate().filter(|(i, _)| spread[*i]) {
            let (lo, hi) = iv(i);
            sum += vals.iter().filter(|&&v| v >= lo && v <= hi).count() as f64 / vals.len() as f64;
        }
        sum / used as f64
    };
    let ref_cov = coverage(&|i| reference[i]);
    let numpy = interval_of(Positions::Numpy);
    let ref_numpy = coverage(&|i| numpy[i]);
    println!(
        "\n{label}: {} lines, {nc} customers, {} unique (x, t_x, T) rows; model {} {:?}; \
         sample {} customers ({used} with spread)",
        n,
        rows.len(),
        kind.key(),
        fitted.params,
        sample.len()
    );
    println!(
        "  reference (2000 exact draws, seed 0, type-6 ends): coverage {:.2}% (type-7 ends: {:.2}%)",
        100.0 * ref_cov,
        100.0 * ref_numpy
    );
    // Seeds per candidate: the exact path costs ~30x the linearised one, so it gets fewer.
    let seeds = |budget: usize| -> u64 {
        match (n, budget) {
            (0..=10_000, 0) => 20,
            (0..=10_000, _) => 5,
            (10_001..=100_000, 0) => 10,
            (10_001..=100_000, _) => 3,
            (_, 0) => 4,
            _ => 1,
        }
    };
    println!(
        "  {:<48} {:>9} {:>9} {:>7} {:>12} {:>10} {:>6} {:>12}",
        "method", "coverage", "Δ points", "± se", "width ÷ ref", "cpu ms", "seeds", "verdict"
    );
    let (exact, linear) = (usize::MAX, 0);
    let candidates = [
        ("exact 200, type 7", 200, exact, Positions::Numpy),
        ("linear 200, type 7", 200, linear, Positions::Numpy),
        ("exact 200, type 6", 200, exact, Positions::Nominal),
        ("linear 400, type 6", 400, linear, Positions::Nominal),
        ("linear 200, type 6", 200, linear, Positions::Nominal),
        ("linear 100, type 6", 100, linear, Positions::Nominal),
        ("linear 50, type 6", 50, linear, Positions::Nominal),
    ];
    for (name, draws, budget, positions) in candidates {
        let seeds = seeds(budget);
        let (mut covs, mut widths, mut cpu) = (Vec::new(), Vec::new(), f64::INFINITY);
        let mut method = String::new();
        for seed in 1..=seeds {
            let c0 = cpu_ms();
            let out = bootstrap::run(&bi(draws, seed, budget, positions)).expect("bootstrap");
            cpu = cpu.min(cpu_ms() - c0);
            method = out.method.clone();
            covs.push(coverage(&|i| (out.low[sample[i]], out.high[sample[i]])));
            for (i, &c) in sample.iter().enumerate().filter(|(i, _)| spread[*i]) {
                let rw = reference[i].1 - reference[i].0;
                if rw > 0.0 {
                    widths.push((out.high[c] - out.low[c]) / rw);
                }
            }
        }
        let cov = covs.iter().sum::<f64>() / seeds as f64;
        // Standard error of the mean coverage over the seeds (the seed-to-seed spread: the
        // customers of one seed share its parameter draws, so they are not independent).
        let se = if seeds > 1 {
            let var = covs.iter().map(|c| (c - cov).powi(2)).sum::<f64>() / (seeds - 1) as f64;
            (var / seeds as f64).sqrt()
        } else {
            f64::NAN
        };
        let delta = 100.0 * (cov - ref_cov);
        println!(
            "  {:<48} {:>8.2}% {:>+9.2} {:>7.2} {:>12.3} {:>10.1} {:>6} {:>12}",
            format!("{name} ({method})"),
            100.0 * cov,
            delta,
            100.0 * se,
            median(widths),
            cpu,
            seeds,
            if delta.abs() <= 1.0 {
                "within 1 pt"
            } else {
                "OUT"
            }
        );
    }
    println!("  (cpu = min over seeds of one bootstrap::run over all customers)");
}

fn main() {
    let sizes = std::env::var("STUDY_SIZES").unwrap_or_else(|_| "10k,100k,1M".into());
    let sample: usize = std::env::var("STUDY_SAMPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    for label in sizes.split(',') {
        study(label.trim(), sample);
    }
}
