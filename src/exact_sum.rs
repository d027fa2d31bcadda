//! Sums that do not depend on the order of their terms: the exact sum of the doubles, rounded
//! once to the nearest double (ties to even), as Python's `math.fsum`.
//!
//! A customer's net spend summed in file order changes in the last bit when the rows are
//! shuffled (floating-point addition is not associative), and a value on a quantile edge then
//! changes score. The correctly rounded sum is a function of the multiset of amounts, so the
//! same lines in any order give the same bits. It equals pandas' compensated `groupby().sum()`
//! whenever that one is correctly rounded (nearly always for a handful of amounts).
//!
//! Shewchuk's algorithm (1997): the running sum is kept as a short list of non-overlapping
//! partials whose exact total is the exact sum so far; the last step rounds it once.

/// The correctly rounded sum of `values`. Infinite or NaN terms give what any order of naive
/// additions gives (NaN when +∞ and −∞ meet); a finite sum too large for a double is ±∞.
pub fn exact_sum<I>(values: I) -> f64
where
    I: IntoIterator<Item = f64>,
    I::IntoIter: Clone,
{
    let values = values.into_iter();
    let mut it = values.clone();
    // One or two terms: one rounding, already exact (and commutative). `+ 0.0` makes a -0.0
    // that may arise from one order and not another (-0.0 + -0.0) a plain 0.0.
    let (a, b, rest) = (it.next(), it.next(), it.next());
    match (a, b, rest) {
        (None, _, _) => return 0.0,
        (Some(a), None, _) => return a + 0.0,
        (Some(a), Some(b), None) => return a + b + 0.0,
        _ => {}
    }
    let mut partials: Vec<f64> = Vec::new();
    if let Some(v) = shewchuk(values.clone(), &mut partials, 1.0) {
        return v;
    }
    // A finite intermediate overflowed: sum again scaled down by 2^-600 (exact for all but
    // subnormal terms, which cannot matter at this size) and scale the result back up.
    const DOWN: f64 = f64::from_bits((1023 - 600) << 52);
    const UP: f64 = f64::from_bits((1023 + 600) << 52);
    partials.clear();
    match shewchuk(values, &mut partials, DOWN) {
        Some(v) => v * UP,
        None => f64::NAN,
    }
}

/// The rounded exact sum of `values × scale`, or `None` when an intermediate overflowed.
/// Non-finite terms are summed apart (order-independent) and returned as their sum.
fn shewchuk(values: impl Iterator<Item = f64>, partials: &mut Vec<f64>, scale: f64) -> Option<f64> {
    let mut special = 0.0f64;
    let mut has_special = false;
    for v in values {
        let mut x = v * scale;
        if !v.is_finite() {
            has_special = true;
            special += v;
            continue;
        }
        let mut kept = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        if !x.is_finite() {
            return if has_special { Some(special) } else { None };
        }
        partials.truncate(kept);
        partials.push(x);
    }
    if has_special {
        return Some(special);
    }
    Some(round(partials) + 0.0)
}

/// The exact total of non-overlapping partials (ascending magnitude) rounded once, with
/// CPython's correction for a half-way case.
fn round(p: &[f64]) -> f64 {
    let Some((&top, rest)) = p.split_last() else {
        return 0.0;
    };
    let mut hi = top;
    let mut lo = 0.0;
    let mut n = rest.len();
    while n > 0 {
        let x = hi;
        n -= 1;
        let y = p[n];
        hi = x + y;
        let yr = hi - x;
        lo = y - yr;
        if lo != 0.0 {
            break;
        }
    }
    // If the rest has the sign of `lo`, the exact sum lies past the half-way point `lo`
    // sits on: round away from `hi` when that changes the result.
    if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
        let y = lo * 2.0;
        let x = hi + y;
        if y == x - hi {
            hi = x;
        }
    }
    hi
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correctly_rounded_in_any_order() {
        assert_eq!(exact_sum([0.1, 0.2, 0.3]), 0.6);
        assert_eq!(exact_sum([1e100, 1.0, -1e100, 1e-100]), 1.0);
        assert_eq!(exact_sum([1.0, 1e-16, 1e-16]), 1.0000000000000002);
        assert_eq!(exact_sum(std::iter::repeat_n(0.1, 10)), 1.0);
        assert_eq!(exact_sum([-0.0, -0.0, -0.0]).to_bits(), 0.0f64.to_bits());
        assert_eq!(exact_sum([-0.0]).to_bits(), 0.0f64.to_bits());
        assert_eq!(exact_sum(Vec::<f64>::new()), 0.0);
        // Half-way: 2^53 + 1 + 2^-60 rounds up, 2^53 + 1 rounds to even.
        let big = 9007199254740992.0;
        assert_eq!(exact_sum([big, 1.0, 2f64.powi(-60)]), big + 2.0);
        assert_eq!(exact_sum([big, 1.0, 0.0]), big);
        // Overflowing intermediates of a finite sum, and true overflow.
        assert_eq!(exact_sum([1.7e308, 1.7e308, -1.7e308]), 1.7e308);
        assert_eq!(exact_sum([1.7e308, 1.7e308, 1.0]), f64::INFINITY);
        assert_eq!(exact_sum([-1.7e308, -1.7e308, 1.0]), f64::NEG_INFINITY);
        assert!(exact_sum([f64::INFINITY, f64::NEG_INFINITY, 1.0]).is_nan());
        assert_eq!(exact_sum([f64::INFINITY, 2.0, 1.0]), f64::INFINITY);
        // Every permutation of awkward amounts gives the same bits.
        let v = [25.57, 33.71, 0.1, -7.3, 1e-3, 19.99, 19.99, -0.01];
        let want = exact_sum(v);
        let mut state = 7u64;
        for _ in 0..500 {
            let mut w = v;
            for i in (1..w.len()).rev() {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                w.swap(i, (state >> 33) as usize % (i + 1));
            }
            assert_eq!(exact_sum(w).to_bits(), want.to_bits());
        }
    }
}
