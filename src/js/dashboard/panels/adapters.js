// Pure readers of the Report (no DOM): what the panels show, tested in Node.

/** The core's lifecycle stages in the order of its per-customer `stage` codes. */
export const STAGES = ['prospect', 'new', 'active', 'loyal', 'atRisk', 'lost'];

const nonEmpty = (v) => v != null && !(Array.isArray(v) && v.length === 0) &&
  !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

/** Whether the Report has CLV results (any of its models, or the simple formula). */
export const hasClv = (r) => ['simple', 'bgnbd', 'paretoNbd', 'mbgnbd', 'bgbb', 'gammaGamma'].some((k) => nonEmpty(r.clv?.[k]));

/** Rows skipped for any reason. */
export const skippedTotal = (ingest) => Object.values(ingest.rowsSkipped).reduce((a, b) => a + b, 0);

/** The P(alive) matrix of the Report (`clv.pAliveMatrix`): `values[i][j]` for `recencies[i]`, `frequencies[j]`. */
export function pAliveGrid(m) {
  if (!m?.values?.length || !m.values[0]?.length) return null;
  const num = (v) => (Number.isInteger(v) ? String(v) : Number(v).toFixed(1));
  return { values: m.values, xlab: m.frequencies.map(num), ylab: m.recencies.map(num) };
}

/** Calibration vs holdout purchases by calibration frequency (`clv.holdout.byFrequency`). */
export function holdoutSeries(h) {
  const rows = h?.byFrequency;
  if (!rows?.length) return null;
  return { labels: rows.map((x) => x.frequency), actual: rows.map((x) => x.actual), predicted: rows.map((x) => x.predicted) };
}

/** Whether the Report is about customers (subscription input leaves those sections empty). */
export const hasCustomers = (r) => (r.kpis?.customers ?? 0) > 0;

/**
 * The retention section as the panel draws it (`report.retention`), or null when the input
 * was not subscription data. `survival`: periods with the observed (pooled) and the fitted
 * survival; `cohorts`: each cohort's observed share active and its own projection (else the
 * pooled one); `fit`: the pooled sBG, null with `reason` when it could not be fitted.
 */
export function retentionView(r) {
  const ret = r.retention;
  if (!ret || ret.source === 'none' || !ret.survival) return null;
  const s = ret.survival;
  const sbg = ret.sbg;
  const share = (n, n0) => (n == null || !(n0 > 0) ? null : n / n0);
  return {
    source: ret.source,
    periodDays: ret.periodDays,
    subscribers: ret.subscribers,
    active: ret.active,
    lastPeriod: ret.lastPeriod,
    periods: s.periods,
    actual: s.actual,
    fitted: s.fitted.length ? s.fitted : null,
    actualRetention: s.actualRetention,
    fittedRetention: s.fittedRetention.length ? s.fittedRetention : null,
    cohorts: ret.cohorts.map((c) => ({
      name: c.name,
      subscribers: c.subscribers,
      actual: c.active.map((n) => share(n, c.subscribers)),
      projected: (c.sbg?.expected ?? c.expected).map((n) => share(n, c.subscribers)),
      own: c.sbg ? { alpha: c.sbg.params.alpha, beta: c.sbg.params.beta } : null,
    })),
    fitPeriods: sbg?.fitPeriods ?? null,
    holdout: ret.holdout,
    reason: ret.reason,
    fit: sbg ? {
      alpha: sbg.params.alpha, beta: sbg.params.beta,
      alphaSe: sbg.stdErrors?.alpha ?? null, betaSe: sbg.stdErrors?.beta ?? null,
      logLikelihood: sbg.logLikelihood, churnFirstPeriod: sbg.churnFirstPeriod,
      meanLifetime: sbg.meanLifetime, medianLifetime: sbg.medianLifetime, value: sbg.value,
    } : null,
  };
}

/** The groups `clv.windows` sums CLV over, by the name the window chart's select gives them. */
export const WINDOW_GROUPS = { stage: 'byStage', rfm: 'byRfmSegment', cluster: 'byCluster' };

/**
 * CLV per window (`clv.windows`) as the chart draws it: per group of `by` (`stage`, `rfm`,
 * `cluster`) with customers, the mean CLV of its customers by month 1–12; all customers' mean;
 * and a brand-new customer's value by the same months (`clv.newCustomer.value[k]`, null past
 * the horizon). Null when the Report has no windows.
 */
export function windowsView(r, by = 'stage') {
  const w = r.clv?.windows;
  const customers = r.kpis?.customers ?? 0;
  if (!w?.months?.length || !(customers > 0)) return null;
  const groups = (w[WINDOW_GROUPS[by]] ?? []).filter((g) => g.customers > 0)
    .map((g) => ({ key: g.name, customers: g.customers, mean: g.mean }));
  const value = r.clv?.newCustomer?.value;
  return {
    months: w.months, source: w.source, groups,
    all: w.total.map((x) => x / customers),
    newCustomer: value?.length ? w.months.map((k) => value[k] ?? null) : null,
  };
}

/**
 * A k-means cluster's name in the element's language: "Cluster 1 · Loyal high spenders" (the
 * engine's name code, `segments.clusters[].name.code`; the id alone without one).
 */
export function clusterName({ t }, c) {
  const base = `${t('kmeans.cluster')} ${c.id}`;
  const code = c.name?.code;
  return code ? `${base} · ${t(`clusterName.${code}`, null, code)}` : base;
}

/** The model with covariates to show: the chosen CLV model's, else the first fitted. */
export function covariateModel(r) {
  const models = r.clv?.covariates?.models ?? [];
  return models.find((m) => m.model === r.clv?.chosenModel) ?? models[0] ?? null;
}

/**
 * Per level (or +1 standard deviation of a number): its purchase-rate and dropout-rate
 * ratios with 95% intervals, whether the interval excludes 1, and the reference it is
 * compared with (`clv.covariates`).
 */
export function covariateEffects(r) {
  const m = covariateModel(r);
  if (!m) return [];
  const refs = new Map((r.clv.covariates.covariates ?? []).map((c) => [c.name, c.levels?.find((l) => l.reference)?.value ?? null]));
  const sig = (x) => x != null && x.low != null && (x.low > 1 || x.high < 1);
  return m.effects.map((e) => ({
    covariate: e.covariate, level: e.level, pooled: e.pooled, reference: refs.get(e.covariate) ?? null,
    purchase: e.purchaseRate, purchaseSignificant: sig(e.purchaseRate),
    dropout: e.dropoutRate, dropoutSignificant: sig(e.dropoutRate),
    newCustomer: e.newCustomerPurchases,
  }));
}

/** The churn comparison: the metrics row per model and the chosen model's calibration. */
export function churnSummary(r) {
  const c = r.churn;
  if (!c || c.windowDays == null) return null;
  const rows = (c.models ?? []).map((m) => ({ model: m.model, ...(m.metrics ?? {}), validated: m.metrics != null }));
  const chosen = rows.find((m) => m.model === c.chosen) ?? null;
  return { ...c, rows, calibration: chosen?.calibration ?? [] };
}

/** Structured rule → the parts a sentence is built from (feature key, op, threshold). */
export function ruleConditions(rule) {
  return rule.conditions.map((c) => ({ feature: c.feature, op: c.op === '<=' ? 'le' : 'gt', threshold: c.threshold }));
}
