//! Model time units: the crate's own, so the Report's `timeUnit` and the models agree.
pub use crate::units::{TimeUnit, DAYS_PER_MONTH};
