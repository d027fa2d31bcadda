//! Orders from memory (feature `js-analysis`): `Dataset.fromColumns`, what the package's
//! `openColumns` / `openRecords` / `openArrow` call (src/js/memory.js writes the input).
//!
//! The input is `{ source, customer, date, amount?, order?, quantity?, unitPrice?,
//! covariates? }` (`covariates`: an array of columns, the customer's attributes), each
//! column `{ name, kinds?, numbers?, days?, utf8?, offsets?, codes? }`: one typed array
//! (`numbers`: Float64Array, `days`: Int32Array) or the text cells' UTF-8 bytes back to back
//! (`utf8`: Uint8Array) with n + 1 `offsets` (Uint32Array), with `codes` (Uint32Array) when
//! the text holds the distinct values and each row a code; with `kinds` (Uint8Array of
//! `ingest::KIND_*` codes) a column mixes them row by row. Text crosses as bytes, in one copy:
//! no JS string per cell, and none for the whole column. Every column's length is checked
//! before a cell is copied.
use js_sys::{Float64Array, Int32Array, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;

use super::analysis::Dataset;
use super::{js_error, options};
use crate::error::Error;
use crate::ingest::{self, Column, MemoryInput, TextCells};
use crate::options::Options;
use crate::pipeline;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** One column of `MemoryInput`: a typed array, or text cells as UTF-8 bytes back to back,
 * cell `i` being `utf8[offsets[i]..offsets[i + 1]]` (with `codes`: the distinct values, row
 * `i` being `codes[i]`); `kinds` (0 text, 1 number, 2 null, 3 undefined, 4 other) mixes them
 * row by row. */
export interface MemoryColumn {
  name: string;
  kinds?: Uint8Array;
  numbers?: Float64Array;
  days?: Int32Array;
  codes?: Uint32Array;
  utf8?: Uint8Array;
  offsets?: Uint32Array;
}

/** What `Dataset.fromColumns` reads; the package's `openColumns` writes it from `Columns`. */
export interface MemoryInput {
  source: 'columns' | 'records' | 'arrow';
  customer: MemoryColumn;
  date: MemoryColumn;
  amount?: MemoryColumn;
  order?: MemoryColumn;
  quantity?: MemoryColumn;
  unitPrice?: MemoryColumn;
  /** The customer's attributes (read as `ingest.covariateCols`), named by `name`. */
  covariates?: MemoryColumn[];
}
"#;

pub(super) const ROLES: [&str; 6] = [
    "customer",
    "date",
    "amount",
    "order",
    "quantity",
    "unitPrice",
];

fn get(o: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    js_sys::Reflect::get(o, &key.into())
}

pub(super) fn bad(what: String) -> JsValue {
    js_error(
        Error::new("invalid_columns", format!("the columns are malformed: {what}")).with_hint(
            "call openColumns / openRecords / openArrow from the package entry; they write this input",
        ),
    )
}

/// A column as the JS handed it, nothing copied yet.
pub(super) struct Handles {
    pub(super) name: String,
    kinds: Option<Uint8Array>,
    numbers: Option<Float64Array>,
    days: Option<Int32Array>,
    codes: Option<Uint32Array>,
    /// UTF-8 bytes and their offsets.
    text: Option<(Uint8Array, Uint32Array)>,
}

impl Handles {
    pub(super) fn of(v: JsValue, role: &str) -> Result<Handles, JsValue> {
        let typed = |key: &str| -> Result<Option<JsValue>, JsValue> {
            let x = get(&v, key)?;
            Ok((!x.is_undefined() && !x.is_null()).then_some(x))
        };
        let cast = |key: &str| format!("column {role}: {key} has the wrong type");
        let name = get(&v, "name")?
            .as_string()
            .ok_or_else(|| bad(format!("column {role} has no name")))?;
        let text = match (typed("utf8")?, typed("offsets")?) {
            (None, None) => None,
            (Some(t), Some(o)) => Some((
                t.dyn_into().map_err(|_| bad(cast("utf8")))?,
                o.dyn_into().map_err(|_| bad(cast("offsets")))?,
            )),
            _ => return Err(bad(format!("column {role}: utf8 and offsets go together"))),
        };
        Ok(Handles {
            name,
            kinds: typed("kinds")?
                .map(|x| x.dyn_into().map_err(|_| bad(cast("kinds"))))
                .transpose()?,
            numbers: typed("numbers")?
                .map(|x| x.dyn_into().map_err(|_| bad(cast("numbers"))))
                .transpose()?,
            days: typed("days")?
                .map(|x| x.dyn_into().map_err(|_| bad(cast("days"))))
                .transpose()?,
            codes: typed("codes")?
                .map(|x| x.dyn_into().map_err(|_| bad(cast("codes"))))
                .transpose()?,
            text,
        })
    }

    /// Rows, from the array that says how many there are.
    pub(super) fn len(&self) -> usize {
        let n = if let Some(k) = &self.kinds {
            k.length()
        } else if let Some(c) = &self.codes {
            c.length()
        } else if let Some(x) = &self.numbers {
            x.length()
        } else if let Some(x) = &self.days {
            x.length()
        } else {
            self.text
                .as_ref()
                .map_or(0, |t| t.1.length().saturating_sub(1))
        };
        n as usize
    }

    fn text(&self) -> Result<TextCells, JsValue> {
        match &self.text {
            Some((bytes, offsets)) => {
                TextCells::from_utf8(bytes.to_vec(), offsets.to_vec()).map_err(js_error)
            }
            None => Ok(TextCells::default()),
        }
    }

    /// Copies the cells (lengths checked by the caller).
    pub(super) fn column(self) -> Result<Column, JsValue> {
        let n = self.len();
        let sized = |len: u32, what: &str| -> Result<(), JsValue> {
            if len as usize == n {
                Ok(())
            } else {
                Err(bad(format!(
                    "column {}: {what} holds {len} cells for {n} rows",
                    self.name
                )))
            }
        };
        if let Some(kinds) = &self.kinds {
            let numbers = match &self.numbers {
                Some(x) => {
                    sized(x.length(), "numbers")?;
                    x.to_vec()
                }
                None => Vec::new(),
            };
            if let Some((_, o)) = &self.text {
                sized(o.length().saturating_sub(1), "text")?;
            }
            return Column::mixed(&self.name, kinds.to_vec(), numbers, self.text()?)
                .map_err(js_error);
        }
        if let Some(codes) = &self.codes {
            return Column::coded(&self.name, codes.to_vec(), self.text()?).map_err(js_error);
        }
        match (&self.numbers, &self.days, &self.text) {
            (Some(x), None, None) => Ok(Column::numbers(&self.name, x.to_vec())),
            (None, Some(x), None) => Ok(Column::days(&self.name, x.to_vec())),
            (None, None, Some(_)) => Ok(Column::text(&self.name, self.text()?)),
            _ => Err(bad(format!(
                "column {}: give one of numbers, days or text (or kinds for a mix)",
                self.name
            ))),
        }
    }
}

#[wasm_bindgen]
impl Dataset {
    /// Reads orders from memory (see the module doc for `input`), with a file's guarantees:
    /// the package's `openColumns` / `openRecords` / `openArrow` write `input`.
    #[wasm_bindgen(js_name = fromColumns)]
    pub fn from_columns(
        #[wasm_bindgen(unchecked_param_type = "MemoryInput")] input: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Options")] opts: Option<JsValue>,
    ) -> Result<Dataset, JsValue> {
        let opts: Options = options(opts)?;
        let source = get(&input, "source")?
            .as_string()
            .ok_or_else(|| bad("no source".into()))?;
        let mut handles = Vec::with_capacity(ROLES.len());
        for role in ROLES {
            let v = get(&input, role)?;
            if v.is_undefined() || v.is_null() {
                handles.push(None);
            } else {
                handles.push(Some(Handles::of(v, role)?));
            }
        }
        let covariates = get(&input, "covariates")?;
        let covariates: Vec<Handles> = if covariates.is_undefined() || covariates.is_null() {
            Vec::new()
        } else {
            let list: js_sys::Array = covariates
                .dyn_into()
                .map_err(|_| bad("covariates must be an array of columns".into()))?;
            list.iter()
                .map(|c| Handles::of(c, "covariates"))
                .collect::<Result<_, _>>()?
        };
        // Bounded before allocation: no cell is copied until every column has the rows the
        // customer column has.
        let present = handles.iter().flatten().chain(&covariates);
        ingest::check_lengths(present.map(|h| (h.name.as_str(), h.len()))).map_err(js_error)?;
        let roles = handles
            .into_iter()
            .map(|h| h.map(Handles::column).transpose())
            .collect::<Result<_, _>>()?;
        let covariates = covariates
            .into_iter()
            .map(Handles::column)
            .collect::<Result<_, _>>()?;
        read(source, roles, covariates, &opts)
    }
}

/// The Dataset of columns by role (in `ROLES` order) and the covariates.
pub(super) fn read(
    source: String,
    roles: Vec<Option<Column>>,
    covariates: Vec<Column>,
    opts: &Options,
) -> Result<Dataset, JsValue> {
    let mut roles = roles.into_iter();
    let mut next = || roles.next().flatten();
    let (customer, date) = (next(), next());
    let required = |c: Option<Column>, role: &str| {
        c.ok_or_else(|| bad(format!("the {role} column is missing")))
    };
    let input = MemoryInput {
        source,
        customer: required(customer, "customer")?,
        date: required(date, "date")?,
        amount: next(),
        order: next(),
        quantity: next(),
        unit_price: next(),
        covariates,
    };
    let inner = pipeline::Dataset::from_memory(&input, opts).map_err(js_error)?;
    Ok(Dataset::from_inner(inner))
}
