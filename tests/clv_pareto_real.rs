//! Pareto/NBD on real data whose optimum lies where alpha and beta differ by five orders of
//! magnitude (issue #13): lifetimes' donors (11,104 donors, 6 yearly periods). The series
//! behind the likelihood would need ~2 million terms there; the fit came back null with
//! "did not converge". Reference: tests/reference/pareto_donors_reference.py, the same
//! likelihood by adaptive quadrature (scipy, relative tolerance 1e-13) maximised by Nelder-Mead:
//! LL −46351.94980924799 at r 105.662, alpha 196.457, s 0.0603184, beta 0.00405326.
//! lifetimes 0.11.3 itself stops at s 0.0085, beta 3.7e-13 (LL −46541.92 there).
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::clv::fitting::{collapse::collapse, fit_all::fit_all, fitdata::FitData};
use crm_lens::clv::input::Summary;
use crm_lens::{Dataset, Options};

/// lifetimes.datasets.load_donations(): (frequency, recency, periods, donors).
const DONORS: [(u32, u32, u32, usize); 22] = [
    (0, 0, 6, 3464),
    (1, 1, 6, 1091),
    (1, 2, 6, 277),
    (1, 3, 6, 129),
    (1, 4, 6, 78),
    (1, 5, 6, 119),
    (1, 6, 6, 129),
    (2, 2, 6, 613),
    (2, 3, 6, 255),
    (2, 4, 6, 155),
    (2, 5, 6, 173),
    (2, 6, 6, 234),
    (3, 3, 6, 322),
    (3, 4, 6, 181),
    (3, 5, 6, 225),
    (3, 6, 6, 357),
    (4, 4, 6, 240),
    (4, 5, 6, 284),
    (4, 6, 6, 512),
    (5, 5, 6, 335),
    (5, 6, 6, 728),
    (6, 6, 6, 1203),
];

const REFERENCE_LL: f64 = -46351.94980924799;
const REFERENCE: [f64; 4] = [105.662, 196.457, 0.0603184, 0.00405326];

fn donors_csv() -> String {
    let mut csv = String::from("customer_id,frequency,recency,T\n");
    let mut id = 0;
    for &(x, tx, t, n) in &DONORS {
        for _ in 0..n {
            csv += &format!("D{id:05},{x},{tx},{t}\n");
            id += 1;
        }
    }
    csv
}

#[test]
fn donors_are_fitted_at_the_optimum() {
    let options = r#"{"asOf": "2024-12-31", "timeUnit": "day", "ingest": {"summary": true},
                      "clv": {"model": "paretoNbd"}}"#;
    let o = Options::from_json(options).unwrap();
    let a = Dataset::from_bytes(donors_csv().as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    let r = serde_json::to_value(&a.report).unwrap();
    let fit = &r["clv"]["paretoNbd"];
    let ll = fit["logLikelihood"].as_f64().expect("Pareto/NBD fitted");
    assert!((ll - REFERENCE_LL).abs() < 1e-6, "LL {ll}");
    for (k, want) in ["r", "alpha", "s", "beta"].iter().zip(REFERENCE) {
        let got = fit["params"][k].as_f64().unwrap();
        // The likelihood is flat along r/alpha: 3e-4 relative moves LL by < 1e-8.
        assert!((got / want - 1.0).abs() < 1e-3, "{k}: {got} vs {want}");
    }
    assert_eq!(fit["converged"], true);
    assert_eq!(r["clv"]["chosenModel"], "paretoNbd");
    let codes: Vec<&str> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes
            .iter()
            .any(|c| c.contains("not_converged") || *c == "clv_prediction_not_finite"),
        "{codes:?}"
    );
}

/// xorshift64* uniforms, exponential and gamma draws (Marsaglia-Tsang).
struct Rng(u64);
impl Rng {
    fn u(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        ((self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn exp(&mut self, rate: f64) -> f64 {
        -self.u().ln() / rate
    }
    fn gamma(&mut self, k: f64) -> f64 {
        if k < 1.0 {
            return self.gamma(k + 1.0) * self.u().powf(1.0 / k);
        }
        let d = k - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let (u1, u2) = (self.u(), self.u());
            let n = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            let v = (1.0 + c * n).powi(3);
            if v <= 0.0 {
                continue;
            }
            if self.u().ln() < 0.5 * n * n + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }
}

/// Customers who buy as Poisson processes with gamma rates and never drop out: the Pareto/NBD
/// optimum is the s → 0 limit. The fit is reported (not null) as a boundary fit, warned.
#[test]
fn no_dropout_gives_a_boundary_fit() {
    let mut rng = Rng(7919);
    let mut s = Summary::default();
    for _ in 0..2000 {
        let rate = rng.gamma(0.8) / 20.0;
        let t_end = 100.0 + (rng.u() * 265.0).floor();
        let (mut t, mut x, mut last) = (0.0, 0.0, 0.0);
        loop {
            t += rng.exp(rate);
            if t > t_end {
                break;
            }
            x += 1.0;
            last = t.floor();
        }
        s.x.push(x);
        s.tx.push(last);
        s.t.push(t_end);
    }
    let rows = collapse(&s);
    let mut warnings = Vec::new();
    let fits = fit_all(&FitData::new(&rows), 0.0, &mut warnings);
    let pareto = fits[1].as_ref().expect("a boundary fit, not null");
    assert!(
        pareto.status.starts_with("boundary: s → 0"),
        "{}",
        pareto.status
    );
    // r and alpha as simulated (0.8, 20); the mean dropout rate s/beta vanishes.
    assert!(
        (pareto.params[0] / 0.8 - 1.0).abs() < 0.1,
        "{:?}",
        pareto.params
    );
    assert!(
        (pareto.params[1] / 20.0 - 1.0).abs() < 0.15,
        "{:?}",
        pareto.params
    );
    assert!(
        pareto.params[2] / pareto.params[3] < 1e-6,
        "{:?}",
        pareto.params
    );
    let w = warnings.iter().find(|w| w.code == "clv_paretonbd_boundary");
    assert!(
        w.is_some_and(|w| w.message.contains("no dropout")),
        "{warnings:?}"
    );
}
