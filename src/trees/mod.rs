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
mod tests;
