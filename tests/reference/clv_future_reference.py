"""Reference values for crm-lens' forward-looking CLV outputs (issue #17 item 6) from
lifetimes==0.11.3, at the parameters already stored in the `days_small` and `weeks_small`
fixtures (nothing is refitted, so those fixtures stay as they are).

Run: tests/reference/.venv/bin/python tests/reference/clv_future_reference.py
(writes tests/fixtures/clv/future.json).

Per dataset and model (BG/NBD, MBG/NBD, Pareto/NBD):
  * pAliveAt: P(alive) on a later date if the customer makes no purchase until then, i.e.
    lifetimes' conditional_probability_alive(x, t_x, T + dt), for dt = 30 and 90 days (in the
    model's unit);
  * newCustomer: expected_number_of_purchases_up_to_time(i f) for months i = 0..12 (f = 30
    days or 4.345 weeks, lifetimes' month factors), and the new customer's value month by
    month: sum over months of the Gamma-Gamma population mean spend (lifetimes'
    conditional_expected_average_profit at frequency 0) times the new expected purchases of
    the month, discounted at 1% a month (lifetimes' CLV formula applied to a new customer);
  * windows: GammaGammaFitter.customer_lifetime_value(model, ..., time=k, discount_rate=0.01)
    for k = 1..12 months, per customer (CLV per window).
"""
import json
import os
import warnings

import numpy as np
import pandas as pd

from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

warnings.simplefilter("ignore")
DIR = os.path.join(os.path.dirname(__file__), "..", "fixtures", "clv")
MODELS = {"bgnbd": (BetaGeoFitter, ["r", "alpha", "a", "b"]),
          "mbgnbd": (ModifiedBetaGeoFitter, ["r", "alpha", "a", "b"]),
          "paretoNbd": (ParetoNBDFitter, ["r", "alpha", "s", "beta"])}


def dataset(name, unit_days, freq):
    src = json.load(open(os.path.join(DIR, name + ".json")))
    x, tx, T, m = (np.asarray(src[k], dtype=float) for k in ("x", "tx", "T", "monetary"))
    factor = {"D": 30.0, "W": 4.345}[freq]
    g = GammaGammaFitter()
    g.params_ = pd.Series(src["gammaGamma"]["params"], index=["p", "q", "v"])
    spend = float(g.conditional_expected_average_profit(pd.Series([0.0]), pd.Series([0.0])).iloc[0])
    out = {"unitDays": unit_days, "freq": freq, "spendPerPurchase": spend}
    for key, (cls, names) in MODELS.items():
        f = cls()
        f.params_ = pd.Series(src[key]["params"], index=names)
        f.predict = f.conditional_expected_number_of_purchases_up_to_time  # what fit() sets
        res = {"params": src[key]["params"]}
        res["pAliveAt"] = {str(days): np.asarray(f.conditional_probability_alive(x, tx, T + days / unit_days),
                                                 dtype=float).ravel().tolist()
                           for days in (30, 90)}
        e = [float(f.expected_number_of_purchases_up_to_time(i * factor)) for i in range(13)]
        res["newCustomer"] = e
        res["newCustomerValue"] = np.cumsum([spend * (e[i] - e[i - 1]) / 1.01 ** i for i in range(1, 13)]).tolist()
        res["windows"] = [np.asarray(g.customer_lifetime_value(f, pd.Series(x), pd.Series(tx), pd.Series(T),
                                                               pd.Series(m), time=k, discount_rate=0.01, freq=freq),
                                     dtype=float).tolist() for k in range(1, 13)]
        out[key] = res
    return out


def main():
    res = {"days_small": dataset("days_small", 1.0, "D"), "weeks_small": dataset("weeks_small", 7.0, "W")}
    with open(os.path.join(DIR, "future.json"), "w") as fh:
        json.dump(res, fh, allow_nan=False)
    print("future.json", {k: v["spendPerPurchase"] for k, v in res.items()})


if __name__ == "__main__":
    main()
