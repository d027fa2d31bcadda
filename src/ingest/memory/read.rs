//! One row from memory into the row parser: used, or counted as a file's row would be.
use std::borrow::Cow;

use super::cells::{Cell, Column, MS_PER_DAY};
use super::MemoryInput;
use crate::ingest::accounting::SkipReason;
use crate::ingest::date::{self, DateRead};
use crate::ingest::number::MAX_AMOUNT;
use crate::ingest::rows::{has_control, RowParser};

/// A number as JavaScript's `String(v)` prints it (ids, examples).
pub(super) fn js_number(v: f64) -> String {
    let a = v.abs();
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if v == 0.0 {
        "0".into()
    } else if !(1e-6..1e21).contains(&a) {
        let s = format!("{v:e}");
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        }
    } else {
        // Shortest round-trip digits, no exponent, integers without ".0": as JS.
        format!("{v}")
    }
}

/// A cell as id text (customer and order ids, covariate values): numbers as JavaScript
/// prints them.
pub(super) fn id_text(c: Cell<'_>) -> Cow<'_, str> {
    match c {
        Cell::Text(s) | Cell::Other(s) => s.into(),
        Cell::Number(v) if v.is_finite() => js_number(v).into(),
        Cell::Number(_) | Cell::Missing(_) => "".into(),
        Cell::Day(d) => d.to_string().into(),
    }
}

/// A cell as an example's text.
fn describe(c: Cell<'_>) -> String {
    match c {
        Cell::Text(s) | Cell::Other(s) => s.to_string(),
        Cell::Number(v) => js_number(v),
        Cell::Day(d) => format!("epoch day {d}"),
        Cell::Missing(w) => w.to_string(),
    }
}

fn is_blank(c: Cell<'_>) -> bool {
    match c {
        Cell::Missing(_) => true,
        Cell::Text(s) => s.trim().is_empty(),
        _ => false,
    }
}

pub(super) struct Rows<'a> {
    pub input: &'a MemoryInput,
    /// The columns in the layout's field order (`MemoryInput::columns`).
    pub columns: Vec<&'a Column>,
    pub excel: bool,
}

impl<'a> Rows<'a> {
    /// Row `i` into the parser: used, or counted under the reason a file's row would be.
    pub fn read(&self, p: &mut RowParser<'_>, i: usize, order: &mut String) {
        let input = self.input;
        let line = i as u64;
        p.start_row();
        let cust_cell = input.customer.cell(i);
        let cust_text;
        let cust = match cust_cell {
            Cell::Text(s) => s.trim(),
            Cell::Number(v) if v.is_finite() => {
                cust_text = js_number(v);
                cust_text.as_str()
            }
            _ => "",
        };
        if cust.is_empty() {
            let blank = input.columns().into_iter().all(|c| is_blank(c.cell(i)));
            if blank {
                p.account.skip(SkipReason::BlankLine, line, "", "");
            } else {
                p.account.skip(
                    SkipReason::MissingCustomerId,
                    line,
                    &input.customer.name,
                    &describe(cust_cell),
                );
            }
            return;
        }
        // Control characters (NUL above all) are binary debris, not part of an id.
        if has_control(cust.as_bytes()) {
            p.account.skip(
                SkipReason::InvalidCustomerId,
                line,
                &input.customer.name,
                &cust.escape_debug().to_string(),
            );
            return;
        }
        let date_cell = input.date.cell(i);
        let day = match date_cell {
            Cell::Text(s) => p.dates.parse(s),
            Cell::Number(v) if self.excel => date::excel_serial(v),
            Cell::Number(ms) => DateRead::of_day((ms / MS_PER_DAY).floor()),
            Cell::Day(d) => DateRead::of_day(d as f64),
            Cell::Missing(_) | Cell::Other(_) => DateRead::Unparseable,
        };
        let day = match day {
            DateRead::Day(day) => day,
            bad => {
                let reason = match bad {
                    DateRead::OutOfRange => SkipReason::DateOutOfRange,
                    _ => SkipReason::UnparseableDate,
                };
                p.account
                    .skip(reason, line, &input.date.name, &describe(date_cell));
                return;
            }
        };
        // A money column's value as a file's field of the same text would read (numbers as
        // they are, within the same bounds), or the field and the reason to skip the row.
        let field = |c: &Column| self.columns.iter().position(|x| std::ptr::eq(*x, c));
        let value = |p: &mut RowParser<'_>,
                     c: &'a Column|
         -> std::result::Result<f64, (usize, SkipReason)> {
            let f = field(c).unwrap_or(0);
            match c.cell(i) {
                Cell::Text(s) => p.money(s, f),
                Cell::Number(v) if v.is_finite() && v.abs() <= MAX_AMOUNT => Ok(v),
                Cell::Number(v) if v.is_finite() => Err((f, SkipReason::AmountOutOfRange)),
                _ => Err((f, SkipReason::NonNumericAmount)),
            }
        };
        let amount = match (&input.amount, &input.quantity, &input.unit_price) {
            (Some(a), _, _) => value(p, a),
            (None, Some(q), Some(u)) => match (value(p, q), value(p, u)) {
                (Ok(q), Ok(u)) if (q * u).abs() <= MAX_AMOUNT => Ok(q * u),
                (Ok(_), Ok(_)) => Err((field(q).unwrap_or(0), SkipReason::AmountOutOfRange)),
                (Err(e), _) | (_, Err(e)) => Err(e),
            },
            _ => unreachable!("checked before reading"),
        };
        let amount = match amount {
            Ok(v) => v,
            Err((f, reason)) => {
                let text = match (reason, &input.amount, &input.quantity, &input.unit_price) {
                    (SkipReason::AmountOutOfRange, None, Some(q), Some(u)) => {
                        format!("{} × {}", describe(q.cell(i)), describe(u.cell(i)))
                    }
                    _ => describe(self.columns[f].cell(i)),
                };
                p.account.skip(reason, line, &self.columns[f].name, &text);
                return;
            }
        };
        let order_text = match input.order.as_ref().map(|o| o.cell(i)) {
            Some(Cell::Text(s)) => s,
            Some(c) => {
                order.clear();
                order.push_str(&id_text(c));
                order.as_str()
            }
            None => "",
        };
        let field = |f: usize| id_text(self.columns[f].cell(i));
        p.accept(cust, day, amount, order_text, line, field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_numbers() {
        assert_eq!(js_number(12.0), "12");
        assert_eq!(js_number(-3.5), "-3.5");
        assert_eq!(js_number(f64::NAN), "NaN");
        assert_eq!(js_number(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(js_number(1e21), "1e+21");
        assert_eq!(js_number(1.5e-7), "1.5e-7");
        assert_eq!(js_number(123456789012345680000.0), "123456789012345680000");
        assert_eq!(js_number(0.1), "0.1");
        assert_eq!(js_number(-0.0), "0");
    }
}
