//! The one error type every caller sees.
//!
//! An error carries a stable machine `code` (the page translates it) and a human message that
//! says what was found and which option fixes it. Errors are values, never panics: a panic in
//! wasm kills the module for the rest of the session.
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, ts(rename = "CrmLensError"))]
pub struct Error {
    pub code: &'static str,
    pub message: String,
    /// The option that most likely fixes it (CLI flag spelling), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub hint: Option<String>,
}

/// Characters of a message or hint: enough for column lists and a first row, while a
/// message quoting a 1.7 MB line stays readable (and small in JSON).
pub const MESSAGE_CHARS: usize = 1_000;

/// `text` cut to at most `max` characters, ending in `…` when cut.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => {
            let end = text[..end].char_indices().next_back().map_or(0, |(i, _)| i);
            format!("{}…", &text[..end])
        }
    }
}

impl Error {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Error {
            code,
            message: clip(&message.into(), MESSAGE_CHARS),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(clip(&hint.into(), MESSAGE_CHARS));
        self
    }

    pub fn option(message: impl Into<String>) -> Self {
        Error::new("invalid_option", message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)?;
        if let Some(h) = &self.hint {
            write!(f, "\nhint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_bounded() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "ab…");
        assert_eq!(clip("客户编号", 2), "客…");
        let e = Error::option("y".repeat(1_700_000)).with_hint("z".repeat(5_000));
        assert_eq!(e.message.chars().count(), MESSAGE_CHARS);
        assert_eq!(e.hint.unwrap().chars().count(), MESSAGE_CHARS);
    }
}
