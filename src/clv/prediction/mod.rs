//! Per-customer predictions under any fitted transaction model (dispatch over `ModelKind`):
//! `palive` (P(alive) of collapsed rows, and of arbitrary customers for the lifecycle) and
//! `purchases` (the horizon grid, expected purchases, the discounted purchase stream behind
//! CLV, a new customer's curve), `windows` (CLV by month 1..=12 per customer, summed per
//! group).

pub mod palive;
pub mod purchases;
pub mod windows;
