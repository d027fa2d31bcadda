//! Beyond one machine (docs/scale.md): the per-customer summary computed by DuckDB or Spark
//! (`sql_summary`, its sums exact by `exact_sql`), the fitted model saved as a model card (`card`), customers scored from a
//! summary of any length in bounded memory (`score`), and the same scores as SQL for the
//! warehouse (`sql_score`, with the series bounds of `series`).
//!
//! crm-lens writes SQL for real engines and never distributes work itself: the summary is the
//! only step that grows with the transactions, and it is what warehouses do well.
pub mod card;
pub mod engine;
pub mod exact_sql;
pub mod fit;
pub mod score;
pub mod series;
pub mod sql_score;
pub mod sql_summary;

pub use engine::Engine;
