//! `ColumnsWriter`: how the package's `openRecords` hands the core a million records' fields.
//! Its JS writes each field straight into buffers this object owns in the wasm memory (text
//! as UTF-8 bytes + offsets, numbers as f64), through views of them. Against `fromColumns`
//! that saves one copy of every byte, and above all the JS typed arrays: each one adds to
//! V8's external memory, which makes the collector mark the caller's million records again
//! (docs/performance.md, "records written into the wasm memory").
//!
//! A view is only good until the wasm memory grows: the JS takes fresh views after every
//! call that may allocate (`beginText`, `growText`, `beginNumbers`) and checks its last
//! view is still attached. What is written is checked as `fromColumns` checks its input:
//! text must be UTF-8 cut at character boundaries by non-decreasing offsets, every column
//! must hold the writer's rows, and an allocation that fails is an error, not a trap.
use js_sys::{Float64Array, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;

use super::analysis::Dataset;
use super::memory::{bad, read, Handles, ROLES};
use super::{js_error, options};
use crate::error::Error;
use crate::ingest::{Column, TextCells};
use crate::options::Options;

/// Columns written in place by the package's JS, then read by `Dataset.fromWriter`.
#[wasm_bindgen]
pub struct ColumnsWriter {
    source: String,
    rows: usize,
    /// The columns of the roles, in `ROLES` order.
    roles: Vec<Option<Column>>,
    covariates: Vec<Column>,
    /// The column being written: text (bytes, `rows + 1` offsets) or numbers.
    bytes: Vec<u8>,
    offsets: Vec<u32>,
    numbers: Vec<f64>,
}

fn too_large() -> JsValue {
    js_error(
        Error::new(
            "input_too_large",
            "the columns do not fit in the engine's memory",
        )
        .with_hint("analyse the orders in parts, or pass ids as numbers"),
    )
}

/// `v` zero-filled to `len`, or an error where the allocation fails.
fn sized<T: Clone + Default>(v: &mut Vec<T>, len: usize) -> Result<(), JsValue> {
    v.try_reserve(len.saturating_sub(v.len()))
        .map_err(|_| too_large())?;
    v.resize(len, T::default());
    Ok(())
}

#[wasm_bindgen]
impl ColumnsWriter {
    /// A writer of `rows` orders; `source` is reported as `ingest.detected.source`.
    #[wasm_bindgen(constructor)]
    pub fn new(source: String, rows: u32) -> ColumnsWriter {
        ColumnsWriter {
            source,
            rows: rows as usize,
            roles: vec![None; ROLES.len()],
            covariates: Vec::new(),
            bytes: Vec::new(),
            offsets: Vec::new(),
            numbers: Vec::new(),
        }
    }

    /// Starts a text column: `size` bytes (a first guess) and `rows + 1` offsets, zeroed.
    /// Returns the bytes' view.
    #[wasm_bindgen(js_name = beginText)]
    pub fn begin_text(&mut self, size: u32) -> Result<Uint8Array, JsValue> {
        self.bytes.clear();
        self.offsets.clear();
        sized(&mut self.offsets, self.rows + 1)?;
        self.grow_text(size)
    }

    /// The text column's bytes grown to `size` (those written are kept): the new view.
    #[wasm_bindgen(js_name = growText)]
    pub fn grow_text(&mut self, size: u32) -> Result<Uint8Array, JsValue> {
        sized(&mut self.bytes, size as usize)?;
        // SAFETY: a view of this writer's own buffer, valid until the memory grows (the JS
        // takes a new one after each call that may allocate, module doc).
        Ok(unsafe { Uint8Array::view_mut_raw(self.bytes.as_mut_ptr(), self.bytes.len()) })
    }

    /// A view of the text column's `rows + 1` offsets.
    #[wasm_bindgen(js_name = textOffsets)]
    pub fn text_offsets(&mut self) -> Uint32Array {
        // SAFETY: as in `grow_text`.
        unsafe { Uint32Array::view_mut_raw(self.offsets.as_mut_ptr(), self.offsets.len()) }
    }

    /// Ends the text column of `role` (or `"covariates"`), reported as `name`: its first
    /// `used` bytes, cut by the offsets.
    #[wasm_bindgen(js_name = endText)]
    pub fn end_text(&mut self, role: &str, name: &str, used: u32) -> Result<(), JsValue> {
        let mut bytes = std::mem::take(&mut self.bytes);
        bytes.truncate(used as usize);
        let offsets = std::mem::take(&mut self.offsets);
        if offsets.len() != self.rows + 1 {
            return Err(bad(format!("column {name}: no text column was begun")));
        }
        let cells = TextCells::from_utf8(bytes, offsets).map_err(js_error)?;
        self.put(role, Column::text(name, cells))
    }

    /// Starts a column of numbers: `rows` zeros, and their view.
    #[wasm_bindgen(js_name = beginNumbers)]
    pub fn begin_numbers(&mut self) -> Result<Float64Array, JsValue> {
        self.numbers.clear();
        sized(&mut self.numbers, self.rows)?;
        // SAFETY: as in `grow_text`.
        Ok(unsafe { Float64Array::view_mut_raw(self.numbers.as_mut_ptr(), self.numbers.len()) })
    }

    /// Ends the column of numbers of `role` (or `"covariates"`), reported as `name`.
    #[wasm_bindgen(js_name = endNumbers)]
    pub fn end_numbers(&mut self, role: &str, name: &str) -> Result<(), JsValue> {
        let numbers = std::mem::take(&mut self.numbers);
        if numbers.len() != self.rows {
            return Err(bad(format!(
                "column {name}: no column of numbers was begun"
            )));
        }
        self.put(role, Column::numbers(name, numbers))
    }

    /// Adds a column written as a `MemoryColumn` (a field whose values are of several kinds).
    #[wasm_bindgen(js_name = addColumn)]
    pub fn add_column(
        &mut self,
        role: &str,
        #[wasm_bindgen(unchecked_param_type = "MemoryColumn")] column: JsValue,
    ) -> Result<(), JsValue> {
        let handles = Handles::of(column, role)?;
        // Bounded before allocation: nothing is copied from a column of the wrong length.
        self.check(&handles.name, handles.len())?;
        let column = handles.column()?;
        self.put(role, column)
    }
}

impl ColumnsWriter {
    fn check(&self, name: &str, len: usize) -> Result<(), JsValue> {
        crate::ingest::check_lengths([("rows", self.rows), (name, len)].into_iter())
            .map_err(js_error)
    }

    fn put(&mut self, role: &str, column: Column) -> Result<(), JsValue> {
        self.check(&column.name, column.len())?;
        if role == "covariates" {
            self.covariates.push(column);
            return Ok(());
        }
        let at = ROLES
            .iter()
            .position(|r| *r == role)
            .ok_or_else(|| bad(format!("unknown role {role:?}")))?;
        if self.roles[at].is_some() {
            return Err(bad(format!("the {role} column is written twice")));
        }
        self.roles[at] = Some(column);
        Ok(())
    }
}

#[wasm_bindgen]
impl Dataset {
    /// Reads the columns a `ColumnsWriter` holds (what the package's `openRecords` does), with
    /// a file's guarantees, as `fromColumns` reads its input.
    #[wasm_bindgen(js_name = fromWriter)]
    pub fn from_writer(
        writer: ColumnsWriter,
        #[wasm_bindgen(unchecked_param_type = "Options")] opts: Option<JsValue>,
    ) -> Result<Dataset, JsValue> {
        let opts: Options = options(opts)?;
        let ColumnsWriter {
            source,
            roles,
            covariates,
            ..
        } = writer;
        read(source, roles, covariates, &opts)
    }
}
