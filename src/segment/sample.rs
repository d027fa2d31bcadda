//! Seeded sampling of customer indices, identical on 32-bit wasm and 64-bit native targets.

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

/// `min(m, n)` distinct indices of `0..n` in random order (partial Fisher-Yates; a full shuffle
/// when `m >= n`, so any prefix is itself a random sample). Draws are u64-based so the result
/// does not depend on the width of `usize`.
pub(crate) fn sample_indices(n: usize, m: usize, seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    let m = m.min(n);
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    for i in 0..m {
        let span = (n - i) as u64;
        let j = i + bounded(&mut rng, span) as usize;
        idx.swap(i, j);
    }
    idx.truncate(m);
    idx
}

/// Unbiased integer in `0..span` (Lemire's multiply-shift with rejection); `span >= 1`.
pub(crate) fn bounded(rng: &mut Xoshiro256Plus, span: u64) -> u64 {
    let threshold = span.wrapping_neg() % span;
    loop {
        let m = (rng.next_u64() as u128) * (span as u128);
        if (m as u64) >= threshold {
            return (m >> 64) as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_seeded_prefix() {
        let a = sample_indices(1000, 100, 1);
        assert_eq!(a, sample_indices(1000, 100, 1));
        assert_ne!(a, sample_indices(1000, 100, 2));
        let mut s = a.clone();
        s.sort();
        s.dedup();
        assert_eq!(s.len(), 100);
        assert!(a.iter().all(|&i| i < 1000));
        let mut all = sample_indices(50, 500, 3);
        assert_eq!(all.len(), 50);
        all.sort();
        assert_eq!(all, (0..50).collect::<Vec<_>>());
        assert!(sample_indices(0, 10, 3).is_empty());
    }
}
