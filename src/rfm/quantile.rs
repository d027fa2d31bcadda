//! Quintile scoring exactly as pandas does it, so our scores equal a pandas reference.
//!
//! `pd.qcut(x, q)` takes edges at `x.quantile(levels)` (numpy's linear method; the levels are
//! `linspace(0, 1, q+1)` rounded up where inexact, see [`linspace`])
//! and puts a value in bin `i` when `edge[i-1] < x <= edge[i]` (the lowest edge included).
//! When edges repeat (heavy ties) pandas raises; we then fall back to ranks, see [`Scoring`].

/// numpy `quantile(..., method="linear")` on sorted data, including its `lerp` rounding.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    quantile_by(sorted.len(), q, |i| sorted[i])
}

/// The same on a virtual sorted array of length `n` read through `at` (ranks need no sort).
fn quantile_by(n: usize, q: f64, at: impl Fn(usize) -> f64) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    // numpy 2 ("linear": `get_virtual_index = (n - 1) * quantiles`); the older form
    // n*q + (1 - q) - 1 rounds differently and moved edges by an ulp.
    let virtual_index = (n - 1) as f64 * q;
    let lo = virtual_index.floor().clamp(0.0, (n - 1) as f64);
    let gamma = (virtual_index - lo).clamp(0.0, 1.0);
    let i = lo as usize;
    let a = at(i);
    let b = at((i + 1).min(n - 1));
    let diff = b - a;
    if gamma >= 0.5 {
        b - diff * (1.0 - gamma)
    } else {
        a + diff * gamma
    }
}

/// The quantile levels `pd.qcut(x, bins)` uses: numpy `linspace(0, 1, bins + 1)`, where a
/// level `q` with `bins · q ≠ i` (not exactly representable, e.g. 0.7000000000000001 for
/// 7/10) is rounded up to the next float, as pandas 3 does ("round up rather than to
/// nearest"). Without that step a customer whose value equals an edge can land one decile
/// too high (found by the 10-bin pandas fixture).
fn linspace(bins: usize) -> Vec<f64> {
    let step = 1.0 / bins as f64;
    let mut v: Vec<f64> = (0..=bins)
        .map(|i| {
            let q = i as f64 * step;
            if bins as f64 * q != i as f64 {
                q.next_up()
            } else {
                q
            }
        })
        .collect();
    if let Some(last) = v.last_mut() {
        *last = 1.0;
    }
    v
}

/// Bin edges, or `None` when pandas would raise "Bin edges must be unique".
pub fn qcut_edges(values: &[f64], bins: usize) -> Option<Vec<f64>> {
    let mut sorted = values.to_vec();
    crate::sort::floats(&mut sorted);
    unique_edges(bins, |q| quantile_sorted(&sorted, q))
}

fn unique_edges(bins: usize, quantile: impl Fn(f64) -> f64) -> Option<Vec<f64>> {
    let edges: Vec<f64> = linspace(bins).into_iter().map(quantile).collect();
    edges.windows(2).all(|w| w[0] < w[1]).then_some(edges)
}

/// 1-based bin of `x` for edges from [`qcut_edges`].
pub fn bin_of(x: f64, edges: &[f64]) -> u8 {
    let below = edges.iter().filter(|e| **e < x).count();
    below.clamp(1, edges.len() - 1) as u8
}

/// Customers ordered by (value, position): the order pandas `rank(method="first")` gives.
///
/// A stable radix sort on the values' total-order bits: ties keep their position by
/// construction, and it costs a few linear passes instead of an indirect comparison sort
/// (three of these per analysis of 350k customers were a third of the table + RFM time).
fn first_order(values: &[f64]) -> Vec<u32> {
    let keys = values
        .iter()
        .enumerate()
        .map(|(i, v)| (crate::sort::order_bits(*v), i as u32))
        .collect();
    crate::radix::sort_pairs(keys)
        .into_iter()
        .map(|(_, i)| i)
        .collect()
}

/// pandas `rank(method="first")`: 1..n by value, ties in order of appearance.
pub fn rank_first(values: &[f64]) -> Vec<f64> {
    let mut rank = vec![0.0; values.len()];
    for (r, i) in first_order(values).into_iter().enumerate() {
        rank[i as usize] = (r + 1) as f64;
    }
    rank
}

/// How a variable was scored (reported, so users can reproduce it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Scoring {
    /// `pd.qcut(values, bins)`.
    Qcut,
    /// `pd.qcut(values.rank(method="first"), bins)` (option `rfm.ties: "first"`): used for F
    /// always, and for R/M when ties make value quantiles collapse.
    RankFirst,
    /// Tied values share a score, bins as balanced as the ties allow ([`super::ties`]): the
    /// default when ties make value quantiles collapse.
    SharedTies,
}

/// How tied values are scored when value quantiles collapse (option `rfm.ties`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Ties {
    /// Tied values share a score ([`super::ties`]); F is scored like R and M. Independent of
    /// the order of the customers.
    #[default]
    Shared,
    /// pandas' `rank(method="first")`, F always: ties are broken by position in the customer
    /// table (ordered by customer id, as pandas' `groupby` orders them).
    First,
}

/// Scores 1..=bins; `reverse` gives the highest score to the lowest value (recency).
/// `frequency` marks F, which `Ties::First` always ranks (the pandas recipe).
///
/// One sort per variable: the (value, position) order yields the value quantiles, the
/// first-ranks (whose quantiles are computed directly: ranks are 1..n) and the tie blocks.
pub fn score(
    values: &[f64],
    bins: usize,
    ties: Ties,
    frequency: bool,
    reverse: bool,
) -> (Vec<u8>, Scoring) {
    let n = values.len();
    let label = |b: u8| if reverse { bins as u8 + 1 - b } else { b };
    if ties == Ties::First && n < 2 {
        // One customer has no distribution: give the middle score rather than an extreme.
        return (vec![bins.div_ceil(2) as u8; n], Scoring::RankFirst);
    }
    let order = first_order(values);
    let mut scores = vec![0u8; n];
    if !(ties == Ties::First && frequency) && n >= 2 {
        if let Some(edges) =
            unique_edges(bins, |q| quantile_by(n, q, |i| values[order[i] as usize]))
        {
            for (s, &x) in scores.iter_mut().zip(values) {
                *s = label(bin_of(x, &edges));
            }
            return (scores, Scoring::Qcut);
        }
    }
    if ties == Ties::Shared {
        let mut scores = super::ties::scores(values, &order, bins);
        scores.iter_mut().for_each(|s| *s = label(*s));
        return (scores, Scoring::SharedTies);
    }
    match unique_edges(bins, |q| quantile_by(n, q, |i| (i + 1) as f64)) {
        Some(edges) => {
            for (r, &i) in order.iter().enumerate() {
                scores[i as usize] = label(bin_of((r + 1) as f64, &edges));
            }
        }
        // Fewer customers than bins: the rank itself is the score.
        None => {
            for (r, &i) in order.iter().enumerate() {
                scores[i as usize] = label((r + 1).min(bins) as u8);
            }
        }
    }
    (scores, Scoring::RankFirst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_linear_quantiles() {
        let s = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile_sorted(&s, 0.0), 1.0);
        assert_eq!(quantile_sorted(&s, 0.5), 3.0);
        assert_eq!(quantile_sorted(&s, 0.2), 1.8);
        assert_eq!(quantile_sorted(&s, 1.0), 10.0);
    }

    #[test]
    fn first_order_is_total_cmp_then_position() {
        let v = [
            3.0,
            -0.0,
            0.0,
            -1.5,
            f64::INFINITY,
            3.0,
            1e-300,
            -1e300,
            0.0,
            2.5,
            3.0,
        ];
        let mut expected: Vec<u32> = (0..v.len() as u32).collect();
        expected.sort_by(|&a, &b| v[a as usize].total_cmp(&v[b as usize]).then(a.cmp(&b)));
        assert_eq!(first_order(&v), expected);
        // Many keys, with ties, over every pass of the radix sort.
        let w: Vec<f64> = (0..5000u64)
            .map(|i| ((i * 2_654_435_761) % 977) as f64 * 1.37 - 300.0)
            .collect();
        let mut expected: Vec<u32> = (0..w.len() as u32).collect();
        expected.sort_by(|&a, &b| w[a as usize].total_cmp(&w[b as usize]).then(a.cmp(&b)));
        assert_eq!(first_order(&w), expected);
    }

    #[test]
    fn qcut_like_pandas() {
        // pd.qcut([1,2,3,4,5,6,7,8,9,10], 5, labels=False) + 1 == [1,1,2,2,3,3,4,4,5,5]
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(
            score(&v, 5, Ties::First, false, false).0,
            vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        );
        assert_eq!(
            score(&v, 5, Ties::First, false, true).0,
            vec![5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
        );
        // Heavy ties: pandas would raise; ranks in order of appearance instead.
        let f = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 1.0, 5.0];
        let (s, how) = score(&f, 5, Ties::First, false, false);
        assert_eq!(how, Scoring::RankFirst);
        assert_eq!(s, vec![1, 1, 2, 2, 3, 3, 4, 5, 4, 5]);
        // The default: the seven 1s share a score, as do the others.
        let (s, how) = score(&f, 5, Ties::Shared, false, false);
        assert_eq!(how, Scoring::SharedTies);
        assert_eq!(s, vec![1, 1, 1, 1, 1, 1, 3, 4, 1, 5]);
    }
}
