"""Reference values for crm-lens' BG/BB (discrete-time buyers) from lifetimes==0.11.3.

Run: tests/reference/.venv/bin/python tests/reference/bgbb_reference.py
(writes tests/fixtures/clv/bgbb_donations.json and tests/fixtures/clv/donations.csv).

lifetimes' `donations` data (Fader, Hardie & Shang 2010: 11,104 donors of the 1995 cohort,
six annual opportunities), in lifetimes' summary form: frequency, recency, periods, weights.
We store:
  * lifetimes' fitted parameters (BetaGeoBetaBinomFitter().fit(...)) as it returns them, and
    the refined optimum of lifetimes' own objective (tight BFGS restarted from lifetimes'
    answer: its default tolerance stops early, so the refined optimum is the fair target);
  * the full log-likelihood (weighted sum of lifetimes' per-pattern terms) and the standard
    errors (lifetimes' variance_matrix_ form) at the refined optimum;
  * at the refined parameters, lifetimes' predictions for every pattern:
    conditional_probability_alive(m, x, tx, n) for m = 0, 1, 5, 10, the same at a later
    observation n + m with no transaction meanwhile (conditional_probability_alive(0, x, tx,
    n + m)), conditional_expected_number_of_purchases_up_to_time(m, x, tx, n) for m = 1, 5,
    10, and expected_number_of_transactions_in_first_n_periods(n) for n = 6 (the customers by
    repeat transactions, lifetimes' in-sample check).
lifetimes adds 1e-15 inside its likelihood's second term; at these counts that moves nothing
beyond 1e-12.
"""
import json
import os
import warnings

import numpy as np
import pandas as pd
from autograd import hessian, value_and_grad
from scipy.optimize import minimize

from lifetimes import BetaGeoBetaBinomFitter
from lifetimes.datasets import load_donations

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "clv")
NAMES = ["alpha", "beta", "gamma", "delta"]


def main():
    d = load_donations()
    d.to_csv(os.path.join(OUT, "donations.csv"), index=False)
    x, tx, n, w = (d[c].to_numpy() for c in ("frequency", "recency", "periods", "weights"))
    f = BetaGeoBetaBinomFitter()
    f.fit(x, tx, n, weights=w)
    raw = f.params_[NAMES].to_numpy(dtype=float)
    obj = BetaGeoBetaBinomFitter._negative_log_likelihood
    args = (x, tx, n, w, 0.0)
    out = minimize(value_and_grad(obj), np.log(raw), jac=True, args=args, method="BFGS",
                   options={"gtol": 1e-11, "maxiter": 5000})
    phi = out.x
    params = np.exp(phi)
    cov = np.linalg.inv(hessian(obj)(phi, *args)) / w.sum()
    se = params * np.sqrt(np.diag(cov))
    ll = float(np.sum(BetaGeoBetaBinomFitter._loglikelihood(params, x, tx, n) * w))
    f.params_ = pd.Series(params, index=NAMES)
    res = {
        "frequency": x.tolist(), "recency": tx.tolist(), "periods": n.tolist(), "weights": w.tolist(),
        "lifetimesParams": raw.tolist(), "params": params.tolist(), "stdErrors": se.tolist(),
        "logLikelihood": ll,
        "pAlive": {str(m): np.asarray(f.conditional_probability_alive(m, x, tx, n), dtype=float).tolist()
                   for m in (0, 1, 5, 10)},
        "pAliveNoPurchase": {str(m): np.asarray(f.conditional_probability_alive(0, x, tx, n + m), dtype=float).tolist()
                             for m in (1, 5, 10)},
        "condExpected": {str(m): np.asarray(f.conditional_expected_number_of_purchases_up_to_time(m, x, tx, n),
                                            dtype=float).tolist() for m in (1, 5, 10)},
        "firstNPeriods": {
            "n": 6,
            "frequency": f.expected_number_of_transactions_in_first_n_periods(6).index.tolist(),
            "expected": f.expected_number_of_transactions_in_first_n_periods(6)["model"].astype(float).tolist(),
        },
    }
    with open(os.path.join(OUT, "bgbb_donations.json"), "w") as fh:
        json.dump(res, fh, allow_nan=False)
    print("lifetimes", dict(zip(NAMES, raw.round(4))), "refined", dict(zip(NAMES, params.round(6))), "LL", ll)


if __name__ == "__main__":
    main()
