//! The churn classifier: bagged decision trees from linfa-trees.
//!
//! Each tree is fitted on a seeded bootstrap of the training customers (each customer's
//! draw count is its weight), with class weights that balance churners and the others, so a
//! split is chosen for separating them rather than for the majority class. A leaf's churn
//! probability is its in-bag churn share with Laplace's rule, `(churned + 1) / (n + 2)`, and
//! a customer's score is the mean over the trees. (linfa predicts a leaf's majority class and
//! merges sibling leaves with the same one, so probabilities are counted here.)

use crate::trees::{self, Presorted, Router, TreeParams};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

pub struct Forest {
    trees: Vec<(Router, Vec<f64>)>,
}

/// Fits `n_trees` trees of depth `max_depth` on the `sample` rows `rows` (ascending: an order
/// that does not depend on the file), labels `churned[sample row]`. The sample's features are
/// sorted once for every tree (and both forests of `churn::run`). None when a class is missing.
pub fn fit(
    sample: &Presorted,
    rows: &[u32],
    churned: &[bool],
    n_trees: usize,
    max_depth: usize,
    seed: u64,
) -> Option<Forest> {
    let m = rows.len();
    let pos = rows.iter().filter(|&&r| churned[r as usize]).count();
    if pos == 0 || pos == m {
        return None;
    }
    let mut out = Vec::with_capacity(n_trees);
    for b in 0..n_trees {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed.wrapping_add(b as u64));
        let mut draws = vec![0u32; m];
        for _ in 0..m {
            // u64, not usize: the same draws on wasm32.
            draws[rng.gen_range(0..m as u64) as usize] += 1;
        }
        let in_bag: Vec<usize> = (0..m).filter(|&i| draws[i] > 0).collect();
        let bag_pos: f64 = in_bag
            .iter()
            .filter(|&&i| churned[rows[i] as usize])
            .map(|&i| draws[i] as f64)
            .sum();
        let bag_neg = m as f64 - bag_pos;
        if bag_pos == 0.0 || bag_neg == 0.0 {
            continue;
        }
        let (wp, wn) = (m as f64 / (2.0 * bag_pos), m as f64 / (2.0 * bag_neg));
        let members: Vec<u32> = in_bag.iter().map(|&i| rows[i]).collect();
        let y: Vec<usize> = members
            .iter()
            .map(|&r| usize::from(churned[r as usize]))
            .collect();
        let w: Vec<f32> = in_bag
            .iter()
            .zip(&y)
            .map(|(&i, &c)| (draws[i] as f64 * if c == 1 { wp } else { wn }) as f32)
            .collect();
        let params = TreeParams {
            max_depth,
            min_leaf: (m as f32 / 200.0).max(20.0),
        };
        let Some(fitted) = trees::fit_sample(sample, &members, &y, &w, params) else {
            continue;
        };
        let mut counts = vec![(0.0f64, 0.0f64); fitted.tree.leaves.len()];
        for (k, &i) in in_bag.iter().enumerate() {
            let l = fitted.leaf_of_member[k] as usize;
            counts[l].0 += draws[i] as f64;
            if y[k] == 1 {
                counts[l].1 += draws[i] as f64;
            }
        }
        let rates = counts.iter().map(|(n, c)| (c + 1.0) / (n + 2.0)).collect();
        out.push((fitted.tree.router(), rates));
    }
    (!out.is_empty()).then_some(Forest { trees: out })
}

impl Forest {
    /// Probability of churning for one customer's features.
    pub fn predict(&self, row: &[f64]) -> f64 {
        let s: f64 = self
            .trees
            .iter()
            .map(|(t, rates)| rates[t.leaf_of(row)])
            .sum();
        s / self.trees.len() as f64
    }
}
