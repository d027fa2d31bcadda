//! One row from memory into the row parser: used, or counted as a file's row would be.
use std::borrow::Cow;

use super::cells::{Cell, Column, MS_PER_DAY};
use super::MemoryInput;
use crate::ingest::accounting::SkipReason;
use crate::ingest::date::{self, DAY_RANGE};
use crate::ingest::number::{parse_amount, Decimal};
use crate::ingest::rows::RowParser;

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
    pub decimal: Decimal,
    pub excel: bool,
    /// Role columns before the covariates in the layout's fields.
    pub roles: usize,
}

impl<'a> Rows<'a> {
    /// Row `i` into the parser: used, or counted under the reason a file's row would be.
    pub fn read(&self, p: &mut RowParser<'_>, i: usize, order: &mut String) {
        let input = self.input;
        let line = i as u64;
        p.account.read();
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
        let date_cell = input.date.cell(i);
        let day = match date_cell {
            Cell::Text(s) => p.dates.parse(s),
            Cell::Number(v) if self.excel => date::excel_serial_day(v),
            Cell::Number(ms) => {
                let d = (ms / MS_PER_DAY).floor();
                (d.is_finite() && DAY_RANGE.contains(&d)).then_some(d as i32)
            }
            Cell::Day(d) => DAY_RANGE.contains(&(d as f64)).then_some(d),
            Cell::Missing(_) | Cell::Other(_) => None,
        };
        let Some(day) = day else {
            p.account.skip(
                SkipReason::UnparseableDate,
                line,
                &input.date.name,
                &describe(date_cell),
            );
            return;
        };
        let value = |c: &'a Column| -> std::result::Result<f64, (&'a Column, Cell<'a>)> {
            let cell = c.cell(i);
            match cell {
                Cell::Text(s) => parse_amount(s, self.decimal),
                Cell::Number(v) => v.is_finite().then_some(v),
                _ => None,
            }
            .ok_or((c, cell))
        };
        let amount = match (&input.amount, &input.quantity, &input.unit_price) {
            (Some(a), _, _) => value(a),
            (None, Some(q), Some(u)) => value(q).and_then(|q| value(u).map(|u| q * u)),
            _ => unreachable!("checked before reading"),
        };
        let amount = match amount {
            Ok(v) if v.is_finite() => v,
            Ok(v) => {
                let c = input
                    .amount
                    .as_ref()
                    .or(input.quantity.as_ref())
                    .unwrap_or(&input.customer);
                p.account
                    .skip(SkipReason::NonNumericAmount, line, &c.name, &js_number(v));
                return;
            }
            Err((c, cell)) => {
                p.account
                    .skip(SkipReason::NonNumericAmount, line, &c.name, &describe(cell));
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
        let covariate = |field: usize| id_text(input.covariates[field - self.roles].cell(i));
        p.accept(cust, day, amount, order_text, line, covariate);
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
