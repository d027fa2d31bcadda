//! crm-lens: customer-lifecycle analytics from a transaction export, in the browser.
//!
//! The core is plain Rust with no knowledge of JavaScript; `wasm` (wasm32 only) is the one
//! thin binding. See ARCHITECTURE.md for the map.
pub mod churn;
pub mod clv;
pub mod customers;
pub mod dates;
pub mod error;
pub mod exact_sum;
pub mod explain;
pub mod export;
pub mod ingest;
pub mod insights;
pub mod kpis;
pub mod lifecycle;
pub mod options;
pub mod pipeline;
pub mod radix;
pub mod report;
pub mod retention;
pub mod rfm;
pub mod sample;
pub mod scale;
pub mod segment;
pub mod sort;
pub mod trees;
pub mod units;

#[cfg(test)]
mod typescript;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// Whether this build reads the inputs beyond an order log (Cargo feature `extra-inputs`):
/// per-customer summaries (BG/BB for periods), survival tables and subscription lists
/// (retention, sBG). Without it (the
/// browser's core module) ingest refuses them with `needs_full`
/// ([`ingest::needs_full`]) and the branches that run them, which test this constant, are
/// compiled out.
pub const EXTRA_INPUTS: bool = cfg!(feature = "extra-inputs");

pub use error::{Error, Result};
pub use options::Options;
pub use pipeline::{analyze, Analysis, Dataset};
pub use report::Report;
