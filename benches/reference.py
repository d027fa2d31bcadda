#!/usr/bin/env python3
"""The Python reference stack, timed stage by stage on the same file as crm-lens.

Usage: reference.py FILE RUNS [--work minimal|equal] [--draws N] [--exact-bootstrap]  -> JSON on stdout.

--work minimal (the default, "python" in the bench table): the floor, what an analyst writes
with pandas, scikit-learn and lifetimes 0.11.3 when they want a quick answer:
  read_csv   pd.read_csv + ISO dates parsed
  rfm        groupby RFM (recency days, distinct orders, net spend) scored 1-5 with pd.qcut
             (rank(method="first") where qcut meets repeated edges), as tests/reference/rfm_reference.py
  kmeans     KMeans(k=5, n_init=1) on log1p + standardised R, F, M
  summary    lifetimes.utils.summary_data_from_transaction_data (freq="D")
  bgnbd      BetaGeoFitter().fit(frequency, recency, T)
  gg         GammaGammaFitter().fit on repeat customers with positive spend
  clv        GammaGammaFitter.customer_lifetime_value, 12 months, discount 0.01/month
Imports are not timed. Peak memory is this process' maxrss.

--work equal ("python-equal"): what crm-lens does with default options, as far as these
libraries allow (benches/reference_equal.py says what and where it differs). --draws N runs
only N of its 200 bootstrap draws and reports the 200-draw time extrapolated from them, labelled
`bootstrapExtrapolated` / `totalExtrapolated` (for 10M, where 200 lifetimes draws take hours).
"""
import argparse
import json
import resource
import sys
import time
import warnings

import numpy as np

# lifetimes 0.11.3 (2019) runs unchanged on numpy 2.4 / pandas 3.1 / scipy 1.17 for every call
# made here (checked 2026-11-22: it imports logsumexp from scipy.special and uses none of the
# removed numpy aliases), so no compat shims are applied. Its FutureWarnings are silenced.
warnings.filterwarnings("ignore")

import pandas as pd
import sklearn
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler
import lifetimes
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data


def qcut_or_rank(x, labels):
    try:
        return pd.qcut(x, len(labels), labels=labels)
    except ValueError:
        return pd.qcut(x.rank(method="first"), len(labels), labels=labels)


def run(path):
    t = {}
    clock = time.perf_counter
    cpu0 = time.process_time()
    s = clock()
    df = pd.read_csv(path, dtype={"customer_id": str, "order_id": str})
    df["order_date"] = pd.to_datetime(df["order_date"], format="%Y-%m-%d")
    t["read_csv"] = clock() - s

    s = clock()
    as_of = df["order_date"].max()
    purchases = df[df["amount"] >= 0]
    gp = purchases.groupby("customer_id")
    rfm = pd.DataFrame({
        "recency": (as_of - gp["order_date"].max()).dt.days,
        "frequency": gp["order_id"].nunique(),
    })
    rfm["monetary"] = df.groupby("customer_id")["amount"].sum().reindex(rfm.index)
    rfm["r"] = qcut_or_rank(rfm["recency"], [5, 4, 3, 2, 1])
    rfm["f"] = pd.qcut(rfm["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    rfm["m"] = qcut_or_rank(rfm["monetary"], [1, 2, 3, 4, 5])
    rfm["score"] = rfm["r"].astype(str) + rfm["f"].astype(str) + rfm["m"].astype(str)
    t["rfm"] = clock() - s

    s = clock()
    x = np.log1p(rfm[["recency", "frequency", "monetary"]].clip(lower=0).to_numpy(dtype=float))
    x = StandardScaler().fit_transform(x)
    km = KMeans(n_clusters=5, n_init=1, random_state=42).fit(x)
    t["kmeans"] = clock() - s

    s = clock()
    summary = summary_data_from_transaction_data(
        df, "customer_id", "order_date", monetary_value_col="amount",
        observation_period_end=as_of, freq="D",
    )
    t["summary"] = clock() - s

    s = clock()
    bgf = BetaGeoFitter(penalizer_coef=0.0).fit(summary["frequency"], summary["recency"], summary["T"])
    t["bgnbd"] = clock() - s

    s = clock()
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    ggf = GammaGammaFitter(penalizer_coef=0.0).fit(repeat["frequency"], repeat["monetary_value"])
    t["gg"] = clock() - s

    s = clock()
    clv = ggf.customer_lifetime_value(
        bgf, summary["frequency"], summary["recency"], summary["T"],
        summary["monetary_value"].clip(lower=0), time=12, freq="D", discount_rate=0.01,
    )
    t["clv"] = clock() - s
    t["total"] = sum(t.values())
    t["cpu"] = time.process_time() - cpu0  # CPU seconds, all threads: wall time is not work on a busy machine
    facts = {
        "rows": int(len(df)),
        "customers": int(len(rfm)),
        "repeatCustomers": int(len(repeat)),
        "kmeansInertia": float(km.inertia_),
        "bgnbd": {k: float(v) for k, v in bgf.params_.items()},
        "clvMean": float(np.nanmean(clv.to_numpy())),
    }
    return t, facts


def main(path, runs, work, draws, exact_bootstrap=False):
    out = []
    facts = None
    for _ in range(runs):
        if work == "equal":
            import reference_equal
            t, facts = reference_equal.run(path, draws, exact_bootstrap)
        else:
            t, facts = run(path)
        out.append(t)
        print(f"  python ({work}) run: total {t['total']:.2f} s"
              + (f", extrapolated to 200 draws {t['totalExtrapolated']:.2f} s" if "totalExtrapolated" in t else ""),
              file=sys.stderr)
    print(json.dumps({
        "engine": "python" if work == "minimal" else "python-equal",
        "work": work,
        "versions": {
            "python": sys.version.split()[0], "numpy": np.__version__, "pandas": pd.__version__,
            "scikit-learn": sklearn.__version__, "lifetimes": lifetimes.__version__,
        },
        "runs": out,
        "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "facts": facts,
    }))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="The Python reference stack, timed stage by stage.")
    ap.add_argument("file")
    ap.add_argument("runs", nargs="?", type=int, default=1)
    ap.add_argument("--work", choices=["minimal", "equal"], default="minimal")
    ap.add_argument("--draws", type=int, default=200, help="equal work: bootstrap draws actually run (1..200)")
    ap.add_argument("--exact-bootstrap", action="store_true",
                    help="equal work: evaluate every draw exactly (crm-lens linearises above 2M (x, T) runs x draws)")
    a = ap.parse_args()
    if not 1 <= a.draws <= 200:
        ap.error("--draws must be in 1..200")
    main(a.file, a.runs, a.work, a.draws, a.exact_bootstrap)
