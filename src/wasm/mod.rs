//! The thin JS binding: the only module that knows about wasm-bindgen (wasm32 only).
//!
//! One crate, two browser modules (Cargo features, see Cargo.toml): the core exports the
//! analysis API (`analysis`, feature `js-analysis`), the formats module the readers of legacy
//! code pages and workbooks (`formats`, feature `js-formats`); `memory` reads orders a page
//! holds as columns (`columns_writer`: records written straight into the wasm memory). The
//! package's JS wrapper
//! (src/js/index.js) loads the formats module only for a file that needs it.
//!
//! Small results (Report, detected layout, errors) cross as JSON text that JS parses: one
//! `JSON.parse` is faster than building the object through thousands of boundary calls, and
//! the Report's serialisation is compiled once (serde_json, which the CLI uses too) instead
//! of once more for a JS serializer. Options come in through serde-wasm-bindgen. The
//! per-customer table crosses as columnar typed arrays, which JS reads without parsing.
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;

use crate::error::Error;

#[cfg(feature = "js-analysis")]
pub mod analysis;
#[cfg(feature = "js-analysis")]
pub mod columns_writer;
#[cfg(feature = "js-formats")]
pub mod formats;
#[cfg(feature = "js-analysis")]
pub mod memory;
#[cfg(feature = "js-analysis")]
pub mod offload;

#[cfg(feature = "js-analysis")]
pub use analysis::*;
#[cfg(feature = "js-formats")]
pub use formats::*;
#[cfg(feature = "js-analysis")]
pub use offload::*;

fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(v).map_err(|e| JsValue::from_str(&e.to_string()))?;
    js_sys::JSON::parse(&text)
}

fn js_error(e: Error) -> JsValue {
    to_js(&e).unwrap_or_else(|_| JsValue::from_str(&e.to_string()))
}

/// Options from a JS object; absent, `undefined` or `null` give the defaults.
fn options<T: DeserializeOwned + Default>(v: Option<JsValue>) -> Result<T, JsValue> {
    let Some(v) = v.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(T::default());
    };
    serde_wasm_bindgen::from_value(v).map_err(|e| js_error(Error::option(format!("options: {e}"))))
}
