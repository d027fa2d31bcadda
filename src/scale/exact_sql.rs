//! Exact sums in SQL: the engine's answer is crm-lens' correctly rounded sum (`exact_sum`,
//! Shewchuk's, as Python's `math.fsum`) to the bit, in any order and on any number of workers.
//!
//! An engine's `SUM(DOUBLE)` rounds after every addition, in the order its threads meet the
//! rows. A `DECIMAL` sum is exact but of the wrong numbers: a double such as 19.99 is
//! 19.989999999999998436805981327779591083526611328125 (48 decimals), so a cast to
//! `DECIMAL(38, k)` rounds it, and the rounded decimals' sum can round to another double than
//! the doubles' exact sum (0.1 + 0.2: the doubles' exact sum is a tie that rounds to
//! 0.30000000000000004, the decimals' 0.3 to 0.29999999999999998). So the SQL sums the doubles
//! themselves, as integers:
//!
//! 1. **Each amount as five 32-bit limbs.** An amount used is finite with |a| ≤ 10¹⁵ < 2⁵⁰
//!    (larger ones are skipped, `amountOutOfRange`, as `analyze` skips them). Every double
//!    with |a| ≥ 2⁻⁵⁸ is an integer multiple of 2⁻¹¹⁰ (its last bit is 2⁻¹¹⁰ or coarser), so
//!    `X = |a| · 2¹¹⁰` is an integer below 2¹⁶⁰, computed exactly (a power-of-two scaling), and
//!    `lⱼ = ⌊X / 2³²ʲ⌋ − 2³² ⌊X / 2³²⁽ʲ⁺¹⁾⌋` (j = 0..4) are its base-2³² digits: every step is a
//!    power-of-two scaling, a floor (`v − fmod(v, 1)`), or a difference whose exact value (≤ 32 of the 53 bits
//!    of X) is representable, so all are exact. A line whose X is not an integer (a nonzero
//!    |a| < 2⁻⁵⁸ with low bits) stops the query with an error: never a rounded sum.
//! 2. **Integer sums.** `Σ sign(a)·lⱼ` per limb is an integer sum, exact in any order. A day's
//!    limbs are summed once (`days`, one group per customer and day: the biggest operator)
//!    and a customer's sums add the days' (revenue: every day; repeat spend: the repeat
//!    purchase days).
//!    - **The day's sums are narrow** ([`DAY_LINES_MAX`]): DuckDB sums the limbs as DOUBLE (an
//!      8-byte state instead of SUM(BIGINT)'s 128-bit HUGEINT), Spark as BIGINT. With n lines
//!      in a day, every partial sum, in whatever order and grouping the engine's threads add,
//!      is an integer of magnitude at most n·(2³² − 1): below 2⁵³ (every such integer is a
//!      double, so every DOUBLE addition is exact) while n ≤ 2²¹, below 2⁶³ (no BIGINT
//!      overflow) while n ≤ 2³¹. The day also counts its lines, and a day past the bound stops
//!      the query with an error (`day_sum_bound`), never a rounded sum.
//!    - **The customer's sums are wide**: DuckDB sums the day sums (cast to BIGINT, exact
//!      integers) into HUGEINT; Spark uses `try_sum` (NULL on overflow) and the per-customer
//!      sums are NULL past 2⁶² (more than 2³⁰ lines in one customer), so the BIGINT carries
//!      below cannot overflow.
//! 3. **Carries.** With arithmetic shifts (floor division by 2³², exact on integers) the five
//!    sums S₀..S₄ become the exact total `T = t·2¹⁶⁰ + Σ wⱼ 2³²ʲ` with digits wⱼ ∈ [0, 2³²):
//!    its sign is the sign of t. The magnitude's digits come from the same carries on
//!    `sign(T)·Sⱼ`.
//! 4. **One correctly rounded conversion.** With h the highest nonzero digit (t counted as
//!    digit 5, h ≥ 2), `U = d_h 2⁶⁴ + d_{h−1} 2³² + d_{h−2}` (< 2¹²⁷, a HUGEINT or a
//!    DECIMAL(38, 0)) and the sticky bit s = [any lower digit ≠ 0]. `M = 2U + s` rounds to the
//!    same 53-bit double as the exact `2U + (lower digits)/2³²⁽ʰ⁻²⁾` whenever M has at least 55
//!    bits (the sticky bit then lies below the rounding bit, and only whether something is
//!    there matters for round-to-nearest-even); when M has fewer, h = 2 and M is exact. The
//!    engine converts M's decimal digits to a double correctly rounded (DuckDB's fast_float,
//!    Java's `Double.parseDouble`), and `× 2^(32(h−2) − 111)` is exact (a power of two, the
//!    result between 2⁻¹¹¹ and 2¹⁸⁰: no overflow, no subnormal).
//!
//! tests/engines checks the engines' sums against `exact_sum` on the test files, on ties
//! built to break a naive rounding, and on cancellations.
use super::engine::{double, Engine};

/// Base-2³² digits per amount: bits 2⁻¹¹⁰ .. 2⁵⁰.
pub const LIMBS: usize = 5;
/// log2 of the weight of limb 0's unit.
const LOW: i32 = -110;

fn pow2(e: i32) -> String {
    double(2f64.powi(e))
}

/// The most lines one customer may have on one day for the day's limb sums to be exact:
/// DuckDB sums them as DOUBLE (partial sums below 2²¹·2³² = 2⁵³), Spark as BIGINT (below 2⁶³).
pub fn day_lines_max(e: Engine) -> u64 {
    match e {
        Engine::DuckDb => DAY_LINES_MAX,
        Engine::Spark => 1 << 31,
    }
}

/// DuckDB's bound ([`day_lines_max`]): 2²¹ lines for one customer on one day.
pub const DAY_LINES_MAX: u64 = 1 << 21;

/// Per line: limb `j` of `amount` (a finite DOUBLE, |amount| ≤ 10¹⁵), signed, in the day
/// sums' type (DuckDB DOUBLE, Spark BIGINT: [`day_lines_max`]). `x` is the column holding
/// `abs(amount) · 2¹¹⁰` ([`scaled`]).
pub fn limb(e: Engine, amount: &str, x: &str, j: usize) -> String {
    // ⌊v⌋ of a nonnegative v as `v − fmod(v, 1)`: exact, and a DOUBLE in both engines
    // (Spark's floor() returns a BIGINT, which 2¹⁶⁰ overflows).
    let digit = |j: usize| {
        let v = format!("({x} * {})", pow2(-32 * j as i32));
        format!("({v} - {v} % 1)")
    };
    let v = if j + 1 < LIMBS {
        format!("{} - {} * 4294967296", digit(j), digit(j + 1))
    } else {
        digit(j)
    };
    // An integer below 2³², so exact as either type.
    let ty = day_type(e);
    let v = format!("CAST({v} AS {ty})");
    let v = format!("CASE WHEN {amount} < 0 THEN -{v} ELSE {v} END");
    if j > 0 {
        return v;
    }
    // Limb 0 holds the lowest bits: the place to refuse an amount below the grid.
    let msg = "'crm-lens: an amount below 2^-58 with bits under 2^-110 cannot be summed exactly (docs/scale.md); round the amounts in a view'";
    format!(
        "CASE WHEN {x} % 1 <> 0 THEN CAST({} AS {ty}) ELSE {v} END",
        fail(e, msg)
    )
}

fn day_type(e: Engine) -> &'static str {
    match e {
        Engine::DuckDb => "DOUBLE",
        Engine::Spark => "BIGINT",
    }
}

/// An expression that stops the query with `msg` (a SQL string literal).
fn fail(e: Engine, msg: &str) -> String {
    match e {
        Engine::DuckDb => format!("error({msg})"),
        Engine::Spark => format!("raise_error({msg})"),
    }
}

/// A day's limb sum `v` as the customer-level sums read it (BIGINT). With `lines` (the day's
/// line count) it also checks the bound that made `v` exact, and stops the query past it: the
/// check needs to run once per day, on one limb.
pub fn day_value(e: Engine, v: &str, lines: Option<&str>) -> String {
    let v = format!("CAST({v} AS BIGINT)");
    let Some(n) = lines else { return v };
    let max = day_lines_max(e);
    let msg = format!(
        "'crm-lens: a customer has more than {max} lines on one day, past the bound that keeps the day sums exact (src/scale/exact_sql.rs); leave that id out in a view (millions of lines a day are a walk-in or test account, not a customer)'"
    );
    format!(
        "CASE WHEN {n} > {max} THEN CAST({} AS BIGINT) ELSE {v} END",
        fail(e, &msg)
    )
}

/// `abs(amount) · 2¹¹⁰`, exact: the column [`limb`] reads.
pub fn scaled(amount: &str) -> String {
    format!("abs({amount}) * {}", pow2(-LOW))
}

/// The aggregate summing one limb (or limb sums): exact in any order.
pub fn sum(e: Engine, expr: &str) -> String {
    match e {
        Engine::DuckDb => format!("SUM({expr})"),
        Engine::Spark => format!("try_sum({expr})"),
    }
}

fn shr(e: Engine, x: &str) -> String {
    match e {
        Engine::DuckDb => format!("(({x}) >> 32)"),
        Engine::Spark => format!("shiftright({x}, 32)"),
    }
}

/// The carries over the sums `s` (expressions): the digits w₀..w₄ and the top t.
fn carried(e: Engine, s: &[String]) -> (Vec<String>, String) {
    let mut words = Vec::new();
    let mut acc = s[0].clone();
    for next in &s[1..] {
        words.push(format!("(({acc}) & 4294967295)"));
        acc = format!("({next} + {})", shr(e, &acc));
    }
    words.push(format!("(({acc}) & 4294967295)"));
    (words, shr(e, &acc))
}

/// The exact sum whose five limb sums are the columns `{name}_s0..4`, in three steps, each
/// the columns of one more CTE layer: [`Exact::sign`], [`Exact::digits`], then the value
/// [`Exact::value`].
pub struct Exact<'a> {
    pub e: Engine,
    pub name: &'a str,
}

impl Exact<'_> {
    fn s(&self, j: usize) -> String {
        format!("{}_s{j}", self.name)
    }

    /// Layer 1: `{name}_neg`, whether the total is negative (the sign of its top after the
    /// carries). Spark's sums are kept below 2⁶² so the BIGINT carries cannot overflow.
    pub fn sign(&self) -> String {
        let s: Vec<String> = (0..LIMBS).map(|j| self.s(j)).collect();
        let (_, top) = carried(self.e, &s);
        let neg = format!("{top} < 0 AS {}_neg", self.name);
        match self.e {
            Engine::DuckDb => neg,
            Engine::Spark => {
                let small = s
                    .iter()
                    .map(|v| format!("abs({v}) < 4611686018427387904"))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                format!("CASE WHEN {small} THEN {top} < 0 END AS {}_neg", self.name)
            }
        }
    }

    /// Layer 2: the magnitude's digits `{name}_w0..4` and top `{name}_top`.
    pub fn digits(&self) -> Vec<String> {
        let n = self.name;
        let s: Vec<String> = (0..LIMBS)
            .map(|j| {
                format!(
                    "CASE WHEN {n}_neg THEN -{} ELSE {} END",
                    self.s(j),
                    self.s(j)
                )
            })
            .collect();
        let (words, top) = carried(self.e, &s);
        let mut cols: Vec<String> = words
            .into_iter()
            .enumerate()
            .map(|(j, w)| format!("{w} AS {n}_w{j}"))
            .collect();
        cols.push(format!("{top} AS {n}_top"));
        cols
    }

    /// Layer 3: the correctly rounded DOUBLE (NULL when a sum was NULL).
    pub fn value(&self) -> String {
        let n = self.name;
        let d = |j: usize| {
            if j == LIMBS {
                format!("{n}_top")
            } else {
                format!("{n}_w{j}")
            }
        };
        let (int, text) = match self.e {
            Engine::DuckDb => ("HUGEINT", "VARCHAR"),
            Engine::Spark => ("DECIMAL(38, 0)", "STRING"),
        };
        let mut arms = Vec::new();
        for h in (2..=LIMBS).rev() {
            // 2U: the digits times 2⁶⁵, 2³³ and 2 (literals cast: DuckDB would read a
            // 20-digit literal as a DOUBLE).
            let u = format!(
                "CAST({} AS {int}) * CAST('36893488147419103232' AS {int}) + CAST({} AS {int}) * CAST('8589934592' AS {int}) + CAST({} AS {int}) * 2",
                d(h),
                d(h - 1),
                d(h - 2)
            );
            let sticky = if h > 2 {
                let lower: Vec<String> = (0..h - 2).map(|j| format!("{} <> 0", d(j))).collect();
                format!(" + CASE WHEN {} THEN 1 ELSE 0 END", lower.join(" OR "))
            } else {
                String::new()
            };
            let v = format!(
                "CAST(CAST({u}{sticky} AS {text}) AS DOUBLE) * {}",
                pow2(LOW + 32 * (h as i32 - 2) - 1)
            );
            if h == 2 {
                arms.push(format!("ELSE {v}"));
            } else {
                arms.push(format!("WHEN {} <> 0 THEN {v}", d(h)));
            }
        }
        // NULL when the sign is (a NULL sum, or Spark's sums too large).
        format!(
            "(CASE WHEN {n}_neg THEN -1 WHEN NOT {n}_neg THEN 1 END) * (CASE {} END)",
            arms.join(" ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The day sums' bound, in f64 as DuckDB adds: 2²¹ limbs of the largest value (2³² − 1)
    /// sum exactly in any grouping; one more line can reach past 2⁵³, where a sum rounds.
    #[test]
    fn day_sums_are_exact_up_to_the_bound() {
        let top = u32::MAX as f64;
        let n = DAY_LINES_MAX;
        let sequential = (0..n).fold(0.0f64, |s, _| s + top);
        assert_eq!(sequential, n as f64 * top);
        assert_eq!(sequential as u64, n * u32::MAX as u64);
        // Two halves summed apart and combined (threads): the same integer.
        let half = (0..n / 2).fold(0.0f64, |s, _| s + top);
        assert_eq!(half + half, sequential);
        // Past the bound: the exact sum is an odd integer above 2⁵³, not a double.
        let past = (n + 1) * u32::MAX as u64;
        assert!(past > 1 << 53 && past & 1 == 1);
        assert_ne!((sequential + top) as u64, past);
        assert_eq!(day_lines_max(Engine::Spark), 1 << 31);
        // Spark's BIGINT bound: 2³¹ lines of 2³² − 1 stay below 2⁶³.
        assert!((1u128 << 31) * (u32::MAX as u128) < 1u128 << 63);
    }

    #[test]
    fn the_day_check_runs_on_the_lines_count() {
        let v = day_value(Engine::DuckDb, "v0", Some("n_lines"));
        assert!(
            v.starts_with("CASE WHEN n_lines > 2097152 THEN CAST(error("),
            "{v}"
        );
        let v = day_value(Engine::Spark, "v0", Some("n_lines"));
        assert!(
            v.contains("n_lines > 2147483648 THEN CAST(raise_error("),
            "{v}"
        );
        assert_eq!(day_value(Engine::DuckDb, "v3", None), "CAST(v3 AS BIGINT)");
        assert!(limb(Engine::DuckDb, "amount", "ax", 2).contains("AS DOUBLE)"));
        assert!(limb(Engine::Spark, "amount", "ax", 2).contains("AS BIGINT)"));
    }
}
