//! The model card (`analyze --save-model model.json`): what was fitted, on what, and every
//! setting needed to score customers later — natively (`crm-lens score`) or in the warehouse
//! (`crm-lens sql score`) — without the data. Parameters are written in their shortest exact
//! form, so a card read back scores to the same bits.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::clv::document::FitReport;
use crate::clv::gamma_gamma::spend::SpendModel;
use crate::clv::{ClvColumns, ClvReport, ModelKind};
use crate::error::{Error, Result};
use crate::options::Options;
use crate::pipeline::Analysis;
use crate::report::SCHEMA_VERSION;
use crate::units::TimeUnit;

/// The `format` of every card: a reader refuses anything else.
pub const CARD_FORMAT: &str = "crm-lens model card";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModelCard {
    pub format: String,
    /// The Report schema the fit came from.
    pub schema_version: u32,
    pub crm_lens_version: String,
    /// The analysis date of the fit (last day of the observation period).
    pub as_of: String,
    /// Unit of `recency`, `T` and the time-scale parameters (alpha, beta).
    pub time_unit: TimeUnit,
    pub unit_days: f64,
    /// Customers and distinct (x, t_x, T) rows the model was fitted on.
    pub customers: usize,
    pub unique_rows: usize,
    pub model: CardModel,
    pub spend: CardSpend,
    pub clv: CardClv,
    pub holdout: Option<CardHoldout>,
    pub bootstrap: CardBootstrap,
}

/// The transaction model behind P(alive), expected purchases and CLV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CardModel {
    /// `bgnbd`, `paretoNbd`, `mbgnbd`, or `simple` (no model converged: simple CLV).
    pub name: String,
    pub params: BTreeMap<String, f64>,
    pub std_errors: Option<BTreeMap<String, f64>>,
    pub log_likelihood: Option<f64>,
    pub aic: Option<f64>,
    /// `user`, `holdoutRmse`, `aic` or `fallback`, and why in words.
    pub choice_criterion: String,
    pub choice_reason: String,
}

/// Expected spend per future transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CardSpend {
    /// `gammaGamma` (params p, q, v) or `observedMean` (params mean: the customer's own mean
    /// repeat spend when x > 0 and m > 0, else this mean).
    pub name: String,
    pub params: BTreeMap<String, f64>,
    pub std_errors: Option<BTreeMap<String, f64>>,
    pub log_likelihood: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CardClv {
    pub horizon_months: u32,
    /// Model units per month (lifetimes: day 30, week 4.345, month 1).
    pub month_factor: f64,
    /// Monthly discount rate.
    pub discount_rate: f64,
    pub margin_rate: f64,
    pub penalizer: f64,
    /// The simple CLV's monthly retention and its multiplier r / (1 + d − r).
    pub simple_retention_rate: f64,
    pub simple_multiplier: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CardHoldout {
    /// Holdout length in model units.
    pub duration: f64,
    pub customers: usize,
    pub best: Option<String>,
    /// Per model: repeat purchases in the holdout, MAE and RMSE per customer.
    pub models: Vec<CardHoldoutModel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CardHoldoutModel {
    pub model: String,
    pub mae: f64,
    pub rmse: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CardBootstrap {
    pub seed: u64,
    pub draws: u32,
    pub interval: f64,
}

/// Parameter names of each model, in the order the model functions take them.
fn param_names(name: &str) -> Option<&'static [&'static str]> {
    match name {
        "bgnbd" | "mbgnbd" => Some(&["r", "alpha", "a", "b"]),
        "paretoNbd" => Some(&["r", "alpha", "s", "beta"]),
        "gammaGamma" => Some(&["p", "q", "v"]),
        "observedMean" => Some(&["mean"]),
        "simple" => Some(&[]),
        _ => None,
    }
}

fn named(name: &str, values: &[f64]) -> BTreeMap<String, f64> {
    param_names(name)
        .unwrap_or(&[])
        .iter()
        .zip(values)
        .map(|(k, v)| (k.to_string(), *v))
        .collect()
}

/// A params struct of the Report (`BgParams`, …) as a name → value map.
fn as_map<P: Serialize>(p: &P) -> Result<BTreeMap<String, f64>> {
    let v = serde_json::to_value(p).map_err(|e| Error::new("serialize", e.to_string()))?;
    Ok(v.as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, x)| Some((k.clone(), x.as_f64()?)))
                .collect()
        })
        .unwrap_or_default())
}

/// Standard errors, log-likelihood and AIC of a fit.
type FitStats = (Option<BTreeMap<String, f64>>, f64, f64);

fn fit_stats<P: Serialize>(f: &FitReport<P>) -> Result<FitStats> {
    let se = f.std_errors.as_ref().map(as_map).transpose()?;
    Ok((se, f.log_likelihood, f.aic))
}

fn bad_card(what: impl Into<String>) -> Error {
    Error::new("invalid_model_card", what.into())
        .with_hint("write the card with crm-lens analyze --save-model model.json")
}

impl ModelCard {
    /// The card of an analysis run with `opts`.
    pub fn of(a: &Analysis, opts: &Options) -> Result<ModelCard> {
        // A card holds the continuous-time models the scorers evaluate: a discrete-time fit
        // (BG/BB) or subscription data saved as "simple" would be a silently wrong card.
        if a.clv.bgbb.is_some() || a.report.retention.source != "none" {
            return Err(Error::new(
                "model_card_unsupported",
                "the model card holds the continuous-time CLV models; this analysis is BG/BB (discrete time) or subscription retention",
            )
            .with_hint("save the Report (--out) instead"));
        }
        Self::from_clv(&a.report.clv, &a.clv, &a.report.as_of, opts.time_unit)
    }

    /// The card of a CLV run: its report, its columns (the exact parameters and the spend
    /// model), the analysis date and the time unit.
    pub fn from_clv(
        r: &ClvReport,
        cols: &ClvColumns,
        as_of: &str,
        time_unit: TimeUnit,
    ) -> Result<ModelCard> {
        let fit_of = |k: ModelKind| -> Result<Option<FitStats>> {
            match k {
                ModelKind::Bgnbd => r.bgnbd.as_ref().map(fit_stats).transpose(),
                ModelKind::ParetoNbd => r.pareto_nbd.as_ref().map(fit_stats).transpose(),
                ModelKind::Mbgnbd => r.mbgnbd.as_ref().map(fit_stats).transpose(),
            }
        };
        let model = match &cols.model {
            Some((kind, params)) => {
                let name = kind.key();
                let (se, ll, aic) = fit_of(*kind)?
                    .ok_or_else(|| bad_card(format!("the Report has no {name} fit")))?;
                CardModel {
                    name: name.into(),
                    // The exact parameters the per-customer columns were computed with.
                    params: named(name, params),
                    std_errors: se,
                    log_likelihood: Some(ll),
                    aic: Some(aic),
                    choice_criterion: r.choice_criterion.clone(),
                    choice_reason: r.choice_reason.clone(),
                }
            }
            None => CardModel {
                name: "simple".into(),
                params: BTreeMap::new(),
                std_errors: None,
                log_likelihood: None,
                aic: None,
                choice_criterion: r.choice_criterion.clone(),
                choice_reason: r.choice_reason.clone(),
            },
        };
        let spend = match (&cols.spend, &r.gamma_gamma) {
            (Some(SpendModel::GammaGamma(p)), Some(f)) => {
                let (se, _, _) = fit_stats(f)?;
                CardSpend {
                    name: "gammaGamma".into(),
                    params: named("gammaGamma", p),
                    std_errors: se,
                    log_likelihood: Some(f.log_likelihood),
                }
            }
            (Some(SpendModel::Observed { mean }), _) => CardSpend {
                name: "observedMean".into(),
                params: named("observedMean", &[*mean]),
                std_errors: None,
                log_likelihood: None,
            },
            _ => return Err(bad_card("the analysis has no spend model")),
        };
        let holdout = r.holdout.as_ref().map(|h| CardHoldout {
            duration: h.duration,
            customers: h.customers,
            best: h.best.map(|k| k.key().to_string()),
            models: h
                .models
                .iter()
                .map(|m| CardHoldoutModel {
                    model: m.model.key().to_string(),
                    mae: m.mae,
                    rmse: m.rmse,
                })
                .collect(),
        });
        let card = ModelCard {
            format: CARD_FORMAT.into(),
            schema_version: SCHEMA_VERSION,
            crm_lens_version: env!("CARGO_PKG_VERSION").into(),
            as_of: as_of.to_string(),
            time_unit,
            unit_days: time_unit.days(),
            customers: r.customers,
            unique_rows: r.unique_rows,
            model,
            spend,
            clv: CardClv {
                horizon_months: r.units.horizon_months,
                month_factor: r.units.month_factor,
                discount_rate: r.units.discount_rate,
                margin_rate: r.units.margin_rate,
                penalizer: r.units.penalizer,
                simple_retention_rate: r.simple.retention_rate,
                simple_multiplier: r.simple.multiplier,
            },
            holdout,
            bootstrap: CardBootstrap {
                seed: r.totals.seed,
                draws: r.totals.bootstrap_draws,
                interval: r.totals.interval,
            },
        };
        card.validate()?;
        Ok(card)
    }

    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::new("serialize", e.to_string()))
    }

    pub fn from_json(text: &str) -> Result<ModelCard> {
        let card: ModelCard =
            serde_json::from_str(text).map_err(|e| bad_card(format!("model card: {e}")))?;
        card.validate()?;
        Ok(card)
    }

    pub fn read(path: &std::path::Path) -> Result<ModelCard> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::new("io", format!("cannot read {}: {e}", path.display())))?;
        Self::from_json(&text)
    }

    /// Checks everything scoring relies on, so a hand-edited card fails here, not mid-file.
    pub fn validate(&self) -> Result<()> {
        if self.format != CARD_FORMAT {
            return Err(bad_card(format!(
                "format {:?} is not {CARD_FORMAT:?}",
                self.format
            )));
        }
        if self.schema_version != SCHEMA_VERSION {
            return Err(bad_card(format!(
                "schemaVersion {} (this crm-lens reads {SCHEMA_VERSION})",
                self.schema_version
            )));
        }
        if self.unit_days != self.time_unit.days() {
            return Err(bad_card(format!(
                "unitDays {} does not match timeUnit {}",
                self.unit_days,
                self.time_unit.name()
            )));
        }
        self.model_params()?;
        self.spend_model()?;
        let c = &self.clv;
        let finite = [
            c.month_factor,
            c.discount_rate,
            c.margin_rate,
            c.simple_multiplier,
        ];
        if finite.iter().any(|v| !v.is_finite()) || c.discount_rate <= -1.0 || c.month_factor <= 0.0
        {
            return Err(bad_card(
                "clv settings must be finite, discountRate > -1, monthFactor > 0",
            ));
        }
        if c.horizon_months > 1200 {
            return Err(bad_card("clv.horizonMonths must be at most 1200"));
        }
        Ok(())
    }

    fn ordered(name: &str, params: &BTreeMap<String, f64>) -> Result<Vec<f64>> {
        let names = param_names(name).ok_or_else(|| bad_card(format!("unknown model {name:?}")))?;
        if params.len() != names.len() {
            return Err(bad_card(format!(
                "{name} takes parameters {}",
                names.join(", ")
            )));
        }
        names
            .iter()
            .map(|k| match params.get(*k) {
                Some(v) if v.is_finite() => Ok(*v),
                _ => Err(bad_card(format!(
                    "{name}: parameter {k} missing or not finite"
                ))),
            })
            .collect()
    }

    /// The transaction model and its parameters (model units); `None` for `simple`.
    pub fn model_params(&self) -> Result<Option<(ModelKind, Vec<f64>)>> {
        let kind = match self.model.name.as_str() {
            "bgnbd" => ModelKind::Bgnbd,
            "paretoNbd" => ModelKind::ParetoNbd,
            "mbgnbd" => ModelKind::Mbgnbd,
            "simple" => return Ok(None),
            other => return Err(bad_card(format!("unknown model {other:?}"))),
        };
        let p = Self::ordered(&self.model.name, &self.model.params)?;
        if p.iter().any(|v| *v <= 0.0) {
            return Err(bad_card(format!(
                "{}: parameters must be positive",
                self.model.name
            )));
        }
        Ok(Some((kind, p)))
    }

    pub fn spend_model(&self) -> Result<SpendModel> {
        let p = Self::ordered(&self.spend.name, &self.spend.params)?;
        match self.spend.name.as_str() {
            "gammaGamma" if p.iter().all(|v| *v > 0.0) && p[1] > 1.0 => {
                Ok(SpendModel::GammaGamma(p))
            }
            "observedMean" => Ok(SpendModel::Observed { mean: p[0] }),
            _ => Err(bad_card(format!(
                "spend {:?}: gammaGamma needs p, v > 0 and q > 1",
                self.spend.name
            ))),
        }
    }
}
