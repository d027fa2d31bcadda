// Pure readers of the Report (no DOM): what the panels show, tested in Node.

/** The core's lifecycle stages in the order of its per-customer `stage` codes. */
export const STAGES = ['prospect', 'new', 'active', 'loyal', 'atRisk', 'lost'];

const nonEmpty = (v) => v != null && !(Array.isArray(v) && v.length === 0) &&
  !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

/** Whether the Report has CLV results (any of its models, or the simple formula). */
export const hasClv = (r) => ['simple', 'bgnbd', 'paretoNbd', 'mbgnbd', 'gammaGamma'].some((k) => nonEmpty(r.clv?.[k]));

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

/**
 * A k-means cluster's name in the element's language: "Cluster 1 · Loyal high spenders" (the
 * engine's name code, `segments.clusters[].name.code`; the id alone without one).
 */
export function clusterName({ t }, c) {
  const base = `${t('kmeans.cluster')} ${c.id}`;
  const code = c.name?.code;
  return code ? `${base} · ${t(`clusterName.${code}`, null, code)}` : base;
}
