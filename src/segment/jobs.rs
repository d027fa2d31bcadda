//! One k-means job's answer (`Scan::run_job`) and its bytes, so it can cross between workers
//! with every f64's bits: the k scan is shared by whichever threads are free.

use ndarray::Array2;

/// What one k-means job gave.
#[derive(Debug, Clone, PartialEq)]
pub enum KmeansFit {
    /// The best run's centroids (k x d) on all customers, its inertia there, and (a scanned
    /// k) its silhouette on the silhouette sample.
    Fit(Array2<f64>, f64, Option<f64>),
    /// No run left finite centroids (nothing to warn about beyond what the runs did).
    NoFit,
    /// The restarts could not run: the `fitFailed` warning's text.
    Failed(String),
}

const FIT: u8 = 2;
const NO_FIT: u8 = 1;
const FAILED: u8 = 0;

impl KmeansFit {
    /// Bytes: a tag, then whether a silhouette follows, the inertia, the silhouette (0 if
    /// none) and the centroids row-major (little-endian f64); or the warning's UTF-8 text.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            KmeansFit::Fit(c, inertia, sil) => {
                let mut out = Vec::with_capacity(18 + 8 * c.len());
                out.extend([FIT, u8::from(sil.is_some())]);
                for v in [inertia, &sil.unwrap_or(0.0)].into_iter().chain(c.iter()) {
                    out.extend_from_slice(&v.to_le_bytes());
                }
                out
            }
            KmeansFit::NoFit => vec![NO_FIT],
            KmeansFit::Failed(text) => {
                let mut out = vec![FAILED];
                out.extend_from_slice(text.as_bytes());
                out
            }
        }
    }

    /// The answer `encode` made for a job of `k` clusters on `d` features; `None` when the
    /// bytes are not such an answer.
    pub fn decode(bytes: &[u8], k: usize, d: usize) -> Option<KmeansFit> {
        let (&tag, rest) = bytes.split_first()?;
        match tag {
            FIT if rest.len() == 1 + 8 * (2 + k * d) && rest[0] < 2 => {
                let mut v = rest[1..]
                    .chunks_exact(8)
                    .map(|b| f64::from_le_bytes(b.try_into().unwrap_or_default()));
                let (inertia, sil) = (v.next()?, v.next()?);
                let c = Array2::from_shape_vec((k, d), v.collect()).ok()?;
                Some(KmeansFit::Fit(c, inertia, (rest[0] == 1).then_some(sil)))
            }
            NO_FIT if rest.is_empty() => Some(KmeansFit::NoFit),
            FAILED => String::from_utf8(rest.to_vec()).ok().map(KmeansFit::Failed),
            _ => None,
        }
    }
}
