//! Decision trees, shared by the churn classifier (`churn::forest`) and the rule explanations
//! (`explain`): fitting on row-major features with class weights, and the leaves of a fitted
//! tree with the path to each, so callers can route customers and count them themselves.
//! The trees are linfa-trees 0.8.1's (`DecisionTree`, Gini), grown by `grow` with linfa's
//! arithmetic several times faster; the tests compare both node for node.
//!
//! Determinism: callers hand the rows in an order that does not depend on the file (sorted
//! by a hash of the customer id). Each feature is sorted stably and split between distinct
//! values, so the tree depends on the rows and their order only.
//!
//! Many trees are fitted on rows of one sample (churn's bagged trees on bootstraps of the
//! training customers, explain's one-vs-rest trees on one sample), so the sample's features
//! are sorted once ([`Presorted`]) and each tree's order is that order filtered to its rows
//! ([`fit_sample`]), which is the order sorting the tree's rows would give:
//!
//! **Lemma.** Let `s` be a sequence, `≤` a total preorder on its keys, and `t` a subsequence
//! of `s`. Filtering the stable sort of `s` to the elements of `t` gives the stable sort of
//! `t`. *Proof.* A stable sort lists its elements by (key, position in the input), a strict
//! total order, so its result is unique. Filtering keeps the relative order of the elements
//! it keeps, so it lists `t`'s elements by (key, position in `s`); positions in `s` order
//! `t`'s elements as their positions in `t` do (a subsequence keeps the order), so the
//! filtered list orders `t` by (key, position in `t`): the stable sort of `t`. ∎
//!
//! `f64::partial_cmp` is a total preorder on values without NaN (−0.0 and 0.0 are equal),
//! so [`Presorted::new`] refuses NaN (no caller has any: their features are made finite).
//! `tests::filtered_order_is_the_subset_sort` and `tests::sample_fits_are_linfa_fits_of_the_rows`
//! check the lemma and its use.

mod grow;

use grow::{grow, Grown, Order, Rules};

/// The rows many trees are fitted on, with each feature's stable order over them.
pub struct Presorted<'a> {
    x: &'a [f64],
    f: usize,
    /// The row of `x` of each sample row.
    rows: Vec<usize>,
    /// Per feature: the sample rows in linfa's order (a stable sort by value), and the values.
    orders: Vec<Order>,
}

impl<'a> Presorted<'a> {
    /// The sample `rows` of `x` (row-major, `f` features), in that order. None if a row is out
    /// of `x` or a value is NaN.
    pub fn new(x: &'a [f64], f: usize, rows: Vec<usize>) -> Option<Self> {
        if f == 0 || rows.iter().any(|&r| (r + 1) * f > x.len()) || rows.len() >= u32::MAX as usize
        {
            return None;
        }
        if rows
            .iter()
            .any(|&r| x[r * f..(r + 1) * f].iter().any(|v| v.is_nan()))
        {
            return None;
        }
        let orders = (0..f)
            .map(|j| {
                let value = |i: usize| x[rows[i] * f + j];
                let mut order: Vec<usize> = (0..rows.len()).collect();
                // linfa's comparator (no NaN: a total preorder), so the same stable order;
                // through the crate's one stable index sort (the core's size).
                crate::sort::indices_by(&mut order, |a, b| {
                    value(a)
                        .partial_cmp(&value(b))
                        .unwrap_or(std::cmp::Ordering::Greater)
                });
                Order {
                    rows: order.iter().map(|&i| i as u32).collect(),
                    values: order.iter().map(|&i| value(i)).collect(),
                }
            })
            .collect();
        Some(Presorted { x, f, rows, orders })
    }

    /// Sample rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The features of sample row `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        let r = self.rows[i];
        &self.x[r * self.f..(r + 1) * self.f]
    }

    /// Each feature's order of the sample rows `members` (ascending), numbered by their
    /// place in `members`: the global order filtered (the lemma above).
    fn orders_of(&self, members: &[u32]) -> Vec<Order> {
        let n = members.len();
        let mut place = vec![u32::MAX; self.len()];
        for (k, &m) in members.iter().enumerate() {
            place[m as usize] = k as u32;
        }
        self.orders
            .iter()
            .map(|o| {
                // Each entry written, kept when it is a member's (no branch to mispredict).
                let (mut rows, mut values) = (vec![0u32; n + 1], vec![0.0f64; n + 1]);
                let mut len = 0;
                for (&i, &v) in o.rows.iter().zip(&o.values) {
                    let k = place[i as usize];
                    rows[len] = k;
                    values[len] = v;
                    len += usize::from(k != u32::MAX);
                }
                rows.truncate(n);
                values.truncate(n);
                Order { rows, values }
            })
            .collect()
    }
}

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
/// classes recounted. None without rows or features, with another class, or with NaN.
pub fn fit(x: &[f64], f: usize, y: &[usize], w: &[f32], p: TreeParams) -> Option<Tree> {
    let n = y.len();
    if f == 0 || x.len() != n * f {
        return None;
    }
    let sample = Presorted::new(x, f, (0..n).collect())?;
    let all: Vec<u32> = (0..n as u32).collect();
    fit_sample(&sample, &all, y, w, p).map(|fitted| fitted.tree)
}

/// A tree fitted on rows of a [`Presorted`] sample, and the leaf each of them falls in.
pub struct Fitted {
    pub tree: Tree,
    /// The leaf (index into `tree.leaves`) of each member, as `Tree::leaf_of` routes it.
    pub leaf_of_member: Vec<u32>,
}

/// [`fit`] on the sample rows `members` (strictly ascending), `y` and `w` per member: the tree
/// `fit` gives on those rows' features copied in that order (the lemma in the module doc).
pub fn fit_sample(
    sample: &Presorted,
    members: &[u32],
    y: &[usize],
    w: &[f32],
    p: TreeParams,
) -> Option<Fitted> {
    let n = members.len();
    let ascending = members.windows(2).all(|m| m[0] < m[1]);
    if n == 0 || !ascending || members[n - 1] as usize >= sample.len() {
        return None;
    }
    if y.len() != n || w.len() != n || y.iter().any(|&c| c > 1) {
        return None;
    }
    let (mut tree, leaf_of_member) = grown(&sample.orders_of(members), y, &lifted(y, w), p);
    // A leaf's class from its training rows' weights, the lowest class on a tie: linfa
    // breaks ties in hash-map order, which differs between runs (a balanced root is a tie).
    let classes = y.iter().copied().max().map_or(1, |m| m + 1);
    let mut mass = vec![vec![0.0f64; classes]; tree.leaves.len()];
    for i in 0..n {
        mass[leaf_of_member[i] as usize][y[i]] += w[i] as f64;
    }
    for (leaf, m) in tree.leaves.iter_mut().zip(&mass) {
        leaf.class = (0..classes).fold(0, |best, c| if m[c] > m[best] { c } else { best });
    }
    Some(Fitted {
        tree,
        leaf_of_member,
    })
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

/// The grown tree as routing nodes and leaves (the leaves' classes are linfa's predictions),
/// and the leaf of each row.
fn grown(orders: &[Order], y: &[usize], w: &[f32], p: TreeParams) -> (Tree, Vec<u32>) {
    let rules = Rules {
        max_depth: p.max_depth,
        min_weight_leaf: p.min_leaf,
        min_weight_split: 2.0 * p.min_leaf,
    };
    let g = grow(orders, y, w, rules);
    let blank = Node {
        leaf: true,
        feature: 0,
        threshold: 0.0,
        left: None,
        right: None,
        base: 0,
    };
    let mut t = Tree {
        nodes: vec![blank; g.nodes.len()],
        leaves: Vec::new(),
    };
    link(&g.nodes, 0, 0, &mut Vec::new(), &mut t);
    let leaf_of_row = g
        .leaf_of_row
        .iter()
        .map(|&node| t.nodes[node as usize].base as u32)
        .collect();
    (t, leaf_of_row)
}

/// The tree [`fit`] grows before recounting its leaves' classes (`w` already lifted).
#[cfg(test)]
fn shape(x: &[f64], f: usize, y: &[usize], w: &[f32], p: TreeParams) -> Tree {
    let sample = Presorted::new(x, f, (0..y.len()).collect()).unwrap();
    let all: Vec<u32> = (0..y.len() as u32).collect();
    grown(&sample.orders_of(&all), y, w, p).0
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

/// A tree's routing in 24 bytes a node (a [`Tree`]'s nodes take 48), for routing many rows:
/// `Tree::leaf_of` step for step.
#[derive(Debug, Clone)]
pub struct Router {
    steps: Vec<Step>,
}

/// A leaf (`feature == LEAF`, `left` its leaf index) or a split going to `left` when the
/// value is at most `threshold`, else to `right`.
#[derive(Debug, Clone, Copy)]
struct Step {
    threshold: f64,
    feature: u32,
    left: u32,
    right: u32,
}

const LEAF: u32 = u32::MAX;

impl Tree {
    pub fn router(&self) -> Router {
        let steps = self
            .nodes
            .iter()
            .map(|n| {
                // `leaf_of` takes the one child there is whichever way the value goes.
                match (n.leaf, n.left.or(n.right), n.right.or(n.left)) {
                    (false, Some(left), Some(right)) => Step {
                        threshold: n.threshold,
                        feature: n.feature as u32,
                        left,
                        right,
                    },
                    _ => Step {
                        threshold: 0.0,
                        feature: LEAF,
                        left: n.base as u32,
                        right: 0,
                    },
                }
            })
            .collect();
        Router { steps }
    }
}

impl Router {
    /// The leaf (index into the tree's `leaves`) a row falls in, as `Tree::leaf_of`.
    pub fn leaf_of(&self, row: &[f64]) -> usize {
        let mut s = self.steps[0];
        while s.feature != LEAF {
            let go_left = row
                .get(s.feature as usize)
                .is_some_and(|v| *v <= s.threshold);
            s = self.steps[if go_left { s.left } else { s.right } as usize];
        }
        s.left as usize
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

    /// The lemma of the module doc: the global stable order filtered to a subsequence is the
    /// stable sort of that subsequence (values with many ties, −0.0 beside 0.0).
    #[test]
    fn filtered_order_is_the_subset_sort() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        for round in 0..40 {
            let (n, f) = (1 + round * 37 % 900, 1 + round % 3);
            let x: Vec<f64> = (0..n * f)
                .map(|_| match rng.gen_range(0..4) {
                    0 => rng.gen_range(0..6) as f64,
                    1 => -0.0,
                    2 => rng.gen::<f64>(),
                    _ => -(rng.gen_range(0..3) as f64),
                })
                .collect();
            // The sample: some rows of x in a shuffled order; members: a random subsequence.
            let mut rows: Vec<usize> = (0..n).filter(|_| rng.gen_bool(0.8)).collect();
            for i in (1..rows.len()).rev() {
                rows.swap(i, rng.gen_range(0..=i));
            }
            let sample = Presorted::new(&x, f, rows.clone()).unwrap();
            let members: Vec<u32> = (0..rows.len() as u32)
                .filter(|_| rng.gen_bool(0.6))
                .collect();
            let orders = sample.orders_of(&members);
            for (j, order) in orders.iter().enumerate() {
                let mut pairs: Vec<(u32, f64)> = members
                    .iter()
                    .enumerate()
                    .map(|(k, &m)| (k as u32, x[rows[m as usize] * f + j]))
                    .collect();
                pairs.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap());
                let want: Vec<u32> = pairs.iter().map(|p| p.0).collect();
                assert_eq!(order.rows, want, "round {round}, feature {j}");
                let bits = |v: &[f64]| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                let values: Vec<f64> = pairs.iter().map(|p| p.1).collect();
                assert_eq!(bits(&order.values), bits(&values));
            }
        }
        assert!(Presorted::new(&[1.0, f64::NAN], 1, vec![0, 1]).is_none());
    }

    /// Trees fitted on bootstraps of a presorted sample (`fit_sample`, as churn's forest does)
    /// are linfa's trees of the same rows copied out in order, each member's leaf is the leaf
    /// `leaf_of` routes it to, and the `Router` routes every row as `leaf_of` does.
    #[test]
    fn sample_fits_are_linfa_fits_of_the_rows() {
        use rand::{Rng, SeedableRng};
        for seed in 0..16u64 {
            let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(500 + seed);
            let n = [60, 400, 1500, 3000][seed as usize % 4];
            let f = 1 + seed as usize % 5;
            let (x, y_all) = random_data(seed + 100, n, f);
            let mut rows: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                rows.swap(i, rng.gen_range(0..=i));
            }
            rows.truncate(n * 3 / 4);
            let sample = Presorted::new(&x, f, rows.clone()).unwrap();
            let m = rows.len();
            let mut draws = vec![0u32; m];
            for _ in 0..m {
                draws[rng.gen_range(0..m)] += 1;
            }
            let members: Vec<u32> = (0..m as u32).filter(|&i| draws[i as usize] > 0).collect();
            let y: Vec<usize> = members.iter().map(|&i| y_all[rows[i as usize]]).collect();
            let w: Vec<f32> = members
                .iter()
                .map(|&i| draws[i as usize] as f32 * rng.gen_range(0.5f32..2.0))
                .collect();
            let copied: Vec<f64> = members
                .iter()
                .flat_map(|&i| sample.row(i as usize).to_vec())
                .collect();
            for (max_depth, min_leaf) in [(2, 3.0), (6, 10.0), (10, 1.0)] {
                let p = TreeParams {
                    max_depth,
                    min_leaf,
                };
                let lw = lifted(&y, &w);
                let (ours, _) = grown(&sample.orders_of(&members), &y, &lw, p);
                let theirs = linfa_shape(&copied, f, &y, &lw, p);
                assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "seed {seed}");
                let fitted = fit_sample(&sample, &members, &y, &w, p).unwrap();
                let plain = fit(&copied, f, &y, &w, p).unwrap();
                assert_eq!(format!("{:?}", fitted.tree), format!("{plain:?}"));
                let router = fitted.tree.router();
                for (k, &i) in members.iter().enumerate() {
                    let routed = fitted.tree.leaf_of(sample.row(i as usize));
                    assert_eq!(fitted.leaf_of_member[k] as usize, routed);
                }
                for r in 0..n {
                    let row = &x[r * f..(r + 1) * f];
                    assert_eq!(router.leaf_of(row), fitted.tree.leaf_of(row));
                }
            }
        }
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
