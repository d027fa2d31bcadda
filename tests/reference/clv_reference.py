"""Reference values for the crm-lens CLV module from lifetimes==0.11.3.

Run: tests/reference/.venv/bin/python tests/reference/clv_reference.py [NAME ...]
(writes tests/fixtures/clv/*.json; with names, only those fixtures - regenerating the others
reproduces them only to ~1e-8, as the refinement depends on the numpy/scipy build).

Datasets are simulated here (seeded numpy) from the BG/NBD + Gamma-Gamma process, turned into
transactions (aggregated per day) and summarised with lifetimes' own
summary_data_from_transaction_data. For each dataset we store:
  * lifetimes' fitted parameters (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma) as lifetimes returns
    them, and the *refined* optimum of lifetimes' own objective (same objective, tight BFGS
    restarted from lifetimes' answer) - lifetimes' default tolerances (and Nelder-Mead for
    Pareto/NBD) stop early, so the refined optimum is the fair target for a 1e-4 comparison;
  * the full log-likelihood (sum over customers, all constants, model time units) at the refined
    parameters, computed with lifetimes' per-customer likelihood terms;
  * standard errors (lifetimes' variance_matrix_ formula at the refined optimum);
  * predictions at the refined parameters via lifetimes' methods: P(alive), conditional expected
    purchases over the CLV horizon, Gamma-Gamma expected average profit, CLV
    (GammaGammaFitter.customer_lifetime_value, 12 months, d = 0.01), new-customer expectations.
Compat: no shims were needed with numpy 2.4 / pandas 3.1 / scipy 1.17; site-packages untouched.
"""
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from autograd import value_and_grad, hessian

from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter, GammaGammaFitter
from lifetimes.utils import (calibration_and_holdout_data, expected_cumulative_transactions,
                             summary_data_from_transaction_data)

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "clv")


def simulate(n, days, r, alpha, a, b, p, q, gam, seed):
    """BG/NBD (daily rates) purchases + Gamma-Gamma spends; customers arrive uniformly."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2021-01-01")
    for cid in range(n):
        birth = rng.uniform(0, days)
        lam = rng.gamma(r, 1.0 / alpha)
        pdrop = rng.beta(a, b)
        nu = rng.gamma(q, 1.0 / gam)
        t = birth
        rows.append((cid, t, rng.gamma(p, 1.0 / nu)))
        while True:
            t += rng.exponential(1.0 / lam) if lam > 0 else np.inf
            if t >= days:
                break
            rows.append((cid, t, rng.gamma(p, 1.0 / nu)))
            if rng.uniform() < pdrop:
                break
    df = pd.DataFrame(rows, columns=["id", "t", "spend"])
    df["date"] = start + pd.to_timedelta(np.floor(df["t"]), unit="D")
    end = start + pd.Timedelta(days=days - 1)
    return df, end


def clean(v):
    """NaN/inf (lifetimes' failures) become null so the JSON is standard."""
    if isinstance(v, dict):
        return {k: clean(a) for k, a in v.items()}
    if isinstance(v, list):
        return [clean(a) for a in v]
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def refine(fn, x0, args, autodiff=True):
    if autodiff:
        out = minimize(value_and_grad(fn), x0, jac=True, args=args, method="BFGS",
                       options={"gtol": 1e-11, "maxiter": 5000})
        return out.x
    # Pareto/NBD: scipy's hyp2f1 is not differentiable by autograd -> FD BFGS, then simplex polish.
    out = minimize(fn, x0, args=args, method="BFGS", options={"gtol": 1e-7, "maxiter": 5000})
    out = minimize(fn, out.x, args=args, method="Nelder-Mead",
                   options={"xatol": 1e-11, "fatol": 1e-13, "maxiter": 20000, "maxfev": 40000})
    return out.x


MODELS = {"bgnbd": (BetaGeoFitter, ["r", "alpha", "a", "b"]),
          "mbgnbd": (ModifiedBetaGeoFitter, ["r", "alpha", "a", "b"]),
          "paretoNbd": (ParetoNBDFitter, ["r", "alpha", "s", "beta"])}


def fit_refined(key, x, tx, T, pen):
    """lifetimes' fit, then its own objective (scaled time, log space) refined to the optimum.
    Returns the fitter holding the refined parameters, lifetimes' raw parameters, the refined
    parameters (model units), their scaled-time values and the standard errors (lifetimes'
    variance_matrix_ form; None for Pareto/NBD, for which lifetimes computes no Hessian).
    Raises what lifetimes raises when its fit fails."""
    cls, names = MODELS[key]
    scale = 1.0 / T.max()
    ones = np.ones_like(x)
    f = cls(penalizer_coef=pen)
    np.random.seed(0)
    f.fit(x, tx, T)
    raw = f.params_[names].to_numpy(dtype=float)
    lp = np.log(raw.copy())
    lp[1] += np.log(scale)
    if key == "paretoNbd":
        lp[3] += np.log(scale)
        obj = lambda phi, *a: ParetoNBDFitter._negative_log_likelihood(np.exp(phi), *a)
    else:
        obj = cls._negative_log_likelihood
    args = (x, tx * scale, T * scale, ones, pen)
    phi = refine(obj, lp, args, autodiff=(key != "paretoNbd"))
    theta = np.exp(phi)
    params = theta.copy()
    params[1] /= scale
    se = None
    if key == "paretoNbd":
        params[3] /= scale
    else:
        cov = np.linalg.inv(hessian(obj)(phi, *args)) / len(x)
        se = (params * np.sqrt(np.diag(cov))).tolist()
    f.params_ = pd.Series(params, index=names)
    return f, raw, params, theta, se


def prob_n(key, f, t):
    """P(X(t) = n), n = 0..7, for a new customer. Pareto/NBD: lifetimes has only the conditional
    pmf (Fader & Hardie note 028, eq. 16); at x = t_x = T = 0 it is the unconditional one."""
    if key == "paretoNbd":
        return [float(f.conditional_probability_of_n_purchases_up_to_time(k, t, 0.0, 0.0, 0.0)) for k in range(8)]
    return [float(f.probability_of_n_purchases_up_to_time(t, k)) for k in range(8)]


def add_pareto_prob_n(name):
    """Adds paretoNbd.probN to a fixture made before it was recorded, at its stored parameters
    (nothing is refitted, so the rest of the file is unchanged)."""
    path = os.path.join(OUT, name + ".json")
    with open(path) as fh:
        res = json.load(fh)
    if "paretoNbd" not in res or "params" not in res["paretoNbd"] or "probN" in res["paretoNbd"]:
        return
    f = ParetoNBDFitter()
    f.params_ = pd.Series(res["paretoNbd"]["params"], index=["r", "alpha", "s", "beta"])
    res["paretoNbd"]["probN"] = prob_n("paretoNbd", f, max(res["T"]) / 2)
    with open(path, "w") as fh:
        json.dump(clean(res), fh, allow_nan=False)
    print(name, "+ paretoNbd.probN")


def fixture(name, df, end, freq, pen=0.0, models=("bgnbd", "mbgnbd", "paretoNbd"), summary=None,
            freq_multiplier=1, clv_freq=None):
    """One fixture. The summary is lifetimes' (`freq`, `freq_multiplier`); `clv_freq` is the
    `freq` given to customer_lifetime_value (default `freq`): 'W' for a model in weeks, 'M' in
    months (lifetimes' month factors 4.345 and 1)."""
    clv_freq = clv_freq or freq
    if summary is None:
        s = summary_data_from_transaction_data(df, "id", "date", monetary_value_col="spend",
                                               observation_period_end=end, freq=freq,
                                               freq_multiplier=freq_multiplier)
        x, tx, T, m = (s[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T", "monetary_value"))
    else:
        x, tx, T, m = (np.asarray(v, dtype=float) for v in summary)
    scale = 1.0 / T.max()
    ones = np.ones_like(x)
    res = {"name": name, "freq": freq, "penalizer": pen,
           "x": x.tolist(), "tx": tx.tolist(), "T": T.tolist(), "monetary": m.tolist()}
    if freq_multiplier != 1 or clv_freq != freq:
        res["freqMultiplier"] = freq_multiplier
        res["clvFreq"] = clv_freq
    horizon = {"D": 30.0, "W": 4.345, "M": 1.0}[clv_freq] * 12
    res["horizon"] = horizon
    fitted = {}
    for key in MODELS:
        if key not in models:
            continue
        try:
            f, raw, params, theta, se = fit_refined(key, x, tx, T, pen)
        except Exception as e:  # noqa: BLE001 - record that lifetimes failed
            res[key] = {"lifetimesError": str(e)}
            continue
        cls = MODELS[key][0]
        n = len(x)
        if key == "paretoNbd":
            # lifetimes' scaled-time terms (where it fitted) converted to model units:
            # LL_units = LL_scaled + x ln(scale).
            ll = ParetoNBDFitter._conditional_log_likelihood(theta, x, tx * scale, T * scale) + x * np.log(scale)
            res.setdefault("notes", []).append(
                "%s: lifetimes LL non-finite for %d customers" % (key, int(np.sum(~np.isfinite(ll)))))
        else:
            ll = -cls._negative_log_likelihood(np.log(params), x, tx, T, ones, 0.0) * n
            ll = np.full(n, ll / n)
        t = horizon
        res[key] = {
            "lifetimesParams": raw.tolist(),
            "params": params.tolist(),
            "stdErrors": se,
            "logLikelihood": float(np.sum(ll)),
            "pAlive": np.asarray(f.conditional_probability_alive(x, tx, T), dtype=float).ravel().tolist(),
            "condExpected": np.asarray(f.conditional_expected_number_of_purchases_up_to_time(t, x, tx, T), dtype=float).tolist(),
            "newCustomer": [float(f.expected_number_of_purchases_up_to_time(tt)) for tt in (1.0, 10.0, t)],
        }
        res[key]["probN"] = prob_n(key, f, T.max() / 2)
        fitted[key] = f
    xs, ms = x[(x > 0) & (m > 0)], m[(x > 0) & (m > 0)]
    g = GammaGammaFitter(penalizer_coef=pen)
    gw = np.ones_like(xs)
    try:
        g.fit(xs, ms)
        raw = g.params_[["p", "q", "v"]].to_numpy(dtype=float)
        start = np.log(raw)
    except Exception:  # noqa: BLE001 - lifetimes' BFGS can stop on precision loss
        g.data = pd.DataFrame({"monetary_value": ms, "frequency": xs, "weights": gw})
        raw, start = None, np.full(3, 0.1)
    phi = refine(GammaGammaFitter._negative_log_likelihood, start, (xs, ms, gw, pen))
    H = hessian(GammaGammaFitter._negative_log_likelihood)(phi, xs, ms, gw, pen)
    theta = np.exp(phi)
    se = theta * np.sqrt(np.diag(np.linalg.inv(H) / len(xs)))
    g.params_ = pd.Series(theta, index=["p", "q", "v"])
    ll = -GammaGammaFitter._negative_log_likelihood(phi, xs, ms, gw, 0.0) * len(xs)
    res["gammaGamma"] = {
        "lifetimesParams": None if raw is None else raw.tolist(), "params": theta.tolist(), "stdErrors": se.tolist(),
        "logLikelihood": float(ll),
        "expectedSpend": np.asarray(g.conditional_expected_average_profit(pd.Series(x), pd.Series(m)), dtype=float).tolist(),
    }
    for key, f in fitted.items():
        clv = g.customer_lifetime_value(f, pd.Series(x), pd.Series(tx), pd.Series(T), pd.Series(m),
                                        time=12, discount_rate=0.01, freq=clv_freq)
        res[key]["clv"] = np.asarray(clv, dtype=float).tolist()
    with open(os.path.join(OUT, name + ".json"), "w") as fh:
        json.dump(clean(res), fh, allow_nan=False)
    print(name, len(x), "customers", {k: res[k].get("params") for k in ("bgnbd", "mbgnbd", "paretoNbd", "gammaGamma") if k in res})


def tracking_fixture(name, df, end, holdout_days):
    """Holdout validation the way lifetimes does it, for tests/clv_tracking.rs.

    The transactions go to `<name>.csv` (read by the Rust pipeline), the expected values to
    `<name>.json`: each model is fitted (and refined) on `calibration_and_holdout_data`'s
    calibration summary; at those parameters we record the per-customer holdout predictions
    (`conditional_expected_number_of_purchases_up_to_time(duration_holdout, ...)`), their
    MAE/RMSE and means by calibration frequency (0..6, 7+), and lifetimes'
    `expected_cumulative_transactions` (freq "D") over calibration + holdout: actual and
    predicted cumulative repeat transactions at the end of each day. The calibration summary
    and holdout counts are stored too (`x`, `tx`, `T`, `actual`), so the predictions can be
    recomputed at the same parameters.
    """
    df = df.copy()
    df["spend"] = df["spend"].round(2)
    df["id"] = "c" + df["id"].astype(str)
    start = df["date"].min()
    cal_end = end - pd.Timedelta(days=holdout_days)
    csv = df[["id", "date", "spend"]].rename(columns={"id": "customer_id", "date": "order_date", "spend": "amount"})
    csv["order_date"] = csv["order_date"].dt.strftime("%Y-%m-%d")
    csv.to_csv(os.path.join(OUT, name + ".csv"), index=False)
    # monetary_value_col: without a value column, pandas 3 cannot aggregate lifetimes' holdout
    # counts ("No objects to concatenate"); the counts do not depend on it.
    s = calibration_and_holdout_data(df, "id", "date", calibration_period_end=cal_end,
                                     observation_period_end=end, freq="D", monetary_value_col="spend")
    x, tx, T = (s[c].to_numpy(dtype=float) for c in ("frequency_cal", "recency_cal", "T_cal"))
    actual = s["frequency_holdout"].to_numpy(dtype=float)
    duration = float(s["duration_holdout"].iloc[0])
    days = (end - start).days + 1
    # Inputs of the cumulative series, counted independently of lifetimes: first purchases
    # and repeat purchase days, by day since the first purchase in the data.
    per_day = df.assign(day=(df["date"] - start).dt.days)[["id", "day"]].drop_duplicates()
    first = per_day.groupby("id")["day"].transform("min")
    new_by_day = np.bincount(per_day.loc[per_day["day"] == first, "day"], minlength=days)
    repeats_by_day = np.bincount(per_day.loc[per_day["day"] > first, "day"], minlength=days)
    res = {"name": name, "start": start.strftime("%Y-%m-%d"), "asOf": end.strftime("%Y-%m-%d"),
           "calibrationEnd": cal_end.strftime("%Y-%m-%d"), "holdoutDays": holdout_days,
           "duration": duration, "days": days, "customers": len(x),
           "x": x.tolist(), "tx": tx.tolist(), "T": T.tolist(), "actual": actual.tolist(),
           "newByDay": new_by_day.tolist(), "repeatsByDay": repeats_by_day.tolist()}
    bucket = np.minimum(x, 7).astype(int)
    for key in MODELS:
        f, _, params, _, _ = fit_refined(key, x, tx, T, 0.0)
        pred = np.asarray(f.conditional_expected_number_of_purchases_up_to_time(duration, x, tx, T), dtype=float)
        by_freq = [{"frequency": "7+" if b == 7 else str(b), "customers": int(np.sum(bucket == b)),
                    "actual": float(actual[bucket == b].mean()), "predicted": float(pred[bucket == b].mean())}
                   for b in range(8) if np.any(bucket == b)]
        cum = expected_cumulative_transactions(f, df, "date", "id", days, freq="D")
        res[key] = {"params": params.tolist(), "mae": float(np.mean(np.abs(actual - pred))),
                    "rmse": float(np.sqrt(np.mean((actual - pred) ** 2))),
                    "actualTotal": float(actual.sum()), "predictedTotal": float(pred.sum()),
                    "byFrequency": by_freq,
                    "cumulativeActual": cum["actual"].astype(float).tolist(),
                    "cumulativePredicted": cum["predicted"].astype(float).tolist()}
    with open(os.path.join(OUT, name + ".json"), "w") as fh:
        json.dump(clean(res), fh, allow_nan=False)
    print(name, len(x), "calibration customers", {k: res[k]["params"] for k in MODELS})


def main(names):
    os.makedirs(OUT, exist_ok=True)
    want = lambda n: not names or n in names  # noqa: E731
    if any(want(n) for n in ("days_standard", "weeks_standard", "days_penalized")):
        df, end = simulate(3000, 1095, 0.25, 4.0, 0.8, 2.5, 6.0, 4.0, 15.0, seed=1)
        if want("days_standard"):
            fixture("days_standard", df, end, "D")
        if want("weeks_standard"):
            fixture("weeks_standard", df, end, "W")
        if want("days_penalized"):
            fixture("days_penalized", df, end, "D", pen=0.01, models=("bgnbd", "mbgnbd"))
    if want("days_heavy_buyers"):
        df, end = simulate(1500, 730, 1.5, 2.0, 0.4, 8.0, 4.0, 3.0, 20.0, seed=2)
        fixture("days_heavy_buyers", df, end, "D")
    if any(want(n) for n in ("days_small", "weeks_small", "months_small", "days_penalized_pareto")):
        df, end = simulate(400, 365, 0.6, 10.0, 1.2, 3.0, 5.0, 5.0, 10.0, seed=3)
        if want("days_small"):
            fixture("days_small", df, end, "D")
        # Week and month units exactly as crm-lens counts them (purchases per day, durations
        # in units of 7 and 365.25/12 days), CLV with lifetimes' freq "W" / "M".
        if want("weeks_small"):
            fixture("weeks_small", df, end, "D", freq_multiplier=7, clv_freq="W")
        if want("months_small"):
            fixture("months_small", df, end, "D", freq_multiplier=365.25 / 12, clv_freq="M")
        # lifetimes' Pareto/NBD penalty is not divided by n (-sum ll + pen sum theta^2): a
        # coefficient of 1 on 400 customers moves the parameters by 5-25%.
        if want("days_penalized_pareto"):
            fixture("days_penalized_pareto", df, end, "D", pen=1.0, models=("paretoNbd",))
    if want("days_edge"):
        edge_fixture()
    if want("tracking"):
        df, end = simulate(1000, 730, 0.25, 4.0, 0.8, 2.5, 6.0, 4.0, 15.0, seed=5)
        tracking_fixture("tracking", df, end, holdout_days=182)
    for name in ("days_edge", "days_standard", "weeks_standard", "days_heavy_buyers", "days_small"):
        if want(name) or "pareto_prob_n" in names:
            add_pareto_prob_n(name)


def edge_fixture():
    # Edge cases written directly as a summary: T = 0 customers, t_x = T, x in the hundreds,
    # repeat buyers with tiny recency, many one-time buyers.
    rng = np.random.default_rng(4)
    n = 200
    T = rng.integers(0, 400, n).astype(float)
    x = np.where(rng.uniform(size=n) < 0.6, 0.0, rng.integers(1, 12, n)).astype(float)
    tx = np.where(x > 0, np.floor(rng.uniform(size=n) * T), 0.0)
    x[(tx == 0)] = 0.0
    T[:5] = 0.0; x[:5] = 0.0; tx[:5] = 0.0
    T[5:10] = 300.0; x[5:10] = [1, 2, 5, 9, 20]; tx[5:10] = 300.0
    T[10:13] = 399.0; x[10:13] = [150, 300, 390]; tx[10:13] = [380, 398, 399]
    T[13:16] = 200.0; x[13:16] = 1.0; tx[13:16] = 1.0
    m = np.where(x > 0, rng.gamma(5.0, 4.0, n), 0.0)
    fixture("days_edge", None, None, "D", summary=(x, tx, T, m))


if __name__ == "__main__":
    # No arguments: every fixture. Otherwise only the named ones ("pareto_prob_n" adds
    # paretoNbd.probN to the fixtures made before it was recorded).
    main(sys.argv[1:])
