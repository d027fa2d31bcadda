//! Numerics shared by the models: `special` (libm wrappers, log-gamma, digamma, ₂F₁ series),
//! `fastmath` (table-driven exp/ln for the hot loops), `hyp_path` (₂F₁ stepped along many
//! ascending z).

pub mod fastmath;
pub mod hyp_path;
pub mod special;
