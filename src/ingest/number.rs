//! Money amounts as people type them: `1 234,56 ₽`, `$1,234.56`, `¥1234`, `(12.50)`, `руб. 5`.
//!
//! Cleaning is domain knowledge (which characters are currency or grouping), the final
//! conversion is `f64::from_str`. The decimal separator is decided once per file by the sniffer,
//! because `1,234` means different things in Berlin and Boston.
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
}

/// Currency words and signs stripped around a number (lower-cased comparison).
const CURRENCY_TOKENS: &[&str] = &[
    "руб.", "руб", "р.", "₽", "rub", "rur", "usd", "eur", "cny", "rmb", "gbp", "uah", "kzt", "元",
    "¥", "￥", "$", "€", "£", "₴", "₸", "us$", "грн", "тг",
];

/// Parses an amount; `None` when the text is not a finite number under this decimal style.
pub fn parse_amount(raw: &str, dec: Decimal) -> Option<f64> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    // Fast path: plain ASCII numbers, the vast majority of rows.
    if dec == Decimal::Dot
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        if let Ok(v) = s.parse::<f64>() {
            return v.is_finite().then_some(v);
        }
    }
    parse_slow(s, dec)
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

fn parse_slow(s: &str, dec: Decimal) -> Option<f64> {
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
    let dec_char = dec.char();
    let mut out = String::with_capacity(s.len());
    let mut seen_dec = false;
    let mut seen_exp = false;
    for c in s.chars() {
        match c {
            '0'..='9' => out.push(c),
            c if c == dec_char && !seen_dec && !seen_exp => {
                seen_dec = true;
                out.push('.');
            }
            // Grouping: the other separator, spaces of every width, apostrophe (Swiss).
            ',' | '.' | ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’' if !seen_dec => {}
            'e' | 'E' if !seen_exp && !out.is_empty() => {
                seen_exp = true;
                out.push('e');
            }
            '-' | '+' if out.ends_with('e') => out.push(c),
            _ => return None,
        }
    }
    if !out.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: f64 = out.parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    Some(if negative { -v } else { v })
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
