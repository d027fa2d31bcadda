//! Fitting all models (the three transaction models, Gamma-Gamma) and converting the fits to
//! report sections. The choice among them is `choice`.

use crate::clv::document::{BgParams, FitReport, GgParams, ParetoParams};
use crate::clv::fitting::bfgs::refine;
use crate::clv::fitting::fit::{fit, Fitted, THIN, WARM_MIN_ROWS};
use crate::clv::fitting::fitdata::FitData;
use crate::clv::fitting::optim::{hessian, minimize, Objective};
use crate::clv::gamma_gamma::{gg_data_weighted, GgData, GgObjective};
use crate::clv::model::ModelKind;
use crate::report::Warning;

/// All transaction models, in report order.
pub const KINDS: [ModelKind; 3] = [ModelKind::Bgnbd, ModelKind::ParetoNbd, ModelKind::Mbgnbd];

/// Fits every transaction model; failed fits are None with a warning.
pub fn fit_all(d: &FitData, pen: f64, warnings: &mut Vec<Warning>) -> Vec<Option<Fitted>> {
    KINDS
        .iter()
        .map(|&k| {
            let mut f = fit(k, d, pen);
            if k == ModelKind::ParetoNbd && no_dropout(&f, d.rows.max_t) {
                f.status = format!("boundary: s → 0 ({})", f.status);
                warnings.push(Warning {
                    code: "clv_paretonbd_boundary".into(),
                    message: format!(
                        "Pareto/NBD's optimum is on the boundary s → 0: no dropout is detected \
                         (under {:.1e} of customers expected to drop out over the period). The \
                         fit is that limit, the NBD model: P(alive) ≈ 1 for everyone; r and \
                         alpha are estimated, s and beta only through s/beta ≈ 0 (s = {:.3e}, \
                         beta = {:.3e})",
                        dropout_share(&f.params, d.rows.max_t),
                        f.params[2],
                        f.params[3]
                    ),
                });
                return Some(f);
            }
            if f.converged {
                Some(f)
            } else {
                warnings.push(Warning {
                    code: format!("clv_{}_not_converged", k.key().to_lowercase()),
                    message: format!(
                        "{} maximum likelihood found no optimum ({}; gradient norm {:.3e}, \
                         needs < 1e-6); model reported as null",
                        k.key(),
                        f.status,
                        if f.grad_norm.is_finite() {
                            f.grad_norm
                        } else {
                            -1.0
                        }
                    ),
                });
                None
            }
        })
        .collect()
}

/// Share of customers Pareto/NBD expects to drop out within `t` (the longest observation):
/// `1 - (beta / (beta + t))^s`.
fn dropout_share(p: &[f64], t: f64) -> f64 {
    -crate::clv::maths::special::expm1(-p[2] * crate::clv::maths::special::ln1p(t / p[3]))
}

/// Whether a Pareto/NBD fit sits on the s → 0 boundary: stopped near a stationary point
/// (gradient norm < 1e-3: a true boundary makes the last digits of the descent flat) with
/// almost no dropout over the data's span. There the likelihood keeps rising, slower and
/// slower, as s → 0 and beta → ∞, so the fit either stops "converged" at an arbitrary s, beta
/// or not at all; both are that limit.
fn no_dropout(f: &Fitted, max_t: f64) -> bool {
    f.grad_norm < 1e-3
        && f.log_likelihood.is_finite()
        && f.params.iter().all(|v| v.is_finite() && *v > 0.0)
        && dropout_share(&f.params, max_t) < 1e-3
}

/// Fits Gamma-Gamma on customers with x > 0 and m > 0; None with a warning if impossible or if
/// q <= 1 (infinite population mean spend).
pub fn fit_gamma_gamma(
    x: &[f64],
    m: &[f64],
    pen: f64,
    warnings: &mut Vec<Warning>,
) -> Option<(Fitted, f64)> {
    fit_gamma_gamma_weighted(x, m, None, pen, warnings)
}

/// [`fit_gamma_gamma`] of entries standing for `weights` customers each.
pub fn fit_gamma_gamma_weighted(
    x: &[f64],
    m: &[f64],
    weights: Option<&[f64]>,
    pen: f64,
    warnings: &mut Vec<Warning>,
) -> Option<(Fitted, f64)> {
    let d = gg_data_weighted(x, m, weights);
    let nonpos: f64 = x
        .iter()
        .zip(m)
        .enumerate()
        .filter(|(_, (&xi, &mi))| xi > 0.0 && !(mi > 0.0 && mi.is_finite()))
        .map(|(i, _)| crate::clv::input::weight(weights, i))
        .sum();
    if nonpos > 0.0 {
        warnings.push(Warning {
            code: "clv_nonpositive_spend".into(),
            message: format!(
                "{nonpos} repeat customers have zero/negative/invalid mean spend and are \
                 excluded from the Gamma-Gamma fit (their expected spend is the population mean)"
            ),
        });
    }
    if d.x.len() < 2 || d.n < 10.0 {
        warnings.push(Warning {
            code: "clv_gamma_gamma_too_few".into(),
            message: format!(
                "Gamma-Gamma needs >= 10 repeat customers with positive spend (have {}); expected \
                 spend falls back to observed mean spend",
                d.n
            ),
        });
        return None;
    }
    let obj = GgObjective { d: &d, pen };
    let start = vec![0.1; 3];
    let mm = gg_warm(&d, pen)
        .and_then(|(phi, h)| refine(&obj, &phi, h.as_deref()))
        .unwrap_or_else(|| minimize(&obj, &start, crate::clv::fitting::fit::MAX_ITERS));
    let params: Vec<f64> = mm
        .phi
        .iter()
        .map(|&v| crate::clv::maths::special::exp(v))
        .collect();
    // Full LL from the unpenalised objective (-LL/n): the minimum itself when pen = 0.
    let mut g = [0.0; 3];
    let f0 = if pen == 0.0 {
        mm.value
    } else {
        GgObjective { d: &d, pen: 0.0 }.eval(&mm.phi, &mut g)
    };
    let ll = -f0 * d.n;
    let ran_to_convergence = mm.converged;
    let f = Fitted::new(&obj, mm, params, ll, Some(d.n));
    let (ok, q) = (f.converged, f.params[1]);
    if !ok || q <= 1.0 {
        warnings.push(Warning {
            code: if ok {
                "clv_gamma_gamma_q_le_1"
            } else {
                "clv_gamma_gamma_not_converged"
            }
            .into(),
            message: format!(
                "Gamma-Gamma unusable (converged: {}, q = {:.4}); expected spend falls back to \
                 observed mean spend",
                ran_to_convergence, q
            ),
        });
        return None;
    }
    Some((f, d.n))
}

/// Warm start of the Gamma-Gamma fit on large data: optimum and Hessian of the fit on a
/// systematic 1/THIN subsample (see `fit::WARM_MIN_ROWS`).
type GgWarm = (Vec<f64>, Option<Vec<Vec<f64>>>);

fn gg_warm(d: &GgData, pen: f64) -> Option<GgWarm> {
    if d.x.len() < WARM_MIN_ROWS {
        return None;
    }
    let sub = d.thin(THIN);
    let obj = GgObjective { d: &sub, pen };
    let m = minimize(&obj, &[0.1; 3], crate::clv::fitting::fit::MAX_ITERS);
    if !m.converged {
        return None;
    }
    let h = hessian(&obj, &m.phi, &m.grad);
    Some((m.phi, Some(h)))
}

fn base<P>(f: &Fitted, params: P, se: Option<P>, n: f64) -> FitReport<P> {
    FitReport {
        params,
        std_errors: se,
        log_likelihood: f.log_likelihood,
        aic: 2.0 * f.params.len() as f64 - 2.0 * f.log_likelihood,
        converged: f.converged,
        iterations: f.iterations,
        status: f.status.clone(),
        grad_norm: f.grad_norm,
        customers: n,
    }
}

/// BG/NBD or MBG/NBD section.
pub fn bg_report(f: &Fitted, n: f64) -> FitReport<BgParams> {
    let mk = |p: &[f64]| BgParams {
        r: p[0],
        alpha: p[1],
        a: p[2],
        b: p[3],
    };
    base(f, mk(&f.params), f.std_errors.as_deref().map(mk), n)
}

/// Pareto/NBD section.
pub fn pareto_report(f: &Fitted, n: f64) -> FitReport<ParetoParams> {
    let mk = |p: &[f64]| ParetoParams {
        r: p[0],
        alpha: p[1],
        s: p[2],
        beta: p[3],
    };
    base(f, mk(&f.params), f.std_errors.as_deref().map(mk), n)
}

/// Gamma-Gamma section.
pub fn gg_report(f: &Fitted, n: f64) -> FitReport<GgParams> {
    let mk = |p: &[f64]| GgParams {
        p: p[0],
        q: p[1],
        v: p[2],
    };
    base(f, mk(&f.params), f.std_errors.as_deref().map(mk), n)
}
