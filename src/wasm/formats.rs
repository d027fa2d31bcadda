//! The formats API (feature `js-formats`): what the formats module exports.
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use super::{js_error, options, to_js};
use crate::ingest::{self, IngestOptions};
use crate::options::Options;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
import type { Decoded, Options } from './types.js';
"#;

/// Turns a file the core cannot read (a legacy code page, a workbook) into what it reads:
/// `{ info, bytes }` for the core's `Dataset.fromDecoded(bytes, info, options)`. Takes the
/// same options object as the core (only `ingest` is read).
#[wasm_bindgen(unchecked_return_type = "{ info: Decoded; bytes: Uint8Array }")]
pub fn decode(
    bytes: &[u8],
    #[wasm_bindgen(unchecked_param_type = "Options")] opts: Option<JsValue>,
) -> Result<Object, JsValue> {
    let opts: Options = options(opts)?;
    let ingest: &IngestOptions = &opts.ingest;
    let (info, out) = ingest::decode(bytes, ingest).map_err(js_error)?;
    let o = Object::new();
    Reflect::set(&o, &"info".into(), &to_js(&info)?)?;
    Reflect::set(
        &o,
        &"bytes".into(),
        &Uint8Array::from(out.as_slice()).into(),
    )?;
    Ok(o)
}
