//! Model diagnostics: P(alive) matrix by frequency x recency, and the period-transactions
//! histogram (actual vs model-expected number of customers by repeat purchases), both under
//! the chosen model.

use crate::clv::bgnbd::prob_n;
use crate::clv::fitting::collapse::Rows;
use crate::clv::model::ModelKind;
use crate::clv::pareto::pmf as pareto_pmf;
use serde::Serialize;

/// P(alive) on a grid of frequency x and recency t_x for a customer of age `t` (the largest
/// observed T), like lifetimes' `conditional_probability_alive_matrix` but with recency binned.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PAliveMatrix {
    /// Model key (`bgnbd`, `paretoNbd`, `mbgnbd`, `bgbb`).
    pub model: String,
    /// Age T used for every cell (model units).
    pub t: f64,
    /// Column values of x.
    pub frequencies: Vec<f64>,
    /// Row values of t_x (model units).
    pub recencies: Vec<f64>,
    /// `values[i][j]` = P(alive | x = frequencies[j], t_x = recencies[i], T = t).
    pub values: Vec<Vec<f64>>,
}

/// Frequencies of the matrix: 0..=min(largest x, 20).
fn matrix_frequencies(rows: &Rows) -> Vec<f64> {
    let max_x = rows
        .xs
        .last()
        .copied()
        .unwrap_or(0.0)
        .min(20.0)
        .floor()
        .max(0.0) as usize;
    (0..=max_x).map(|v| v as f64).collect()
}

/// The matrix of `p_alive(x, t_x)` over `frequencies` × `recencies` (non-finite values: 0).
fn matrix(
    model: &str,
    t: f64,
    frequencies: Vec<f64>,
    recencies: Vec<f64>,
    p_alive: impl Fn(f64, f64) -> f64,
) -> PAliveMatrix {
    let values = recencies
        .iter()
        .map(|&tx| {
            frequencies
                .iter()
                .map(|&x| {
                    Some(p_alive(x, tx))
                        .filter(|v| v.is_finite())
                        .unwrap_or(0.0)
                })
                .collect()
        })
        .collect();
    PAliveMatrix {
        model: model.into(),
        t,
        frequencies,
        recencies,
        values,
    }
}

/// Builds the matrix with up to 21 frequencies (0..=20) and 21 recency levels.
pub fn p_alive_matrix(kind: ModelKind, p: &[f64], rows: &Rows) -> PAliveMatrix {
    let t = rows.max_t;
    let recencies = (0..=20).map(|i| t * i as f64 / 20.0).collect();
    matrix(
        kind.key(),
        t,
        matrix_frequencies(rows),
        recencies,
        |x, tx| kind.p_alive(p, x, tx, t),
    )
}

/// The BG/BB matrix at n = the largest number of opportunities: recencies are whole
/// opportunities (every one up to 20, else 21 levels rounded down); a cell with more
/// transactions than opportunities up to its recency (x > t_x) cannot occur and is 0.
pub fn p_alive_matrix_discrete(p: &[f64], rows: &Rows) -> PAliveMatrix {
    let n = rows.max_t;
    let mut recencies: Vec<f64> = (0..=20).map(|i| (n * i as f64 / 20.0).floor()).collect();
    recencies.dedup();
    matrix("bgbb", n, matrix_frequencies(rows), recencies, |x, tx| {
        if x > tx || (x == 0.0) != (tx == 0.0) {
            0.0
        } else {
            crate::clv::bgbb::predict::p_alive(p, x, tx, n, 0)
        }
    })
}

/// Number of customers by repeat purchases: bins "0".."6" and "7+".
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PeriodTransactions {
    /// Model of the expected counts: the chosen model's key (BG/NBD and MBG/NBD closed forms,
    /// Pareto/NBD by `pareto::pmf`, BG/BB by `bgbb::predict::prob_n`).
    pub model: String,
    pub bins: Vec<String>,
    pub actual: Vec<f64>,
    /// Sum over customers of P(X(T_i) = n) at the fitted parameters.
    pub expected: Vec<f64>,
}

/// Histogram of actual vs expected repeat purchases (each customer at its own age T), under
/// the model `kind` at parameters `p`. None if the model's probabilities cannot be computed.
pub fn period_transactions(kind: ModelKind, p: &[f64], rows: &Rows) -> Option<PeriodTransactions> {
    let mut h = Histogram::new(rows);
    match kind {
        ModelKind::Bgnbd | ModelKind::Mbgnbd => {
            let modified = kind == ModelKind::Mbgnbd;
            let mut probs = [0.0; NB - 1];
            for (t, w) in h.ages.clone() {
                for (n, v) in probs.iter_mut().enumerate() {
                    *v = if t > 0.0 {
                        prob_n(p, t, n as u32, modified)
                    } else {
                        f64::from(u8::from(n == 0))
                    };
                }
                h.add(w, &probs);
            }
        }
        ModelKind::ParetoNbd => {
            // Ages ascend (sorted by bit pattern, all >= 0): one sweep of the integral.
            let ts: Vec<f64> = h.ages.iter().map(|a| a.0).collect();
            let weights: Vec<f64> = h.ages.iter().map(|a| a.1).collect();
            let mut bad = false;
            let ok = pareto_pmf::for_each_age(p, &ts, NB - 1, |i, probs| {
                bad |= !probs.iter().all(|v| v.is_finite());
                h.add(weights[i], probs);
            });
            if !ok || bad {
                return None;
            }
        }
    }
    Some(h.finish(kind.key()))
}

/// The BG/BB histogram: `expected[k] = Σ P(X(n_i) = k)` (lifetimes'
/// `expected_number_of_transactions_in_first_n_periods`, summed over each customer's n).
pub fn period_transactions_discrete(p: &[f64], rows: &Rows) -> Option<PeriodTransactions> {
    let mut h = Histogram::new(rows);
    let mut probs = [0.0; NB - 1];
    for (n, w) in h.ages.clone() {
        for (k, v) in probs.iter_mut().enumerate() {
            *v = crate::clv::bgbb::predict::prob_n(p, n as u32, k as u32);
        }
        if !probs.iter().all(|v| v.is_finite()) {
            return None;
        }
        h.add(w, &probs);
    }
    Some(h.finish("bgbb"))
}

/// Bins of the histogram: "0".."6" and "7+".
const NB: usize = 8;

/// The histogram being filled: customers per distinct age, actual and expected counts.
struct Histogram {
    ages: Vec<(f64, f64)>,
    actual: Vec<f64>,
    expected: Vec<f64>,
}

impl Histogram {
    fn new(rows: &Rows) -> Histogram {
        let mut actual = vec![0.0; NB];
        for i in 0..rows.len() {
            let b = (rows.x[i].round().max(0.0) as usize).min(NB - 1);
            actual[b] += rows.w[i];
        }
        Histogram {
            ages: ages(rows),
            actual,
            expected: vec![0.0; NB],
        }
    }

    /// Adds `w` customers with P(X = n) = `probs[n]` for n < NB − 1, the rest in the last bin.
    fn add(&mut self, w: f64, probs: &[f64]) {
        let mut cum = 0.0;
        for (e, &pn) in self.expected.iter_mut().zip(probs) {
            cum += pn;
            *e += w * pn;
        }
        self.expected[NB - 1] += w * (1.0 - cum).max(0.0);
    }

    fn finish(self, model: &str) -> PeriodTransactions {
        let bins = (0..NB)
            .map(|i| {
                if i + 1 == NB {
                    format!("{i}+")
                } else {
                    i.to_string()
                }
            })
            .collect();
        PeriodTransactions {
            model: model.into(),
            bins,
            actual: self.actual,
            expected: self.expected,
        }
    }
}

/// Customers per distinct T, ascending.
fn ages(rows: &Rows) -> Vec<(f64, f64)> {
    // Customers per distinct T (rows are sorted by x then T, so aggregate with a sorted list).
    let mut ts: Vec<(u64, f64)> = rows
        .t
        .iter()
        .zip(&rows.w)
        .map(|(t, w)| (t.to_bits(), *w))
        .collect();
    ts.sort_unstable_by_key(|a| a.0);
    let mut agg: Vec<(f64, f64)> = Vec::new();
    for (tb, w) in ts {
        let t = f64::from_bits(tb);
        match agg.last_mut() {
            Some(last) if last.0.to_bits() == tb => last.1 += w,
            _ => agg.push((t, w)),
        }
    }
    agg
}
