//! The hypergeometric series of SQL scoring, with how many terms each sums and why the rest
//! is negligible. SQL has no loops: each series is a fold over a number of terms fixed per
//! row before it runs. Each rule has a Rust twin here, tested against crm-lens' own series.
//!
//! **Pareto/NBD's `₂F₁(1, b; c; z)`**, `0 < b < c`, `0 < z < 1` (P(alive)): the term ratio
//! `(b + n) z / (c + n)` is below z, so the n-th term is at most `zⁿ`, and the sum is at
//! least its first term, 1. After the terms 0..=N the rest is at most
//! `Σ_{n>N} zⁿ = z^(N+1) / (1 − z)`, which is ≤ 1e-17 once
//! `N ≥ (ln 1e-17 + ln(1 − z)) / ln z`: a relative error below 1e-17, proven before summing.
//!
//! **BG/NBD and MBG/NBD's `S = Σ_{n≥1} (A)_n (B+1)_{n−1} / ((C)_n n!) zⁿ`** (expected
//! purchases; `special::hyp2f1_minus_one_over_b`, in (A, B) or Euler-transformed in
//! (C − A, C − B) exactly where crm-lens switches): from the index n₁ where every factor of
//! the ratio `(A + n)(B + n) z / ((C + n)(n + 1))` is positive, the ratio is at most
//! `ρ(n) = z · max(1, (A+n)/(n+1)) · max(1, (B+n)/(C+n))`, non-increasing in n. The fold
//! starts counting at n₀ ≥ n₁ where ρ(n₀) ≤ (1 + 3z)/4 < 1 (n₀ in closed form below), and
//! sums N = n₀ + ⌈50 / −ln ρ(n₀)⌉ terms, so the last term is below e⁻⁵⁰ of the n₀-th.
//! That choice is a heuristic; the proof is the check the SQL makes on the last term it
//! added, the one crm-lens' own loop stops on (`special::series_done`): the rest is at most
//! `|t_N| ρ / (1 − ρ)` with ρ the ratio bound at N, and must be ≤ 1e-17 of the sum. A row
//! that fails the check gets NULL expected purchases and CLV — never a truncated value.
use super::engine::Engine;

/// Terms at most, as crm-lens' `special::MAX_TERMS`; a series needing more gets NULL.
pub const MAX_TERMS: usize = crate::clv::maths::special::MAX_TERMS;

/// crm-lens' switch to Q's Euler-transformed series (`bgnbd::euler_form_is_faster`), as SQL.
pub fn euler_sql(a: &str, b: &str, c: &str, z: &str, b_is_zero: bool) -> String {
    if b_is_zero {
        return "FALSE".into();
    }
    let growth = format!("abs((({a} * {b}) * {z}) / {c})");
    format!("({growth} > 50 AND abs(((({c} - {a}) * ({c} - {b})) * {z}) / {c}) < {growth})")
}

/// n₀: the first index where every ratio factor is positive and ρ(n) ≤ (1 + 3z)/4. With
/// `k = √((1 + 3z)/(4z))`, `(A+n)/(n+1) ≤ 1 + max(0, A−1)/(n+1) ≤ k` once
/// `n + 1 ≥ max(0, A−1)/(k−1)`, and `(B+n)/(C+n) ≤ k` once `C + n ≥ max(0, B−C)/(k−1)`.
pub fn q_start_sql(a: &str, b: &str, c: &str, z: &str) -> String {
    let k1 = format!("(sqrt((1 + 3 * {z}) / (4 * {z})) - 1)");
    format!(
        "GREATEST(1, CEIL(-{a}), CEIL(-{b}), FLOOR(-{c}) + 1, \
CEIL(LEAST(GREATEST({a} - 1, 0) / {k1}, 1e7)) - 1, CEIL(LEAST(GREATEST({b} - {c}, 0) / {k1} - {c}, 1e7)))"
    )
}

/// N = n₀ + ⌈50 / −ln ρ(n₀)⌉, at least 2, at most `MAX_TERMS`.
pub fn q_terms_sql(a: &str, b: &str, c: &str, z: &str, n0: &str) -> String {
    let rho = format!(
        "({z} * GREATEST(1, ({a} + {n0}) / ({n0} + 1)) * GREATEST(1, ({b} + {n0}) / ({c} + {n0})))"
    );
    format!(
        "CAST(CASE WHEN {rho} < 1 THEN LEAST({MAX_TERMS}, GREATEST(2, {n0} + CEIL(LEAST(50 / -ln({rho}), 1e7)))) ELSE 2 END AS BIGINT)"
    )
}

/// The fold summing Q's series to its N-th term: a struct whose `t` is the N-th term and
/// `s` the sum of the terms before it, term by term as `hyp2f1_minus_one_over_b` adds.
pub fn q_fold_sql(e: Engine, a: &str, b: &str, c: &str, z: &str, n: &str) -> String {
    e.fold(
        "1",
        &format!("{n} - 1"),
        (&format!("({a} * {z}) / {c}"), "0"),
        |k| {
            (
                format!(
                    "acc.t * (((({a} + {k}) * ({b} + {k})) / (({c} + {k}) * ({k} + 1))) * {z})"
                ),
                "acc.s + acc.t".into(),
            )
        },
    )
}

/// `special::series_done` at index `n`, for last term `t` and sum `s` (finite).
pub fn q_done_sql(a: &str, b: &str, c: &str, z: &str, n: &str, t: &str, s: &str) -> String {
    let f1 =
        format!("GREATEST(1, ({a} + {n}) / ({n} + 1)) * GREATEST(1, ({b} + {n}) / ({c} + {n}))");
    let f2 =
        format!("GREATEST(1, ({b} + {n}) / ({n} + 1)) * GREATEST(1, ({a} + {n}) / ({c} + {n}))");
    let rho = format!("({z} * LEAST({f1}, {f2}))");
    format!(
        "abs({s}) < CAST('Infinity' AS DOUBLE) AND ({t} = 0 OR ({a} + {n} >= 0 AND {b} + {n} >= 0 AND {c} + {n} > 0 \
AND {rho} < 1 AND abs({t}) * {rho} <= 1e-17 * (1 - {rho}) * abs({s})))"
    )
}

/// N for Pareto/NBD's `₂F₁(1, b; c; z)`: ⌈(ln 1e-17 + ln(1 − z)) / ln z⌉ (at least 1; 0
/// when z = 0; −1 past `MAX_TERMS`, which gives NULL).
pub fn g_terms_sql(z: &str) -> String {
    format!(
        "CAST(CASE WHEN {z} <= 0 THEN 0 ELSE GREATEST(1, CEIL(LEAST((ln(1e-17) + ln(GREATEST(1 - {z}, 1e-300))) / ln({z}), {big}))) END AS BIGINT)",
        big = MAX_TERMS + 1
    )
}

/// The fold summing `₂F₁(1, b; c; z)` to its N-th term (`special::hyp2f1_series`'s order):
/// the value is `s + t`. Rows past `MAX_TERMS` fold once and are discarded by the caller.
pub fn g_fold_sql(e: Engine, b: &str, c: &str, z: &str, n: &str) -> String {
    e.fold(
        "0",
        &format!("LEAST(GREATEST({n}, 1), {MAX_TERMS}) - 1"),
        ("1", "0"),
        |k| {
            (
                format!("acc.t * ((((1 + {k}) * ({b} + {k})) / (({c} + {k}) * ({k} + 1))) * {z})"),
                "acc.s + acc.t".into(),
            )
        },
    )
}

/// Rust twins of the SQL rules, for the tests.
#[cfg(test)]
mod tests {
    use crate::clv::maths::special::{hyp2f1_minus_one_over_b, hyp2f1_series, series_done};

    fn q_start(a: f64, b: f64, c: f64, z: f64) -> f64 {
        let k1 = ((1.0 + 3.0 * z) / (4.0 * z)).sqrt() - 1.0;
        [
            1.0,
            (-a).ceil(),
            (-b).ceil(),
            (-c).floor() + 1.0,
            ((a - 1.0).max(0.0) / k1).min(1e7).ceil() - 1.0,
            ((b - c).max(0.0) / k1 - c).min(1e7).ceil(),
        ]
        .into_iter()
        .fold(f64::MIN, f64::max)
    }

    fn q_terms(a: f64, b: f64, c: f64, z: f64) -> f64 {
        let n0 = q_start(a, b, c, z);
        let rho = z * ((a + n0) / (n0 + 1.0)).max(1.0) * ((b + n0) / (c + n0)).max(1.0);
        assert!(rho <= (1.0 + 3.0 * z) / 4.0 + 1e-12, "rho {rho} at n0 {n0}");
        (n0 + (50.0 / -rho.ln()).min(1e7).ceil()).max(2.0)
    }

    /// Sums Q's series to its n-th term as the SQL fold does: (last term, sum).
    fn q_fold(a: f64, b: f64, c: f64, z: f64, n: f64) -> (f64, f64) {
        let (mut t, mut s) = (a * z / c, 0.0);
        let mut k = 1.0;
        while k <= n - 1.0 {
            s += t;
            t *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
            k += 1.0;
        }
        (t, s + t)
    }

    #[test]
    fn q_series_terms_pass_the_bound_and_match_crm_lens() {
        // BG/NBD's (A, B, C) = (a+b−1−r, a−1, a+b+x−1) over typical and awkward fits, and z
        // up to a new customer's at a long horizon.
        for &(r, a, b) in &[
            (0.25, 0.8, 2.5),
            (0.5, 5.0, 20.0),
            (1.2, 0.3, 0.4),
            (2.0, 12.0, 30.0),
            (0.1, 1.0, 0.5),
        ] {
            for x in [0.0, 1.0, 7.0, 120.0] {
                for z in [1e-4f64, 0.05, 0.5, 0.93, 0.995] {
                    let (a_, b_, c_) = (a + b - 1.0 - r, a - 1.0, a + b + x - 1.0);
                    let n = q_terms(a_, b_, c_, z);
                    let (t, s) = q_fold(a_, b_, c_, z, n);
                    assert!(
                        series_done(a_, b_, c_, z, n, t, s),
                        "{a_} {b_} {c_} {z}: {n} terms"
                    );
                    let want = hyp2f1_minus_one_over_b(a_, b_, c_, z).unwrap();
                    assert!(
                        (s - want).abs() <= 1e-13 * want.abs().max(1e-300),
                        "{s} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn g_series_bound_is_proven_and_matches_crm_lens() {
        for &(b, c) in &[(1.2, 4.5), (0.3, 0.9), (30.0, 31.5), (2.0, 200.0)] {
            for z in [1e-3f64, 0.3, 0.9, 0.99, 0.999] {
                let n = ((1e-17f64.ln() + (1.0 - z).ln()) / z.ln()).ceil().max(1.0);
                // The bound: z^(N+1) / (1 − z) ≤ 1e-17.
                assert!(z.powf(n + 1.0) / (1.0 - z) <= 1.0001e-17, "{z}: {n}");
                let (mut t, mut s) = (1.0, 0.0);
                for k in 0..n as usize {
                    let k = k as f64;
                    s += t;
                    t *= (1.0 + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
                }
                let want = hyp2f1_series(1.0, b, c, z).unwrap();
                assert!(
                    (s + t - want).abs() <= 1e-14 * want,
                    "{b} {c} {z}: {} vs {want}",
                    s + t
                );
            }
        }
    }
}
