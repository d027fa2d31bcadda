//! Decision trees from linfa-trees, shared by the churn classifier (`churn::forest`) and the
//! rule explanations (`explain`): fitting on row-major features with class weights, and the
//! leaves of a fitted tree with the path to each, so callers can route customers and count
//! them themselves (linfa predicts a leaf's majority class only).
//!
//! Determinism: callers hand the rows in an order that does not depend on the file (sorted
//! by a hash of the customer id). linfa sorts each feature stably and splits between
//! distinct values, so the tree depends on the rows and their order only.

use linfa::prelude::*;
use linfa_trees::{DecisionTree, SplitQuality, TreeNode};
use ndarray::{Array1, Array2};

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
    /// linfa's nodes flattened for routing (`nodes[0]` the root): `leaf_of` runs for every
    /// customer and tree, and linfa's `children()` allocates on each call.
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

#[derive(Debug, Clone)]
pub struct Leaf {
    pub path: Vec<Condition>,
    /// The class of largest weight in the leaf's training rows (the lowest on a tie).
    pub class: usize,
}

/// Relative weight lift per class index that breaks exact ties (see [`fit`]).
const TIE_LIFT: f32 = 1.0 / 65_536.0;

/// Hyperparameters.
#[derive(Debug, Clone, Copy)]
pub struct TreeParams {
    pub max_depth: usize,
    /// Smallest total weight of a leaf.
    pub min_leaf: f32,
}

/// Fits a Gini tree on `x` (`n` rows of `f` features, row-major), classes `y`, weights `w`.
/// None when linfa refuses (no rows, or invalid parameters).
pub fn fit(x: &[f64], f: usize, y: &[usize], w: &[f32], p: TreeParams) -> Option<Tree> {
    let n = y.len();
    if n == 0 || f == 0 || x.len() != n * f {
        return None;
    }
    let records = Array2::from_shape_vec((n, f), x.to_vec()).ok()?;
    // linfa predicts a node's class by iterating a hash map, so on an exact weight tie
    // (balanced class weights make them common: 2 × 1.25 = 3 × 0.8333) the prediction varies
    // between runs, and its pruning merges two leaves when their predictions agree: the
    // tree's shape varied. Each class' weights are raised by a relative 2⁻¹⁶ per class
    // index, so no tie is exact and the higher class wins what was one.
    let lifted: Vec<f32> = y
        .iter()
        .zip(w)
        .map(|(&c, &wi)| wi * (1.0 + c as f32 * TIE_LIFT))
        .collect();
    let data = Dataset::new(records, Array1::from(y.to_vec())).with_weights(Array1::from(lifted));
    let model: DecisionTree<f64, usize> = DecisionTree::params()
        .split_quality(SplitQuality::Gini)
        .max_depth(Some(p.max_depth))
        .min_weight_leaf(p.min_leaf)
        .min_weight_split(2.0 * p.min_leaf)
        .fit(&data)
        .ok()?;
    let root = model.root_node();
    let mut leaves = Vec::new();
    collect(root, &mut Vec::new(), &mut leaves);
    let mut nodes = Vec::new();
    flatten(root, 0, &mut nodes);
    let mut tree = Tree { nodes, leaves };
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
}
