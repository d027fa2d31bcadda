"""scikit-learn reference for k-means on real data: lifetimes' CDNOW_sample.txt (2,357 real
customers of the CDNOW panel, 1997-98).

tests/fixtures/segment/cdnow_sample_features.csv holds each customer's recencyDays, frequency
(transactions) and monetary (net spend) as `crm-lens analyze --date-format %Y%m%d
--export-customers` gives them for CDNOW_sample.txt written as customer_id,order_date,amount
(columns 1, 3, 5). This script applies the transform of the Rust side (log1p(clip(v, 0)),
z-score with ddof=0) and writes tests/fixtures/segment/kmeans_reference_cdnow_sample.json
with KMeans(n_clusters=k, n_init=10, random_state=0).inertia_ for k = 2..10.
Usage: tests/reference/.venv/bin/python tests/reference/kmeans_cdnow_reference.py
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures", "segment")

df = pd.read_csv(os.path.join(FIX, "cdnow_sample_features.csv"))
x = np.log1p(np.clip(df[["recency", "frequency", "monetary"]].to_numpy(float), 0, None))
z = (x - x.mean(axis=0)) / x.std(axis=0)
out = {
    "source": "lifetimes 0.11.3 datasets/CDNOW_sample.txt",
    "n": int(len(df)),
    "sklearn": sklearn.__version__,
    "kmeans": "KMeans(n_clusters=k, n_init=10, random_state=0), lloyd, default tol",
    "inertia": {
        str(k): float(KMeans(n_clusters=k, n_init=10, random_state=0).fit(z).inertia_)
        for k in range(2, 11)
    },
}
with open(os.path.join(FIX, "kmeans_reference_cdnow_sample.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
