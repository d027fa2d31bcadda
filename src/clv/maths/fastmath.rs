//! Table-driven `exp` and `ln` for the hot loops (likelihood rows, bootstrap powers).
//!
//! The portable `libm` versions (fdlibm) cost a division and several branches per call, and
//! after the fits were warm-started, `exp` and `log1p` were half of the CLV stage's CPU time.
//! These use the classic table method: a 256-entry table (2^(i/256) for exp; 1/c and ln c at
//! bucket centres c for ln) and a short Taylor polynomial on a reduced argument of magnitude
//! below 2^-9, so no division. Accuracy: exp within 2 ulp relative, ln within 3e-16 absolute
//! (plus 1 ulp of the result) — what log-likelihood sums and bootstrap draws need; the
//! accuracy-sensitive places (series, special functions, predictions) keep `libm`.
//!
//! Bit-identical on every target: the tables are built from `libm` and exact IEEE operations,
//! the kernels use only +, -, *, comparisons and bit operations (no fused multiply-add).

use std::sync::OnceLock;

const N: usize = 256;
/// fdlibm's split of ln 2: `LN2_HI` has 32 trailing zero bits, so `k * LN2_HI` is exact.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// 1.5 * 2^52: adding and subtracting it rounds to the nearest integer.
const SHIFT: f64 = 6_755_399_441_055_744.0;

struct Tables {
    exp2: [f64; N],
    c: [f64; N],
    invc: [f64; N],
    logc: [f64; N],
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = Tables {
            exp2: [0.0; N],
            c: [0.0; N],
            invc: [0.0; N],
            logc: [0.0; N],
        };
        for i in 0..N {
            t.exp2[i] = libm::exp2(i as f64 / N as f64);
            let c = 1.0 + (i as f64 + 0.5) / N as f64;
            t.c[i] = c;
            t.invc[i] = 1.0 / c;
            t.logc[i] = libm::log(c);
        }
        t
    })
}

/// `e^x`, within 2 ulp; non-finite and extreme arguments go to `libm`.
#[inline]
pub fn exp(x: f64) -> f64 {
    if !(x > -708.0 && x < 709.0) {
        return libm::exp(x);
    }
    let t = tables();
    let z = x * (N as f64 / std::f64::consts::LN_2);
    let kd = (z + SHIFT) - SHIFT;
    let ki = kd as i64;
    let r = (x - kd * (LN2_HI / N as f64)) - kd * (LN2_LO / N as f64);
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0)))));
    let idx = (ki & (N as i64 - 1)) as usize;
    let e = ki >> 8;
    let scale = f64::from_bits(((e + 1023) as u64) << 52);
    t.exp2[idx] * p * scale
}

/// `ln x` within 3e-16 absolute plus 1 ulp; zero, subnormal, negative and non-finite
/// arguments go to `libm`.
#[inline]
pub fn ln(x: f64) -> f64 {
    if !(f64::MIN_POSITIVE..f64::INFINITY).contains(&x) {
        return libm::log(x);
    }
    let t = tables();
    let bits = x.to_bits();
    let e = ((bits >> 52) as i64 - 1023) as f64;
    let m = bits & ((1u64 << 52) - 1);
    let i = (m >> 44) as usize;
    let y = f64::from_bits(m | 0x3ff0_0000_0000_0000);
    // |y - c| <= 2^-9 and both lie in [1, 2]: the subtraction is exact.
    let r = (y - t.c[i]) * t.invc[i];
    let poly = r
        * (1.0
            + r * (-0.5 + r * (1.0 / 3.0 + r * (-0.25 + r * (0.2 + r * (-1.0 / 6.0 + r / 7.0))))));
    (e * LN2_HI + t.logc[i]) + (e * LN2_LO + poly)
}

/// `ln(1 + t)` for t >= 0 with absolute (not relative) accuracy ~3e-16: the log-sum-exp
/// terms `max + ln(1 + e^-|d|)` need no more.
#[inline]
pub fn ln_1p_abs(t: f64) -> f64 {
    ln(1.0 + t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_ln_agree_with_libm() {
        let mut s = 0x2545_f491_4f6c_dd1du64;
        let mut u = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..200_000 {
            let x = (u() - 0.5) * 1400.0;
            let (a, b) = (exp(x), libm::exp(x));
            assert!(
                (a - b).abs() <= 3.0 * f64::EPSILON * b,
                "exp({x}): {a} vs {b}"
            );
            let small = (u() - 0.5) * 8.0;
            let (a, b) = (exp(small), libm::exp(small));
            assert!((a - b).abs() <= 3.0 * f64::EPSILON * b, "exp({small})");
            let y = libm::exp((u() - 0.5) * 1400.0);
            let (a, b) = (ln(y), libm::log(y));
            assert!(
                (a - b).abs() <= 4e-16 + 2.0 * f64::EPSILON * b.abs(),
                "ln({y}): {a} vs {b}"
            );
            let t = u();
            let (a, b) = (ln_1p_abs(t), libm::log1p(t));
            assert!((a - b).abs() <= 4e-16, "ln1p({t}): {a} vs {b}");
        }
        for x in [709.5, -745.0, -800.0, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(exp(x).to_bits(), libm::exp(x).to_bits());
        }
        assert_eq!(exp(0.0), 1.0);
        assert!(ln(1.0).abs() < 1e-18);
        assert!(ln(0.0) == f64::NEG_INFINITY && ln(-1.0).is_nan() && exp(f64::NAN).is_nan());
    }
}
