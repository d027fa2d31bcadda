//! The crate's comparison sorts, shared. Every `sort_by` closure is its own copy of the
//! standard library's sort in the wasm (3–7 KB each; 35 copies were 178 KB of the core
//! module, docs/performance.md "wasm size"), so call sites sort through the few
//! instantiations here. Radix sorts of `(key, index)` pairs are in [`crate::radix`].

use std::cmp::Ordering;

/// Stable sort of indices under `cmp`: one copy of the sort whatever the comparator (it is
/// called through `dyn`), for sorts off the hot path or of small slices.
pub fn indices_by(idx: &mut [usize], mut cmp: impl FnMut(usize, usize) -> Ordering) {
    fn run(idx: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
        idx.sort_by(|&a, &b| cmp(a, b));
    }
    run(idx, &mut cmp)
}

/// `items` reordered stably by `cmp`, through [`indices_by`].
pub fn stable_by<T>(items: Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) -> Vec<T> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    indices_by(&mut order, |a, b| cmp(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots[i].take()).collect()
}

/// Ascending `f64::total_cmp` order. Values it calls equal are bit-identical, so this equals
/// any stable sort by the same comparison.
pub fn floats(v: &mut [f64]) {
    v.sort_unstable_by(f64::total_cmp)
}

/// Indices by `(key[i], i)`: the keys with the index make every element distinct, so the
/// unstable sort of the pairs is fully determined.
pub fn by_key_then_index(idx: &mut [usize], key: &[u64]) {
    let mut pairs: Vec<(u64, usize)> = idx.iter().map(|&i| (key[i], i)).collect();
    pairs_unstable(&mut pairs);
    for (slot, (_, i)) in idx.iter_mut().zip(pairs) {
        *slot = i;
    }
}

/// Sorts `(key, index)` pairs; the one instantiation for every such sort.
pub fn pairs_unstable(pairs: &mut [(u64, usize)]) {
    pairs.sort_unstable()
}

/// Maps an `f64` to a `u64` whose unsigned order is `f64::total_cmp`'s order.
pub fn order_bits(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | 1 << 63
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_sorts_equal_the_standard_ones() {
        let v = [
            3.0,
            -0.0,
            0.0,
            f64::NAN,
            1.0,
            -2.5,
            1.0,
            f64::INFINITY,
            -f64::NAN,
        ];
        let mut want: Vec<usize> = (0..v.len()).collect();
        want.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let mut got: Vec<usize> = (0..v.len()).collect();
        indices_by(&mut got, |a, b| v[a].total_cmp(&v[b]));
        assert_eq!(got, want);
        let keyed = stable_by(v.to_vec(), |a, b| a.total_cmp(b));
        let mut floats_sorted = v.to_vec();
        floats(&mut floats_sorted);
        let bits = |s: &[f64]| s.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&keyed), bits(&floats_sorted));
        assert_eq!(
            bits(&keyed),
            want.iter().map(|&i| v[i].to_bits()).collect::<Vec<_>>()
        );
        let by_bits: Vec<u64> = v.iter().map(|&x| order_bits(x)).collect();
        assert!(want.windows(2).all(|w| by_bits[w[0]] <= by_bits[w[1]]));

        let key = [5u64, 1, 5, 0, 1];
        let mut idx = vec![4, 3, 2, 1, 0];
        by_key_then_index(&mut idx, &key);
        assert_eq!(idx, [3, 1, 4, 0, 2]);
    }
}
