//! Dense BFGS from a warm start: the fast path of every large fit.
//!
//! argmin's L-BFGS starts with no curvature information, so from lifetimes' starting point it
//! needs 20-40 likelihood evaluations over every collapsed row. When a good start and a good
//! Hessian are known (the optimum and Hessian of a fit on a systematic subsample, or of the
//! full-period fit for the holdout refit), quasi-Newton steps with that Hessian converge in a
//! handful of evaluations. The parameter space has 3-4 dimensions, so the inverse Hessian is
//! kept dense. The stopping rule is argmin's (gradient norm 1e-8); a fit that does not reach
//! [`GRAD_TOL`] returns None and the caller falls back to the argmin path.

use crate::clv::fitting::linalg::spd_inverse;
use crate::clv::fitting::optim::{Minimum, Objective, GRAD_TOL};

/// Gradient norm at which iteration stops (argmin's `tolerance_grad`).
const STOP: f64 = 1e-8;

/// Most quasi-Newton iterations before giving up (the fallback then runs).
const MAX_ITERS: usize = 60;

/// Most objective evaluations before giving up: a warm start that needs more is not warm,
/// and the argmin fallback is then cheaper than more backtracking.
const MAX_EVALS: usize = 120;

/// Largest step per iteration in any log-parameter (a factor e^2): keeps a poor Hessian from
/// jumping into overflow.
const MAX_STEP: f64 = 2.0;

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn identity(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect()
}

fn finite(v: &[f64]) -> bool {
    v.iter().all(|x| x.is_finite())
}

/// Minimises `obj` from `phi0` with BFGS, the inverse Hessian started from `hess` (the Hessian
/// of the objective near `phi0`; identity when None or not positive definite). Returns None
/// unless the gradient norm ends below [`GRAD_TOL`].
pub fn refine(obj: &dyn Objective, phi0: &[f64], hess: Option<&[Vec<f64>]>) -> Option<Minimum> {
    let n = phi0.len();
    let mut x = phi0.to_vec();
    let mut g = vec![0.0; n];
    let mut f = obj.eval(&x, &mut g);
    if !(f.is_finite() && finite(&g)) {
        return None;
    }
    let mut hi = hess.and_then(spd_inverse).unwrap_or_else(|| identity(n));
    let (mut xn, mut gn) = (vec![0.0; n], vec![0.0; n]);
    let mut p = vec![0.0; n];
    let mut iterations = 0u64;
    let mut evals = 1usize;
    for _ in 0..MAX_ITERS {
        let gnorm = dot(&g, &g).sqrt();
        if gnorm < STOP {
            break;
        }
        for i in 0..n {
            p[i] = -dot(&hi[i], &g);
        }
        let mut gp = dot(&g, &p);
        if !(gp < 0.0 && finite(&p)) {
            hi = identity(n);
            p.iter_mut().zip(&g).for_each(|(pi, gi)| *pi = -gi);
            gp = -gnorm * gnorm;
        }
        let big = p.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if big > MAX_STEP {
            let c = MAX_STEP / big;
            p.iter_mut().for_each(|v| *v *= c);
            gp *= c;
        }
        // Backtracking (Armijo); near the optimum f changes by less than its rounding, so a
        // step that does not raise f beyond rounding and shrinks the gradient is also taken.
        let mut alpha = 1.0;
        let mut fnew = f64::NAN;
        let mut accepted = false;
        // Below GRAD_TOL the gradient is near its rounding floor: one full step or stop.
        let tries = if gnorm < GRAD_TOL { 1 } else { 40 };
        for _ in 0..tries {
            if evals >= MAX_EVALS {
                break;
            }
            evals += 1;
            for i in 0..n {
                xn[i] = x[i] + alpha * p[i];
            }
            fnew = obj.eval(&xn, &mut gn);
            if fnew.is_finite() && finite(&gn) {
                let armijo = fnew <= f + 1e-4 * alpha * gp;
                let flat =
                    fnew <= f + 4.0 * f64::EPSILON * f.abs() && dot(&gn, &gn) < gnorm * gnorm;
                if armijo || flat {
                    accepted = true;
                    break;
                }
            }
            alpha *= 0.5;
        }
        if !accepted {
            break;
        }
        iterations += 1;
        let s: Vec<f64> = (0..n).map(|i| xn[i] - x[i]).collect();
        let y: Vec<f64> = (0..n).map(|i| gn[i] - g[i]).collect();
        let sy = dot(&s, &y);
        if sy > 1e-12 * dot(&s, &s).sqrt() * dot(&y, &y).sqrt() {
            // H+ = (I - rho s y') H (I - rho y s') + rho s s'
            let rho = 1.0 / sy;
            let hy: Vec<f64> = (0..n).map(|i| dot(&hi[i], &y)).collect();
            let yhy = dot(&y, &hy);
            for i in 0..n {
                for j in 0..n {
                    hi[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j])
                        + (rho * rho * yhy + rho) * s[i] * s[j];
                }
            }
        }
        let stalled = gnorm < GRAD_TOL && dot(&gn, &gn).sqrt() > 0.5 * gnorm;
        std::mem::swap(&mut x, &mut xn);
        std::mem::swap(&mut g, &mut gn);
        f = fnew;
        if stalled {
            break;
        }
    }
    let grad_norm = dot(&g, &g).sqrt();
    (grad_norm < GRAD_TOL).then(|| Minimum {
        phi: x,
        value: f,
        grad_norm,
        grad: g,
        iterations,
        converged: true,
        status: "converged (warm start)".into(),
    })
}
