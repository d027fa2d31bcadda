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
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[cfg_attr(test, ts(optional_fields = nullable))]
pub struct Options {
    /// Last day of the observation period, inclusive (`YYYY-MM-DD`). Default: last transaction.
    pub as_of: Option<String>,
    #[cfg_attr(test, ts(optional = nullable))]
    pub time_unit: TimeUnit,
    #[cfg_attr(test, ts(optional = nullable))]
    pub ingest: IngestOptions,
    #[cfg_attr(test, ts(optional = nullable))]
    pub rfm: RfmOptions,
    #[cfg_attr(test, ts(optional = nullable))]
    pub lifecycle: LifecycleOptions,
    #[cfg_attr(test, ts(optional = nullable))]
    pub kpis: KpiOptions,
    #[cfg_attr(test, ts(optional = nullable))]
    pub segments: SegmentOptions,
    #[cfg_attr(test, ts(optional = nullable))]
    pub clv: ClvOptions,
    #[cfg_attr(test, ts(optional = nullable))]
    pub retention: RetentionOptions,
    #[cfg_attr(test, ts(optional = nullable))]
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
