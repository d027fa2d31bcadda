//! The CLV interval: a seeded parametric bootstrap (`bootstrap`: parameter draws, the run) and
//! the row-major evaluation of its draws with one-pass quantiles (`boot_eval`); BG/BB's own
//! (`discrete`: its stream holds P(alive), so one evaluation per row and draw); `job`: the
//! bootstrap with owned inputs, in blocks another worker can share.

pub mod boot_eval;
pub mod bootstrap;
pub mod discrete;
pub mod job;
