//! Scores when ties make value quantiles collapse: every tied value keeps one score, and the
//! bins are as balanced as the ties allow.
//!
//! The values are cut into *tie blocks* (runs of equal values, in value order). Bins 1..B take
//! consecutive runs of whole blocks. Of all such assignments we take:
//! 1. the most balanced: the smallest Σ_b (size_b − n/B)². With at least B blocks every bin
//!    is then used (filling an empty bin from a neighbour always lowers the sum);
//! 2. among those, the one that keeps each block nearest its rank position: the smallest
//!    Σ_blocks size × (block centre − bin centre)², where a block's centre is the mean of its
//!    ranks and bin b's centre is (b − ½)·n/B;
//! 3. among those, the lowest cuts (each bin starts as early as it can).
//!
//! With fewer blocks than bins (fewer distinct values than scores) each value gets a score of
//! its own: the lowest value 1 and the highest B, so the extreme segments stay reachable (a
//! shop whose customers bought 1, 2, 3 or 4 times gives one-time buyers F = 1 and the most
//! frequent F = 5), the others by rule 2; one value for everybody gets the middle score.
//!
//! Both criteria are kept in exact integer arithmetic (scaled by 2B), so equal costs are
//! equal and the choice is the same on every target. The result depends only on the multiset
//! of values, never on their order: that is the point (pandas' `rank(method="first")` breaks
//! ties by position, so reordering customers moved a third of them between F scores).
//!
//! The optimum is found by dynamic programming over (bin, last block). Cost of a bin is a
//! convex function of its size plus a term additive over blocks, so it satisfies the
//! quadrangle inequality and the leftmost optimal start is monotone in the end: each layer is
//! solved by divide and conquer in O(m log m) for m blocks (checked against the plain O(B m²)
//! recursion in the tests).

/// Lexicographic cost: (imbalance, distance from rank position), both exact.
type Cost = (i128, i128);

const INFINITE: Cost = (i128::MAX, i128::MAX);

fn add(a: Cost, b: Cost) -> Cost {
    if a == INFINITE {
        return INFINITE;
    }
    (a.0 + b.0, a.1 + b.1)
}

/// Prefix sums over the blocks that price any bin in O(1).
struct Blocks {
    /// P_k: customers in blocks before k (P_0 = 0, P_m = n).
    start: Vec<i128>,
    /// Σ c·e and Σ c·e² over blocks before k, e = B·(P_k + P_{k+1}) = 2B × block centre.
    e1: Vec<i128>,
    e2: Vec<i128>,
    n: i128,
    bins: i128,
}

impl Blocks {
    fn new(sizes: &[u32], bins: usize) -> Blocks {
        let bins = bins as i128;
        let m = sizes.len();
        let (mut start, mut e1, mut e2) = (
            Vec::with_capacity(m + 1),
            Vec::with_capacity(m + 1),
            Vec::with_capacity(m + 1),
        );
        let (mut p, mut s1, mut s2) = (0i128, 0i128, 0i128);
        start.push(0);
        e1.push(0);
        e2.push(0);
        for &c in sizes {
            let c = c as i128;
            let e = bins * (2 * p + c);
            s1 += c * e;
            s2 += c * e * e;
            p += c;
            start.push(p);
            e1.push(s1);
            e2.push(s2);
        }
        Blocks {
            n: p,
            start,
            e1,
            e2,
            bins,
        }
    }

    /// Cost of bin `b` (1-based) holding blocks `i..j`, scaled: (2B·size − 2n)²/4 and
    /// Σ c·(2B·centre − (2b − 1)·n)².
    fn cost(&self, b: usize, i: usize, j: usize) -> Cost {
        let size = self.start[j] - self.start[i];
        let imbalance = self.bins * size - self.n;
        let target = (2 * b as i128 - 1) * self.n;
        let (s1, s2) = (self.e1[j] - self.e1[i], self.e2[j] - self.e2[i]);
        let distance = s2 - 2 * target * s1 + target * target * size;
        (imbalance * imbalance, distance)
    }
}

/// Bin (1..=bins) of each tie block, whose sizes are given in value order.
pub fn assign_blocks(sizes: &[u32], bins: usize) -> Vec<u8> {
    let m = sizes.len();
    if m == 0 || bins == 0 {
        return Vec::new();
    }
    let blocks = Blocks::new(sizes, bins);
    if m == 1 {
        return vec![bins.div_ceil(2) as u8];
    }
    if m < bins {
        return spread(&blocks, m, bins);
    }
    // best[j]: cost of bins 1..b holding blocks 0..j; start[b][j]: where bin b starts then.
    let mut best: Vec<Cost> = (0..=m).map(|j| blocks.cost(1, 0, j)).collect();
    let mut starts = vec![vec![0u32; m + 1]];
    for b in 2..=bins {
        let mut next = vec![INFINITE; m + 1];
        let mut start = vec![0u32; m + 1];
        let layer = Layer {
            blocks: &blocks,
            b,
            prev: &best,
        };
        layer.solve(0, m, 0, m, &mut next, &mut start);
        best = next;
        starts.push(start);
    }
    let mut out = vec![0u8; m];
    let mut end = m;
    for b in (1..=bins).rev() {
        let begin = starts[b - 1][end] as usize;
        out[begin..end].fill(b as u8);
        end = begin;
    }
    out
}

/// Fewer blocks than bins (2 ≤ m < B): block k alone in bin b_k, 1 = b_0 < … < b_{m−1} = B,
/// the others nearest their rank positions (rule 2; ties to the lower bin). O(m B²).
fn spread(blocks: &Blocks, m: usize, bins: usize) -> Vec<u8> {
    // best[k][b]: cost of blocks 0..=k with block k in bin b; from[k][b]: block k−1's bin.
    let mut best = vec![vec![i128::MAX; bins + 1]; m];
    let mut from = vec![vec![0usize; bins + 1]; m];
    best[0][1] = blocks.cost(1, 0, 1).1;
    for k in 1..m {
        let bin_range = if k == m - 1 {
            bins..=bins
        } else {
            k + 1..=bins - (m - 1 - k)
        };
        for b in bin_range {
            let own = blocks.cost(b, k, k + 1).1;
            for p in k..b {
                if best[k - 1][p] == i128::MAX {
                    continue;
                }
                let c = best[k - 1][p] + own;
                if c < best[k][b] {
                    (best[k][b], from[k][b]) = (c, p);
                }
            }
        }
    }
    let mut out = vec![0u8; m];
    let mut b = bins;
    for k in (0..m).rev() {
        out[k] = b as u8;
        b = from[k][b];
    }
    out
}

/// One layer of the recursion: bin `b` closes at every block boundary j.
struct Layer<'a> {
    blocks: &'a Blocks,
    b: usize,
    prev: &'a [Cost],
}

impl Layer<'_> {
    /// Fills `out[j]`/`start[j]` for j in `lo..=hi`, knowing the leftmost optimal start lies
    /// in `from..=to`.
    fn solve(
        &self,
        lo: usize,
        hi: usize,
        from: usize,
        to: usize,
        out: &mut [Cost],
        start: &mut [u32],
    ) {
        if lo > hi {
            return;
        }
        let j = lo + (hi - lo) / 2;
        let (mut best, mut arg) = (INFINITE, from);
        for i in from..=to.min(j) {
            let c = add(self.prev[i], self.blocks.cost(self.b, i, j));
            if c < best {
                (best, arg) = (c, i);
            }
        }
        out[j] = best;
        start[j] = arg as u32;
        if j > lo {
            self.solve(lo, j - 1, from, arg, out, start);
        }
        self.solve(j + 1, hi, arg, to, out, start);
    }
}

/// Scores 1..=bins of `values` by the rule above, given their ascending order `order`.
pub fn scores(values: &[f64], order: &[u32], bins: usize) -> Vec<u8> {
    let mut sizes: Vec<u32> = Vec::new();
    let mut prev: Option<f64> = None;
    for &i in order {
        let v = values[i as usize];
        // `==`, so -0.0 and 0.0 (adjacent in total order) are one block.
        match (prev, sizes.last_mut()) {
            (Some(p), Some(last)) if p == v => *last += 1,
            _ => sizes.push(1),
        }
        prev = Some(v);
    }
    let bin_of_block = assign_blocks(&sizes, bins);
    let mut out = vec![0u8; values.len()];
    let mut pos = order.iter();
    for (&size, &bin) in sizes.iter().zip(&bin_of_block) {
        for &i in pos.by_ref().take(size as usize) {
            out[i as usize] = bin;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain O(B m²) recursion with the same leftmost tie rule.
    fn brute(sizes: &[u32], bins: usize) -> Vec<u8> {
        let m = sizes.len();
        let blocks = Blocks::new(sizes, bins);
        let mut best: Vec<Cost> = (0..=m).map(|j| blocks.cost(1, 0, j)).collect();
        let mut starts = vec![vec![0usize; m + 1]];
        for b in 2..=bins {
            let mut next = vec![INFINITE; m + 1];
            let mut start = vec![0usize; m + 1];
            for j in 0..=m {
                for (i, &prev) in best.iter().enumerate().take(j + 1) {
                    let c = add(prev, blocks.cost(b, i, j));
                    if c < next[j] {
                        (next[j], start[j]) = (c, i);
                    }
                }
            }
            best = next;
            starts.push(start);
        }
        let mut out = vec![0u8; m];
        let mut end = m;
        for b in (1..=bins).rev() {
            let begin = starts[b - 1][end];
            out[begin..end].fill(b as u8);
            end = begin;
        }
        out
    }

    #[test]
    fn divide_and_conquer_equals_the_plain_recursion() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for case in 0..3000 {
            let m = 1 + next(30) as usize;
            let heavy = next(3);
            let sizes: Vec<u32> = (0..m)
                .map(|_| match heavy {
                    0 => 1 + next(3) as u32,
                    1 => 1 + next(40) as u32,
                    _ => {
                        if next(4) == 0 {
                            20 + next(200) as u32
                        } else {
                            1 + next(4) as u32
                        }
                    }
                })
                .collect();
            let bins = 2 + next(9) as usize;
            if m < bins {
                continue;
            }
            assert_eq!(
                assign_blocks(&sizes, bins),
                brute(&sizes, bins),
                "case {case}: {sizes:?} into {bins}"
            );
        }
    }

    #[test]
    fn balanced_and_centred() {
        // One-time buyers 60%, then 20, 10, 5, 5: every value its own score.
        assert_eq!(assign_blocks(&[60, 20, 10, 5, 5], 5), [1, 2, 3, 4, 5]);
        // Fewer values than scores: the lowest 1, the highest 5, the others by rank position.
        assert_eq!(assign_blocks(&[50, 50], 5), [1, 5]);
        assert_eq!(assign_blocks(&[70, 10, 10, 10], 5), [1, 3, 4, 5]);
        assert_eq!(assign_blocks(&[10, 10, 10, 70], 5), [1, 2, 3, 5]);
        assert_eq!(assign_blocks(&[1, 1, 1], 5), [1, 3, 5]);
        // One value for everybody: the middle.
        assert_eq!(assign_blocks(&[1], 5), [3]);
        assert_eq!(assign_blocks(&[7], 4), [2]);
        // No ties at all: the rank quintiles.
        assert_eq!(assign_blocks(&[1; 10], 5), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        // A block in the middle takes one bin; of the equally balanced ways to share the
        // rest, the one nearest the rank positions.
        assert_eq!(
            assign_blocks(&[10, 10, 50, 10, 10, 10], 5),
            [1, 2, 3, 4, 5, 5]
        );
    }

    #[test]
    fn scores_follow_values_not_positions() {
        let v: [f64; 10] = [3.0, 1.0, 1.0, 2.0, 1.0, -0.0, 0.0, 5.0, 1.0, 3.0];
        let mut order: Vec<u32> = (0..v.len() as u32).collect();
        order.sort_by(|&a, &b| v[a as usize].total_cmp(&v[b as usize]));
        let s = scores(&v, &order, 5);
        for i in 0..v.len() {
            for j in 0..v.len() {
                if v[i] == v[j] {
                    assert_eq!(s[i], s[j]);
                }
                if v[i] < v[j] {
                    assert!(s[i] <= s[j]);
                }
            }
        }
    }
}
