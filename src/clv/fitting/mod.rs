//! Fitting the transaction models and Gamma-Gamma: customers collapsed to weighted unique rows
//! (`collapse`) and their time-scaled view (`fitdata`); the optimisers (`optim`: argmin L-BFGS
//! and the finite-difference Hessian; `bfgs`: the warm-started dense BFGS of large fits);
//! `linalg` (Cholesky, SPD inverse); `fit` (one transaction model: plan, warm start, standard
//! errors); `fit_all` (every model and its report section); `choice` (which model gives CLV).

pub mod bfgs;
pub mod choice;
pub mod collapse;
pub mod fit;
pub mod fit_all;
pub mod fitdata;
pub mod linalg;
pub mod optim;
