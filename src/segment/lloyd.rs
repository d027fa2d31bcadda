//! Lloyd's k-means iterations over a flat row-major buffer, accelerated with Hamerly's bounds.
//!
//! This is the hot loop of the segmentation: every restart on the scan sample and the final
//! refinement on all customers run here. linfa's k-means walks ndarray row views per customer
//! and allocates new centroid arrays every iteration, which costs ~4x more per distance than
//! this loop; Hamerly's bounds then skip most distance computations once clusters settle
//! (docs/dependencies.md explains why the hot loop is ours and not linfa's).
//!
//! Hamerly (2010) keeps, per point, an upper bound on the distance to its centroid and a lower
//! bound on the distance to every other centroid; a point whose upper bound is below both its
//! lower bound and half the distance from its centroid to the nearest other centroid cannot
//! change cluster, so it is not compared with any centroid. The assignments are those of plain
//! Lloyd (up to exact ties, which keep the previous cluster), so the result is the same local
//! optimum. The update rule is scikit-learn's: mean of the members, an empty cluster keeps its
//! centroid. Centroid sums are rebuilt in row order every iteration (never updated
//! incrementally), so every sum is sequential and bit-reproducible natively and in wasm32.

/// Refines `centroids` (k x d, row-major) in place; returns the number of iterations run.
/// Stops when the squared Frobenius norm of the centroid shift is <= `tolerance`² or after
/// `max_iter` centroid updates. Dispatches to a copy compiled for the exact width (1..=5
/// features) so the distance loop is fully unrolled.
pub(crate) fn lloyd(
    data: &[f64],
    d: usize,
    centroids: &mut [f64],
    max_iter: u64,
    tolerance: f64,
) -> u64 {
    if d == 0 || centroids.is_empty() || !centroids.len().is_multiple_of(d) || max_iter == 0 {
        return 0;
    }
    match d {
        1 => hamerly::<1>(data, centroids, max_iter, tolerance),
        2 => hamerly::<2>(data, centroids, max_iter, tolerance),
        3 => hamerly::<3>(data, centroids, max_iter, tolerance),
        4 => hamerly::<4>(data, centroids, max_iter, tolerance),
        5 => hamerly::<5>(data, centroids, max_iter, tolerance),
        _ => 0,
    }
}

/// Per-point state of Hamerly's algorithm.
struct Bounds {
    label: Vec<u32>,
    /// Upper bound on the distance (not squared) to the own centroid.
    upper: Vec<f64>,
    /// Lower bound on the distance to every other centroid.
    lower: Vec<f64>,
}

fn hamerly<const D: usize>(
    data: &[f64],
    centroids: &mut [f64],
    max_iter: u64,
    tolerance: f64,
) -> u64 {
    let k = centroids.len() / D;
    let n = data.len() / D;
    let mut b = Bounds {
        label: vec![0; n],
        upper: vec![0.0; n],
        lower: vec![0.0; n],
    };
    let mut sums = vec![0.0; k * D];
    let mut counts = vec![0usize; k];
    for (i, row) in data.chunks_exact(D).enumerate() {
        let (c, d1, d2) = nearest_two::<D>(row, centroids);
        b.label[i] = c as u32;
        b.upper[i] = d1.sqrt();
        b.lower[i] = d2.sqrt();
        add_row::<D>(&mut sums, &mut counts, c, row);
    }
    let mut shift = vec![0.0; k];
    let mut half = vec![0.0; k];
    let mut iter = 0;
    loop {
        iter += 1;
        let total = update_centroids::<D>(centroids, &sums, &counts, &mut shift);
        if total <= tolerance * tolerance || iter >= max_iter {
            return iter;
        }
        // Largest and second largest centroid move: a point's lower bound drops by the largest
        // move of any centroid other than its own.
        let (mut r1, mut p1, mut p2) = (usize::MAX, 0.0f64, 0.0f64);
        for (c, &p) in shift.iter().enumerate() {
            if p > p1 {
                (p2, p1, r1) = (p1, p, c);
            } else if p > p2 {
                p2 = p;
            }
        }
        half_gaps::<D>(centroids, &mut half);
        sums.iter_mut().for_each(|v| *v = 0.0);
        counts.iter_mut().for_each(|v| *v = 0);
        for (i, row) in data.chunks_exact(D).enumerate() {
            let mut a = b.label[i] as usize;
            b.upper[i] += shift[a];
            b.lower[i] -= if a == r1 { p2 } else { p1 };
            // Not f64::max: in wasm32 that is a call to `fmax` (NaN rules), 10% of the scan.
            let m = if half[a] > b.lower[i] {
                half[a]
            } else {
                b.lower[i]
            };
            if b.upper[i] > m {
                b.upper[i] = sq_dist::<D>(row, &centroids[a * D..(a + 1) * D]).sqrt();
                if b.upper[i] > m {
                    let (c, d1, d2) = nearest_two::<D>(row, centroids);
                    a = c;
                    b.label[i] = c as u32;
                    b.upper[i] = d1.sqrt();
                    b.lower[i] = d2.sqrt();
                }
            }
            add_row::<D>(&mut sums, &mut counts, a, row);
        }
    }
}

#[inline(always)]
fn add_row<const D: usize>(sums: &mut [f64], counts: &mut [usize], c: usize, row: &[f64]) {
    counts[c] += 1;
    let (s, x) = (&mut sums[c * D..(c + 1) * D], &row[..D]);
    s[0] += x[0];
    if D > 1 {
        s[1] += x[1];
    }
    if D > 2 {
        s[2] += x[2];
    }
    if D > 3 {
        s[3] += x[3];
    }
    if D > 4 {
        s[4] += x[4];
    }
}

/// Moves every populated centroid to the mean of its members; `shift[c]` = distance moved.
/// Returns the squared Frobenius norm of the whole move.
fn update_centroids<const D: usize>(
    centroids: &mut [f64],
    sums: &[f64],
    counts: &[usize],
    shift: &mut [f64],
) -> f64 {
    let mut total = 0.0;
    for (c, &count) in counts.iter().enumerate() {
        shift[c] = 0.0;
        if count == 0 {
            continue;
        }
        let inv = 1.0 / count as f64;
        let mut sq = 0.0;
        for j in 0..D {
            let new = sums[c * D + j] * inv;
            let delta = new - centroids[c * D + j];
            sq += delta * delta;
            centroids[c * D + j] = new;
        }
        shift[c] = sq.sqrt();
        total += sq;
    }
    total
}

/// `half[c]` = half the distance from centroid c to its nearest other centroid (infinite when
/// k = 1): a point closer than that to its own centroid cannot be closer to another.
fn half_gaps<const D: usize>(centroids: &[f64], half: &mut [f64]) {
    half.iter_mut().for_each(|h| *h = f64::INFINITY);
    let k = half.len();
    for a in 0..k {
        for b in a + 1..k {
            let g = 0.5 * sq_dist::<D>(&centroids[a * D..], &centroids[b * D..]).sqrt();
            half[a] = half[a].min(g);
            half[b] = half[b].min(g);
        }
    }
}

/// Squared distance over exactly `D` coordinates, unrolled by hand: the release profile
/// optimises for size (opt-level "s"), where LLVM keeps a `for j in 0..D` loop rolled, and that
/// loop made the wasm build ~3x slower per distance. Summed left to right like the loop.
#[inline(always)]
pub(crate) fn sq_dist<const D: usize>(a: &[f64], b: &[f64]) -> f64 {
    let (a, b) = (&a[..D], &b[..D]);
    let t = a[0] - b[0];
    let mut dist = t * t;
    if D > 1 {
        let t = a[1] - b[1];
        dist += t * t;
    }
    if D > 2 {
        let t = a[2] - b[2];
        dist += t * t;
    }
    if D > 3 {
        let t = a[3] - b[3];
        dist += t * t;
    }
    if D > 4 {
        let t = a[4] - b[4];
        dist += t * t;
    }
    dist
}

/// `sq_dist` for a width known only at run time (1..=5 features; 0 beyond).
#[inline]
pub(crate) fn sq_dist_any(a: &[f64], b: &[f64], d: usize) -> f64 {
    match d {
        1 => sq_dist::<1>(a, b),
        2 => sq_dist::<2>(a, b),
        3 => sq_dist::<3>(a, b),
        4 => sq_dist::<4>(a, b),
        5 => sq_dist::<5>(a, b),
        _ => a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum(),
    }
}

/// Nearest centroid (first one wins ties), its squared distance and the squared distance to
/// the second nearest (infinite when k = 1).
#[inline(always)]
fn nearest_two<const D: usize>(row: &[f64], centroids: &[f64]) -> (usize, f64, f64) {
    let mut x = [0.0; D];
    x.copy_from_slice(&row[..D]);
    let (mut best, mut d1, mut d2) = (0usize, f64::INFINITY, f64::INFINITY);
    for (c, cen) in centroids.chunks_exact(D).enumerate() {
        let dist = sq_dist::<D>(&x, cen);
        if dist < d1 {
            (d2, d1, best) = (d1, dist, c);
        } else if dist < d2 {
            d2 = dist;
        }
    }
    (best, d1, d2)
}

/// Nearest centroid of every row (first one wins ties) and the SUM of squared distances
/// (scikit-learn's `inertia_`), sequential so the sum is bit-reproducible.
pub(crate) fn assign_flat(data: &[f64], d: usize, centroids: &[f64]) -> (Vec<u32>, f64) {
    match d {
        1 => assign_fixed::<1>(data, centroids),
        2 => assign_fixed::<2>(data, centroids),
        3 => assign_fixed::<3>(data, centroids),
        4 => assign_fixed::<4>(data, centroids),
        5 => assign_fixed::<5>(data, centroids),
        _ => {
            let labels = vec![0; data.len().checked_div(d).unwrap_or(0)];
            (labels, 0.0)
        }
    }
}

fn assign_fixed<const D: usize>(data: &[f64], centroids: &[f64]) -> (Vec<u32>, f64) {
    let mut labels = Vec::with_capacity(data.len() / D);
    let mut inertia = 0.0;
    for row in data.chunks_exact(D) {
        let mut x = [0.0; D];
        x.copy_from_slice(row);
        let mut best = (0usize, f64::INFINITY);
        for (c, cen) in centroids.chunks_exact(D).enumerate() {
            let dist = sq_dist::<D>(&x, cen);
            if dist < best.1 {
                best = (c, dist);
            }
        }
        labels.push(best.0 as u32);
        if best.1.is_finite() {
            inertia += best.1;
        }
    }
    (labels, inertia)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain Lloyd (no bounds), the reference the accelerated loop must reproduce.
    fn plain(data: &[f64], d: usize, c: &mut [f64], max_iter: u64, tol: f64) -> u64 {
        let k = c.len() / d;
        for iter in 1..=max_iter {
            let (labels, _) = assign_flat(data, d, c);
            let mut sums = vec![0.0; k * d];
            let mut counts = vec![0usize; k];
            for (row, &l) in data.chunks_exact(d).zip(&labels) {
                counts[l as usize] += 1;
                for j in 0..d {
                    sums[l as usize * d + j] += row[j];
                }
            }
            let mut total = 0.0;
            for cc in 0..k {
                if counts[cc] == 0 {
                    continue;
                }
                let inv = 1.0 / counts[cc] as f64;
                for j in 0..d {
                    let new = sums[cc * d + j] * inv;
                    total += (new - c[cc * d + j]) * (new - c[cc * d + j]);
                    c[cc * d + j] = new;
                }
            }
            if total <= tol * tol {
                return iter;
            }
        }
        max_iter
    }

    #[test]
    fn converges_to_group_means_and_keeps_empty_centroid() {
        let data = [0.0, 0.0, 1.0, 0.0, 10.0, 10.0, 11.0, 10.0];
        let mut c = [0.2, 0.0, 9.0, 9.0, 100.0, 100.0];
        let iters = lloyd(&data, 2, &mut c, 50, 1e-12);
        assert!((2..50).contains(&iters));
        assert_eq!(c, [0.5, 0.0, 10.5, 10.0, 100.0, 100.0]);
        assert_eq!(lloyd(&data, 0, &mut c, 5, 1e-3), 0);
        assert_eq!(assign_flat(&[10.0, 10.0], 2, &c).0, [1]);
    }

    /// The bounds only skip work: same iterations and bit-identical centroids as plain Lloyd
    /// on random data (no exact ties), for every dispatched width.
    #[test]
    fn hamerly_equals_plain_lloyd() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for d in 1..=5 {
            let n = 3000;
            let data: Vec<f64> = (0..n * d)
                .map(|i| next() * 4.0 + ((i / d) % 3) as f64)
                .collect();
            for k in [1, 2, 5, 9] {
                let start: Vec<f64> = data[..k * d].to_vec();
                let (mut a, mut b) = (start.clone(), start);
                let ia = lloyd(&data, d, &mut a, 300, 1e-9);
                let ib = plain(&data, d, &mut b, 300, 1e-9);
                assert_eq!((ia, &a), (ib, &b), "d={d} k={k}");
            }
        }
    }
}
