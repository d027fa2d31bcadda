#!/usr/bin/env python3
"""pandas reference for RFM scores and segments (issue 4).

Usage: rfm_reference.py TRANSACTIONS.csv OUT.json

The recipe is the one analysts write with pandas:
    R = days from the last purchase to the last date in the file, scored by pd.qcut (reversed)
    F = distinct purchase orders, scored by pd.qcut(F.rank(method="first"))
    M = net spend (returns netted), scored by pd.qcut
R and M fall back to rank(method="first") only when pd.qcut raises on repeated edges.
Customers are in order of first appearance (groupby(sort=False)), which fixes rank ties.
"""
import json
import sys

import pandas as pd

RULES = [
    ("Champions", (4, 5), (4, 5), (4, 5)),
    ("Loyal Customers", (2, 5), (3, 5), (3, 5)),
    ("Potential Loyalist", (3, 5), (1, 3), (1, 3)),
    ("New Customers", (4, 5), (1, 1), (1, 1)),
    ("Promising", (3, 4), (1, 1), (1, 1)),
    ("Need Attention", (2, 3), (2, 3), (2, 3)),
    ("About To Sleep", (2, 3), (1, 2), (1, 2)),
    ("At Risk", (1, 2), (2, 5), (2, 5)),
    ("Can't Lose Them", (1, 1), (4, 5), (4, 5)),
    ("Hibernating", (1, 2), (1, 2), (1, 2)),
    ("Lost", (1, 2), (1, 2), (1, 2)),
]


def segment(r, f, m):
    for name, (r0, r1), (f0, f1), (m0, m1) in RULES:
        if r0 <= r <= r1 and f0 <= f <= f1 and m0 <= m <= m1:
            return name
    return "Others"


def qcut_or_rank(x, labels):
    try:
        return pd.qcut(x, len(labels), labels=labels), "qcut"
    except ValueError:
        return pd.qcut(x.rank(method="first"), len(labels), labels=labels), "rankFirst"


def read_log(path):
    df = pd.read_csv(path, dtype={"customer_id": str, "order_id": str})
    df["order_date"] = pd.to_datetime(df["order_date"], format="%Y-%m-%d")
    return df


def customer_features(df):
    """Per customer with a purchase, in order of first appearance: recency (days from the last
    purchase to the last date in the file), frequency (distinct purchase orders) and monetary
    (net spend, returns included). Returns (features, asOf)."""
    as_of = df["order_date"].max()
    purchases = df[df["amount"] >= 0]
    monetary = df.groupby("customer_id", sort=False)["amount"].sum()
    gp = purchases.groupby("customer_id", sort=False)
    rfm = pd.DataFrame({"monetary": monetary})
    rfm = rfm[rfm.index.isin(gp.groups.keys())].copy()
    rfm["recency"] = (as_of - gp["order_date"].max()).dt.days.reindex(rfm.index)
    rfm["frequency"] = gp["order_id"].nunique().reindex(rfm.index)
    return rfm, as_of


def main(path, out):
    rfm, as_of = customer_features(read_log(path))
    r, r_how = qcut_or_rank(rfm["recency"], [5, 4, 3, 2, 1])
    f = pd.qcut(rfm["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    m, m_how = qcut_or_rank(rfm["monetary"], [1, 2, 3, 4, 5])
    rfm["r"], rfm["f"], rfm["m"] = r.astype(int), f.astype(int), m.astype(int)
    rfm["segment"] = [segment(a, b, c) for a, b, c in zip(rfm["r"], rfm["f"], rfm["m"])]
    result = {
        "source": "pandas " + pd.__version__,
        "asOf": as_of.strftime("%Y-%m-%d"),
        "scoring": {"recency": r_how, "frequency": "rankFirst", "monetary": m_how},
        "columns": ["customerId", "recencyDays", "frequency", "monetary", "r", "f", "m", "segment"],
        "customers": [
            [cid, int(row.recency), int(row.frequency), round(float(row.monetary), 6), int(row.r), int(row.f), int(row.m), row.segment]
            for cid, row in rfm.iterrows()
        ],
    }
    with open(out, "w") as fh:
        json.dump(result, fh, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
