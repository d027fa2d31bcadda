//! linfa-trees 0.8.1's `DecisionTree` fit (Gini, weighted rows, two classes) with the same
//! arithmetic, so the same trees (`tests::same_trees_as_linfa` compares them node for node),
//! several times faster.
//!
//! linfa scans, at every node and for every feature, all rows of the data in that feature's
//! sorted order, skipping those outside the node, and keeps its class weights in SipHash
//! `HashMap`s (two hash look-ups per row, two map sums per candidate split): at depth 6 that
//! is 63 × (rows × features) hashed steps per tree, 12–29% of the default run's CPU. Here each
//! node holds its rows' positions in every feature's global order (split between the children
//! as the rows are, in place), the class weights are two `f32`s, and what a scan reads of a
//! position (its weight, class and whether a split may follow it) sits in one array per
//! feature. The global orders come from the caller (`Presorted` filtered to the tree's rows). What is kept from linfa, because
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
    /// The node's rows: `Growth::rows[lo..hi]`.
    lo: u32,
    hi: u32,
}

/// One feature's global order of the tree's rows (a stable sort by value, NaN-free).
pub(super) struct Order {
    /// The row at each position.
    pub rows: Vec<u32>,
    /// Its value.
    pub values: Vec<f64>,
}

/// A grown tree: its nodes, root first, each subtree after its node, left before right; and
/// the node (a leaf) each row ends in.
pub(super) struct Growth {
    pub nodes: Vec<Grown>,
    pub leaf_of_row: Vec<u32>,
}

/// A position's class (bit 0) and whether a split may follow it (bit 1: not the last
/// position, and the next global value is not within 1e-5).
const SPLIT_AFTER: u8 = 2;

struct Grower<'a> {
    y: &'a [usize],
    w: &'a [f32],
    rules: Rules,
    orders: &'a [Order],
    /// Per feature and position: the row's weight and its tag (class | `SPLIT_AFTER`).
    weight: Vec<Vec<f32>>,
    tag: Vec<Vec<u8>>,
    /// Per feature: positions, each node's in `[lo, hi)` (ascending), split in place.
    positions: Vec<Vec<u32>>,
    /// The rows, each node's in `[lo, hi)` (ascending), split in place.
    rows: Vec<u32>,
    /// Scratch: whether a row of the node being split goes left; the right side of a split.
    goes_left: Vec<bool>,
    spare: Vec<u32>,
    out: Vec<Grown>,
}

/// Grows the tree of `n = y.len()` rows (classes 0 and 1, weights `w`) whose features'
/// global orders are `orders`.
pub(super) fn grow(orders: &[Order], y: &[usize], w: &[f32], rules: Rules) -> Growth {
    let n = y.len();
    let (weight, tag) = orders
        .iter()
        .map(|o| {
            let weight = o.rows.iter().map(|&r| w[r as usize]).collect();
            let tag = (0..n)
                .map(|p| {
                    // linfa's test, kept as it is (∞ − ∞ is NaN: not "equal").
                    let equal = p + 1 < n && (o.values[p] - o.values[p + 1]).abs() < 1e-5;
                    let split = p + 1 < n && !equal;
                    y[o.rows[p] as usize] as u8 | if split { SPLIT_AFTER } else { 0 }
                })
                .collect();
            (weight, tag)
        })
        .unzip();
    let mut g = Grower {
        y,
        w,
        rules,
        orders,
        weight,
        tag,
        positions: (0..orders.len()).map(|_| (0..n as u32).collect()).collect(),
        rows: (0..n as u32).collect(),
        goes_left: vec![false; n],
        spare: vec![0; n],
        out: Vec::new(),
    };
    g.node(0, n, 0);
    let mut leaf_of_row = vec![0; n];
    for (i, node) in g.out.iter().enumerate().filter(|(_, g)| g.leaf) {
        for &r in &g.rows[node.lo as usize..node.hi as usize] {
            leaf_of_row[r as usize] = i as u32;
        }
    }
    Growth {
        nodes: g.out,
        leaf_of_row,
    }
}

/// Class weights summed in linfa's way (`Iterator::sum` of the classes present).
#[inline(always)]
fn total(freq: &[f32; 2], present: &[bool; 2]) -> f32 {
    (0..2).filter(|&c| present[c]).map(|c| freq[c]).sum::<f32>()
}

#[inline(always)]
fn gini(freq: &[f32; 2], present: &[bool; 2]) -> f32 {
    let n = total(freq, present);
    let purity = (0..2)
        .filter(|&c| present[c])
        .map(|c| freq[c] / n)
        .map(|s| s * s)
        .sum::<f32>();
    1.0 - purity
}

/// Moves the entries of `v` for which `left` holds to its front, the others after them, each
/// side in its order (`spare`: scratch as long as `v`). Returns the left count.
fn split_stable(v: &mut [u32], spare: &mut [u32], left: impl Fn(u32) -> bool) -> usize {
    let (mut l, mut r) = (0, 0);
    for i in 0..v.len() {
        let e = v[i];
        let goes = left(e);
        // Both slots written, one kept (l <= i, so nothing unread is overwritten).
        v[l] = e;
        spare[r] = e;
        l += usize::from(goes);
        r += usize::from(!goes);
    }
    v[l..].copy_from_slice(&spare[..r]);
    l
}

impl Grower<'_> {
    /// Grows the node of `rows[lo..hi]` (and `positions[_][lo..hi]`); returns its index.
    fn node(&mut self, lo: usize, hi: usize, depth: usize) -> u32 {
        let at = self.out.len() as u32;
        let (mut freq, mut present) = ([0.0f32; 2], [false; 2]);
        for &r in &self.rows[lo..hi] {
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
            lo: lo as u32,
            hi: hi as u32,
        });
        if ((hi - lo) as f32) < self.rules.min_weight_split || depth >= self.rules.max_depth {
            return at;
        }
        let Some((feature, threshold, score)) = self.best_split(&freq, &present, lo, hi) else {
            return at;
        };
        if (gini(&freq, &present) as f64) - (score as f64) < MIN_IMPURITY_DECREASE {
            return at;
        }
        // The rows going left (`x <= threshold`), read in the split feature's order.
        let order = &self.orders[feature];
        for &p in &self.positions[feature][lo..hi] {
            self.goes_left[order.rows[p as usize] as usize] = order.values[p as usize] <= threshold;
        }
        self.out[at as usize].feature = feature;
        self.out[at as usize].threshold = threshold;
        let goes_left = &self.goes_left;
        let spare = &mut self.spare[lo..hi];
        let mid = lo + split_stable(&mut self.rows[lo..hi], spare, |r| goes_left[r as usize]);
        if mid == lo || mid == hi {
            return at;
        }
        for (pos, order) in self.positions.iter_mut().zip(self.orders) {
            split_stable(&mut pos[lo..hi], spare, |p| {
                goes_left[order.rows[p as usize] as usize]
            });
        }
        let li = self.node(lo, mid, depth + 1);
        let ri = self.node(mid, hi, depth + 1);
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

    /// The best split of the node `[lo, hi)` over all features: (feature, threshold, score).
    fn best_split(
        &self,
        freq: &[f32; 2],
        present: &[bool; 2],
        lo: usize,
        hi: usize,
    ) -> Option<(usize, f64, f32)> {
        let all = total(freq, present);
        let leaf_min = self.rules.min_weight_leaf;
        let mut best: Option<(usize, usize, f32)> = None;
        for (j, pos) in self.positions.iter().enumerate() {
            let (weight, tag) = (&self.weight[j], &self.tag[j]);
            // The class sums as linfa's, one class at a time: adding or taking 0.0 leaves a
            // sum's bits as they are (none is −0.0), so both are updated without a branch.
            let ([mut r0, mut r1], [mut l0, mut l1]) = (*freq, [0.0f32; 2]);
            let (mut seen0, mut seen1) = (false, false);
            let (mut on_right, mut on_left) = (all, 0.0f32);
            for &p in &pos[lo..hi] {
                let (sw, t) = (weight[p as usize], tag[p as usize]);
                let one = t & 1 == 1;
                let (w0, w1) = if one { (0.0, sw) } else { (sw, 0.0) };
                r0 -= w0;
                r1 -= w1;
                l0 += w0;
                l1 += w1;
                seen0 |= !one;
                seen1 |= one;
                on_right -= sw;
                on_left += sw;
                if t & SPLIT_AFTER == 0 || on_right < leaf_min || on_left < leaf_min {
                    continue;
                }
                let share = on_right / all;
                let score = share * gini(&[r0, r1], present)
                    + (1.0 - share) * gini(&[l0, l1], &[seen0, seen1]);
                if best.is_none_or(|b| score < b.2) {
                    best = Some((j, p as usize, score));
                }
            }
        }
        best.map(|(j, p, score)| {
            let v = &self.orders[j].values;
            (j, (v[p] + v[p + 1]) / 2.0, score)
        })
    }
}
