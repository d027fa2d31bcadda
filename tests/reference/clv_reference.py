"""Reference values for the crm-lens CLV module from lifetimes==0.11.3.

Run: .venv/bin/python tests/reference/clv_reference.py  (writes tests/fixtures/clv/*.json)

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
import warnings

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from autograd import value_and_grad, hessian

from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data

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


def fixture(name, df, end, freq, pen=0.0, models=("bgnbd", "mbgnbd", "paretoNbd"), summary=None):
    if summary is None:
        s = summary_data_from_transaction_data(df, "id", "date", monetary_value_col="spend",
                                               observation_period_end=end, freq=freq)
        x, tx, T, m = (s[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T", "monetary_value"))
    else:
        x, tx, T, m = (np.asarray(v, dtype=float) for v in summary)
    scale = 1.0 / T.max()
    ones = np.ones_like(x)
    res = {"name": name, "freq": freq, "penalizer": pen,
           "x": x.tolist(), "tx": tx.tolist(), "T": T.tolist(), "monetary": m.tolist()}
    horizon = {"D": 30.0, "W": 4.345, "M": 1.0}[freq] * 12
    res["horizon"] = horizon
    fitted = {}
    for key, cls, names in (("bgnbd", BetaGeoFitter, ["r", "alpha", "a", "b"]),
                            ("mbgnbd", ModifiedBetaGeoFitter, ["r", "alpha", "a", "b"]),
                            ("paretoNbd", ParetoNBDFitter, ["r", "alpha", "s", "beta"])):
        if key not in models:
            continue
        f = cls(penalizer_coef=pen)
        np.random.seed(0)
        try:
            f.fit(x, tx, T)
        except Exception as e:  # noqa: BLE001 - record that lifetimes failed
            res[key] = {"lifetimesError": str(e)}
            continue
        raw = f.params_[names].to_numpy(dtype=float)
        # Refine lifetimes' own objective (scaled time) in log space.
        lp = np.log(raw.copy())
        lp[1] += np.log(scale)
        if key == "paretoNbd":
            lp[3] += np.log(scale)
            obj = lambda phi, *a: ParetoNBDFitter._negative_log_likelihood(np.exp(phi), *a)
            args = (x, tx * scale, T * scale, ones, pen)
        else:
            obj = cls._negative_log_likelihood
            args = (x, tx * scale, T * scale, ones, pen)
        phi = refine(obj, lp, args, autodiff=(key != "paretoNbd"))
        n = len(x)
        theta = np.exp(phi)
        if key == "paretoNbd":
            se = None  # lifetimes computes no Hessian for Pareto/NBD
        else:
            H = hessian(obj)(phi, *args)
            cov = np.linalg.inv(H) / n
            se = None  # set below in natural units
        params = theta.copy()
        params[1] /= scale
        if key == "paretoNbd":
            params[3] /= scale
        else:
            se = (params * np.sqrt(np.diag(cov))).tolist()  # lifetimes' variance_matrix_ form
        f.params_ = pd.Series(params, index=names)
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
        if key != "paretoNbd":
            res[key]["probN"] = [float(f.probability_of_n_purchases_up_to_time(T.max() / 2, k)) for k in range(8)]
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
                                        time=12, discount_rate=0.01, freq=freq)
        res[key]["clv"] = np.asarray(clv, dtype=float).tolist()
    with open(os.path.join(OUT, name + ".json"), "w") as fh:
        json.dump(clean(res), fh, allow_nan=False)
    print(name, len(x), "customers", {k: res[k].get("params") for k in ("bgnbd", "mbgnbd", "paretoNbd", "gammaGamma") if k in res})


def main():
    os.makedirs(OUT, exist_ok=True)
    df, end = simulate(3000, 1095, 0.25, 4.0, 0.8, 2.5, 6.0, 4.0, 15.0, seed=1)
    fixture("days_standard", df, end, "D")
    fixture("weeks_standard", df, end, "W")
    fixture("days_penalized", df, end, "D", pen=0.01, models=("bgnbd", "mbgnbd"))
    df, end = simulate(1500, 730, 1.5, 2.0, 0.4, 8.0, 4.0, 3.0, 20.0, seed=2)
    fixture("days_heavy_buyers", df, end, "D")
    df, end = simulate(400, 365, 0.6, 10.0, 1.2, 3.0, 5.0, 5.0, 10.0, seed=3)
    fixture("days_small", df, end, "D")
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
    main()
