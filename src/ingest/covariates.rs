//! Covariate columns (`covariateCols`): columns such as a channel, a country or a first
//! product that describe the customer rather than the order, carried per used row so the
//! customer table can give each customer one value (`customers::covariates`) and the CLV
//! models can use it (`clv::covariates`).
//!
//! Each column's distinct non-blank values are interned as levels while reading; at the end
//! the levels are sorted by their text and the row values renumbered, so a level's index
//! never depends on row order.
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use crate::error::{Error, Result};

/// How a covariate enters the models: one-hot coded levels, or a standardised number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CovariateKind {
    Categorical,
    Numeric,
}

/// A row without a value in this column (blank cell).
pub const BLANK: u32 = u32::MAX;

/// One covariate column over the used rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CovariateColumn {
    /// The column's header (or `#n`).
    pub name: String,
    /// Forced by the option (`"age:numeric"`); else decided from the values.
    pub kind: Option<CovariateKind>,
    /// Distinct trimmed non-blank values, sorted by text.
    pub levels: Vec<String>,
    /// Per used row: index into `levels`, or [`BLANK`].
    pub values: Vec<u32>,
}

/// A `covariateCols` entry: a column name or 1-based number, optionally followed by
/// `:numeric` or `:categorical`. A name that itself contains the colon wins.
pub fn split_spec(spec: &str, header: &[String]) -> (String, Option<CovariateKind>) {
    let named = header
        .iter()
        .any(|h| h.trim().eq_ignore_ascii_case(spec.trim()));
    if !named {
        if let Some((col, kind)) = spec.rsplit_once(':') {
            let kind = match kind.trim().to_ascii_lowercase().as_str() {
                "numeric" | "number" => Some(CovariateKind::Numeric),
                "categorical" | "category" => Some(CovariateKind::Categorical),
                _ => None,
            };
            if kind.is_some() {
                return (col.trim().to_string(), kind);
            }
        }
    }
    (spec.trim().to_string(), None)
}

/// Checks the option before any reading: at most 8 columns, none empty.
pub fn validate(specs: &[String]) -> Result<()> {
    if specs.len() > 8 {
        return Err(Error::option(format!(
            "covariateCols names {} columns; at most 8 are supported",
            specs.len()
        ))
        .with_hint("--covariate channel --covariate country"));
    }
    if specs.iter().any(|s| s.trim().is_empty()) {
        return Err(Error::option("covariateCols holds an empty column name")
            .with_hint("--covariate channel"));
    }
    Ok(())
}

/// Interns the covariate values of each used row.
#[derive(Debug, Default)]
pub(super) struct CovariateReader {
    pub columns: Vec<usize>,
    out: Vec<CovariateColumn>,
    index: Vec<HashMap<String, u32, foldhash::fast::FixedState>>,
}

impl CovariateReader {
    /// `columns`: (field index, name, forced kind) per covariate.
    pub fn new(columns: Vec<(usize, String, Option<CovariateKind>)>) -> Self {
        let mut r = CovariateReader::default();
        for (c, name, kind) in columns {
            r.columns.push(c);
            r.out.push(CovariateColumn {
                name,
                kind,
                ..Default::default()
            });
            r.index.push(HashMap::default());
        }
        r
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The level of `text` in covariate `k` (interned on first sight), or [`BLANK`].
    pub fn level(&mut self, k: usize, text: &str) -> u32 {
        let t = text.trim();
        if t.is_empty() {
            return BLANK;
        }
        if let Some(&i) = self.index[k].get(t) {
            return i;
        }
        let i = self.out[k].levels.len() as u32;
        self.out[k].levels.push(t.to_string());
        self.index[k].insert(t.to_string(), i);
        i
    }

    /// The empty columns the used rows' values are appended to (`Transactions::covariates`).
    pub fn columns(&self) -> Vec<CovariateColumn> {
        self.out.clone()
    }

    /// Gives `cols` (filled with the used rows' values) their levels, sorted by text, and
    /// renumbers the values to match. A level only rows set aside after reading held (dates
    /// far outside the bulk) is dropped: levels are those of the used rows.
    pub fn finish(self, cols: &mut [CovariateColumn]) {
        for (col, read) in cols.iter_mut().zip(self.out) {
            let levels = read.levels;
            let mut held = vec![false; levels.len()];
            for &v in &col.values {
                if v != BLANK {
                    held[v as usize] = true;
                }
            }
            let mut order: Vec<usize> = (0..levels.len()).filter(|&l| held[l]).collect();
            crate::sort::indices_by(&mut order, |a, b| levels[a].cmp(&levels[b]));
            let mut rank = vec![0u32; levels.len()];
            for (new, &old) in order.iter().enumerate() {
                rank[old] = new as u32;
            }
            col.levels = order.iter().map(|&o| levels[o].clone()).collect();
            for v in &mut col.values {
                if *v != BLANK {
                    *v = rank[*v as usize];
                }
            }
            col.values.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_sorted_whatever_the_row_order() {
        let read = |texts: &[&str]| {
            let mut r = CovariateReader::new(vec![(0, "channel".into(), None)]);
            let mut cols = r.columns();
            for t in texts {
                let l = r.level(0, t);
                cols[0].values.push(l);
            }
            r.finish(&mut cols);
            cols.remove(0)
        };
        let a = read(&["web", "app", " ", "store", "app"]);
        assert_eq!(a.levels, ["app", "store", "web"]);
        assert_eq!(a.values, [2, 0, BLANK, 1, 0]);
        let b = read(&["app", "store", "web"]);
        assert_eq!(b.levels, a.levels);
    }

    #[test]
    fn a_kind_suffix_is_read_unless_the_name_has_the_colon() {
        let header = vec!["age".to_string(), "a:numeric".into()];
        assert_eq!(
            split_spec("age:numeric", &header),
            ("age".into(), Some(CovariateKind::Numeric))
        );
        assert_eq!(split_spec("a:numeric", &header), ("a:numeric".into(), None));
        assert_eq!(split_spec("x:y", &header), ("x:y".into(), None));
    }
}
