#!/usr/bin/env python3
"""pandas reference for RFM scores and segments (issue 4).

Usage: rfm_reference.py TRANSACTIONS.csv OUT.json [BINS]

The recipe is the one analysts write with pandas:
    R = days from the last purchase to the last date in the file, scored by pd.qcut (reversed)
    F = distinct purchase orders, scored by pd.qcut(F.rank(method="first"))
    M = net spend (returns netted), scored by pd.qcut
R and M fall back to rank(method="first") only when pd.qcut raises on repeated edges.
Customers are in pandas' default groupby order (sorted by id), which fixes rank ties: this is
crm-lens' `rfm.ties: "first"`, whose customer table is ordered by id the same way.
With BINS other than 5 (default), scores are 1..BINS and are mapped to the 1-5 scale of the
segment rules as ceil(5 * score / BINS) (crm-lens' documented rescaling).
`monetaryExact` is the correctly rounded sum of each customer's amounts (math.fsum), the
order-independent sum crm-lens computes; pandas' own compensated sum can differ from it by an
ulp or a few (18.04 + 92.07 - 92.07 is 18.039999999999992 in pandas).
`monetary` and `monetaryExact` are written as text (Python's shortest round-trip repr), so a reader can parse it to
the exact double; serde_json's default float parser may be one ulp off.
The segment summary (customers, share, revenue, revenue share, mean R/F/M values and
scores) is a pandas groupby over the per-customer rows, rules in table order, then Others.
"""
import json
import math
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
    """Per customer with a purchase, by customer id (groupby's default sort): recency (days from the last
    purchase to the last date in the file), frequency (distinct purchase orders) and monetary
    (net spend, returns included). Returns (features, asOf)."""
    as_of = df["order_date"].max()
    purchases = df[df["amount"] >= 0]
    monetary = df.groupby("customer_id")["amount"].sum()
    exact = df.groupby("customer_id")["amount"].agg(lambda s: math.fsum(s.tolist()))
    gp = purchases.groupby("customer_id")
    rfm = pd.DataFrame({"monetary": monetary, "monetaryExact": exact})
    rfm = rfm[rfm.index.isin(gp.groups.keys())].copy()
    rfm["recency"] = (as_of - gp["order_date"].max()).dt.days.reindex(rfm.index)
    rfm["frequency"] = gp["order_id"].nunique().reindex(rfm.index)
    return rfm, as_of


def to_five(score, bins):
    return min(5, max(1, -(-5 * score // bins)))


def summary(rfm):
    names = [r[0] for r in RULES] + ["Others"]
    total, revenue = len(rfm), rfm["monetary"].sum()
    g = rfm.groupby("segment")
    out = []
    for name in names:
        if name in g.groups:
            x = g.get_group(name)
            n, rev = len(x), float(x["monetary"].sum())
            means = [float(x[c].mean()) for c in ("recency", "frequency", "monetary", "r", "f", "m")]
        else:
            n, rev, means = 0, 0.0, [0.0] * 6
        out.append({
            "name": name, "customers": n, "share": n / total, "revenue": rev,
            "revenueShare": rev / revenue if revenue != 0 else 0.0,
            "meanRecency": means[0], "meanFrequency": means[1], "meanMonetary": means[2],
            "meanR": means[3], "meanF": means[4], "meanM": means[5],
        })
    return out


def main(path, out, bins=5):
    bins = int(bins)
    up = list(range(1, bins + 1))
    rfm, as_of = customer_features(read_log(path))
    r, r_how = qcut_or_rank(rfm["recency"], up[::-1])
    f = pd.qcut(rfm["frequency"].rank(method="first"), bins, labels=up)
    m, m_how = qcut_or_rank(rfm["monetary"], up)
    rfm["r"], rfm["f"], rfm["m"] = r.astype(int), f.astype(int), m.astype(int)
    rfm["segment"] = [
        segment(to_five(a, bins), to_five(b, bins), to_five(c, bins))
        for a, b, c in zip(rfm["r"], rfm["f"], rfm["m"])
    ]
    result = {
        "source": "pandas " + pd.__version__,
        "bins": bins,
        "asOf": as_of.strftime("%Y-%m-%d"),
        "scoring": {"recency": r_how, "frequency": "rankFirst", "monetary": m_how},
        "columns": ["customerId", "recencyDays", "frequency", "monetary", "r", "f", "m", "segment", "monetaryExact"],
        "customers": [
            [cid, int(row.recency), int(row.frequency), repr(float(row.monetary)), int(row.r), int(row.f), int(row.m), row.segment, repr(float(row.monetaryExact))]
            for cid, row in rfm.iterrows()
        ],
        "segments": summary(rfm),
    }
    with open(out, "w") as fh:
        json.dump(result, fh, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main(*sys.argv[1:])
