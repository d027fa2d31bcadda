//! Customer lifetime value: simple (retention-form) CLV plus BTYD model CLV (BG/NBD, Pareto/NBD,
//! MBG/NBD with Gamma-Gamma spend), numerically matching lifetimes 0.11.3, with a seeded
//! parametric bootstrap interval. See `document.rs` for the report document, `simple/` and
//! `prediction/purchases.rs` for the CLV formulas.
//!
//! ## Layout (one folder per model family, as linfa has one crate per algorithm)
//! * The stage: `run` (the pipeline), `discrete` (its fit and predictions for discrete-time
//!   data: BG/BB), `input` (types, sanitising), `options` (validated
//!   hyperparameters), `units`, `document` (the Report section), `by_segment` (CLV per RFM
//!   segment, joined by the pipeline), `model` (`ModelKind`: dispatch to the families).
//! * Families, each with its likelihood, gradient and predictions: `bgnbd`, `mbgnbd`, `pareto`
//!   (+ `pareto::fast`: the fitting path and row P(alive); `pareto::pmf`: P(X(t) = n)),
//!   `gamma_gamma` (+ `gamma_gamma::spend`: expected spend, with its fallback), `simple`
//!   (retention formula, no fit), `bgbb` (+ `bgbb::predict`; discrete time), `sbg`
//!   (subscriptions; its stage is `crate::retention`).
//! * `fitting`: `collapse`, `fitdata`, `optim`, `bfgs`, `linalg`, `fit` (one model), `fit_all`
//!   (every model, report sections), `choice` (the CLV model).
//! * `prediction`: `palive`, `purchases` (grid, discounted stream, new-customer curve),
//!   `windows` (CLV by month per customer group), over any family.
//! * `uncertainty`: `bootstrap` (draws), `boot_eval` (their evaluation, quantiles), `discrete`
//!   (BG/BB's).
//! * `validation`: `holdout`, `tracking`, `diagnostics`.
//! * `maths`: `special`, `fastmath`, `hyp_path`.
//!
//! ## Estimation (same objective as lifetimes 0.11.3)
//! * BG/NBD, MBG/NBD: `-sum(ll)/n + penalizer * sum(theta^2)`; Pareto/NBD: lifetimes' own form
//!   `-sum(ll) + penalizer * sum(theta^2)` (divided by n here, same minimiser); all three in time
//!   scaled by 1/max(T) exactly as lifetimes (so the penalty acts on scaled alpha/beta).
//!   Gamma-Gamma: `-sum(ll)/n + penalizer * sum(theta^2)`, unscaled, on x > 0 and m > 0.
//! * Optimised in log-parameter space with analytic gradients (Pareto/NBD too: term-wise
//!   derivatives of its hypergeometric series): by argmin's L-BFGS from lifetimes' start below
//!   `fitting::fit::WARM_MIN_ROWS` distinct rows; from there by the dense BFGS of
//!   `fitting::bfgs` warm-started from a 1/`fitting::fit::THIN` subsample's optimum and Hessian (argmin as the fallback). Holdout
//!   refits warm-start from the full-period fit. Both paths stop at the same gradient norm.
//! * `logLikelihood` is the papers' full log-likelihood: the sum over customers of lifetimes'
//!   per-customer terms (which keep every constant) in model time units, i.e. lifetimes'
//!   scaled-time value plus `sum(x) ln(1/max T)`.
//! * Standard errors: lifetimes' delta method, `theta * sqrt(diag(H^-1)/n)` with H the Hessian of
//!   the objective in log space (forward differences of the analytic gradient).
//!
//! ## Warning codes
//! `clv_invalid_options` (defaults used), `clv_input_repaired`, `clv_holdout_input_repaired`,
//! `clv_holdout_unusable`, `simple_clv_no_retention`, `simple_clv_divergent`,
//! `clv_too_few_customers`, `clv_no_observation_time`, `clv_no_repeat_buyers`, `clv_no_model`,
//! `clv_bgnbd_not_converged`, `clv_paretonbd_not_converged`, `clv_mbgnbd_not_converged`,
//! `clv_bgbb_not_converged`
//! (model reported as null), `clv_paretonbd_boundary` (s → 0: reported as that limit),
//! `clv_requested_model_unavailable`, `clv_nonpositive_spend`,
//! `clv_gamma_gamma_too_few` / `clv_gamma_gamma_q_le_1` / `clv_gamma_gamma_not_converged`
//! (expected spend = own mean repeat spend if x > 0 and m > 0, else the mean of positive spends),
//! `clv_prediction_not_finite` (pattern predictions set to 0), `clv_no_interval` (low = high).
//!
//! ## Fallbacks (never NaN/Inf)
//! With < 10 customers, no repeat buyers, no observation time (all T = 0) or no converged model,
//! the transaction models are `null`, `chosenModel` is `"simple"`, and per customer
//! `p_alive = 1`, `expected_purchases = 0`, `expected_spend` = the fallback above, and
//! `clv = clv_low = clv_high = simple_clv`.

pub mod bgbb;
pub mod bgnbd;
pub mod by_segment;
pub mod covariates;
pub mod discrete;
pub mod document;
pub mod fitting;
pub mod gamma_gamma;
pub mod input;
pub mod maths;
pub mod mbgnbd;
pub mod model;
pub mod options;
pub mod pareto;
pub mod prediction;
pub mod run;
pub mod sbg;
pub mod simple;
pub mod uncertainty;
pub mod units;
pub mod validation;

pub use document::{ClvColumns, ClvReport};
pub use input::{ClvInput, HoldoutInput};
pub use model::ModelKind;
pub use options::{ClvOptions, ModelChoice};
pub use run::run;
pub use units::TimeUnit;
