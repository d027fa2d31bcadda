//! The CLV stage for discrete-time data (a summary with `periods`): BG/BB instead of the
//! continuous-time models. Everything before the fit (cleaning, simple CLV, Gamma-Gamma spend,
//! the degenerate-data fallback) is `run`'s; this is the fit and the predictions.
//!
//! Opportunities are whole, so the CLV horizon is the K = ⌊horizonMonths × monthFactor⌋
//! opportunities it holds, and a transaction at opportunity n + k is discounted by
//! `(1 + d)^(k / monthFactor)` (k / monthFactor months away: lifetimes' month-by-month CLV
//! restricted to the months that hold an opportunity).
use super::bgbb::predict::{self, RowStreams};
use super::bgbb::{self, Evaluator};
use super::document::{BgbbParams, ClvColumns, ClvReport, FitReport, NewCustomer};
use super::fitting::collapse::Rows;
use super::fitting::fit::Fitted;
use super::gamma_gamma::spend::SpendModel;
use super::input::Summary;
use super::maths::special::{exp, ln};
use super::options::ClvOptions;
use super::prediction::windows::{self, Windows, MONTHS};
use super::run::{column_totals, fin};
use super::uncertainty::discrete as boot;
use super::validation::diagnostics::{p_alive_matrix_discrete, period_transactions_discrete};
use crate::report::Warning;

/// Gamma-Gamma `[p, q, v]` and its log-space covariance (None: not positive definite).
pub type GgFit<'a> = (&'a [f64], Option<&'a [Vec<f64>]>);

/// What `run` prepared for the fit.
pub struct Prepared<'a> {
    pub s: &'a Summary,
    pub m: &'a [f64],
    pub rows: &'a Rows,
    pub spend: &'a SpendModel,
    /// Gamma-Gamma, when fitted.
    pub gg: Option<GgFit<'a>>,
    pub expected_spend: &'a [f64],
    pub simple: &'a [f64],
    /// Model units (opportunities) per month.
    pub factor: f64,
}

/// Fits BG/BB and predicts; `Err(reason)` sends `run` to its simple-CLV fallback.
pub fn fit_and_predict(
    pr: &Prepared,
    opts: &ClvOptions,
    report: &mut ClvReport,
    w: &mut Vec<Warning>,
) -> Result<ClvColumns, String> {
    let f = bgbb::fit(pr.rows, opts.penalizer);
    if !f.converged {
        let msg = format!(
            "BG/BB maximum likelihood did not converge ({}; gradient norm {:.3e})",
            f.status,
            fin(f.grad_norm)
        );
        w.push(Warning::new("clv_bgbb_not_converged", &msg));
        w.push(Warning::new(
            "clv_no_model",
            "no transaction model converged; CLV falls back to simple CLV",
        ));
        return Err(msg);
    }
    report.bgbb = Some(fit_report(&f, pr.rows.n));
    report.chosen_model = "bgbb".into();
    report.choice_criterion = "discreteTime".into();
    report.choice_reason =
        "the summary counts transaction opportunities (periods): BG/BB is the discrete-time model"
            .into();
    let p = &f.params;
    let rows = pr.rows;
    let ev = Evaluator::new(rows);
    let plan = Plan::new(opts, pr.factor);
    // The unit decides how many opportunities the horizon holds: said, so a unit left at its
    // default (day) does not silently project 360 annual donations.
    w.push(Warning::new(
        "clv_discrete_horizon",
        format!(
            "discrete time: one opportunity is one {}; the {}-month horizon holds {} opportunities (set timeUnit to the length of one opportunity)",
            report.units.time_unit, opts.horizon_months, plan.k
        ),
    ));
    // Per collapsed row: P(alive now), discounted and plain expected transactions.
    let rs = plan.streams(&ev, p);
    let failures = (0..rows.len())
        .filter(|&r| {
            !(rs.p_alive[r].is_finite() && rs.discounted[r].is_finite() && rs.plain[r].is_finite())
        })
        .count();
    if failures > 0 {
        w.push(Warning::new(
            "clv_prediction_not_finite",
            format!("{failures} (x, t_x, n) patterns had non-finite predictions, set to 0"),
        ));
    }
    let n = pr.s.x.len();
    let mut cols = ClvColumns {
        simple_clv: pr.simple.to_vec(),
        expected_spend: pr.expected_spend.to_vec(),
        spend: Some(pr.spend.clone()),
        ..Default::default()
    };
    for c in 0..n {
        let r = rows.map[c];
        cols.p_alive.push(fin(rs.p_alive[r]));
        cols.expected_purchases.push(fin(rs.plain[r]));
        cols.clv.push(fin(opts.margin_rate
            * cols.expected_spend[c]
            * rs.discounted[r]));
    }
    let interval = (opts.bootstrap_draws > 0)
        .then(|| {
            boot::run(&boot::BootIn {
                theta: p,
                cov: f.cov_log.as_deref()?,
                gg: match pr.gg {
                    Some((g, Some(c))) => Some((g, c)),
                    _ => None,
                },
                spend: pr.spend,
                ev: &ev,
                plan: &plan,
                x: &pr.s.x,
                m: pr.m,
                margin: opts.margin_rate,
                draws: opts.bootstrap_draws as usize,
                seed: opts.seed,
                interval: opts.interval,
            })
        })
        .flatten();
    match interval {
        Some(b) => {
            cols.clv_low = b.low.iter().map(|&v| fin(v)).collect();
            cols.clv_high = b.high.iter().map(|&v| fin(v)).collect();
            report.totals.clv_low = fin(b.total_low);
            report.totals.clv_high = fin(b.total_high);
            report.totals.bootstrap_draws = b.draws as u32;
            report.totals.bootstrap_method = b.method;
        }
        None => {
            if opts.bootstrap_draws > 0 {
                w.push(Warning::new(
                    "clv_no_interval",
                    "parameter covariance not positive definite: CLV interval equals the point estimate",
                ));
            }
            cols.clv_low = cols.clv.clone();
            cols.clv_high = cols.clv.clone();
        }
    }
    column_totals(report, &cols, None);
    report.new_customer = Some(new_customer(p, pr, opts));
    cols.windows = windows(&rs, pr, &cols, opts);
    report.p_alive_matrix = Some(p_alive_matrix_discrete(p, rows));
    report.period_transactions = period_transactions_discrete(p, rows);
    cols.bgbb = Some(p.clone());
    Ok(cols)
}

fn fit_report(f: &Fitted, n: f64) -> FitReport<BgbbParams> {
    let mk = |p: &[f64]| BgbbParams {
        alpha: p[0],
        beta: p[1],
        gamma: p[2],
        delta: p[3],
    };
    FitReport {
        params: mk(&f.params),
        std_errors: f.std_errors.as_deref().map(mk),
        log_likelihood: f.log_likelihood,
        aic: 8.0 - 2.0 * f.log_likelihood,
        converged: f.converged,
        iterations: f.iterations,
        status: f.status.clone(),
        grad_norm: f.grad_norm,
        customers: n,
    }
}

/// Opportunities reached by the end of month `k`.
fn reached(k: usize, factor: f64) -> usize {
    (k as f64 * factor + 1e-9).floor() as usize
}

/// A new customer month by month: the opportunities each month's end has reached, each
/// transaction discounted at its own time (as the customers' CLV).
fn new_customer(p: &[f64], pr: &Prepared, opts: &ClvOptions) -> NewCustomer {
    let months = opts.horizon_months as usize;
    let plan = Plan::new(opts, pr.factor);
    let disc = &plan.disc[..plan.k];
    // Transactions at opportunities 1..=K of a customer with no history: E[p] P(alive at j).
    let terms = predict::terms(p, 0.0, 0.0, 0.0, disc.len());
    let spend = pr.spend.expected(0.0, 0.0);
    let (mut e, mut v) = (vec![0.0; months + 1], vec![0.0; months + 1]);
    for i in 1..=months {
        let j = reached(i, pr.factor).min(terms.len());
        e[i] = fin(terms[..j].iter().sum());
        let discounted: f64 = terms[..j].iter().zip(disc).map(|(t, f)| t * f).sum();
        v[i] = fin(opts.margin_rate * spend * discounted);
    }
    NewCustomer {
        expected_purchases: e,
        spend_per_purchase: spend,
        value: v,
    }
}

/// BG/BB windows: one curve per distinct n (its discounted ratio sums by month), scaled per
/// customer by `margin × spend × lead` (lead = E[p] P(alive now) of the customer's row).
fn windows(rs: &RowStreams, pr: &Prepared, cols: &ClvColumns, opts: &ClvOptions) -> Windows {
    let rows = pr.rows;
    let curve = rows.map.iter().map(|&r| rs.curve[r]).collect();
    let scale = (0..rows.map.len())
        .map(|c| fin(opts.margin_rate * cols.expected_spend[c] * rs.lead[rows.map[c]]))
        .collect();
    windows::from_curves("bgbb", curve, &rs.windows, scale)
}

/// The horizon's opportunities and discount factors, and the opportunities each window month
/// reaches: what every evaluation of the streams (fit, bootstrap draws) shares.
pub struct Plan {
    /// Discount factor of opportunity j (1-based) at `disc[j − 1]`, long enough for both the
    /// horizon and the windows.
    pub disc: Vec<f64>,
    /// Opportunities in the horizon.
    pub k: usize,
    /// Opportunities reached by the end of window month m (m = 1..=12).
    pub cuts: Vec<usize>,
}

impl Plan {
    pub fn new(opts: &ClvOptions, factor: f64) -> Plan {
        let k = reached(opts.horizon_months as usize, factor);
        let cuts: Vec<usize> = (1..=MONTHS).map(|m| reached(m, factor)).collect();
        let len = k.max(cuts.last().copied().unwrap_or(0));
        let l = ln(1.0 + opts.discount_rate);
        Plan {
            disc: (1..=len).map(|j| exp(-(j as f64 / factor) * l)).collect(),
            k,
            cuts,
        }
    }

    pub fn streams(&self, ev: &Evaluator, p: &[f64]) -> RowStreams {
        predict::row_streams(ev, p, &self.disc, self.k, &self.cuts)
    }
}
