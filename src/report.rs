//! The Report: the one result every caller (CLI, wasm, page) gets.
//!
//! Keys are camelCase and documented in `docs/report.md`; the keys listed in the reference
//! contract are stable. Every section is always present, so consumers never probe for keys.
use serde::{Deserialize, Serialize};

use crate::churn::ChurnReport;
use crate::clv::ClvReport;
use crate::explain::ExplainReport;
use crate::ingest::IngestReport;
use crate::insights::InsightsReport;
use crate::kpis::KpisReport;
use crate::lifecycle::LifecycleReport;
use crate::retention::RetentionReport;
use crate::rfm::RfmReport;
use crate::segment::SegmentsReport;
use crate::units::TimeUnit;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    pub code: String,
    pub message: String,
}

impl Warning {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Warning {
            code: code.to_string(),
            // Bounded like error messages: a warning may quote values from the file.
            message: crate::error::clip(&message.into(), crate::error::MESSAGE_CHARS),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub schema_version: u32,
    pub as_of: String,
    pub time_unit: TimeUnit,
    pub ingest: IngestReport,
    pub kpis: KpisReport,
    pub rfm: RfmReport,
    pub lifecycle: LifecycleReport,
    pub segments: SegmentsReport,
    pub clv: ClvReport,
    /// Subscription retention (sBG); `source: "none"` unless the input is subscription data.
    pub retention: RetentionReport,
    /// The findings that matter most, ranked (src/insights/).
    pub insights: InsightsReport,
    pub churn: ChurnReport,
    pub explain: ExplainReport,
    pub warnings: Vec<Warning>,
}
