//! Checking the models against the data: `holdout` (refit on the calibration period, score
//! the holdout), `tracking` (cumulative actual vs predicted repeat purchases over calibration +
//! holdout) and `diagnostics` (P(alive) matrix, period-transactions histogram).

pub mod diagnostics;
pub mod holdout;
pub mod tracking;
