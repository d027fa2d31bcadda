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
#[serde(rename_all = "camelCase")]
pub struct PAliveMatrix {
    pub model: ModelKind,
    /// Age T used for every cell (model units).
    pub t: f64,
    /// Column values of x.
    pub frequencies: Vec<f64>,
    /// Row values of t_x (model units).
    pub recencies: Vec<f64>,
    /// `values[i][j]` = P(alive | x = frequencies[j], t_x = recencies[i], T = t).
    pub values: Vec<Vec<f64>>,
}

/// Builds the matrix with up to 21 frequencies (0..=20) and 21 recency levels.
pub fn p_alive_matrix(kind: ModelKind, p: &[f64], rows: &Rows) -> PAliveMatrix {
    let t = rows.max_t;
    let max_x = rows
        .xs
        .last()
        .copied()
        .unwrap_or(0.0)
        .min(20.0)
        .floor()
        .max(0.0) as usize;
    let frequencies: Vec<f64> = (0..=max_x).map(|v| v as f64).collect();
    let recencies: Vec<f64> = (0..=20).map(|i| t * i as f64 / 20.0).collect();
    let values = recencies
        .iter()
        .map(|&tx| {
            frequencies
                .iter()
                .map(|&x| {
                    let v = kind.p_alive(p, x, tx, t);
                    if v.is_finite() {
                        v
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    PAliveMatrix {
        model: kind,
        t,
        frequencies,
        recencies,
        values,
    }
}

/// Number of customers by repeat purchases: bins "0".."6" and "7+".
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PeriodTransactions {
    /// Model of the expected counts: the chosen model (BG/NBD and MBG/NBD closed forms,
    /// Pareto/NBD by `pareto::pmf`).
    pub model: ModelKind,
    pub bins: Vec<String>,
    pub actual: Vec<f64>,
    /// Sum over customers of P(X(T_i) = n) at the fitted parameters.
    pub expected: Vec<f64>,
}

/// Histogram of actual vs expected repeat purchases (each customer at its own age T), under
/// the model `kind` at parameters `p`. None if the model's probabilities cannot be computed.
pub fn period_transactions(kind: ModelKind, p: &[f64], rows: &Rows) -> Option<PeriodTransactions> {
    const NB: usize = 8;
    let mut actual = vec![0.0; NB];
    let mut expected = vec![0.0; NB];
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
    for i in 0..rows.len() {
        let b = (rows.x[i].round().max(0.0) as usize).min(NB - 1);
        actual[b] += rows.w[i];
    }
    // P(X(T) = n), n < NB - 1, and the rest in the last bin.
    let mut add = |w: f64, probs: &[f64]| {
        let mut cum = 0.0;
        for (e, &pn) in expected.iter_mut().zip(probs) {
            cum += pn;
            *e += w * pn;
        }
        expected[NB - 1] += w * (1.0 - cum).max(0.0);
    };
    match kind {
        ModelKind::Bgnbd | ModelKind::Mbgnbd => {
            let modified = kind == ModelKind::Mbgnbd;
            let mut probs = [0.0; NB - 1];
            for &(t, w) in &agg {
                for (n, v) in probs.iter_mut().enumerate() {
                    *v = if t > 0.0 {
                        prob_n(p, t, n as u32, modified)
                    } else {
                        f64::from(u8::from(n == 0))
                    };
                }
                add(w, &probs);
            }
        }
        ModelKind::ParetoNbd => {
            // Ages ascend (sorted by bit pattern, all >= 0): one sweep of the integral.
            let ts: Vec<f64> = agg.iter().map(|a| a.0).collect();
            let mut bad = false;
            let ok = pareto_pmf::for_each_age(p, &ts, NB - 1, |i, probs| {
                bad |= !probs.iter().all(|v| v.is_finite());
                add(agg[i].1, probs);
            });
            if !ok || bad {
                return None;
            }
        }
    }
    let bins = (0..NB)
        .map(|i| {
            if i + 1 == NB {
                format!("{i}+")
            } else {
                i.to_string()
            }
        })
        .collect();
    Some(PeriodTransactions {
        model: kind,
        bins,
        actual,
        expected,
    })
}
