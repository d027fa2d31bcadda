//! The CLV interval: a seeded parametric bootstrap (`bootstrap`: parameter draws, the run) and
//! the row-major evaluation of its draws with one-pass quantiles (`boot_eval`).

pub mod boot_eval;
pub mod bootstrap;
