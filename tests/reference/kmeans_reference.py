"""scikit-learn reference for the segment module.

Reads the raw features written by `cargo test --release --test segment_sklearn -- --ignored
write_features_csv` (tests/reference/out/btyd_<n>_<seed>.csv), applies the same transform as
the Rust side (log1p(clip(v, 0)) then z-score with ddof=0, like StandardScaler) and writes
tests/fixtures/segment/kmeans_reference_<n>.json with KMeans(n_init=10) inertia_ per k.
Also writes silhouette.json: random points + labels with sklearn's silhouette_score.
Also adds sklearn PCA(2) (explained variance ratio, sign-normalised components) to each fixture.
Usage: .venv/bin/python tests/reference/kmeans_reference.py [--pca-only] [csv ...]
"""
import glob
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures", "segment")
FEATURES = ["recency", "frequency", "monetary"]


def standardise(df):
    x = np.log1p(np.clip(df[FEATURES].to_numpy(dtype=float), 0, None))
    mean = x.mean(axis=0)
    std = x.std(axis=0)  # ddof=0 as StandardScaler
    return (x - mean) / std, mean, std


def reference(csv):
    df = pd.read_csv(csv)
    z, mean, std = standardise(df)
    out = {
        "source": os.path.basename(csv),
        "n": int(len(df)),
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
        print(csv, k, km.inertia_, out["seconds"][str(k)], flush=True)
    path = os.path.join(FIX, f"kmeans_reference_{len(df)}.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)


def add_pca(csv):
    """Adds sklearn PCA(2) of the standardised features to the csv's fixture."""
    from sklearn.decomposition import PCA

    df = pd.read_csv(csv)
    z, _, _ = standardise(df)
    pca = PCA(n_components=2).fit(z)
    comp = pca.components_.copy()
    for row in comp:  # largest-magnitude loading positive (svd_flip convention)
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1
    path = os.path.join(FIX, f"kmeans_reference_{len(df)}.json")
    with open(path) as f:
        out = json.load(f)
    out["pca"] = {
        "explainedVarianceRatio": pca.explained_variance_ratio_.tolist(),
        "components": comp.tolist(),
    }
    with open(path, "w") as f:
        json.dump(out, f, indent=1)


def silhouette_fixture():
    rng = np.random.default_rng(5)
    pts = np.concatenate([rng.normal(c, 0.7, size=(60, 3)) for c in (0.0, 2.0, 4.0)])
    labels = rng.integers(0, 4, size=len(pts))
    labels[:3] = 3  # make sure every label occurs
    out = {
        "points": pts.round(6).tolist(),
        "labels": labels.tolist(),
        "k": 4,
        "silhouette": float(silhouette_score(pts.round(6), labels)),
    }
    with open(os.path.join(FIX, "silhouette.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    os.makedirs(FIX, exist_ok=True)
    silhouette_fixture()
    args = [a for a in sys.argv[1:] if a != "--pca-only"]
    for csv in args or sorted(glob.glob(os.path.join(HERE, "out", "*.csv"))):
        if "--pca-only" not in sys.argv:
            reference(csv)
        add_pca(csv)
