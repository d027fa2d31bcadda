//! Findings: the 3–5 things in a Report that matter most, each as a code, the panel that
//! shows it, its rank and its numbers, so the CLI, Node embedders and the dashboard state the
//! same findings (the dashboard words them in its language from the code and the values).
//!
//! Each rule of [`rules`] looks at one thing and gives at most one finding when its
//! threshold is met; the findings are ranked by the rules' fixed priority (the order of
//! [`rules::RULES`]) and at most [`MAX_FINDINGS`] are kept. Rules that speak of shares of
//! customers need [`MIN_CUSTOMERS`] customers, and a group of at least [`MIN_GROUP`]: tiny or
//! degenerate data give fewer findings, never silly ones. docs/report.md lists the rules.
pub mod rules;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::customers::CustomerTable;
use crate::ingest::RowAccount;
use crate::lifecycle::Stage;
use crate::report::Report;

/// At most this many findings.
pub const MAX_FINDINGS: usize = 5;
/// Customers a rule about shares of customers needs.
pub const MIN_CUSTOMERS: usize = 20;
/// Customers a group (segment, stage, cluster) needs to be a finding.
pub const MIN_GROUP: usize = 5;

/// The `insights` section of the Report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct InsightsReport {
    /// Most important first (`rank` 1, 2, …).
    pub findings: Vec<Finding>,
}

/// One finding: `code` names the rule (and the sentence), `panel` the dashboard panel that
/// shows the detail, `list` the customers it speaks of when they are a segment, stage or
/// cluster, `values` its numbers (shares in 0..1) and names.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub code: String,
    pub panel: String,
    pub rank: u32,
    pub list: Option<ListRef>,
    pub values: BTreeMap<String, Value>,
}

/// The customers of a finding, as the dashboard's lists name them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ListRef {
    /// `rfm`, `stage` or `cluster`.
    pub kind: String,
    /// The RFM segment's rule name, the stage key, or the cluster id.
    pub key: String,
}

/// A finding's value: a number (finite) or a name (a segment, a stage key, a code).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "InsightValue"))]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Text(String),
}

/// What the rules read: the Report (without its insights) and the per-customer columns.
pub struct Inputs<'a> {
    pub report: &'a Report,
    pub account: &'a RowAccount,
    pub customers: &'a CustomerTable,
    /// RFM segment per customer (index into `report.rfm.segments`).
    pub rfm_segment: &'a [u16],
    pub stages: &'a [Stage],
    pub p_alive: &'a [f64],
    pub clv: &'a [f64],
}

/// A finding before ranking.
pub struct Draft {
    pub code: &'static str,
    pub panel: &'static str,
    pub list: Option<ListRef>,
    pub values: Vec<(&'static str, Value)>,
}

/// Runs every rule and keeps the [`MAX_FINDINGS`] of highest priority.
pub fn findings(inp: &Inputs) -> InsightsReport {
    let findings = rules::RULES
        .iter()
        .filter_map(|rule| rule(inp))
        .take(MAX_FINDINGS)
        .enumerate()
        .map(|(i, d)| Finding {
            code: d.code.into(),
            panel: d.panel.into(),
            rank: i as u32 + 1,
            list: d.list,
            values: d
                .values
                .into_iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::Number(x) if !x.is_finite() => Value::Number(0.0),
                        v => v,
                    };
                    (k.to_string(), v)
                })
                .collect(),
        })
        .collect();
    InsightsReport { findings }
}
