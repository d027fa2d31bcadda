//! 2-D projection for the scatter plot: PCA of the standardised features.
//!
//! The eigen-decomposition is a small cyclic Jacobi on the d x d (d <= 5) covariance matrix,
//! written here because it needs only + - * / and sqrt, which round identically on every target
//! (linfa-linalg's `eigh` uses `hypot`, whose last bit may differ between native libm and wasm).

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

/// Projection description for the report.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Projection {
    /// Always "pca".
    pub method: String,
    /// Share of the total variance explained by PC1 and PC2 (ratios in 0..=1).
    pub explained_variance: [f64; 2],
    /// Loadings of PC1 and PC2 on the used features (same order as `features`). Sign convention:
    /// the largest-magnitude loading of each component is positive (scikit-learn's svd_flip).
    pub components: [Vec<f64>; 2],
}

/// Projects every row onto the first two principal components. Columns are already centred.
pub(crate) fn project(data: ArrayView2<f64>) -> (Projection, Vec<f32>, Vec<f32>) {
    let (n, d) = data.dim();
    let mut proj = Projection {
        method: "pca".into(),
        explained_variance: [0.0, 0.0],
        components: [vec![0.0; d], vec![0.0; d]],
    };
    if n == 0 || d == 0 {
        return (proj, vec![0.0; n], vec![0.0; n]);
    }
    let mut cov = vec![0.0; d * d];
    for row in data.rows() {
        for a in 0..d {
            for b in a..d {
                cov[a * d + b] += row[a] * row[b];
            }
        }
    }
    for a in 0..d {
        for b in a..d {
            cov[a * d + b] /= n as f64;
            cov[b * d + a] = cov[a * d + b];
        }
    }
    let (vals, vecs) = jacobi_eigen(cov, d);
    let mut order: Vec<usize> = (0..d).collect();
    crate::sort::indices_by(&mut order, |i, j| {
        vals[j].total_cmp(&vals[i]).then(i.cmp(&j))
    });
    let total: f64 = vals.iter().map(|v| v.max(0.0)).sum();
    for (pc, slot) in order.iter().take(2).enumerate() {
        let mut v: Vec<f64> = (0..d).map(|r| vecs[r * d + slot]).collect();
        let max_i = (0..d)
            .max_by(|&i, &j| v[i].abs().total_cmp(&v[j].abs()).then(j.cmp(&i)))
            .unwrap_or(0);
        if v[max_i] < 0.0 {
            v.iter_mut().for_each(|x| *x = -*x);
        }
        if total > 0.0 {
            proj.explained_variance[pc] = vals[*slot].max(0.0) / total;
        }
        proj.components[pc] = v;
    }
    let dot = |row: ndarray::ArrayView1<f64>, c: &[f64]| -> f32 {
        row.iter().zip(c).map(|(a, b)| a * b).sum::<f64>() as f32
    };
    let x = data
        .rows()
        .into_iter()
        .map(|r| dot(r, &proj.components[0]))
        .collect();
    let y = data
        .rows()
        .into_iter()
        .map(|r| dot(r, &proj.components[1]))
        .collect();
    (proj, x, y)
}

/// Eigenvalues and column eigenvectors (row-major d x d) of a symmetric matrix.
fn jacobi_eigen(mut a: Vec<f64>, d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0.0; d * d];
    for i in 0..d {
        v[i * d + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..d)
            .flat_map(|p| (0..d).filter(move |&q| q != p).map(move |q| (p, q)))
            .map(|(p, q)| a[p * d + q] * a[p * d + q])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..d {
            for q in (p + 1)..d {
                let apq = a[p * d + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * d + q] - a[p * d + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for r in 0..d {
                    let (arp, arq) = (a[r * d + p], a[r * d + q]);
                    a[r * d + p] = c * arp - s * arq;
                    a[r * d + q] = s * arp + c * arq;
                }
                for r in 0..d {
                    let (apr, aqr) = (a[p * d + r], a[q * d + r]);
                    a[p * d + r] = c * apr - s * aqr;
                    a[q * d + r] = s * apr + c * aqr;
                }
                for r in 0..d {
                    let (vrp, vrq) = (v[r * d + p], v[r * d + q]);
                    v[r * d + p] = c * vrp - s * vrq;
                    v[r * d + q] = s * vrp + c * vrq;
                }
            }
        }
    }
    ((0..d).map(|i| a[i * d + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn jacobi_recovers_known_eigenpairs() {
        // [[2,1,0],[1,2,0],[0,0,1]]: eigenvalues 3, 1, 1; top vector (1,1,0)/sqrt2.
        let (vals, vecs) = jacobi_eigen(vec![2.0, 1.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 1.0], 3);
        let mut sorted = vals.clone();
        sorted.sort_by(|a, b| b.total_cmp(a));
        assert!((sorted[0] - 3.0).abs() < 1e-12 && (sorted[2] - 1.0).abs() < 1e-12);
        let top = (0..3).max_by(|&i, &j| vals[i].total_cmp(&vals[j])).unwrap();
        let h = std::f64::consts::FRAC_1_SQRT_2;
        assert!((vecs[top].abs() - h).abs() < 1e-12 && (vecs[3 + top].abs() - h).abs() < 1e-12);
    }

    #[test]
    fn projection_sign_and_variance() {
        // Perfectly correlated columns: PC1 explains everything, loadings positive.
        let data = Array2::from_shape_vec((4, 2), vec![-1.5, -1.5, -0.5, -0.5, 0.5, 0.5, 1.5, 1.5])
            .unwrap();
        let (p, x, y) = project(data.view());
        assert!((p.explained_variance[0] - 1.0).abs() < 1e-12);
        assert!(p.explained_variance[1].abs() < 1e-12);
        assert!(p.components[0].iter().all(|&v| v > 0.0));
        assert!(x[3] > x[0] && y.iter().all(|v| v.abs() < 1e-6));
    }
}
