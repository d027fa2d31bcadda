//! Options for one analysis run, shared by the CLI (`--options JSON` plus flags) and JS.
//!
//! Each analysis owns its option type next to its code; this struct only composes them.
//! Unknown keys are rejected, so a typo in an embedder's options is an error, not a silent
//! default.
use serde::{Deserialize, Serialize};

use crate::churn::ChurnOptions;
use crate::clv::ClvOptions;
use crate::error::{Error, Result};
use crate::ingest::IngestOptions;
use crate::kpis::KpiOptions;
use crate::lifecycle::LifecycleOptions;
use crate::retention::RetentionOptions;
use crate::rfm::RfmOptions;
use crate::segment::SegmentOptions;
use crate::units::TimeUnit;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Options {
    /// Last day of the observation period, inclusive (`YYYY-MM-DD`). Default: last transaction.
    pub as_of: Option<String>,
    pub time_unit: TimeUnit,
    pub ingest: IngestOptions,
    pub rfm: RfmOptions,
    pub lifecycle: LifecycleOptions,
    pub kpis: KpiOptions,
    pub segments: SegmentOptions,
    pub clv: ClvOptions,
    pub retention: RetentionOptions,
    pub churn: ChurnOptions,
}

impl Options {
    pub fn from_json(s: &str) -> Result<Options> {
        serde_json::from_str(s).map_err(|e| Error::option(format!("options JSON: {e}")))
    }

    /// Checks every section, so a bad value fails before any work is done.
    pub fn validate(&self) -> Result<()> {
        if let Some(d) = &self.as_of {
            if crate::dates::parse_iso(d).is_none() {
                return Err(Error::option(format!(
                    "asOf {d:?} is not a date of the form YYYY-MM-DD"
                ))
                .with_hint("--as-of 2024-12-31"));
            }
        }
        self.ingest.validate()?;
        self.rfm.validate()?;
        self.lifecycle.validate()?;
        self.kpis.validate()?;
        self.segments.validate().map_err(Error::option)?;
        self.clv.validate().map_err(Error::option)?;
        self.retention.validate().map_err(Error::option)?;
        self.churn.validate().map_err(Error::option)?;
        Ok(())
    }

    /// The as-of day, if set and valid.
    pub fn as_of_day(&self) -> Option<i32> {
        self.as_of.as_deref().and_then(crate::dates::parse_iso)
    }
}
