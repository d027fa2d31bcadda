//! Money amounts as people type them: `1 234,56 ₽`, `$1,234.56`, `¥1234`, `(12.50)`, `руб. 5`.
//!
//! Cleaning is domain knowledge (which characters are currency or grouping), the final
//! conversion is `f64::from_str`. The decimal separator is decided once per file by the sniffer,
//! because `1,234` means different things in Berlin and Boston; a grouping separator is only
//! accepted between groups of three digits, so `12,50` never silently becomes 1250.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Decimal {
    #[serde(rename = ".")]
    Dot,
    #[serde(rename = ",")]
    Comma,
}

impl Decimal {
    pub fn char(self) -> char {
        match self {
            Decimal::Dot => '.',
            Decimal::Comma => ',',
        }
    }

    /// The separator that is not this one.
    pub fn other(self) -> Decimal {
        match self {
            Decimal::Dot => Decimal::Comma,
            Decimal::Comma => Decimal::Dot,
        }
    }
}

/// Currency words and signs stripped around a number (lower-cased comparison).
const CURRENCY_TOKENS: &[&str] = &[
    "руб.", "руб", "р.", "₽", "rub", "rur", "usd", "eur", "cny", "rmb", "gbp", "uah", "kzt", "元",
    "¥", "￥", "$", "€", "£", "₴", "₸", "us$", "грн", "тг",
];

/// The largest absolute amount (and quantity, unit price, and their product) a row may
/// hold: 10¹⁵. Beyond it a value is an id or a barcode in the wrong column, not money, and
/// sums of up to 2³² such rows stay finite. Rows beyond it are skipped as `amountOutOfRange`.
pub const MAX_AMOUNT: f64 = 1e15;

/// What a money column's sampled values say about the separator that is not its decimal
/// one ("the other": `,` in a dot-decimal column). Decided once by the sniffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ColumnStyle {
    /// Some value uses the other separator unmistakably for thousands: `1,234.50` or
    /// `1,234,567` in a dot-decimal column.
    pub other_groups: bool,
    /// Some value reads only with the other separator as its decimal point: `12,50` in a
    /// dot-decimal column.
    pub other_decimal: bool,
}

impl ColumnStyle {
    /// The style of a column from its sample values, under the file's decimal separator.
    pub fn of<'a>(values: impl Iterator<Item = &'a str>, dec: Decimal) -> ColumnStyle {
        let mut style = ColumnStyle::default();
        for v in values {
            let Some((_, body)) = split_sign(v.trim()) else {
                continue;
            };
            match (parse_body(body, dec), parse_body(body, dec.other())) {
                (Body::Number { .. }, Body::BadGrouping) if body.contains(dec.other().char()) => {
                    style.other_groups = true
                }
                (Body::BadGrouping, Body::Number { point: true, .. }) => style.other_decimal = true,
                _ => {}
            }
        }
        style
    }
}

/// How one amount reads in its column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    Value(f64),
    /// Read with the other decimal separator (`12,50` in a dot-decimal column whose values
    /// never use `,` for thousands): used, counted as a repair and warned about.
    OtherDecimal(f64),
    /// Number-like, but its separators are neither thousands groups of three nor a decimal
    /// point the column vouches for (`1,2,3`; `12 50`; `1,234` where the column also has
    /// `12,50`): skipped, never guessed.
    Ambiguous,
    /// A number beyond ±[`MAX_AMOUNT`] (or not finite).
    OutOfRange,
    NotANumber,
}

/// Reads an amount of a column with decimal separator `dec` and the sampled `style`.
///
/// A grouping separator (the other one of `,` `.`, spaces of any width, `'`) is valid only
/// between groups of three digits after a first group of one to three (`1,234,567.50`). A
/// value that breaks that rule is read with the other decimal separator when that reading
/// is valid and the column never uses that separator for thousands; otherwise it is
/// ambiguous. In a column that also holds values in the other convention, a value that
/// reads differently in the two (`1,234`: 1234 or 1.234) is ambiguous too.
pub fn read_amount(raw: &str, dec: Decimal, style: ColumnStyle) -> Amount {
    let s = raw.trim();
    // Fast path: plain ASCII numbers, the vast majority of rows.
    if dec == Decimal::Dot
        && !style.other_decimal
        && !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        if let Ok(v) = s.parse::<f64>() {
            return bounded(v);
        }
    }
    let Some((negative, body)) = split_sign(s) else {
        return Amount::NotANumber;
    };
    let (v, repaired) = match parse_body(body, dec) {
        Body::NotANumber => return Amount::NotANumber,
        Body::Number { value, .. } => {
            if style.other_decimal {
                if let Body::Number { value: w, .. } = parse_body(body, dec.other()) {
                    if w != value {
                        return Amount::Ambiguous;
                    }
                }
            }
            (value, false)
        }
        Body::BadGrouping => match parse_body(body, dec.other()) {
            Body::Number { value, point: true } if !style.other_groups => (value, true),
            _ => return Amount::Ambiguous,
        },
    };
    let v = if negative { -v } else { v };
    match bounded(v) {
        Amount::Value(v) if repaired => Amount::OtherDecimal(v),
        a => a,
    }
}

fn bounded(v: f64) -> Amount {
    if v.is_finite() && v.abs() <= MAX_AMOUNT {
        Amount::Value(v)
    } else {
        Amount::OutOfRange
    }
}

/// Parses a number under one decimal style, as [`read_amount`] would without a column
/// style (no bound on its size); `None` when it is not one. For the sniffer and summaries.
pub fn parse_amount(raw: &str, dec: Decimal) -> Option<f64> {
    let (negative, body) = split_sign(raw.trim())?;
    match parse_body(body, dec) {
        Body::Number { value, .. } if value.is_finite() => {
            Some(if negative { -value } else { value })
        }
        _ => None,
    }
}

fn strip_currency(mut s: &str) -> &str {
    loop {
        let before = s;
        s = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}');
        let lower = s.to_lowercase();
        for tok in CURRENCY_TOKENS {
            if lower.starts_with(tok) && s.is_char_boundary(tok.len()) {
                s = &s[tok.len()..];
                break;
            }
            if lower.ends_with(tok)
                && s.len() >= tok.len()
                && s.is_char_boundary(s.len() - tok.len())
            {
                s = &s[..s.len() - tok.len()];
                break;
            }
        }
        if s.len() == before.len() {
            return s;
        }
    }
}

/// Currency, brackets and signs taken off: whether the value is negative, and its digits.
fn split_sign(s: &str) -> Option<(bool, &str)> {
    if s.is_empty() {
        return None;
    }
    let mut s = strip_currency(s);
    let mut negative = false;
    if s.starts_with('(') && s.ends_with(')') {
        negative = true;
        s = strip_currency(&s[1..s.len() - 1]);
    }
    if let Some(rest) = s.strip_prefix('-').or_else(|| s.strip_prefix('\u{2212}')) {
        negative = !negative;
        s = strip_currency(rest);
    } else if let Some(rest) = s.strip_suffix('-') {
        negative = !negative;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    Some((negative, s))
}

/// A number's digits (currency and sign already taken off) under one decimal style.
enum Body {
    /// `point`: the decimal separator was used.
    Number {
        value: f64,
        point: bool,
    },
    /// Number-like, but with separators in the wrong places for this style.
    BadGrouping,
    NotANumber,
}

/// Longest number text we read: 64 characters of digits, point and exponent.
const MAX_DIGITS: usize = 64;

fn parse_body(s: &str, dec: Decimal) -> Body {
    let point_char = dec.char();
    let mut out = [0u8; MAX_DIGITS];
    let mut n = 0usize;
    fn push(out: &mut [u8; MAX_DIGITS], n: &mut usize, b: u8) -> bool {
        if *n == MAX_DIGITS {
            return false;
        }
        out[*n] = b;
        *n += 1;
        true
    }
    // Grouping: the character used, the current run of digits, whether it started with 0.
    let mut group: Option<char> = None;
    let (mut run, mut run_zero) = (0usize, false);
    let (mut point, mut exp, mut digits, mut after_sep) = (false, false, false, false);
    let mut good = true;
    for c in s.chars() {
        match c {
            '0'..='9' => {
                if run == 0 {
                    run_zero = c == '0';
                }
                run += 1;
                digits = true;
                after_sep = false;
                if !push(&mut out, &mut n, c as u8) {
                    return Body::NotANumber;
                }
            }
            c if c == point_char && !point && !exp => {
                good &= !after_sep && (group.is_none() || run == 3);
                point = true;
                run = 0;
                if !push(&mut out, &mut n, b'.') {
                    return Body::NotANumber;
                }
            }
            ',' | '.' | ' ' | '\u{a0}' | '\u{202f}' | '\'' | '\u{2019}' if !exp => {
                // A separator that is not (or no longer) the decimal point: grouping.
                good &= !point && !after_sep && run > 0;
                match group {
                    None => good &= run <= 3 && !run_zero,
                    Some(g) => good &= g == c && run == 3,
                }
                group = Some(c);
                run = 0;
                after_sep = true;
            }
            'e' | 'E' if !exp && digits && !after_sep => {
                good &= point || group.is_none() || run == 3;
                exp = true;
                if !push(&mut out, &mut n, b'e') {
                    return Body::NotANumber;
                }
            }
            '-' | '+' if exp && n > 0 && out[n - 1] == b'e' => {
                if !push(&mut out, &mut n, c as u8) {
                    return Body::NotANumber;
                }
            }
            _ => return Body::NotANumber,
        }
    }
    if !digits {
        return Body::NotANumber;
    }
    good &= !after_sep && (point || exp || group.is_none() || run == 3);
    if !good {
        return Body::BadGrouping;
    }
    match std::str::from_utf8(&out[..n])
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
    {
        Some(value) => Body::Number { value, point },
        None => Body::NotANumber,
    }
}

/// Guesses the decimal separator from sample amounts: the separator that appears last with
/// 1–2 digits after it is decimal. `None` when the sample cannot tell (e.g. only integers).
pub fn guess_decimal<'a>(samples: impl Iterator<Item = &'a str>) -> Option<Decimal> {
    let (mut dot, mut comma) = (0u32, 0u32);
    for s in samples {
        // Currency words end in dots too (`руб.`, `р.`): look at the number only.
        let s = strip_currency(s.trim());
        let last_dot = s.rfind('.');
        let last_comma = s.rfind(',');
        match (last_dot, last_comma) {
            (Some(d), Some(c)) => {
                if d > c {
                    dot += 1
                } else {
                    comma += 1
                }
            }
            (Some(d), None) => {
                let tail = s[d + 1..].trim_end_matches(|c: char| !c.is_ascii_digit());
                let digits = tail.chars().take_while(|c| c.is_ascii_digit()).count();
                // `1.234` alone is ambiguous (German thousands); `1.5` / `12.50` are decimals.
                if digits != 3 || s[..d].trim_start_matches('-').len() > 3 {
                    dot += 1
                }
            }
            (None, Some(c)) => {
                let digits = s[c + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                if digits != 3 {
                    comma += 1
                }
            }
            (None, None) => {}
        }
    }
    match (dot, comma) {
        (0, 0) => None,
        (d, c) if c > d => Some(Decimal::Comma),
        _ => Some(Decimal::Dot),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_people_type() {
        let d = Decimal::Dot;
        let c = Decimal::Comma;
        assert_eq!(parse_amount("12.5", d), Some(12.5));
        assert_eq!(parse_amount("-3", d), Some(-3.0));
        assert_eq!(parse_amount("$1,234.56", d), Some(1234.56));
        assert_eq!(parse_amount("1 234,56 ₽", c), Some(1234.56));
        assert_eq!(parse_amount("1.234,56 руб.", c), Some(1234.56));
        assert_eq!(parse_amount("1\u{a0}234,5", c), Some(1234.5));
        assert_eq!(parse_amount("¥1234", d), Some(1234.0));
        assert_eq!(parse_amount("￥88.00元", d), Some(88.0));
        assert_eq!(parse_amount("€ -7,50", c), Some(-7.5));
        assert_eq!(parse_amount("(12.50)", d), Some(-12.5));
        assert_eq!(parse_amount("USD 10", d), Some(10.0));
        assert_eq!(parse_amount("abc", d), None);
        assert_eq!(parse_amount("", d), None);
        assert_eq!(parse_amount("NaN", d), None);
        assert_eq!(parse_amount("inf", d), None);
        assert_eq!(parse_amount("1e400", d), None);
        assert_eq!(parse_amount("12-", d), Some(-12.0));
    }

    #[test]
    fn grouping_only_in_groups_of_three() {
        let (d, c) = (Decimal::Dot, Decimal::Comma);
        let plain = ColumnStyle::default();
        let r = |s, dec| read_amount(s, dec, plain);
        assert_eq!(r("1,234,567.50", d), Amount::Value(1234567.5));
        assert_eq!(r("1,234", d), Amount::Value(1234.0));
        assert_eq!(r("1.234.567,50", c), Amount::Value(1234567.5));
        assert_eq!(r("1 234 567", c), Amount::Value(1234567.0));
        assert_eq!(r("1'234.50", d), Amount::Value(1234.5));
        // Not groups of three: the other decimal separator, when that reading is valid.
        assert_eq!(r("12,50", d), Amount::OtherDecimal(12.5));
        assert_eq!(r("1,5", d), Amount::OtherDecimal(1.5));
        assert_eq!(r("0,50", d), Amount::OtherDecimal(0.5));
        assert_eq!(r("12.50", c), Amount::OtherDecimal(12.5));
        assert_eq!(r("-1.234,5", d), Amount::OtherDecimal(-1234.5));
        // Otherwise ambiguous, never a silent 1250, 15 or 123.
        for s in [
            "1,2,3",
            "12 50",
            "1.234.567",
            "1,234.5.6",
            "12,,5",
            ",5,",
            "1 234.567,89",
        ] {
            assert_eq!(r(s, d), Amount::Ambiguous, "{s}");
        }
        for s in ["1.2.3", "12 50", "1,234,567"] {
            assert_eq!(r(s, c), Amount::Ambiguous, "{s}");
        }
        // The column says "," is its thousands separator: `12,50` cannot be a decimal.
        let groups = ColumnStyle {
            other_groups: true,
            other_decimal: false,
        };
        assert_eq!(read_amount("12,50", d, groups), Amount::Ambiguous);
        assert_eq!(read_amount("1,234.50", d, groups), Amount::Value(1234.5));
        // The column also writes decimals with ",": `1,234` and `1.234` read two ways.
        let mixed = ColumnStyle {
            other_groups: false,
            other_decimal: true,
        };
        assert_eq!(read_amount("1,234", d, mixed), Amount::Ambiguous);
        assert_eq!(read_amount("1.234", d, mixed), Amount::Ambiguous);
        assert_eq!(read_amount("12.50", d, mixed), Amount::Value(12.5));
        assert_eq!(read_amount("1234", d, mixed), Amount::Value(1234.0));
        assert_eq!(read_amount("12,50", d, mixed), Amount::OtherDecimal(12.5));
    }

    #[test]
    fn amounts_are_bounded() {
        let plain = ColumnStyle::default();
        assert_eq!(
            read_amount("1e15", Decimal::Dot, plain),
            Amount::Value(1e15)
        );
        assert_eq!(
            read_amount("-1e15", Decimal::Dot, plain),
            Amount::Value(-1e15)
        );
        for s in [
            "1.7e308",
            "1e400",
            "1000000000000001",
            "-2e15",
            "1,000,000,000,000,000,000",
        ] {
            assert_eq!(
                read_amount(s, Decimal::Dot, plain),
                Amount::OutOfRange,
                "{s}"
            );
        }
        assert_eq!(read_amount("abc", Decimal::Dot, plain), Amount::NotANumber);
        assert_eq!(read_amount("", Decimal::Dot, plain), Amount::NotANumber);
    }

    #[test]
    fn column_style_from_the_sample() {
        let of = |v: &[&str], dec| ColumnStyle::of(v.iter().copied(), dec);
        assert_eq!(of(&["12.50", "3"], Decimal::Dot), ColumnStyle::default());
        assert!(of(&["1,234.50", "3"], Decimal::Dot).other_groups);
        assert!(of(&["1,234,567"], Decimal::Dot).other_groups);
        assert!(
            !of(&["1,234"], Decimal::Dot).other_groups,
            "1,234 alone decides nothing"
        );
        assert!(of(&["12.50", "7,25"], Decimal::Dot).other_decimal);
        assert!(of(&["1.234,50"], Decimal::Comma).other_groups);
        assert!(of(&["12,50", "7.25"], Decimal::Comma).other_decimal);
    }

    #[test]
    fn decimal_guess() {
        assert_eq!(
            guess_decimal(["12,50", "3,1", "100"].into_iter()),
            Some(Decimal::Comma)
        );
        assert_eq!(
            guess_decimal(["12.50", "3.1"].into_iter()),
            Some(Decimal::Dot)
        );
        assert_eq!(
            guess_decimal(["1.234,50"].into_iter()),
            Some(Decimal::Comma)
        );
        assert_eq!(guess_decimal(["1,234.50"].into_iter()), Some(Decimal::Dot));
        assert_eq!(guess_decimal(["100", "200"].into_iter()), None);
        assert_eq!(
            guess_decimal(["1 234,56 руб.", "3 р."].into_iter()),
            Some(Decimal::Comma)
        );
    }
}
