//! Fitting the transaction models and Gamma-Gamma: customers collapsed to weighted unique rows
//! (`collapse`) and their time-scaled view (`fitdata`); the optimisers (`optim`: argmin L-BFGS
//! and the finite-difference Hessian; `bfgs`: the warm-started dense BFGS of large fits);
//! `linalg` (Cholesky, SPD inverse); `fit_all` (every model, their report sections, the choice
//! of the CLV model).

pub mod bfgs;
pub mod collapse;
pub mod fit_all;
pub mod fitdata;
pub mod linalg;
pub mod optim;
