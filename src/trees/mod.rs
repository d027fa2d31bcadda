//! Decision trees, shared by the churn classifier (`churn::forest`) and the rule explanations
//! (`explain`): fitting on row-major features with class weights, and the leaves of a fitted
//! tree with the path to each, so callers can route customers and count them themselves.
//! The trees are linfa-trees 0.8.1's (`DecisionTree`, Gini), grown by `grow` with linfa's
//! arithmetic several times faster; the tests compare both node for node.
//!
//! Determinism: callers hand the rows in an order that does not depend on the file (sorted
//! by a hash of the customer id). Each feature is sorted stably and split between distinct
//! values, so the tree depends on the rows and their order only.

mod grow;

use grow::{grow, Grown, Rules};

/// One condition of a path: `feature <= threshold` (`le`) or `feature > threshold`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Condition {
    pub feature: usize,
    pub le: bool,
    pub threshold: f64,
}

/// A fitted tree: its leaves in depth-first order, each with its path from the root.
#[derive(Debug, Clone)]
pub struct Tree {
    /// The nodes for routing (`nodes[0]` the root), each subtree after its node.
    nodes: Vec<Node>,
    pub leaves: Vec<Leaf>,
}

/// A node of [`Tree::nodes`]: a leaf, or a split `feature <= threshold` with its children.
#[derive(Debug, Clone)]
struct Node {
    leaf: bool,
    feature: usize,
    threshold: f64,
    left: Option<u32>,
    right: Option<u32>,
    /// Leaves before this node's subtree in depth-first order: the index `leaf_of` returns
    /// from here.
    base: usize,
}

/// Links `g[i]`'s subtree into `nodes` and `leaves` (depth first, left first); its leaves
/// start at `base`. Returns its leaf count.
fn link(g: &[Grown], i: usize, base: usize, path: &mut Vec<Condition>, t: &mut Tree) -> usize {
    let node = &g[i];
    t.nodes[i] = Node {
        leaf: node.leaf,
        feature: node.feature,
        threshold: node.threshold,
        left: node.left,
        right: node.right,
        base,
    };
    if node.leaf {
        t.leaves.push(Leaf {
            path: path.clone(),
            class: node.prediction,
        });
        return 1;
    }
    let mut count = 0;
    for (child, le) in [(node.left, true), (node.right, false)] {
        if let Some(c) = child {
            path.push(Condition {
                feature: node.feature,
                le,
                threshold: node.threshold,
            });
            count += link(g, c as usize, base + count, path, t);
            path.pop();
        }
    }
    count
}

#[derive(Debug, Clone)]
pub struct Leaf {
    pub path: Vec<Condition>,
    /// The class of largest weight in the leaf's training rows (the lowest on a tie).
    pub class: usize,
}

/// Relative weight lift per class index that breaks exact ties (see [`lifted`]).
const TIE_LIFT: f32 = 1.0 / 65_536.0;

/// Hyperparameters.
#[derive(Debug, Clone, Copy)]
pub struct TreeParams {
    pub max_depth: usize,
    /// Smallest total weight of a leaf.
    pub min_leaf: f32,
}

/// Fits a Gini tree on `x` (`n` rows of `f` features, row-major), classes `y` (0 or 1),
/// weights `w`: the tree linfa-trees 0.8.1's `DecisionTree` fits (`grow`), with the leaves'
/// classes recounted. None without rows or features, or with another class.
pub fn fit(x: &[f64], f: usize, y: &[usize], w: &[f32], p: TreeParams) -> Option<Tree> {
    let n = y.len();
    if n == 0 || f == 0 || x.len() != n * f || w.len() != n || y.iter().any(|&c| c > 1) {
        return None;
    }
    let mut tree = shape(x, f, y, &lifted(y, w), p);
    // A leaf's class from its training rows' weights, the lowest class on a tie: linfa
    // breaks ties in hash-map order, which differs between runs (a balanced root is a tie).
    let classes = y.iter().copied().max().map_or(1, |m| m + 1);
    let mut mass = vec![vec![0.0f64; classes]; tree.leaves.len()];
    for i in 0..n {
        mass[tree.leaf_of(&x[i * f..(i + 1) * f])][y[i]] += w[i] as f64;
    }
    for (leaf, m) in tree.leaves.iter_mut().zip(&mass) {
        leaf.class = (0..classes).fold(0, |best, c| if m[c] > m[best] { c } else { best });
    }
    Some(tree)
}

/// linfa predicts a node's class by iterating a hash map, so on an exact weight tie
/// (balanced class weights make them common: 2 × 1.25 = 3 × 0.8333) the prediction varied
/// between runs, and its pruning merges two leaves when their predictions agree: the tree's
/// shape varied. Each class' weights are raised by a relative 2⁻¹⁶ per class index, so no tie
/// is exact and the higher class wins what was one (`grow` also gives the higher class a tie).
fn lifted(y: &[usize], w: &[f32]) -> Vec<f32> {
    y.iter()
        .zip(w)
        .map(|(&c, &wi)| wi * (1.0 + c as f32 * TIE_LIFT))
        .collect()
}

/// The grown tree as routing nodes and leaves (the leaves' classes are linfa's predictions).
fn shape(x: &[f64], f: usize, y: &[usize], w: &[f32], p: TreeParams) -> Tree {
    let rules = Rules {
        max_depth: p.max_depth,
        min_weight_leaf: p.min_leaf,
        min_weight_split: 2.0 * p.min_leaf,
    };
    let g = grow(x, f, y, w, rules);
    let blank = Node {
        leaf: true,
        feature: 0,
        threshold: 0.0,
        left: None,
        right: None,
        base: 0,
    };
    let mut t = Tree {
        nodes: vec![blank; g.len()],
        leaves: Vec::new(),
    };
    link(&g, 0, 0, &mut Vec::new(), &mut t);
    t
}

impl Tree {
    /// The leaf (index into `leaves`) a row falls in: left when `x <= threshold`, as linfa
    /// partitions its training rows.
    pub fn leaf_of(&self, row: &[f64]) -> usize {
        let mut node = &self.nodes[0];
        loop {
            if node.leaf {
                return node.base;
            }
            let go_left = row.get(node.feature).is_some_and(|v| *v <= node.threshold);
            let next = match (node.left, node.right, go_left) {
                (Some(l), _, true) | (Some(l), None, false) => l,
                (_, Some(r), _) => r,
                (None, None, _) => return node.base,
            };
            node = &self.nodes[next as usize];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa::prelude::*;
    use linfa_trees::{DecisionTree, SplitQuality, TreeNode};
    use ndarray::{Array1, Array2};

    /// The tree of the previous implementation: linfa-trees' own fit, flattened.
    fn linfa_shape(x: &[f64], f: usize, y: &[usize], w: &[f32], p: TreeParams) -> Tree {
        let n = y.len();
        let records = Array2::from_shape_vec((n, f), x.to_vec()).unwrap();
        let data =
            Dataset::new(records, Array1::from(y.to_vec())).with_weights(Array1::from(w.to_vec()));
        let model: DecisionTree<f64, usize> = DecisionTree::params()
            .split_quality(SplitQuality::Gini)
            .max_depth(Some(p.max_depth))
            .min_weight_leaf(p.min_leaf)
            .min_weight_split(2.0 * p.min_leaf)
            .fit(&data)
            .unwrap();
        let root = model.root_node();
        let mut leaves = Vec::new();
        collect(root, &mut Vec::new(), &mut leaves);
        let mut nodes = Vec::new();
        flatten(root, 0, &mut nodes);
        Tree { nodes, leaves }
    }

    /// Appends `node`'s subtree to `out` (depth first, left first); its leaves start at `base`.
    /// Returns the node's index and its leaf count.
    fn flatten(node: &TreeNode<f64, usize>, base: usize, out: &mut Vec<Node>) -> (u32, usize) {
        let at = out.len();
        let (feature, threshold, _) = node.split();
        out.push(Node {
            leaf: node.is_leaf(),
            feature,
            threshold,
            left: None,
            right: None,
            base,
        });
        if node.is_leaf() {
            return (at as u32, 1);
        }
        let children = node.children();
        let mut count = 0;
        let mut link = [None, None];
        for (slot, child) in link.iter_mut().zip(children) {
            if let Some(c) = child {
                let (i, n) = flatten(c, base + count, out);
                *slot = Some(i);
                count += n;
            }
        }
        (out[at].left, out[at].right) = (link[0], link[1]);
        (at as u32, count)
    }

    fn collect(node: &TreeNode<f64, usize>, path: &mut Vec<Condition>, out: &mut Vec<Leaf>) {
        if node.is_leaf() {
            out.push(Leaf {
                path: path.clone(),
                class: node.prediction().unwrap_or(0),
            });
            return;
        }
        let (feature, threshold, _) = node.split();
        for (child, le) in node.children().into_iter().zip([true, false]) {
            if let Some(c) = child {
                path.push(Condition {
                    feature,
                    le,
                    threshold,
                });
                collect(c, path, out);
                path.pop();
            }
        }
    }

    #[test]
    fn leaves_and_routing_agree() {
        // Class 1 iff feature 0 > 5 and feature 1 <= 2.
        let mut x = Vec::new();
        let mut y = Vec::new();
        for a in 0..10 {
            for b in 0..5 {
                x.extend([a as f64, b as f64]);
                y.push(usize::from(a > 5 && b <= 2));
            }
        }
        let w = vec![1.0f32; y.len()];
        let t = fit(
            &x,
            2,
            &y,
            &w,
            TreeParams {
                max_depth: 3,
                min_leaf: 1.0,
            },
        )
        .unwrap();
        for (i, &yi) in y.iter().enumerate() {
            let leaf = &t.leaves[t.leaf_of(&x[2 * i..2 * i + 2])];
            assert_eq!(leaf.class, yi);
            for c in &leaf.path {
                let v = x[2 * i + c.feature];
                assert_eq!(v <= c.threshold, c.le);
            }
        }
    }

    /// A leaf whose classes weighed the same took the class of linfa's hash-map order, and
    /// linfa merged it with its sibling or not: the tree differed between runs.
    #[test]
    fn the_same_tree_in_every_run() {
        // Split at 0.5: the left leaf is a tie (one row of each class), the right mostly 1.
        let x = [0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        let y = [0, 1, 1, 1, 1, 0];
        let w = [1.0f32; 6];
        let params = TreeParams {
            max_depth: 1,
            min_leaf: 1.0,
        };
        let shape = |t: &Tree| format!("{:?}", t.leaves);
        let first = shape(&fit(&x, 1, &y, &w, params).unwrap());
        for _ in 0..40 {
            assert_eq!(shape(&fit(&x, 1, &y, &w, params).unwrap()), first);
        }
        // The tie goes to the higher class, so it merges with its sibling: one leaf, class 1.
        let t = fit(&x, 1, &y, &w, params).unwrap();
        assert_eq!(t.leaves.len(), 1);
        assert_eq!(t.leaves[0].class, 1);
    }

    /// Features as the callers have them: whole numbers with many ties, spends, values closer
    /// than linfa's 1e-5 "equal", a constant column; classes from a noisy rule.
    fn random_data(seed: u64, n: usize, f: usize) -> (Vec<f64>, Vec<usize>) {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut x = Vec::with_capacity(n * f);
        for _ in 0..n {
            for j in 0..f {
                x.push(match j % 5 {
                    0 => rng.gen_range(0..40) as f64,
                    1 => rng.gen_range(1..8) as f64,
                    2 => (rng.gen::<f64>() * 500.0 * 100.0).round() / 100.0,
                    3 => 3.0 + rng.gen_range(0..4) as f64 * 4e-6,
                    _ => 7.0,
                });
            }
        }
        let y = (0..n)
            .map(|i| {
                let r = &x[i * f..(i + 1) * f];
                let s = r[0] / 40.0 - r.get(1).map_or(0.0, |v| v / 8.0) + rng.gen::<f64>() * 0.6;
                usize::from(s > 0.3)
            })
            .collect();
        (x, y)
    }

    /// `grow` gives linfa-trees' own tree, node for node (structure, features, threshold bits,
    /// predictions), on the callers' kinds of weights: churn's bootstrap counts × balancing
    /// class weights, explain's balancing weights, random weights, all lifted as `fit` does.
    #[test]
    fn same_trees_as_linfa() {
        use rand::{Rng, SeedableRng};
        let mut compared = 0;
        for seed in 0..48u64 {
            let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1000 + seed);
            let n = [40, 300, 1500, 4000][seed as usize % 4];
            let f = 1 + seed as usize % 5;
            let (x, y) = random_data(seed, n, f);
            let pos = y.iter().filter(|&&c| c == 1).count().max(1) as f32;
            let (wp, wn) = (
                n as f32 / (2.0 * pos),
                n as f32 / (2.0 * (n as f32 - pos).max(1.0)),
            );
            let w: Vec<f32> = (0..n)
                .map(|i| {
                    let cw = if y[i] == 1 { wp } else { wn };
                    match seed % 3 {
                        0 => cw * rng.gen_range(1..4) as f32,
                        1 => cw,
                        _ => rng.gen_range(0.2f32..3.0),
                    }
                })
                .collect();
            let lw = lifted(&y, &w);
            for (max_depth, min_leaf) in [(1, 1.0), (3, 5.0), (6, 20.0), (12, 2.0)] {
                let p = TreeParams {
                    max_depth,
                    min_leaf,
                };
                let ours = shape(&x, f, &y, &lw, p);
                let theirs = linfa_shape(&x, f, &y, &lw, p);
                assert_eq!(
                    format!("{ours:?}"),
                    format!("{theirs:?}"),
                    "seed {seed}, n {n}, f {f}, depth {max_depth}, min leaf {min_leaf}"
                );
                compared += ours.nodes.len();
            }
        }
        assert!(compared > 2000, "{compared} nodes compared");
    }
}
