//! Tiny dense linear algebra for 3x3/4x4 covariance work (no need for a matrix crate).
#![allow(clippy::needless_range_loop)] // textbook index-form kernels read best here

/// Cholesky factor L (lower) of a symmetric positive-definite matrix; None if not PD/finite.
pub fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = *a.get(i)?.get(j)?;
            for k in 0..j {
                s -= l[i][k] * l[j][k];
            }
            if i == j {
                if s.is_nan() || s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i][j] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    Some(l)
}

/// Inverse of an SPD matrix via Cholesky; None if not PD.
pub fn spd_inverse(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let l = cholesky(a)?;
    let mut inv = vec![vec![0.0; n]; n];
    for col in 0..n {
        // Solve L y = e_col, then L^T x = y.
        let mut y = vec![0.0; n];
        for i in 0..n {
            let mut s = if i == col { 1.0 } else { 0.0 };
            for k in 0..i {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        let mut x = vec![0.0; n];
        for i in (0..n).rev() {
            let mut s = y[i];
            for k in i + 1..n {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        for i in 0..n {
            inv[i][col] = x[i];
        }
    }
    if inv.iter().flatten().all(|v| v.is_finite()) {
        Some(inv)
    } else {
        None
    }
}
