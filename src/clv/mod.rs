//! Customer lifetime value. (Filled by the CLV work; typed and empty until then.)
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClvOptions {
    pub horizon_months: Option<u32>,
}

impl ClvOptions {
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClvReport {
    pub simple: Option<serde_json::Value>,
    pub bgnbd: Option<serde_json::Value>,
    pub pareto_nbd: Option<serde_json::Value>,
    pub mbgnbd: Option<serde_json::Value>,
    pub gamma_gamma: Option<serde_json::Value>,
}
