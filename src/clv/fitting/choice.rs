//! Choosing the CLV model among the fitted ones: the user's choice, else the lowest holdout
//! RMSE, else the lowest AIC; and, when one-time buyers dominate, a model that can tell a
//! one-time buyer has gone whenever the holdout cannot tell it from BG/NBD.
//!
//! BG/NBD lets a customer drop out only just after a purchase, so a customer with no repeat
//! purchase (x = 0) has P(alive) = 1 however long ago they bought (lifetimes #165,
//! PyMC-Marketing #94). MBG/NBD (a drop-out chance at the first purchase too) and Pareto/NBD
//! (drop-out in continuous time) do not have that property. When at least
//! [`ONE_TIME_BUYERS_DOMINATE`] of the customers have x = 0 and BG/NBD has the lowest holdout
//! RMSE, the better of the other two is chosen instead if its holdout mean squared error is
//! not significantly worse: within [`NOT_WORSE_Z`] standard errors of BG/NBD's, by the paired
//! per-customer differences of squared errors (`HoldoutModel::mse_excess`). docs/report.md
//! gives the measurements behind both numbers.

use crate::clv::fitting::fit::Fitted;
use crate::clv::fitting::fit_all::KINDS;
use crate::clv::model::ModelKind;
use crate::clv::options::ModelChoice;
use crate::clv::validation::holdout::{HoldoutModel, HoldoutReport};
use crate::report::Warning;

/// Share of customers without a repeat purchase from which they "dominate".
pub const ONE_TIME_BUYERS_DOMINATE: f64 = 0.5;
/// An alternative is "supported by the holdout" when its excess MSE over BG/NBD is at most
/// this many standard errors (≈ a one-sided 2.3% test: not significantly worse).
pub const NOT_WORSE_Z: f64 = 2.0;

/// The chosen model: kind, criterion (`user`, `holdoutRmse`, `holdoutOneTimeBuyers`, `aic`)
/// and the reason in words.
pub struct Choice {
    pub kind: ModelKind,
    pub criterion: &'static str,
    pub reason: String,
}

/// Chooses the CLV model; None when nothing converged. `one_time_share`: customers with no
/// repeat purchase (x = 0) over all customers.
pub fn choose(
    requested: ModelChoice,
    fits: &[Option<Fitted>],
    holdout: Option<&HoldoutReport>,
    one_time_share: f64,
    warnings: &mut Vec<Warning>,
) -> Option<Choice> {
    let get = |k: ModelKind| {
        KINDS
            .iter()
            .position(|&q| q == k)
            .and_then(|i| fits[i].as_ref())
    };
    let wanted = match requested {
        ModelChoice::Auto => None,
        ModelChoice::Bgnbd => Some(ModelKind::Bgnbd),
        ModelChoice::ParetoNbd => Some(ModelKind::ParetoNbd),
        ModelChoice::Mbgnbd => Some(ModelKind::Mbgnbd),
    };
    if let Some(k) = wanted {
        if get(k).is_some() {
            return Some(Choice {
                kind: k,
                criterion: "user",
                reason: format!("{} requested in options", k.key()),
            });
        }
        warnings.push(Warning {
            code: "clv_requested_model_unavailable".into(),
            message: format!(
                "{} was requested but could not be fitted; choosing automatically",
                k.key()
            ),
        });
    }
    if let Some(h) = holdout {
        let scored: Vec<&HoldoutModel> =
            h.models.iter().filter(|m| get(m.model).is_some()).collect();
        if let Some(b) = scored.iter().min_by(|a, b| a.rmse.total_cmp(&b.rmse)) {
            if b.model == ModelKind::Bgnbd && one_time_share >= ONE_TIME_BUYERS_DOMINATE {
                if let Some(alt) = not_worse_alternative(&scored) {
                    return Some(Choice {
                        kind: alt.model,
                        criterion: "holdoutOneTimeBuyers",
                        reason: format!(
                            "{:.1}% of customers have no repeat purchase, for whom BG/NBD's \
                             P(alive) is 1; {}'s holdout RMSE ({:.6}) is within {NOT_WORSE_Z} \
                             standard errors of BG/NBD's ({:.6}): MSE excess {:.3e} ± {:.3e}",
                            one_time_share * 100.0,
                            alt.model.key(),
                            alt.rmse,
                            b.rmse,
                            alt.mse_excess,
                            alt.mse_excess_std_error
                        ),
                    });
                }
            }
            return Some(Choice {
                kind: b.model,
                criterion: "holdoutRmse",
                reason: format!(
                    "lowest per-customer RMSE of holdout repeat purchases ({:.6}) among models \
                     fitted on the calibration period",
                    b.rmse
                ),
            });
        }
    }
    let best = KINDS
        .iter()
        .filter_map(|&k| get(k).map(|f| (k, f)))
        .max_by(|a, b| a.1.log_likelihood.total_cmp(&b.1.log_likelihood))?;
    Some(Choice {
        kind: best.0,
        criterion: "aic",
        reason: format!(
            "lowest AIC ({:.3}); all models have 4 parameters so this is the highest full \
             log-likelihood; no holdout given",
            8.0 - 2.0 * best.1.log_likelihood
        ),
    })
}

/// Of MBG/NBD and Pareto/NBD, the one with the lower holdout RMSE whose MSE is not
/// significantly above the best's (BG/NBD's), if any.
fn not_worse_alternative<'a>(scored: &[&'a HoldoutModel]) -> Option<&'a HoldoutModel> {
    scored
        .iter()
        .filter(|m| m.model != ModelKind::Bgnbd)
        .filter(|m| m.mse_excess <= NOT_WORSE_Z * m.mse_excess_std_error)
        .min_by(|a, b| a.rmse.total_cmp(&b.rmse))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(kind: ModelKind, rmse: f64, excess: f64, se: f64) -> HoldoutModel {
        HoldoutModel {
            model: kind,
            mae: 0.0,
            rmse,
            actual_total: 0.0,
            predicted_total: 0.0,
            by_frequency: Vec::new(),
            cumulative: Vec::new(),
            mse_excess: excess,
            mse_excess_std_error: se,
            params: Vec::new(),
        }
    }

    #[test]
    fn an_alternative_within_noise_is_preferred_only_when_it_is_within_noise() {
        let bg = model(ModelKind::Bgnbd, 1.0, 0.0, 0.0);
        let close = model(ModelKind::Mbgnbd, 1.001, 0.002, 0.0015);
        let far = model(ModelKind::ParetoNbd, 1.05, 0.1, 0.01);
        let picked = not_worse_alternative(&[&bg, &close, &far]).map(|m| m.model);
        assert_eq!(picked, Some(ModelKind::Mbgnbd));
        assert!(not_worse_alternative(&[&bg, &far]).is_none());
        // Both within noise: the lower RMSE.
        let close_p = model(ModelKind::ParetoNbd, 1.0005, 0.001, 0.002);
        let picked = not_worse_alternative(&[&bg, &close, &close_p]).map(|m| m.model);
        assert_eq!(picked, Some(ModelKind::ParetoNbd));
    }
}
