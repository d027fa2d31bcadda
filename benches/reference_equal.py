"""The equal-work Python reference: what `crm-lens analyze` does with default options, written
with pandas, scikit-learn and lifetimes 0.11.3 (`reference.py FILE RUNS --work equal`).

Stage by stage (the keys of the timings), with crm-lens's defaults (docs/report.md):
  read_csv    pd.read_csv + ISO dates parsed (as the minimal stack)
  kpis        revenue, orders, customers, AOV, repeat rate, monthly cohort matrix and the mean
              monthly retention of the last 12 months
  rfm         groupby RFM scored 1-5 with pd.qcut (as the minimal stack)
  lifecycle   stages at asOf and at asOf - 90 days (Lost, New, At Risk, Loyal, Active, with the
              data-derived typical gap) and the transitions between them
  kmeans      features log1p + z-score of recency, frequency, monetary; a seeded sample of 10,000
              customers; for k = 2..10 KMeans(k, n_init=6, max_iter=300) on it, its best run
              refined on all customers (max_iter 100, tol 1e-6 = crm-lens's finalTolerance 1e-3
              in sklearn's unit), the silhouette on the sample's first 4,000; k recommended by
              crm-lens's rule (best silhouette in 3..8 unless strong structure outside)
  summary     lifetimes summary_data_from_transaction_data (freq "D", purchases only) and
              calibration_and_holdout_data at cutoff = asOf - holdoutDays (a quarter of the
              period, 28..365 days), as crm-lens splits
  fits        BetaGeoFitter, ParetoNBDFitter, ModifiedBetaGeoFitter on the distinct (x, t_x, T)
              rows with weights (crm-lens fits on the same collapsed rows), GammaGammaFitter on
              repeat customers with positive spend; standard errors (lifetimes' Hessians;
              Pareto/NBD's by central differences of lifetimes' own objective, below)
  holdout     the three models refitted on the calibration summary (warm-started from the full
              fit, as crm-lens does), predictions over the holdout, MAE/RMSE/by-frequency/paired
              MSE excess, crm-lens's model choice (RMSE, one-time buyers rule), and for each
              model lifetimes' expected_cumulative_transactions (the tracking series, points every
              periodDays: 7 doubled until <= 520 points)
  predict     the chosen model per customer: P(alive), expected purchases and CLV over 12 months
              (lifetimes' monthly CLV sum, discount 0.01), Gamma-Gamma expected spend, CLV by
              month 1..12 summed by RFM segment / stage / cluster, the new-customer curve, the
              21 x 21 P(alive) matrix and expected customers by repeat purchases 0..7+ at each
              customer's own T (lifetimes' probability_of_n_purchases_up_to_time)
  churn       features at the cutoff, 1 - P(alive) of the calibration model, 10 bagged depth-6
              trees (balanced) on <= 20,000 train customers (70/30 split), test AUC of both,
              the trees refitted on all calibration customers and every customer scored at asOf
  explain     one depth-3 balanced tree per cluster, per stage and for likely churners, on
              <= 20,000 customers, its leaves counted on all customers
  bootstrap   200 parameter draws from N(log theta, Cov) of the chosen model and of
              Gamma-Gamma (crm-lens's parametric bootstrap: no refits), each draw evaluated with
              lifetimes on the distinct rows (12 monthly conditional expectations) and the spend
              per customer, the 5% / 95% quantiles per customer and of the total (type 6,
              numpy's "weibull", as crm-lens since session 6). As crm-lens: the stream
              linearised in the log-parameters with P(alive) exact per draw (`Linearised`) at
              every size (the interval study of docs/performance.md); --exact-bootstrap
              evaluates every draw exactly

Where it cannot do the same work, or does it differently (docs/performance.md lists these too):
- lifetimes' ParetoNBDFitter has no Hessian (Nelder-Mead, `_hessian_ = None`): its covariance
  is the inverse of a central-difference Hessian of lifetimes' own objective in log space.
- scikit-learn's KMeans keeps only its best run: crm-lens ranks all sample runs on all customers
  and refines several finalists (plus full-data restarts when cheap); here the best sample run
  per k is refined on all customers: somewhat less work.
- lifetimes' fitters start from their own points (BG/MBG 0.1, Pareto/NBD random ~1) and use
  scipy's BFGS / Nelder-Mead; crm-lens uses lifetimes' start with its own optimisers, a
  subsample warm start from 20,000 distinct rows, and warm-started holdout refits (done here too).
- expected_cumulative_transactions evaluates times in units of `freq_multiplier`; the model is
  wrapped so that one unit is periodDays days (the model is fitted in days, as crm-lens's).
- The thresholds of the lifecycle stages follow crm-lens's rules with the typical gap from the
  data but simplified windows; the work (a few vectorised passes) is the same.
- lifetimes 0.11.3 has no unconditional P(X(t) = n) for Pareto/NBD (only the conditional
  one): when Pareto/NBD is chosen the expected customers by repeat purchases (crm-lens's
  periodTransactions, a Gauss-Legendre integral per customer) are not computed: less work.
- crm-lens also reads and validates the file with a full row account (encodings, dates, returns,
  duplicates, outliers) and writes insights; pandas' read_csv is trusted here: less work.
- The bootstrap evaluates draws on distinct (x, t_x, T) rows, as crm-lens's exact path does
  (runs of (x, T)); lifetimes called per customer would be slower, not more equal.
"""
import time

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.ensemble import BaggingClassifier
from sklearn.metrics import roc_auc_score, silhouette_score
from sklearn.tree import DecisionTreeClassifier
from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter
from lifetimes.utils import (
    _scale_time, calibration_and_holdout_data, expected_cumulative_transactions,
    summary_data_from_transaction_data,
)

DRAWS = 200          # clv.bootstrapDraws
INTERVAL = 0.9       # clv.interval
HORIZON = 12         # clv.horizonMonths
DISCOUNT = 0.01      # clv.discountRate
MONTH_DAYS = 30      # lifetimes' month in freq "D" (crm-lens's monthFactor for days)
SCAN_SAMPLE, SIL_SAMPLE, N_INIT, K_RANGE = 10_000, 4_000, 6, range(2, 11)
TREE_SAMPLE = 20_000
MODELS = {"bgnbd": BetaGeoFitter, "paretoNbd": ParetoNBDFitter, "mbgnbd": ModifiedBetaGeoFitter}


def qcut_or_rank(x, labels):
    try:
        return pd.qcut(x, len(labels), labels=labels)
    except ValueError:
        return pd.qcut(x.rank(method="first"), len(labels), labels=labels)


def kpis(df, purchases):
    cust_first = purchases.groupby("customer_id")["order_date"].min()
    month = purchases["order_date"].dt.year * 12 + purchases["order_date"].dt.month
    first_month = purchases["customer_id"].map(cust_first.dt.year * 12 + cust_first.dt.month)
    cohorts = (pd.DataFrame({"cohort": first_month, "age": month - first_month, "c": purchases["customer_id"]})
               .groupby(["cohort", "age"])["c"].nunique().unstack(fill_value=0))
    active = pd.DataFrame({"m": month, "c": purchases["customer_id"]}).drop_duplicates()
    by_month = active.groupby("m")["c"].apply(set)
    months = by_month.index.to_numpy()[-13:]
    kept = [len(by_month[b] & by_month[a]) / max(len(by_month[a]), 1) for a, b in zip(months[:-1], months[1:])]
    orders = df["order_id"].nunique()
    n = purchases["customer_id"].nunique()
    per_cust = purchases.groupby("customer_id")["order_id"].nunique()
    return {"revenue": float(df["amount"].sum()), "orders": int(orders), "customers": int(n),
            "aov": float(df["amount"].sum() / max(orders, 1)), "repeatRate": float((per_cust > 1).mean()),
            "retention": float(np.mean(kept)) if kept else None, "cohorts": cohorts.shape}


def rfm_table(df, purchases, as_of):
    gp = purchases.groupby("customer_id")
    rfm = pd.DataFrame({
        "recency": (as_of - gp["order_date"].max()).dt.days,
        "frequency": gp["order_id"].nunique(),
        "first": gp["order_date"].min(),
        "last": gp["order_date"].max(),
    })
    rfm["monetary"] = df.groupby("customer_id")["amount"].sum().reindex(rfm.index)
    rfm["tenure"] = (as_of - rfm["first"]).dt.days
    rfm["r"] = qcut_or_rank(rfm["recency"], [5, 4, 3, 2, 1])
    rfm["f"] = pd.qcut(rfm["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    rfm["m"] = qcut_or_rank(rfm["monetary"], [1, 2, 3, 4, 5])
    rfm["score"] = rfm["r"].astype(str) + rfm["f"].astype(str) + rfm["m"].astype(str)
    return rfm


def stages_at(purchases, at):
    """Lifecycle stage of every customer with a purchase up to `at` (crm-lens's rule order)."""
    p = purchases[purchases["order_date"] <= at]
    days = p[["customer_id", "order_date"]].drop_duplicates()
    g = days.groupby("customer_id")["order_date"]
    first, last, n = g.min(), g.max(), g.size()
    silent = (at - last).dt.days
    mean_gap = ((last - first).dt.days / (n - 1).where(n > 1)).astype(float)
    typical = float(np.nanmedian(mean_gap)) if mean_gap.notna().any() else 30.0
    churn_window = max(4 * typical, 90.0)
    gap = mean_gap.fillna(typical)
    stage = np.select(
        [silent > churn_window, (at - first).dt.days <= typical, silent > 1.5 * gap,
         (n >= 5) & ((at - first).dt.days >= churn_window)],
        ["lost", "new", "atRisk", "loyal"], "active")
    return pd.Series(stage, index=first.index)


def segments(rfm):
    x = np.log1p(rfm[["recency", "frequency", "monetary"]].clip(lower=0).to_numpy(dtype=float))
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    rng = np.random.default_rng(42)
    sample = x[rng.choice(len(x), min(SCAN_SAMPLE, len(x)), replace=False)]
    scan = []
    for k in K_RANGE:
        # crm-lens: n_init runs on the sample, each k's best refined on all customers (its
        # inertia is on all of them), silhouette of the refined centroids on the sample's head.
        km = KMeans(n_clusters=k, n_init=N_INIT, max_iter=300, random_state=42).fit(sample)
        full = KMeans(n_clusters=k, init=km.cluster_centers_, n_init=1, max_iter=100, tol=1e-6).fit(x)
        sil = silhouette_score(sample[:SIL_SAMPLE], full.predict(sample[:SIL_SAMPLE]))
        scan.append((sil, k, full))
    # crm-lens's recommendation (src/segment/choose_k.rs): the best silhouette among k = 3..8,
    # unless a k outside has a silhouette >= 0.5 and 0.1 above it (its elbow tie-break is left out).
    inside = max((p for p in scan if 3 <= p[1] <= 8), key=lambda p: p[0])
    outside = max(scan, key=lambda p: p[0])
    _, k, final = outside if outside[0] >= 0.5 and outside[0] >= inside[0] + 0.1 else inside
    profile = pd.DataFrame(x).groupby(final.labels_).mean()
    return final, k, [round(s[0], 4) for s in scan], profile


def collapse(s):
    """Distinct (frequency, recency, T) rows with their counts, and each customer's row."""
    key = pd.MultiIndex.from_frame(s[["frequency", "recency", "T"]])
    codes, uniq = pd.factorize(key)
    u = pd.DataFrame(list(uniq), columns=["frequency", "recency", "T"])
    u["w"] = np.bincount(codes)
    return u, codes


def log_cov(model, u):
    """Covariance of the log parameters (lifetimes' objective is the mean log-likelihood)."""
    if model._hessian_ is not None:
        h = np.asarray(model._hessian_)
        return np.linalg.inv(h) / u["w"].sum()
    # Pareto/NBD: lifetimes has no Hessian; central differences of its objective in log space.
    scale = _scale_time(u["T"].to_numpy())
    p = model.params_.to_numpy().copy()
    p[1] *= scale
    p[3] *= scale
    args = (u["frequency"].to_numpy(), u["recency"].to_numpy() * scale, u["T"].to_numpy() * scale,
            u["w"].to_numpy(), 0.0)
    f = lambda lp: model._negative_log_likelihood(np.exp(lp), *args)
    lp, h, e = np.log(p), np.zeros((4, 4)), 1e-4
    for i in range(4):
        for j in range(i, 4):
            ei, ej = np.eye(4)[i] * e, np.eye(4)[j] * e
            h[i, j] = h[j, i] = (f(lp + ei + ej) - f(lp + ei - ej) - f(lp - ei + ej) + f(lp - ei - ej)) / (4 * e * e)
    # lifetimes' Pareto objective is -sum(w ll) / mean(w): back to the sum.
    h *= u["w"].mean()
    try:
        return np.linalg.inv(h)
    except np.linalg.LinAlgError:
        return np.diag(np.full(4, 1e-6))


def fit_model(cls, u, start=None):
    m = cls(penalizer_coef=0.0)
    kw = {"weights": u["w"].to_numpy()}
    if cls is ParetoNBDFitter and start is None:
        # Its Nelder-Mead starts at np.random.normal(1, 0.05): seeded, or the fit (and on some
        # starts its NaN optimum, then a bootstrap on NaNs) changes from run to run.
        np.random.seed(42)
    if start is not None:
        scale = _scale_time(u["T"].to_numpy())
        p = start.params_.to_numpy().copy()
        p[1] *= scale
        if cls is ParetoNBDFitter:
            p[3] *= scale
            kw["initial_params"] = p
        else:
            kw["initial_params"] = np.log(p)
    return m.fit(u["frequency"], u["recency"], u["T"], **kw)


def stream(model, x, tx, t):
    """lifetimes' CLV month by month: the discounted expected purchases of each row."""
    prev, d = 0.0, 0.0
    for i in range(1, HORIZON + 1):
        e = model.conditional_expected_number_of_purchases_up_to_time(i * MONTH_DAYS, x, tx, t)
        d = d + (e - prev) / (1 + DISCOUNT) ** i
        prev = e
    return np.asarray(d, dtype=float)


def gg_spend(p, q, v, x, m):
    """Gamma-Gamma conditional expected average spend (lifetimes' formula), vectorised over draws."""
    return (p * v + p * x * m) / (p * x + q - 1)


class PerPeriod:
    """A fitted model seen by expected_cumulative_transactions in units of `days` days."""

    def __init__(self, model, days):
        self.model, self.days = model, days

    def expected_number_of_purchases_up_to_time(self, t):
        return self.model.expected_number_of_purchases_up_to_time(np.asarray(t) * self.days)


def holdout(purchases, cal, as_of, cutoff, fits, one_time_share):
    cal = cal[cal["frequency_cal"].notna()]
    u, codes = collapse(cal.rename(columns={"frequency_cal": "frequency", "recency_cal": "recency", "T_cal": "T"}))
    actual = cal["frequency_holdout"].to_numpy()
    duration = float(cal["duration_holdout"].iloc[0])
    out, cal_models, sq = {}, {}, {}
    for name, cls in MODELS.items():
        try:
            m = fit_model(cls, u, fits.get(name))
        except Exception:
            continue
        if not np.all(np.isfinite(m.params_.to_numpy())):
            continue
        pred = m.conditional_expected_number_of_purchases_up_to_time(
            duration, u["frequency"].to_numpy(), u["recency"].to_numpy(), u["T"].to_numpy())[codes]
        err = pred - actual
        bucket = np.minimum(cal["frequency_cal"].to_numpy(), 7)
        by_freq = pd.DataFrame({"b": bucket, "a": actual, "p": pred}).groupby("b").mean()
        out[name] = {"mae": float(np.abs(err).mean()), "rmse": float(np.sqrt((err ** 2).mean())),
                     "byFrequency": by_freq.shape}
        cal_models[name], sq[name] = m, err ** 2
    best = min(out, key=lambda k: out[k]["rmse"])
    for name in out:
        diff = sq[name] - sq[best]
        out[name]["mseExcess"] = float(diff.mean())
        out[name]["mseExcessStdError"] = float(diff.std() / np.sqrt(len(diff)))
    chosen = best
    if one_time_share >= 0.5 and best == "bgnbd":
        alts = [k for k in ("mbgnbd", "paretoNbd") if k in out
                and out[k]["mseExcess"] <= 2 * out[k]["mseExcessStdError"]]
        if alts:
            chosen = min(alts, key=lambda k: out[k]["rmse"])
    # Tracking: every model's cumulative repeat purchases over calibration + holdout.
    start = purchases["order_date"].min()
    total_days = (as_of - start).days + 1
    period = 7
    while total_days // period > 520:
        period *= 2
    t = (total_days // period) * period
    tracking = {}
    for name, m in cal_models.items():
        tr = expected_cumulative_transactions(PerPeriod(m, period), purchases, "order_date", "customer_id",
                                              t, freq="D", freq_multiplier=period)
        tracking[name] = float(tr["predicted"].iloc[-1])
    return out, chosen, cal_models, tracking, (as_of - cutoff).days


def periods_by_count(model, s):
    """Expected customers with 0..6 and 7+ repeat purchases, each at their own age T (None for
    Pareto/NBD: lifetimes 0.11.3 has no unconditional P(X(t) = n) for it)."""
    if not hasattr(model, "probability_of_n_purchases_up_to_time"):
        return None
    ts = s["T"].value_counts()
    expected = np.zeros(8)
    for t, count in ts.items():
        probs = [float(model.probability_of_n_purchases_up_to_time(float(t), n)) for n in range(7)]
        expected[:7] += count * np.asarray(probs)
        expected[7] += count * (1 - sum(probs))
    return expected


def draws(rng, theta, cov, n, ok=lambda th: True):
    """Parameter draws from N(log theta, cov), redrawn up to 20 times when invalid."""
    chol = np.linalg.cholesky(cov + np.eye(len(theta)) * 1e-300)
    out = []
    for _ in range(n):
        for _ in range(21):
            th = np.exp(np.log(theta) + chol @ rng.standard_normal(len(theta)))
            if np.all(np.isfinite(th)) and ok(th):
                break
        else:
            th = np.asarray(theta)
        out.append(th)
    return np.asarray(out)


def with_params(model, th):
    probe = type(model)()
    probe.__dict__.update(model.__dict__)
    probe.params_ = pd.Series(th, index=model.params_.index)
    return probe


def palive(model, x, tx, t):
    return np.asarray(model.conditional_probability_alive(x, tx, t), dtype=float)


class Linearised:
    """crm-lens's large-data path (bootstrap.rs `Streams`, `ParetoLinear`): the stream without
    P(alive), S(x, T) = D / P(alive), at the point estimate plus its forward-difference gradient
    in the log-parameters (h = 1e-5), expanded to first order per draw; P(alive) exact per draw
    (Pareto/NBD: its logit expanded to first order too). lifetimes only gives D = P(alive) * S,
    so S is D / P(alive) here (0 where P(alive) < 1e-12, where D is 0 too)."""

    def __init__(self, model, ux, utx, ut):
        self.model, self.theta = model, model.params_.to_numpy()
        self.pareto = isinstance(model, ParetoNBDFitter)
        self.rows = (ux, utx, ut)

        def s_and_logit(th):
            m = with_params(model, th)
            pa = palive(m, *self.rows)
            d = stream(m, *self.rows)
            sv = np.where(pa > 1e-12, d / np.maximum(pa, 1e-12), 0.0)
            pc = np.clip(pa, 1e-300, 1 - 1e-16)
            return sv, np.clip(np.log(pc) - np.log1p(-pc), -700, 37)

        self.s0, self.l0 = s_and_logit(self.theta)
        self.gs, self.gl = [], []
        for i in range(len(self.theta)):
            th = self.theta.copy()
            th[i] *= np.exp(1e-5)
            sv, lv = s_and_logit(th)
            self.gs.append((sv - self.s0) / 1e-5)
            self.gl.append((lv - self.l0) / 1e-5)

    def d(self, th):
        shift = np.log(th) - np.log(self.theta)
        sv = self.s0 + sum(g * z for g, z in zip(self.gs, shift))
        if self.pareto:
            pa = 1 / (1 + np.exp(-(self.l0 + sum(g * z for g, z in zip(self.gl, shift)))))
        else:
            pa = palive(with_params(self.model, th), *self.rows)
        return pa * sv


def bootstrap(model, cov, gg, gg_cov, u, codes, x, m, n_draws, exact=False):
    """crm-lens's parametric bootstrap: per draw the model's discounted stream on the distinct
    rows (lifetimes: linearised as crm-lens does at every size, or exactly) and the
    Gamma-Gamma spend per customer; quantiles per customer and of the total."""
    rng = np.random.default_rng(0)
    theta = model.params_.to_numpy()
    tdraws = draws(rng, theta, cov, n_draws)
    gdraws = draws(rng, gg.params_.to_numpy(), gg_cov, n_draws, ok=lambda th: th[1] > 1)
    ux, utx, ut = u["frequency"].to_numpy(), u["recency"].to_numpy(), u["T"].to_numpy()
    pareto = isinstance(model, ParetoNBDFitter)
    method = "exact" if exact else ("linearizedStreamAndPAlive" if pareto else "linearizedStream")
    d = np.empty((len(u), n_draws), dtype=np.float32)
    s = time.perf_counter()
    lin = Linearised(model, ux, utx, ut) if method != "exact" else None
    for j, th in enumerate(tdraws):
        d[:, j] = stream(with_params(model, th), ux, utx, ut) if lin is None else lin.d(th)
    per_draw = (time.perf_counter() - s) / n_draws
    lo, hi = (1 - INTERVAL) / 2, 1 - (1 - INTERVAL) / 2
    low, high = np.empty(len(x)), np.empty(len(x))
    totals = np.zeros(n_draws)
    p, q, v = (gdraws[:, i][None, :] for i in range(3))
    chunk = 50_000
    for a in range(0, len(x), chunk):
        xs, ms = x[a:a + chunk, None], m[a:a + chunk, None]
        spend = np.where(xs > 0, gg_spend(p, q, v, xs, ms), p * v / (q - 1))
        clv = spend * d[codes[a:a + chunk]]
        totals += clv.sum(axis=0)
        low[a:a + chunk], high[a:a + chunk] = np.quantile(clv, [lo, hi], axis=1, method="weibull")
    return low, high, np.quantile(totals, [lo, hi], method="weibull"), per_draw, method


def run(path, draws_run=DRAWS, exact_bootstrap=False):
    t, facts = {}, {}
    clock = time.perf_counter
    cpu0 = time.process_time()
    s = clock()
    df = pd.read_csv(path, dtype={"customer_id": str, "order_id": str})
    df["order_date"] = pd.to_datetime(df["order_date"], format="%Y-%m-%d")
    t["read_csv"] = clock() - s

    s = clock()
    as_of = df["order_date"].max()
    purchases = df[df["amount"] > 0]
    facts["kpis"] = kpis(df, purchases)
    t["kpis"] = clock() - s

    s = clock()
    rfm = rfm_table(df, purchases, as_of)
    t["rfm"] = clock() - s

    s = clock()
    stage = stages_at(purchases, as_of).reindex(rfm.index)
    before = stages_at(purchases, as_of - pd.Timedelta(days=90)).reindex(rfm.index).fillna("none")
    transitions = pd.crosstab(before, stage)
    t["lifecycle"] = clock() - s

    s = clock()
    km, k, sil, _ = segments(rfm)
    facts["k"], facts["silhouettes"] = k, sil
    t["kmeans"] = clock() - s

    s = clock()
    summary = summary_data_from_transaction_data(
        purchases, "customer_id", "order_date", monetary_value_col="amount",
        observation_period_end=as_of, freq="D").reindex(rfm.index)
    span = (as_of - purchases["order_date"].min()).days
    hold_days = min(max(span // 4, 28), 365) if span >= 56 else 0
    cutoff = as_of - pd.Timedelta(days=hold_days)
    # Only the columns it needs: lifetimes' holdout count (`.agg(lambda r: 1)` over the other
    # columns) fails on pandas 3's string columns ("No objects to concatenate").
    cal = calibration_and_holdout_data(purchases[["customer_id", "order_date", "amount"]], "customer_id",
                                       "order_date", calibration_period_end=cutoff, observation_period_end=as_of,
                                       freq="D", monetary_value_col="amount")
    t["summary"] = clock() - s

    s = clock()
    u, codes = collapse(summary)
    fits, covs = {}, {}
    for name, cls in MODELS.items():
        try:
            f = fit_model(cls, u)
            if not np.all(np.isfinite(f.params_.to_numpy())):
                raise ValueError("non-finite parameters")
            fits[name], covs[name] = f, log_cov(f, u)
        except Exception as e:  # a model that does not converge is null in crm-lens's Report too
            facts.setdefault("fitErrors", {})[name] = str(e).strip()[:80]
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    gg = GammaGammaFitter(penalizer_coef=0.0).fit(repeat["frequency"], repeat["monetary_value"])
    gg_cov = np.linalg.inv(np.asarray(gg._hessian_)) / len(repeat)
    facts["params"] = {k: [round(float(v), 6) for v in f.params_] for k, f in fits.items()}
    t["fits"] = clock() - s

    s = clock()
    one_time = float((summary["frequency"] == 0).mean())
    hold, chosen, cal_models, tracking, _ = holdout(purchases, cal, as_of, cutoff, fits, one_time)
    facts["holdout"] = {k: round(v["rmse"], 6) for k, v in hold.items()}
    facts["chosenModel"] = chosen
    t["holdout"] = clock() - s

    s = clock()
    model = fits[chosen]
    x = summary["frequency"].to_numpy(dtype=float)
    m = summary["monetary_value"].clip(lower=0).to_numpy()
    ux, utx, ut = (u[c].to_numpy() for c in ("frequency", "recency", "T"))
    palive = model.conditional_probability_alive(ux, utx, ut)[codes]
    spend = gg.conditional_expected_average_profit(summary["frequency"], summary["monetary_value"].clip(lower=0))
    spend = spend.fillna(gg.params_["p"] * gg.params_["v"] / (gg.params_["q"] - 1)).to_numpy()
    monthly = np.empty((len(u), HORIZON))
    prev = 0.0
    for i in range(1, HORIZON + 1):
        e = model.conditional_expected_number_of_purchases_up_to_time(i * MONTH_DAYS, ux, utx, ut)
        monthly[:, i - 1] = (e - prev) / (1 + DISCOUNT) ** i
        prev = e
    expected = prev[codes]
    by_month = np.cumsum(monthly, axis=1)[codes] * spend[:, None]
    clv = by_month[:, -1]
    windows = pd.DataFrame(by_month)
    for key in (rfm["score"].to_numpy(), stage.to_numpy(), km.labels_):
        windows.groupby(key).sum()
    new_curve = model.expected_number_of_purchases_up_to_time(np.arange(HORIZON + 1) * MONTH_DAYS)
    grid_f = np.repeat(np.linspace(0, summary["frequency"].max(), 21).round(), 21)
    grid_r = np.tile(np.linspace(0, ut.max(), 21), 21)
    matrix = model.conditional_probability_alive(grid_f, grid_r, np.full(441, ut.max()))
    counts = periods_by_count(model, summary)
    facts["clv"] = {"total": float(clv.sum()), "meanPAlive": float(np.mean(palive)),
                    "expectedPurchases": float(expected.sum()), "newCustomer12": float(new_curve[-1]),
                    "periodExpected": None if counts is None else [round(float(c), 2) for c in counts], "matrix": float(np.mean(matrix))}
    t["predict"] = clock() - s

    churn_and_explain(t, purchases, cal, cutoff, as_of, rfm, summary, cal_models[chosen], model, palive,
                      km.labels_, stage, facts)

    s = clock()
    low, high, total_iv, per_draw, method = bootstrap(model, covs[chosen], gg, gg_cov, u, codes, x, m, draws_run,
                                                      exact_bootstrap)
    facts["clv"]["low"], facts["clv"]["high"] = float(total_iv[0]), float(total_iv[1])
    facts["bootstrapMethod"] = method
    t["bootstrap"] = clock() - s
    t["bootstrapPerDraw"] = per_draw
    t["total"] = sum(v for k, v in t.items() if k != "bootstrapPerDraw")
    # CPU seconds of this process (all its threads): on a loaded machine, wall time is not work.
    t["cpu"] = time.process_time() - cpu0
    if draws_run < DRAWS:
        # Labelled as such in the table: the bootstrap's time for DRAWS draws from draws_run.
        t["bootstrapMeasuredDraws"] = draws_run
        t["bootstrapExtrapolated"] = t["bootstrap"] * DRAWS / draws_run
        t["totalExtrapolated"] = t["total"] - t["bootstrap"] + t["bootstrapExtrapolated"]
    facts["rows"], facts["customers"] = int(len(df)), int(len(rfm))
    facts["uniqueRows"] = int(len(u))
    return t, facts


def features_at(purchases, at, ids, palive):
    p = purchases[purchases["order_date"] <= at]
    days = p[["customer_id", "order_date"]].drop_duplicates().groupby("customer_id")["order_date"]
    first, last, n = days.min(), days.max(), days.size()
    spend = p.groupby("customer_id")["amount"].sum()
    gaps = p[["customer_id", "order_date"]].drop_duplicates().sort_values(["customer_id", "order_date"])
    last_gap = gaps.groupby("customer_id")["order_date"].diff().dt.days.groupby(gaps["customer_id"]).last()
    f = pd.DataFrame({
        "recencyDays": (at - last).dt.days, "transactions": n, "monetary": spend,
        "tenureDays": (at - first).dt.days,
        "meanGapDays": ((last - first).dt.days / (n - 1).where(n > 1)).fillna(0),
        "lastGapDays": last_gap.fillna(0),
    }).reindex(ids)
    f["pAlive"] = palive
    return f.fillna(0)


def churn_and_explain(t, purchases, cal, cutoff, as_of, rfm, summary, cal_model, model, palive, labels, stage, facts):
    s = time.perf_counter()
    cal = cal[cal["frequency_cal"].notna()]
    pa_cal = cal_model.conditional_probability_alive(cal["frequency_cal"], cal["recency_cal"], cal["T_cal"])
    f = features_at(purchases, cutoff, cal.index, np.asarray(pa_cal))
    y = (cal["frequency_holdout"].to_numpy() == 0).astype(int)
    h = pd.util.hash_array(cal.index.to_numpy()) % 1000
    test = h < 300
    train_idx = np.where(~test)[0]
    train_idx = train_idx[np.argsort(h[train_idx], kind="stable")][:TREE_SAMPLE]
    trees = lambda: BaggingClassifier(DecisionTreeClassifier(max_depth=6, class_weight="balanced"),
                                      n_estimators=10, random_state=42)
    fitted = trees().fit(f.iloc[train_idx], y[train_idx])
    auc_trees = roc_auc_score(y[test], fitted.predict_proba(f[test])[:, 1]) if y[test].min() != y[test].max() else None
    auc_palive = roc_auc_score(y[test], 1 - f["pAlive"][test]) if y[test].min() != y[test].max() else None
    final = trees().fit(f, y)
    now = features_at(purchases, as_of, rfm.index, palive)
    risk = final.predict_proba(now)[:, 1]
    facts["churn"] = {"aucTrees": auc_trees, "aucPAlive": auc_palive}
    t["churn"] = time.perf_counter() - s

    s = time.perf_counter()
    xf = pd.DataFrame({"recencyDays": rfm["recency"], "transactions": rfm["frequency"], "monetary": rfm["monetary"],
                       "tenureDays": rfm["tenure"], "averageSpend": rfm["monetary"] / rfm["frequency"]})
    hs = pd.util.hash_array(rfm.index.to_numpy())
    sample = np.argsort(hs, kind="stable")[:TREE_SAMPLE]
    classes = [(labels == c) for c in np.unique(labels)] + [(stage.to_numpy() == g) for g in np.unique(stage)]
    classes.append(risk >= 0.5)
    for yc in classes:
        if yc[sample].min() == yc[sample].max():
            continue
        tree = DecisionTreeClassifier(max_depth=3, class_weight="balanced",
                                      min_samples_leaf=max(1, len(sample) // 100)).fit(xf.iloc[sample], yc[sample])
        leaves = tree.apply(xf)
        pd.Series(yc).groupby(leaves).agg(["size", "sum"])
    t["explain"] = time.perf_counter() - s
