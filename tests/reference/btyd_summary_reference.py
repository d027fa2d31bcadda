#!/usr/bin/env python3
"""lifetimes 0.11.3 reference for the BTYD summary (issue 4).

Usage: btyd_summary_reference.py TRANSACTIONS.csv OUT.json

Two variants, each exactly `lifetimes.utils.summary_data_from_transaction_data` with
freq="D" (purchases aggregated per calendar day) and freq_multiplier = days per unit:
- "keep/day": every line as lifetimes sees a raw log (returns are negative transactions);
  this is crm-lens `--returns keep --time-unit day`.
- "net/week": crm-lens' default return handling: a purchase day is a day with at least one
  non-negative line, and its value is the sum of all that day's lines; lines on days without
  a purchase (late returns) only change the total spend, so they are left out here.
  This is `--time-unit week` (freq_multiplier=7).
"""
import json
import sys

import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data


def summary(df, as_of, multiplier):
    s = summary_data_from_transaction_data(
        df, "customer_id", "order_date", monetary_value_col="amount",
        observation_period_end=as_of, freq="D", freq_multiplier=multiplier,
    )
    return [[cid, float(r["frequency"]), float(r["recency"]), float(r["T"]), float(r["monetary_value"])] for cid, r in s.iterrows()]


def main(path, out):
    df = pd.read_csv(path, dtype={"customer_id": str, "order_id": str})
    df["order_date"] = pd.to_datetime(df["order_date"], format="%Y-%m-%d")
    as_of = df["order_date"].max().strftime("%Y-%m-%d")
    day_has_purchase = df.assign(p=df["amount"] >= 0).groupby(["customer_id", "order_date"])["p"].transform("any")
    net = df[day_has_purchase]
    result = {
        "source": "lifetimes 0.11.3, pandas " + pd.__version__,
        "asOf": as_of,
        "columns": ["customerId", "frequency", "recency", "T", "monetaryValue"],
        "keepDay": summary(df, as_of, 1),
        "netWeek": summary(net, as_of, 7),
    }
    with open(out, "w") as fh:
        json.dump(result, fh, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
