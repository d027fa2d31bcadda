//! The trees against linfa-trees 0.8.1's own fit, node for node, and the lemma behind
//! [`super::Presorted`].

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
