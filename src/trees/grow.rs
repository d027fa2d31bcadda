//! linfa-trees 0.8.1's `DecisionTree` fit (Gini, weighted rows, two classes) with the same
//! arithmetic, so the same trees (`tests::same_trees_as_linfa` compares them node for node),
//! several times faster.
//!
//! linfa scans, at every node and for every feature, all rows of the data in that feature's
//! sorted order, skipping those outside the node, and keeps its class weights in SipHash
//! `HashMap`s (two hash look-ups per row, two map sums per candidate split): at depth 6 that
//! is 63 × (rows × features) hashed steps per tree, 12–29% of the default run's CPU. Here each
//! node holds its rows' positions in every feature's global order (split between the children
//! as the rows are), and the class weights are two `f32`s. What is kept from linfa, because
//! the trees depend on it:
//! - the global order: a stable sort of each feature, and each step compares a row's value with
//!   the value at the NEXT GLOBAL position (a row outside the node may lie there), treating
//!   values closer than 1e-5 as equal; the last global position is never a split point;
//! - the `f32` running weights (right = node total − moved, left = moved, in scan order), the
//!   Gini of each side from its class weights (sum, then shares squared and summed: with two
//!   classes the sum is the same in any order, so the hash order never mattered), the score
//!   `w·gini(right) + (1 − w)·gini(left)` with `w` = right weight / node weight, the first
//!   strictly better split in feature order, the midpoint threshold in `f64`;
//! - a node stops when its ROW COUNT (linfa compares the count, not the weight) is below
//!   `min_weight_split`, at `max_depth`, without a split, or when the Gini decrease (computed in
//!   `f32`, subtracted in `f64`) is below 1e-5; a split leaving one side empty makes a leaf;
//! - the modal class of a node's weights (on an exact tie linfa's hash order decides; here the
//!   higher class), and the pruning that merges two leaf children predicting the same class.

/// The stopping rules linfa is given by `trees::fit`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rules {
    pub max_depth: usize,
    pub min_weight_leaf: f32,
    pub min_weight_split: f32,
}

/// linfa's default `min_impurity_decrease` (`F::cast(0.00001)`).
const MIN_IMPURITY_DECREASE: f64 = 0.00001;

/// A grown node (arena index links). A leaf keeps the split it had if pruning made it one,
/// as linfa's node does (routing never reads it).
#[derive(Debug, Clone)]
pub(super) struct Grown {
    pub leaf: bool,
    pub feature: usize,
    pub threshold: f64,
    pub left: Option<u32>,
    pub right: Option<u32>,
    pub prediction: usize,
}

/// Each feature's rows in linfa's order, and the values at those positions.
struct Order {
    rows: Vec<u32>,
    values: Vec<f64>,
}

struct Grower<'a> {
    x: &'a [f64],
    f: usize,
    y: &'a [usize],
    w: &'a [f32],
    rules: Rules,
    orders: Vec<Order>,
    /// Scratch: whether a row of the node being split goes left.
    goes_left: Vec<bool>,
    out: Vec<Grown>,
}

/// Grows the tree of `n = y.len()` rows (`x` row-major, `f` features; classes 0 and 1),
/// root first, each subtree after its node, left before right.
pub(super) fn grow(x: &[f64], f: usize, y: &[usize], w: &[f32], rules: Rules) -> Vec<Grown> {
    let n = y.len();
    let orders = (0..f)
        .map(|j| {
            let mut pairs: Vec<(usize, f64)> = (0..n).map(|i| (i, x[i * f + j])).collect();
            // linfa's comparator (NaN compares greater), so the same stable order.
            pairs.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Greater));
            Order {
                rows: pairs.iter().map(|p| p.0 as u32).collect(),
                values: pairs.iter().map(|p| p.1).collect(),
            }
        })
        .collect();
    let mut g = Grower {
        x,
        f,
        y,
        w,
        rules,
        orders,
        goes_left: vec![false; n],
        out: Vec::new(),
    };
    let rows: Vec<u32> = (0..n as u32).collect();
    let positions: Vec<Vec<u32>> = (0..f).map(|_| (0..n as u32).collect()).collect();
    g.node(&rows, positions, 0);
    g.out
}

/// Class weights summed in linfa's way (`Iterator::sum` of the classes present).
fn total(freq: &[f32; 2], present: &[bool; 2]) -> f32 {
    (0..2).filter(|&c| present[c]).map(|c| freq[c]).sum::<f32>()
}

fn gini(freq: &[f32; 2], present: &[bool; 2]) -> f32 {
    let n = total(freq, present);
    let purity = (0..2)
        .filter(|&c| present[c])
        .map(|c| freq[c] / n)
        .map(|s| s * s)
        .sum::<f32>();
    1.0 - purity
}

impl Grower<'_> {
    /// Grows the node of `rows` (ascending) whose positions in each feature's order are
    /// `positions[feature]` (ascending); returns its index.
    fn node(&mut self, rows: &[u32], positions: Vec<Vec<u32>>, depth: usize) -> u32 {
        let at = self.out.len() as u32;
        let (mut freq, mut present) = ([0.0f32; 2], [false; 2]);
        for &r in rows {
            let c = self.y[r as usize];
            freq[c] += self.w[r as usize];
            present[c] = true;
        }
        // linfa's fold keeps the later class unless the earlier is strictly heavier.
        let prediction = usize::from(!present[0] || (present[1] && freq[1] >= freq[0]));
        self.out.push(Grown {
            leaf: true,
            feature: 0,
            threshold: 0.0,
            left: None,
            right: None,
            prediction,
        });
        if (rows.len() as f32) < self.rules.min_weight_split || depth >= self.rules.max_depth {
            return at;
        }
        let Some((feature, threshold, score)) = self.best_split(&freq, &present, &positions) else {
            return at;
        };
        if (gini(&freq, &present) as f64) - (score as f64) < MIN_IMPURITY_DECREASE {
            return at;
        }
        let (mut left, mut right) = (Vec::new(), Vec::new());
        for &r in rows {
            let l = self.x[r as usize * self.f + feature] <= threshold;
            self.goes_left[r as usize] = l;
            let side = if l { &mut left } else { &mut right };
            side.push(r);
        }
        self.out[at as usize].feature = feature;
        self.out[at as usize].threshold = threshold;
        if left.is_empty() || right.is_empty() {
            return at;
        }
        let (mut lp, mut rp) = (Vec::with_capacity(self.f), Vec::with_capacity(self.f));
        for (j, pos) in positions.into_iter().enumerate() {
            let order = &self.orders[j].rows;
            let (l, r): (Vec<u32>, Vec<u32>) = pos
                .into_iter()
                .partition(|&p| self.goes_left[order[p as usize] as usize]);
            lp.push(l);
            rp.push(r);
        }
        let li = self.node(&left, lp, depth + 1);
        drop(left);
        let ri = self.node(&right, rp, depth + 1);
        let (lc, rc) = (&self.out[li as usize], &self.out[ri as usize]);
        // linfa's pruning, bottom up: two leaf children of one prediction merge.
        if lc.leaf && rc.leaf && lc.prediction == rc.prediction {
            let p = lc.prediction;
            self.out.truncate(at as usize + 1);
            self.out[at as usize].prediction = p;
            return at;
        }
        let node = &mut self.out[at as usize];
        (node.leaf, node.left, node.right) = (false, Some(li), Some(ri));
        at
    }

    /// The best split of a node over all features: (feature, threshold, score).
    fn best_split(
        &self,
        freq: &[f32; 2],
        present: &[bool; 2],
        positions: &[Vec<u32>],
    ) -> Option<(usize, f64, f32)> {
        let all = total(freq, present);
        let last = self.y.len().saturating_sub(1) as u32;
        let leaf_min = self.rules.min_weight_leaf;
        let mut best: Option<(usize, f64, f32)> = None;
        for (j, pos) in positions.iter().enumerate() {
            let order = &self.orders[j];
            let (mut right, mut left) = (*freq, [0.0f32; 2]);
            let mut seen = [false; 2];
            let (mut on_right, mut on_left) = (all, 0.0f32);
            for &p in pos {
                if p >= last {
                    break;
                }
                let r = order.rows[p as usize] as usize;
                let (c, sw) = (self.y[r], self.w[r]);
                right[c] -= sw;
                on_right -= sw;
                left[c] += sw;
                seen[c] = true;
                on_left += sw;
                let (v, next) = (order.values[p as usize], order.values[p as usize + 1]);
                if (v - next).abs() < 1e-5 || on_right < leaf_min || on_left < leaf_min {
                    continue;
                }
                let share = on_right / all;
                let score = share * gini(&right, present) + (1.0 - share) * gini(&left, &seen);
                if best.is_none_or(|b| score < b.2) {
                    best = Some((j, (v + next) / 2.0, score));
                }
            }
        }
        best
    }
}
