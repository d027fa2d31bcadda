//! Choosing the CLV model among the fitted ones: the user's choice, else the lowest holdout
//! RMSE, else the lowest AIC.

use crate::clv::fitting::fit::Fitted;
use crate::clv::fitting::fit_all::KINDS;
use crate::clv::model::ModelKind;
use crate::clv::options::ModelChoice;
use crate::clv::validation::holdout::HoldoutReport;
use crate::report::Warning;

/// Chooses the CLV model: (kind, criterion, reason). None when nothing converged.
pub fn choose(
    requested: ModelChoice,
    fits: &[Option<Fitted>],
    holdout: Option<&HoldoutReport>,
    warnings: &mut Vec<Warning>,
) -> Option<(ModelKind, String, String)> {
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
            return Some((
                k,
                "user".into(),
                format!("{} requested in options", k.key()),
            ));
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
        let best = h
            .models
            .iter()
            .filter(|m| get(m.model).is_some())
            .min_by(|a, b| a.rmse.total_cmp(&b.rmse));
        if let Some(b) = best {
            return Some((
                b.model,
                "holdoutRmse".into(),
                format!(
                    "lowest per-customer RMSE of holdout repeat purchases ({:.6}) among models \
                     fitted on the calibration period",
                    b.rmse
                ),
            ));
        }
    }
    let best = KINDS
        .iter()
        .filter_map(|&k| get(k).map(|f| (k, f)))
        .max_by(|a, b| a.1.log_likelihood.total_cmp(&b.1.log_likelihood))?;
    Some((
        best.0,
        "aic".into(),
        format!(
            "lowest AIC ({:.3}); all models have 4 parameters so this is the highest full \
             log-likelihood; no holdout given",
            8.0 - 2.0 * best.1.log_likelihood
        ),
    ))
}
