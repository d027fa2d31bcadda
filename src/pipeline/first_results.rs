//! The first results: the sections of a Report that exist after the cheap stages (customer
//! table, RFM, KPIs), before any model is fitted. The page shows them while CLV and the
//! segments are computed.
use super::Dataset;
use crate::error::Result;
use crate::kpis::KpisReport;
use crate::options::Options;
use crate::rfm::RfmReport;

/// The "first results" the page shows while CLV and the segments are computed. Each equals
/// the same section of the Report that follows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FirstResults {
    pub kpis: KpisReport,
    pub rfm: RfmReport,
}

impl Dataset {
    /// Runs the cheap stages (customer table, RFM, KPIs) for `opts` into the stage memo, so
    /// the `reanalyze` that follows with the same options only fits the models (CLV,
    /// lifecycle, k-means). It lets the page report "fitting" between the two calls; the
    /// Report is the one `reanalyze` alone gives (tests/reanalyze.rs).
    /// Returns the first results (KPIs and RFM, the Report's sections as `reanalyze` will
    /// give them), which the page shows while the models are fitted; `None` for subscription
    /// input (no customer stages).
    pub fn prepare(&mut self, opts: &Options) -> Result<Option<FirstResults>> {
        opts.validate()?;
        if self.is_subscription_input() {
            return Ok(None);
        }
        self.with_stages(opts, |r| {
            let c = r.cheap()?;
            Ok(Some(FirstResults {
                kpis: c.kpi.kpis.clone(),
                rfm: c.rfm.report.clone(),
            }))
        })
    }
}
