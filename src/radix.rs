//! Stable LSD radix sort of `(key, index)` pairs by `key`: a few linear passes instead of a
//! comparison sort (RFM's value orders and the customer table's id order sort 350k keys).

/// Sorts `keys` by their `u64` key, equal keys keeping their relative order. Passes whose
/// digit is the same for every key (the low mantissa bits of whole numbers, the shared
/// bytes of ids) are skipped.
pub fn sort_pairs(mut keys: Vec<(u64, u32)>) -> Vec<(u64, u32)> {
    const BITS: usize = 11;
    const BUCKETS: usize = 1 << BITS;
    const PASSES: usize = 64_usize.div_ceil(BITS);
    let digit = |k: u64, pass: usize| ((k >> (pass * BITS)) as usize) & (BUCKETS - 1);
    // Every pass' histogram in one read of the keys.
    let mut count = vec![[0usize; BUCKETS]; PASSES];
    for &(k, _) in &keys {
        for (pass, c) in count.iter_mut().enumerate() {
            c[digit(k, pass)] += 1;
        }
    }
    let mut spare = vec![(0u64, 0u32); keys.len()];
    for (pass, count) in count.iter_mut().enumerate() {
        if count.contains(&keys.len()) {
            continue;
        }
        let mut offset = 0;
        for c in count.iter_mut() {
            (*c, offset) = (offset, offset + *c);
        }
        for &(k, i) in &keys {
            let slot = &mut count[digit(k, pass)];
            spare[*slot] = (k, i);
            *slot += 1;
        }
        std::mem::swap(&mut keys, &mut spare);
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_by_key() {
        let keys: Vec<(u64, u32)> = (0..5000u32)
            .map(|i| ((i as u64 * 2_654_435_761) % 977 * 0x1_0000_0001, i))
            .collect();
        let mut want = keys.clone();
        want.sort_by_key(|p| p.0);
        assert_eq!(sort_pairs(keys), want);
        assert!(sort_pairs(Vec::new()).is_empty());
    }
}
