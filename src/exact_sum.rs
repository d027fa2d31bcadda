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

/// The correctly rounded `Σ wᵢ·vᵢ` of `(w, v)` pairs: each product split exactly into its
/// rounded value and its rounding error (`w·v = hi + lo`, Dekker's two-product: no FMA, which
/// wasm would emulate in software), all summed by
/// [`exact_sum`]. So a row of weight w gives the bits w customers with the same v give, and the
/// sum of weighted rows equals the sum over their customers in any order. Exact while no
/// product under- or overflows (weights are counts, values moderate).
pub fn exact_dot<I>(pairs: I) -> f64
where
    I: IntoIterator<Item = (f64, f64)>,
    I::IntoIter: Clone,
{
    exact_sum(pairs.into_iter().flat_map(|(w, v)| {
        let hi = w * v;
        // lo = 0 when w·v is a double (w = 1 always): the plain sum's terms.
        let lo = if hi.is_finite() && w != 1.0 {
            product_error(w, v, hi)
        } else {
            0.0
        };
        // A zero term changes no sum: skipped (the common case, w = 1).
        std::iter::once(hi).chain((lo != 0.0).then_some(lo))
    }))
}

/// `a·b − p` exactly, for `p` the rounded `a·b` (Dekker 1971, Veltkamp's split into 26-bit
/// halves: every partial product below is exact).
fn product_error(a: f64, b: f64, p: f64) -> f64 {
    if !(a.abs() < 1e290 && b.abs() < 1e290) {
        return a.mul_add(b, -p); // the split would overflow
    }
    let split = |v: f64| {
        let c = 134217729.0 * v; // 2²⁷ + 1
        let hi = c - (c - v);
        (hi, v - hi)
    };
    let ((ah, al), (bh, bl)) = (split(a), split(b));
    ((ah * bh - p) + ah * bl + al * bh) + al * bl
}

/// The rounded exact sum of `values × scale`, or `None` when an intermediate overflowed.
/// Non-finite terms are summed apart (order-independent) and returned as their sum.
fn shewchuk(values: impl Iterator<Item = f64>, partials: &mut Vec<f64>, scale: f64) -> Option<f64> {
    let mut special = 0.0f64;
    let mut has_special = false;
    for v in values {
        let x = v * scale;
        if !v.is_finite() {
            has_special = true;
            special += v;
            continue;
        }
        if !add(partials, x) {
            return if has_special { Some(special) } else { None };
        }
    }
    if has_special {
        return Some(special);
    }
    Some(round(partials) + 0.0)
}

/// Adds the finite `x` to the partials (their exact total grows by x); false when an
/// intermediate overflowed (the partials are then unchanged).
fn add(partials: &mut Vec<f64>, mut x: f64) -> bool {
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
        return false;
    }
    partials.truncate(kept);
    partials.push(x);
    true
}

/// An exact sum fed one term (or weighted term) at a time, for several sums in one pass. Its
/// value is [`exact_sum`]'s of the same terms; a finite sum whose partials overflow (beyond
/// ~1.8e308, which `exact_sum` rescales) is NaN: never a rounded number.
#[derive(Debug, Clone, Default)]
pub struct ExactAcc {
    partials: Vec<f64>,
    special: Option<f64>,
    overflow: bool,
}

impl ExactAcc {
    pub fn add(&mut self, v: f64) {
        if !v.is_finite() {
            self.special = Some(self.special.unwrap_or(0.0) + v);
        } else if !self.overflow && !add(&mut self.partials, v) {
            self.overflow = true;
        }
    }

    /// Adds `w·v` exactly (see [`exact_dot`]).
    pub fn add_product(&mut self, w: f64, v: f64) {
        let hi = w * v;
        self.add(hi);
        if hi.is_finite() && w != 1.0 {
            self.add(product_error(w, v, hi));
        }
    }

    pub fn value(&self) -> f64 {
        match self.special {
            Some(s) => s,
            None if self.overflow => f64::NAN,
            None => round(&self.partials) + 0.0,
        }
    }
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
    fn a_weighted_sum_equals_the_sum_of_its_copies() {
        let v = [0.1, 19.99, -7.3, 1e-3, 1.0 / 3.0];
        let w = [3.0, 1.0, 7.0, 1000.0, 12345.0];
        let copies: Vec<f64> = v
            .iter()
            .zip(&w)
            .flat_map(|(&v, &w)| std::iter::repeat_n(v, w as usize))
            .collect();
        let dot = exact_dot(w.iter().copied().zip(v.iter().copied()));
        assert_eq!(dot.to_bits(), exact_sum(copies.iter().copied()).to_bits());
        // 3 × 0.1 rounds (0.30000000000000004); its exact value does not, and sums on.
        assert_eq!(
            exact_dot([(3.0, 0.1), (-1.0, 0.3)]),
            exact_sum([0.1, 0.1, 0.1, -0.3])
        );
        assert_eq!(exact_dot(Vec::<(f64, f64)>::new()), 0.0);
        let mut acc = ExactAcc::default();
        for (&w, &v) in w.iter().zip(&v) {
            acc.add_product(w, v);
        }
        assert_eq!(acc.value().to_bits(), dot.to_bits());
        let mut big = ExactAcc::default();
        big.add(1.7e308);
        big.add(1.7e308);
        assert!(big.value().is_nan());
        big.add(f64::INFINITY);
        assert_eq!(big.value(), f64::INFINITY);
    }

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
