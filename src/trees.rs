//! Decision trees from linfa-trees, shared by the churn classifier (`churn::forest`) and the
//! rule explanations (`explain`): fitting on row-major features with class weights, and the
//! leaves of a fitted tree with the path to each, so callers can route customers and count
//! them themselves (linfa predicts a leaf's majority class only).
//!
//! Determinism: callers hand the rows in an order that does not depend on the file (sorted
//! by a hash of the customer id). linfa sorts each feature stably and splits between
//! distinct values, so the splits depend on the rows and their order only. Its leaves do
//! not: a leaf whose classes weigh exactly the same gets the class a `HashMap` iterates to
//! last, which changes between runs, and linfa then merges sibling leaves of the same class.
//! So the weights are made whole numbers whose sums are exact in f32 (a tie is an exact tie,
//! the same whatever the order of the additions), and the tree is pruned again here, by
//! weight: siblings merge when a class is among the heaviest of both. Whatever linfa's hash
//! order did, that gives the same tree (a merge linfa made is one this rule makes too, and
//! the merged leaf's heaviest classes are the common ones).

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
    root: Node,
    pub leaves: Vec<Leaf>,
}

#[derive(Debug, Clone)]
pub struct Leaf {
    pub path: Vec<Condition>,
    /// The class of largest weight in the leaf's training rows (the lowest on a tie).
    pub class: usize,
}

/// Hyperparameters.
#[derive(Debug, Clone, Copy)]
pub struct TreeParams {
    pub max_depth: usize,
    /// Smallest total weight of a leaf.
    pub min_leaf: f32,
}

/// A node of the pruned tree: a leaf holds its training rows' weight per class.
#[derive(Debug, Clone)]
enum Node {
    Leaf(Vec<u64>),
    Split {
        feature: usize,
        threshold: f64,
        children: Box<[Node; 2]>,
    },
}

/// Total weight the whole numbers are scaled to: every partial sum stays below 2^24, where
/// f32 holds whole numbers exactly (each row adds at most 1 by rounding, so up to 2^23 rows).
const WEIGHT_TOTAL: f64 = (1u32 << 23) as f64;

/// Fits a Gini tree on `x` (`n` rows of `f` features, row-major), classes `y`, weights `w`.
/// None when linfa refuses (no rows, or invalid parameters).
pub fn fit(x: &[f64], f: usize, y: &[usize], w: &[f32], p: TreeParams) -> Option<Tree> {
    let n = y.len();
    if n == 0 || f == 0 || x.len() != n * f || w.len() != n {
        return None;
    }
    let total: f64 = w.iter().map(|&v| v as f64).sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    let scale = WEIGHT_TOTAL / total;
    let whole: Vec<u64> = w
        .iter()
        .map(|&v| ((v as f64 * scale).round() as u64).max(1))
        .collect();
    let records = Array2::from_shape_vec((n, f), x.to_vec()).ok()?;
    let weights = Array1::from_iter(whole.iter().map(|&v| v as f32));
    let data = Dataset::new(records, Array1::from(y.to_vec())).with_weights(weights);
    let model: DecisionTree<f64, usize> = DecisionTree::params()
        .split_quality(SplitQuality::Gini)
        .max_depth(Some(p.max_depth))
        .min_weight_leaf((p.min_leaf as f64 * scale) as f32)
        // linfa compares this one with the rows' count, not their weight.
        .min_weight_split(2.0 * p.min_leaf)
        .fit(&data)
        .ok()?;
    let classes = y.iter().copied().max().map_or(1, |m| m + 1);
    let mut root = Node::from_linfa(model.root_node(), classes);
    for i in 0..n {
        root.leaf_mut(&x[i * f..(i + 1) * f])[y[i]] += whole[i];
    }
    root.prune();
    let mut leaves = Vec::new();
    root.collect(&mut Vec::new(), &mut leaves);
    Some(Tree { root, leaves })
}

/// The classes of largest weight, as a bit set (at most 64 classes are told apart).
fn heaviest(mass: &[u64]) -> u64 {
    let top = mass.iter().copied().max().unwrap_or(0);
    mass.iter()
        .enumerate()
        .filter(|&(c, &m)| m == top && c < 64)
        .fold(0, |set, (c, _)| set | 1 << c)
}

impl Node {
    fn from_linfa(node: &TreeNode<f64, usize>, classes: usize) -> Node {
        match node.children()[..] {
            [Some(l), Some(r)] if !node.is_leaf() => {
                let (feature, threshold, _) = node.split();
                Node::Split {
                    feature,
                    threshold,
                    children: Box::new([
                        Node::from_linfa(l, classes),
                        Node::from_linfa(r, classes),
                    ]),
                }
            }
            _ => Node::Leaf(vec![0; classes]),
        }
    }

    /// The leaf a row falls in: left when `x <= threshold`, as linfa partitions its rows.
    fn leaf_mut(&mut self, row: &[f64]) -> &mut Vec<u64> {
        match self {
            Node::Leaf(mass) => mass,
            Node::Split {
                feature,
                threshold,
                children,
            } => {
                let left = row.get(*feature).is_some_and(|v| *v <= *threshold);
                children[usize::from(!left)].leaf_mut(row)
            }
        }
    }

    /// Merges sibling leaves that share a heaviest class, bottom up.
    fn prune(&mut self) {
        let Node::Split { children, .. } = self else {
            return;
        };
        children[0].prune();
        children[1].prune();
        if let [Node::Leaf(a), Node::Leaf(b)] = &**children {
            if heaviest(a) & heaviest(b) != 0 {
                *self = Node::Leaf(a.iter().zip(b).map(|(a, b)| a + b).collect());
            }
        }
    }

    fn collect(&self, path: &mut Vec<Condition>, out: &mut Vec<Leaf>) {
        match self {
            Node::Leaf(mass) => out.push(Leaf {
                path: path.clone(),
                class: heaviest(mass).trailing_zeros().min(63) as usize,
            }),
            Node::Split {
                feature,
                threshold,
                children,
            } => {
                for (child, le) in children.iter().zip([true, false]) {
                    path.push(Condition {
                        feature: *feature,
                        le,
                        threshold: *threshold,
                    });
                    child.collect(path, out);
                    path.pop();
                }
            }
        }
    }
}

impl Tree {
    /// The leaf (index into `leaves`) a row falls in: left when `x <= threshold`, as linfa
    /// partitions its training rows.
    pub fn leaf_of(&self, row: &[f64]) -> usize {
        let mut node = &self.root;
        let mut index = 0;
        loop {
            match node {
                Node::Leaf(_) => return index,
                Node::Split {
                    feature,
                    threshold,
                    children,
                } => {
                    if row.get(*feature).is_some_and(|v| *v <= *threshold) {
                        node = &children[0];
                    } else {
                        index += children[0].leaf_count();
                        node = &children[1];
                    }
                }
            }
        }
    }
}

impl Node {
    fn leaf_count(&self) -> usize {
        match self {
            Node::Leaf(_) => 1,
            Node::Split { children, .. } => children[0].leaf_count() + children[1].leaf_count(),
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

    /// A leaf whose classes weigh the same took the class of linfa's hash-map order, and
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
        // The tie merges with its sibling: one leaf, class 1.
        let t = fit(&x, 1, &y, &w, params).unwrap();
        assert_eq!(t.leaves.len(), 1);
        assert_eq!(t.leaves[0].class, 1);
    }
}
