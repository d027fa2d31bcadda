//! k-means customer segments. (Filled by the k-means work; typed and empty until then.)
use serde::{Deserialize, Serialize};

use crate::report::Warning;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SegmentOptions {
    pub k: Option<usize>,
    pub seed: u64,
}

impl SegmentOptions {
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanPoint {
    pub k: usize,
    pub inertia: f64,
    pub silhouette: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentsReport {
    pub k: Option<usize>,
    pub inertia: Option<f64>,
    pub silhouette: Option<f64>,
    pub scan: Vec<ScanPoint>,
    pub clusters: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SegmentColumns {
    pub cluster: Vec<u32>,
    pub x: Vec<f32>,
    pub y: Vec<f32>,
}

pub fn run(_n: usize, _opts: &SegmentOptions) -> (SegmentsReport, SegmentColumns, Vec<Warning>) {
    (SegmentsReport::default(), SegmentColumns::default(), vec![])
}
