//! Special functions used by the BTYD likelihoods and predictions.
//!
//! Everything goes through the pure-Rust `libm` crate so that results are bit-identical natively
//! and in wasm32 (std's `ln`/`exp` call the platform libm natively).

/// Natural log (libm, portable).
#[inline]
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// Exponential (libm, portable).
#[inline]
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// Cosine (libm, portable).
#[inline]
pub fn cos(x: f64) -> f64 {
    libm::cos(x)
}

/// `ln(1+x)` accurate for small x.
#[inline]
pub fn ln1p(x: f64) -> f64 {
    libm::log1p(x)
}

/// `exp(x)-1` accurate for small x.
#[inline]
pub fn expm1(x: f64) -> f64 {
    libm::expm1(x)
}

/// `x^y` (libm, portable).
#[inline]
pub fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// log Gamma for x > 0 (the only domain used here).
#[inline]
pub fn lgamma(x: f64) -> f64 {
    libm::lgamma_r(x).0
}

/// Digamma psi(x) for x > 0: recurrence up to x >= 10 then the asymptotic series.
/// Accurate to ~1e-15 relative; needed for analytic gradients of log-Gamma terms.
pub fn digamma(mut x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || !x.is_finite() {
        return f64::NAN;
    }
    let mut acc = 0.0;
    while x < 10.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // Bernoulli-number asymptotic expansion (error < 1e-16 for x >= 10).
    let coef = [
        1.0 / 12.0,
        -1.0 / 120.0,
        1.0 / 252.0,
        -1.0 / 240.0,
        1.0 / 132.0,
        -691.0 / 32760.0,
    ];
    let mut series = 0.0;
    for c in coef.iter().rev() {
        series = series * inv2 + c;
    }
    let series = series * inv2;
    acc + ln(x) - 0.5 * inv - series
}

/// `ln(exp(a) + exp(b))` without overflow; handles -inf operands.
#[inline]
pub fn logaddexp(a: f64, b: f64) -> f64 {
    let m = if a > b { a } else { b };
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + ln1p(exp(-(a - b).abs()))
}

/// `ln(exp(a) - exp(b))` for a >= b; -inf when equal (or b > a from rounding).
#[inline]
pub fn logsubexp(a: f64, b: f64) -> f64 {
    if b >= a || a == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    a + ln1p(-exp(b - a))
}

/// Logistic 1/(1+exp(-x)) without overflow.
#[inline]
pub fn expit(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + exp(-x))
    } else {
        let e = exp(x);
        e / (1.0 + e)
    }
}

/// `ln(1+exp(x))` without overflow.
#[inline]
pub fn softplus(x: f64) -> f64 {
    if x > 35.0 {
        x + exp(-x)
    } else {
        ln1p(exp(x))
    }
}

/// Maximum number of series terms; z is kept well below 1 by the callers' transformations, so
/// this is a guard against pathological parameters, not a normal stopping rule.
pub const MAX_TERMS: usize = 200_000;

/// Whether the Gauss series may stop after `term` (index n, partial sum `sum`): the rest is
/// below 1e-17 of the sum. Past every negative parameter, each later term ratio
/// `(a+m)(b+m) z / ((c+m)(m+1))`, m >= n, is at most
/// `rho = z · max(1, (a+n)/(n+1)) · max(1, (b+n)/(c+n))` (each factor moves monotonically
/// towards 1), so when rho < 1 the tail is at most `term · rho / (1 - rho)`. A bound, not a
/// guess: a series whose terms still grow (huge a and b) runs on, and one that shrinks from
/// the start stops at once, whatever the size of its parameters.
#[inline]
pub fn series_done(a: f64, b: f64, c: f64, z: f64, n: f64, term: f64, sum: f64) -> bool {
    if term == 0.0 {
        return true;
    }
    if n + 1.0 <= 0.0 || a + n < 0.0 || b + n < 0.0 || c + n <= 0.0 {
        return false;
    }
    let f1 = ((a + n) / (n + 1.0)).max(1.0) * ((b + n) / (c + n)).max(1.0);
    let f2 = ((b + n) / (n + 1.0)).max(1.0) * ((a + n) / (c + n)).max(1.0);
    let rho = z * f1.min(f2);
    rho < 1.0 && term.abs() * rho <= 1e-17 * (1.0 - rho) * sum.abs()
}

/// Sum of the Gauss series `sum_{n>=0} (a)_n (b)_n / ((c)_n n!) z^n` for 0 <= z < 1.
/// Returns `None` if it did not converge or is not finite (the caller warns and falls back).
pub fn hyp2f1_series(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    if !(0.0..1.0).contains(&z) {
        return None;
    }
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 0..MAX_TERMS {
        let nf = n as f64;
        let den = (c + nf) * (nf + 1.0);
        if den == 0.0 {
            return None;
        }
        term *= (a + nf) * (b + nf) / den * z;
        sum += term;
        if series_done(a, b, c, z, nf + 1.0, term, sum) {
            return if sum.is_finite() { Some(sum) } else { None };
        }
    }
    None
}

/// `S = sum_{n>=1} (A)_n (B+1)_{n-1} / ((C)_n n!) z^n`, i.e. `(2F1(A,B;C;z) - 1) / B`,
/// well defined at B = 0. Used for the BG/NBD-type expectations without cancellation.
pub fn hyp2f1_minus_one_over_b(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    if !(0.0..1.0).contains(&z) {
        return None;
    }
    if c == 0.0 {
        return None;
    }
    let mut term = a * z / c;
    let mut sum = term;
    for n in 1..MAX_TERMS {
        let nf = n as f64;
        let den = (c + nf) * (nf + 1.0);
        if den == 0.0 {
            return None;
        }
        term *= (a + nf) * (b + nf) / den * z;
        sum += term;
        if series_done(a, b, c, z, nf + 1.0, term, sum) {
            return if sum.is_finite() { Some(sum) } else { None };
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digamma_values() {
        // psi(1) = -gamma, psi(0.5) = -gamma - 2 ln 2
        let g = 0.577_215_664_901_532_9;
        assert!((digamma(1.0) + g).abs() < 1e-14);
        assert!((digamma(0.5) + g + 2.0 * std::f64::consts::LN_2).abs() < 1e-14);
        assert!((digamma(100.0) - 4.600_161_852_738_087).abs() < 1e-13);
    }

    #[test]
    fn hyp_known() {
        // 2F1(1,1;2;z) = -ln(1-z)/z
        let z = 0.9;
        let v = hyp2f1_series(1.0, 1.0, 2.0, z).unwrap_or(f64::NAN);
        assert!((v - (-(1.0f64 - z).ln() / z)).abs() < 1e-13);
        // (2F1(a,b;c;z)-1)/b consistency
        let (a, b, c) = (0.7, 0.3, 2.2);
        let f = hyp2f1_series(a, b, c, 0.6).unwrap_or(f64::NAN);
        let s = hyp2f1_minus_one_over_b(a, b, c, 0.6).unwrap_or(f64::NAN);
        assert!(((f - 1.0) / b - s).abs() < 1e-13);
    }
}

/// Regularised upper incomplete gamma `Q(a, x) = Γ(a, x) / Γ(a)` (series below a + 1, Lentz's
/// continued fraction above; relative error ~1e-14). The chi-square survival function is
/// `Q(df / 2, x / 2)`; a two-sided normal p-value for z is `Q(1/2, z² / 2)`.
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if !(a > 0.0 && x.is_finite()) {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    let log_pre = a * ln(x) - x - lgamma(a);
    if x < a + 1.0 {
        let (mut sum, mut term, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..1000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        (1.0 - sum * exp(log_pre)).clamp(0.0, 1.0)
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (exp(log_pre) * h).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod gamma_q_tests {
    use super::gamma_q;

    #[test]
    fn chi_square_and_normal_tail_values() {
        // The 95% point of chi-square(1); even df in closed form, sf(x, 2m) =
        // e^(-x/2) Σ_{i<m} (x/2)^i / i!: sf(10, 4) = 6 e^-5, sf(1, 6) = 1.625 e^-0.5; and
        // 2 (1 - Φ(1)) = 0.31731050786291415.
        let sf = |x: f64, df: f64| gamma_q(df / 2.0, x / 2.0);
        assert!((sf(3.841458820694124, 1.0) - 0.05).abs() < 1e-12);
        assert!((sf(10.0, 4.0) - 0.04042768199451279).abs() < 1e-13);
        assert!((sf(1.0, 6.0) - 0.9856123220330293).abs() < 1e-13);
        assert!((gamma_q(0.5, 0.5) - 0.31731050786291415).abs() < 1e-13);
        assert_eq!(sf(0.0, 3.0), 1.0);
    }
}
