#!/usr/bin/env python3
"""scikit-learn reference for k-means on the issue's 1M-transaction data (issue 5).

Usage: kmeans_sample_reference.py SAMPLE.csv TRANSACTIONS SEED OUT.json

SAMPLE.csv is `crm-lens sample --transactions TRANSACTIONS --seed SEED` (or the identical
bytes written by `cargo test --release --test segment_sklearn_sample -- --ignored
write_sample_csv`). The per-customer features are computed here by pandas
(rfm_reference.customer_features: recency days, distinct purchase orders, net spend),
transformed as the Rust side does (log1p(clip(v, 0)), then StandardScaler's z-score, ddof=0),
and clustered by KMeans(n_clusters=k, n_init=10, random_state=0) for k = 2..10.
The fixture also records the customer count, feature sums and the input's size + FNV-1a 64,
so the Rust test can tell a changed generator from a wrong result.
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rfm_reference import customer_features, read_log  # noqa: E402
from stamp import fnv1a64  # noqa: E402

FEATURES = ["recency", "frequency", "monetary"]


def main(csv, transactions, seed, out_path):
    data = open(csv, "rb").read()
    rfm, as_of = customer_features(read_log(csv))
    raw = rfm[FEATURES].to_numpy(dtype=float)
    x = np.log1p(np.clip(raw, 0, None))
    mean, std = x.mean(axis=0), x.std(axis=0)
    z = (x - mean) / std
    out = {
        "input": {"transactions": int(transactions), "seed": int(seed), "bytes": len(data), "fnv1a64": fnv1a64(data)},
        "asOf": as_of.strftime("%Y-%m-%d"),
        "customers": int(len(rfm)),
        "featureSums": dict(zip(FEATURES, raw.sum(axis=0).tolist())),
        "sklearn": sklearn.__version__,
        "kmeans": "KMeans(n_clusters=k, n_init=10, random_state=0), lloyd, default tol",
        "means": dict(zip(FEATURES, mean.tolist())),
        "stds": dict(zip(FEATURES, std.tolist())),
        "inertia": {},
        "seconds": {},
    }
    for k in range(2, 11):
        t = time.time()
        km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(z)
        out["inertia"][str(k)] = float(km.inertia_)
        out["seconds"][str(k)] = round(time.time() - t, 3)
        print(k, km.inertia_, out["seconds"][str(k)], flush=True)
    with open(out_path, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:])
