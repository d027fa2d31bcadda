// Generated from the Rust types by ts-rs (src/typescript.rs); do not edit.
// Regenerate: CRM_LENS_WRITE_TYPES=1 cargo test --lib typescript

export type BaseParams = BgParams | ParetoParams;

export type BgParams = { r: number, alpha: number, a: number, b: number, };

export type BgbbParams = { alpha: number, beta: number, gamma: number, delta: number, };

export type CardBootstrap = { seed: number, draws: number, interval: number, };

export type CardClv = { horizonMonths: number, 
/**
 * Model units per month (lifetimes: day 30, week 4.345, month 1).
 */
monthFactor: number, 
/**
 * Monthly discount rate.
 */
discountRate: number, marginRate: number, penalizer: number, 
/**
 * The simple CLV's monthly retention and its multiplier r / (1 + d − r).
 */
simpleRetentionRate: number, simpleMultiplier: number, };

export type CardHoldout = { 
/**
 * Holdout length in model units.
 */
duration: number, customers: number, best: string | null, 
/**
 * Per model: repeat purchases in the holdout, MAE and RMSE per customer.
 */
models: Array<CardHoldoutModel>, };

export type CardHoldoutModel = { model: string, mae: number, rmse: number, };

export type CardModel = { 
/**
 * `bgnbd`, `paretoNbd`, `mbgnbd`, or `simple` (no model converged: simple CLV).
 */
name: string, params: { [key in string]: number }, stdErrors: { [key in string]: number } | null, logLikelihood: number | null, aic: number | null, 
/**
 * `user`, `holdoutRmse`, `aic` or `fallback`, and why in words.
 */
choiceCriterion: string, choiceReason: string, };

export type CardSpend = { 
/**
 * `gammaGamma` (params p, q, v) or `observedMean` (params mean: the customer's own mean
 * repeat spend when x > 0 and m > 0, else this mean).
 */
name: string, params: { [key in string]: number }, stdErrors: { [key in string]: number } | null, logLikelihood: number | null, };

export type ChurnModel = { 
/**
 * `pAlive` (1 − P(alive) of the BTYD model) or `trees` (bagged decision trees).
 */
model: 'pAlive' | 'trees', 
/**
 * Null when the test set cannot support a claim.
 */
metrics: ScoreMetrics | null, };

export type ChurnOptions = { 
/**
 * Bagged trees (1–100).
 */
trees?: number, 
/**
 * Depth of each tree (1–12).
 */
maxDepth?: number, 
/**
 * Share of calibration customers held out as the test set (0.1–0.5).
 */
testShare?: number, 
/**
 * Most training customers (≥ 100).
 */
trainingSample?: number, seed?: number, };

export type ChurnReport = { 
/**
 * Holdout window (days): churnRisk is the probability of no purchase in as many days.
 */
windowDays: number | null, 
/**
 * The cutoff date (features and label split there).
 */
cutoff: string | null, customers: number, churners: number, churnRate: number | null, train: number, test: number, testChurners: number, features: Array<string>, models: Array<ChurnModel>, comparison: Comparison | null, 
/**
 * The model behind `churnRisk`: `pAlive`, `trees`; null when unvalidated.
 */
chosen: 'pAlive' | 'trees' | null, reason: string, 
/**
 * What `churnRisk` is: `trees`, `pAlive` (validated), `pAliveUnvalidated`,
 * `holdoutRate` (every customer gets the holdout's churn rate) or null (no column).
 */
riskBasis: 'trees' | 'pAlive' | 'pAliveUnvalidated' | 'holdoutRate' | null, meanRisk: number | null, 
/**
 * Customers with churnRisk ≥ 0.5.
 */
highRisk: number, settings: ChurnOptions, };

export type ClusterName = { code: string, values: { [key in string]: number }, };

export type ClusterProfile = { id: number, size: number, 
/**
 * size / customers.
 */
share: number, recencyDays: Stat, frequency: Stat, monetary: Stat, tenureDays: Stat, clv: Stat | null, 
/**
 * Cluster net spend / total net spend (null when the total is <= 0).
 */
revenueShare: number | null, 
/**
 * Translatable keys from the centroid vs the overall medians, e.g. ["recent", "frequent",
 * "highSpend"]; ["typical"] when no feature stands out by more than 0.25 std.
 */
label: Array<string>, 
/**
 * A name a marketer reads ("loyalHighSpenders" …) with the values behind it (naming.rs).
 */
name: ClusterName, 
/**
 * Centroid in the standardised space (same order as `features`).
 */
centroid: Array<number>, };

export type ClvOptions = { 
/**
 * CLV horizon in months (lifetimes' `time`).
 */
horizonMonths?: number, 
/**
 * Monthly discount rate d (lifetimes' `discount_rate`).
 */
discountRate?: number, 
/**
 * Gross margin applied to spend (1.0 = revenue CLV, as lifetimes).
 */
marginRate?: number, 
/**
 * Monthly retention for simple CLV; overrides the measured retention.
 */
retentionRate?: number | null, model?: ModelChoice, 
/**
 * L2 penalizer coefficient, lifetimes' `penalizer_coef` (same objective form).
 */
penalizer?: number, 
/**
 * Seed of the parametric bootstrap.
 */
seed?: number, 
/**
 * Number of bootstrap parameter draws (0 disables intervals: low = high = point).
 */
bootstrapDraws?: number, 
/**
 * Central interval mass, e.g. 0.9 -> 5% and 95% quantiles.
 */
interval?: number, 
/**
 * Days at the end of the observation period held out to validate the models (the
 * pipeline fits on the days before). `None`: a quarter of the period, 28..=365 days,
 * when the period is at least 8 weeks; `Some(0)`: no holdout.
 */
holdoutDays?: number | null, 
/**
 * A later date (`YYYY-MM-DD`, not before `asOf`): each customer's P(alive) on it if they
 * make no purchase until then (`pAliveAtDate`). `None`: not computed.
 */
pAliveDate?: string | null, };

export type ClvReport = { customers: number, uniqueRows: number, units: UnitsReport, simple: SimpleReport, bgnbd: FitReport<BgParams> | null, paretoNbd: FitReport<ParetoParams> | null, mbgnbd: FitReport<BgParams> | null, gammaGamma: FitReport<GgParams> | null, 
/**
 * BG/BB, fitted on discrete-time data (a summary with `periods`) instead of the three
 * continuous-time models; null otherwise.
 */
bgbb: FitReport<BgbbParams> | null, chosenModel: string, choiceCriterion: string, choiceReason: string, 
/**
 * Customers without a repeat purchase (x = 0) and what their P(alive) means.
 */
oneTimeBuyers: OneTimeBuyers, totals: Totals, newCustomer: NewCustomer | null, pAliveMatrix: PAliveMatrix | null, periodTransactions: PeriodTransactions | null, holdout: HoldoutReport | null, 
/**
 * Models with time-invariant covariates (`ingest.covariateCols`), null without them.
 */
covariates: CovariatesReport | null, 
/**
 * Simple and model CLV per RFM segment, aligned with `rfm.segments`. `clv::run` leaves it
 * empty: the pipeline fills it after RFM and CLV ran (see `by_segment`).
 */
rfmSegments: Array<SegmentClv>, 
/**
 * CLV by month 1..=12 per RFM segment, lifecycle stage and cluster (`prediction::windows`);
 * `clv::run` leaves it null, the pipeline joins the groups.
 */
windows: WindowsReport | null, 
/**
 * P(alive) on `clv.pAliveDate` if no purchase is made before it; null without the option.
 */
pAliveAtDate: PAliveAtDate | null, };

export type Coefficient = { covariate: string, 
/**
 * The level (categorical), or null (numeric: per standard deviation).
 */
level: string | null, pooled: boolean, 
/**
 * `purchase` (acts on alpha) or `dropout` (beta; a and b for BG/NBD).
 */
process: 'purchase' | 'dropout', gamma: number, stdError: number | null, z: number | null, pValue: number | null, 
/**
 * 95% Wald interval of γ.
 */
low: number | null, high: number | null, };

export type CohortFit = { 
/**
 * `subscribers × S(t)` of this fit, t = 0..=horizon.
 */
expected: Array<number>, params: SbgParams, stdErrors: SbgParams | null, logLikelihood: number, aic: number, converged: boolean, iterations: number, status: string, gradNorm: number, customers: number, };

export type CohortReport = { name: string, 
/**
 * First start date of the cohort (`YYYY-MM-DD`, subscriptions input); null for a table.
 */
start: string | null, 
/**
 * Subscribers at period 0.
 */
subscribers: number, 
/**
 * Active subscribers at periods 0..=last observed; null where the period was not observed.
 */
active: Array<number | null>, 
/**
 * `subscribers × S(t)` of the pooled fit (`retention.sbg`) for t = 0..=horizon (empty
 * without a fit).
 */
expected: Array<number>, 
/**
 * The cohort's own sBG (null: see `reason`).
 */
sbg: CohortFit | null, reason: string | null, };

export type Cohorts = { 
/**
 * Acquisition months (`YYYY-MM`), one row each: the latest 60 at most.
 */
months: Array<string>, 
/**
 * Customers acquired in each month.
 */
size: Array<number>, 
/**
 * `customers[i][k]`: share of cohort `i` purchasing in its `k`-th month (k = 0 is 1.0).
 */
customers: Array<Array<number>>, 
/**
 * `revenue[i][k]`: cohort `i`'s revenue in its `k`-th month.
 */
revenue: Array<Array<number>>, 
/**
 * `revenueRetention[i][k]` = `revenue[i][k] / revenue[i][0]` (0 when month 0 had none).
 */
revenueRetention: Array<Array<number>>, };

export type Comparison = { difference: number, low: number, high: number, pValue: number, };

export type CovariateKind = "categorical" | "numeric";

export type CovariateModel = { model: ModelKind, 
/**
 * Parameters of a customer with z = 0 (reference levels, mean of numeric covariates).
 */
params: BaseParams, stdErrors: BaseParams | null, coefficients: Array<Coefficient>, logLikelihood: number, aic: number, converged: boolean, iterations: number, gradNorm: number, lrTest: LrTest, 
/**
 * Per level (or +1 standard deviation): the effects a page sentence reads.
 */
effects: Array<Effect>, };

export type CovariateSummary = { name: string, kind: CovariateKind, 
/**
 * Categorical: the levels, reference first; empty for numeric.
 */
levels: Array<Level>, 
/**
 * Numeric: mean and standard deviation used to standardise.
 */
mean: number | null, sd: number | null, 
/**
 * Customers without a (readable) value.
 */
missing: number, 
/**
 * Customers whose rows held different values (the first purchase day's was used).
 */
differing: number, 
/**
 * Dropped because it does not vary.
 */
dropped: boolean, };

export type CovariatesReport = { covariates: Array<CovariateSummary>, models: Array<CovariateModel>, };

export type CrmLensError = { code: string, message: string, 
/**
 * The option that most likely fixes it (CLI flag spelling), if any.
 */
hint?: string, };

export type Crosstab = { rfmSegments: Array<string>, 
/**
 * counts[cluster][rfmSegment].
 */
counts: Array<Array<number>>, 
/**
 * Per cluster, customers whose RFM segment index was out of range.
 */
unknown: Array<number>, };

export type DateOutliers = { rows: number, 
/**
 * The bulk of the dates, `[lo, hi]`.
 */
bulkFrom: string, bulkTo: string, 
/**
 * Dates accepted: `[from, to]`.
 */
from: string, to: string, policy: OutlierPolicy, examples: Array<OutlierExample>, };

export type Decile = { decile: number, customers: number, meanPredicted: number, actualRate: number, };

export type Decimal = "." | ",";

export type Decoded = { 
/**
 * `csv`: the bytes are the file's text in UTF-8; `xlsx` / `xls` / `ods`: a sheet's rows
 * (`table` wire format).
 */
source: string, 
/**
 * The encoding the text was decoded from (`n/a` for workbooks).
 */
encoding: string, 
/**
 * The text started with a byte-order mark.
 */
bom: boolean, 
/**
 * Invalid UTF-8 replaced by U+FFFD while decoding (a UTF-8 file with stray bytes).
 */
invalidUtf8?: Utf8Repairs, };

export type Detected = { 
/**
 * `csv`, `xlsx`, `xls`, `ods`, `summary`, `survival` or `subscriptions`; from memory
 * `columns`, `records` or `arrow`.
 */
source: string, encoding: string, 
/**
 * The file started with a byte-order mark.
 */
bom: boolean, delimiter: string, hasHeader: boolean, decimalSeparator: string, dateFormat: string, 
/**
 * Set when day-first and month-first both fit every sampled date: we chose `dateFormat`.
 */
dateFormatAmbiguousWith?: string, 
/**
 * The text began with Excel's `sep=;` line: it named the delimiter and was no row.
 */
sepLine?: boolean, 
/**
 * Set when some rows' dates lie far outside the bulk of the dates (see `outliers`).
 */
dateOutliers?: DateOutliers, 
/**
 * Set when order ids starting with this letter and a digit count as cancelled invoices
 * (the Online Retail convention); absent when the file has no order column or uses the
 * letter for ordinary orders (half or more of the sampled ids start with it).
 */
cancelledOrderPrefix?: string, columns: DetectedColumns, 
/**
 * All column names (or `#1`, `#2` ... without a header), for the page's mapping editor.
 */
header: Array<string>, };

export type DetectedColumns = { customerId: string | null, date: string | null, amount: string | null, orderId?: string, quantity?: string, unitPrice?: string, 
/**
 * Subscriptions input: the end-date column (`date` is the start).
 */
end?: string, 
/**
 * The covariate columns read (`covariateCols`), in option order.
 */
covariates?: Array<string>, };

export type Effect = { covariate: string, level: string | null, pooled: boolean, 
/**
 * Multiplier of the mean purchase rate while active: `exp(g_p)`.
 */
purchaseRate: Ratio, 
/**
 * Pareto/NBD: multiplier of the mean dropout rate, `exp(g_d)`; null for BG/NBD (its
 * coefficient scales a and b together, which keeps the mean dropout probability).
 */
dropoutRate: Ratio | null, 
/**
 * Expected repeat purchases of a new customer over the CLV horizon, this level vs the
 * reference (both processes together).
 */
newCustomerPurchases: number | null, };

export type ExplainReport = { features: Array<string>, depth: number, 
/**
 * Customers the trees were fitted on.
 */
sample: number, classes: Array<Explained>, };

export type Explained = { 
/**
 * `cluster`, `stage` or `churn`.
 */
kind: 'cluster' | 'stage' | 'churn', 
/**
 * Cluster id, stage key, or `likelyChurn` (churnRisk ≥ 0.5).
 */
class: string, 
/**
 * Customers in the class.
 */
customers: number, rules: Array<Rule>, };

export type ExportOptions = { 
/**
 * Text cells exactly as they are: no `'` before those a spreadsheet would run.
 */
raw?: boolean, };

export type Feature = "recency" | "frequency" | "monetary" | "tenure" | "clv";

export type FeatureTransform = { feature: Feature, 
/**
 * Values below this are clamped before the log (net spend can be negative after returns).
 */
clampMin: number, 
/**
 * Always "log1p".
 */
transform: string, 
/**
 * Mean of log1p(clamped value) over all customers.
 */
mean: number, 
/**
 * Population standard deviation of log1p(clamped value).
 */
std: number, };

export type Finding = { code: string, panel: string, rank: number, list: ListRef | null, values: { [key in string]: InsightValue }, };

export type FitReport<P> = { params: P, stdErrors: P | null, logLikelihood: number, aic: number, converged: boolean, iterations: number, status: string, gradNorm: number, customers: number, };

export type FrequencyRow = { frequency: string, customers: number, actual: number, predicted: number, };

export type GgParams = { p: number, q: number, v: number, };

export type GroupWindow = { name: string, customers: number, 
/**
 * Summed CLV by month 1..=12.
 */
total: Array<number>, mean: Array<number>, };

export type HoldoutModel = { model: ModelKind, 
/**
 * Mean absolute error per customer (repeat purchases).
 */
mae: number, 
/**
 * Root mean squared error per customer.
 */
rmse: number, actualTotal: number, predictedTotal: number, 
/**
 * Mean holdout purchases, actual and predicted, by calibration frequency (lifetimes'
 * `plot_calibration_purchases_vs_holdout_purchases`): the aggregate series.
 */
byFrequency: Array<FrequencyRow>, 
/**
 * Predicted cumulative repeat purchases at `tracking.days` (empty without a tracking
 * series or when the expectations failed).
 */
cumulative: Array<number>, 
/**
 * This model's mean squared error minus the lowest-RMSE model's (0 for that model), and
 * the standard error of that difference: the paired per-customer differences of squared
 * errors (Diebold–Mariano), so a gap within noise is told from a real one.
 */
mseExcess: number, mseExcessStdError: number, };

export type HoldoutReport = { 
/**
 * Holdout length in model units.
 */
duration: number, customers: number, models: Array<HoldoutModel>, 
/**
 * Lowest RMSE.
 */
best: ModelKind | null, 
/**
 * The best model's by-frequency series (for the actual-vs-predicted chart).
 */
byFrequency: Array<FrequencyRow>, 
/**
 * Cumulative repeat purchases over calibration + holdout, actual vs the best model
 * (`tracking`); null without per-day data (summary input).
 */
tracking: Tracking | null, };

export type IngestOptions = { 
/**
 * Encoding label (`utf-8`, `gb18030`, `gbk`, `windows-1251`, ...); default: detected.
 */
encoding?: string | null, 
/**
 * One character, `tab`, or `spaces` (whitespace-aligned columns); default: detected.
 */
delimiter?: string | null, hasHeader?: boolean | null, decimal?: Decimal | null, 
/**
 * chrono strftime format (e.g. `%d.%m.%Y`) or `excel-serial`; default: detected.
 */
dateFormat?: string | null, 
/**
 * Column by header name or 1-based number.
 */
customerCol?: string | null, dateCol?: string | null, amountCol?: string | null, orderCol?: string | null, quantityCol?: string | null, unitPriceCol?: string | null, returns?: ReturnsPolicy, 
/**
 * Columns describing the customer (channel, country, first product, age …), by header
 * name or 1-based number, optionally with `:numeric` or `:categorical`: each customer
 * gets one value (`customers::covariates`) for the CLV covariate models and churn.
 * Data from memory: names among its covariate columns (default: all of them).
 */
covariateCols?: Array<string>, 
/**
 * The input is a per-customer summary (customer_id, frequency, recency, T[, monetary_value]).
 */
summary?: boolean, 
/**
 * Rows dated far outside the bulk of the dates (see `outliers`): `skip` (default) or
 * `keep`.
 */
outlierDates?: OutlierPolicy, 
/**
 * The input is a survival table: period, active[, cohort] (period 0: starting count).
 */
survival?: boolean, 
/**
 * The input is one row per subscription: [customer,] start, end (empty while active).
 */
subscriptions?: boolean, };

export type IngestReport = { rowsRead: number, rowsUsed: number, rowsSkipped: { [key in string]: number }, examples: Array<SkipExample>, 
/**
 * Values used after a documented repair, by kind (`otherDecimal`, `unclosedQuote`,
 * `invalidUtf8`); their rows count as used.
 */
repairs: { [key in string]: number }, 
/**
 * The first repairs of each kind: `{ line, column, reason, text }` (`reason`: the kind).
 */
repairExamples: Array<SkipExample>, detected: Detected, firstDate: string | null, lastDate: string | null, returns: ReturnsPolicy, 
/**
 * Return lines among the used rows (netted or kept per `returns`).
 */
returnLines: number, };

export type InsightValue = number | string;

export type InsightsReport = { 
/**
 * Most important first (`rank` 1, 2, …).
 */
findings: Array<Finding>, };

export type KpiOptions = { 
/**
 * Period of the retention and churn rates: `month` (default), `week` or `quarter`.
 */
period?: KpiPeriod, 
/**
 * Marketing spend per month (`YYYY-MM` → amount): gives CAC = spend / new customers.
 */
marketingSpend?: { [key in string]: number }, 
/**
 * Survey answers on 0–10 (NPS).
 */
npsAnswers?: Array<number>, 
/**
 * Survey answers on 1–5 (CSAT = share of 4s and 5s).
 */
csatAnswers?: Array<number>, };

export type KpiPeriod = "week" | "month" | "quarter";

export type KpisReport = { customers: number, activeCustomers: number, transactions: number, revenue: number, averageOrderValue: number, purchaseFrequency: number, repeatPurchaseRate: number, revenuePerCustomer: number, retentionRate: number | null, churnRate: number | null, churnWindowDays: number, 
/**
 * The period of `periods`, `retentionRate` and `churnRate`.
 */
period: KpiPeriod, periods: Array<Period>, cohorts: Cohorts, cac: number | null, nps: number | null, csat: number | null, };

export type Level = { 
/**
 * The value (`""` for blank); for the pooled level, `other`.
 */
value: string, customers: number, 
/**
 * The pooled level of small levels (`value` is then `other`).
 */
pooled: boolean, reference: boolean, };

export type LifecycleOptions = { newWindowDays?: number | null, churnWindowDays?: number | null, atRiskFactor?: number, loyalMinTransactions?: number | null, loyalMinTenureDays?: number | null, pAliveThreshold?: number, 
/**
 * Days before `asOf` of the earlier snapshot for stage transitions.
 */
compareDays?: number, 
/**
 * Known customer ids (e.g. sign-ups); those without purchases are Prospects.
 */
prospects?: Array<string>, };

export type LifecycleReport = { stages: Array<StageCount>, thresholds: Thresholds | null, 
/**
 * Earlier snapshot date of the transitions (`asOf` − `compareDays`).
 */
comparedTo: string | null, transitions: Array<Transition>, 
/**
 * Whether At Risk also used the BTYD P(alive).
 */
usesPAlive: boolean, };

export type ListRef = { 
/**
 * `rfm`, `stage` or `cluster`.
 */
kind: string, 
/**
 * The RFM segment's rule name, the stage key, or the cluster id.
 */
key: string, };

export type LrTest = { statistic: number, df: number, pValue: number, plainLogLikelihood: number, };

export type ModelCard = { format: string, 
/**
 * The Report schema the fit came from.
 */
schemaVersion: number, crmLensVersion: string, 
/**
 * The analysis date of the fit (last day of the observation period).
 */
asOf: string, 
/**
 * Unit of `recency`, `T` and the time-scale parameters (alpha, beta).
 */
timeUnit: TimeUnit, unitDays: number, 
/**
 * Customers and distinct (x, t_x, T) rows the model was fitted on.
 */
customers: number, uniqueRows: number, model: CardModel, spend: CardSpend, clv: CardClv, holdout: CardHoldout | null, bootstrap: CardBootstrap, };

export type ModelChoice = "auto" | "bgnbd" | "paretoNbd" | "mbgnbd";

export type ModelKind = "bgnbd" | "paretoNbd" | "mbgnbd";

export type NewCustomer = { expectedPurchases: Array<number>, 
/**
 * Expected spend per purchase of a customer with no history (Gamma-Gamma's population
 * mean `p v / (q − 1)`, or the observed mean fallback).
 */
spendPerPurchase: number, 
/**
 * `value[i] = Σ_{j ≤ i} margin × spendPerPurchase × (E_j − E_{j−1}) / (1 + d)^j`: the
 * new customer's CLV by month i (i = 0..=H; `value[0] = 0`).
 */
value: Array<number>, };

export type OneTimeBuyers = { customers: number, 
/**
 * customers / all customers (0 without customers).
 */
share: number, 
/**
 * `estimated` (MBG/NBD, Pareto/NBD), `notEstimable` (BG/NBD: P(alive) is 1 until a
 * repeat purchase, whatever the silence) or `noModel` (simple CLV: no P(alive)).
 */
pAlive: string, };

export type Options = { 
/**
 * Last day of the observation period, inclusive (`YYYY-MM-DD`). Default: last transaction.
 */
asOf?: string | null, timeUnit?: TimeUnit, ingest?: IngestOptions, rfm?: RfmOptions, lifecycle?: LifecycleOptions, kpis?: KpiOptions, segments?: SegmentOptions, clv?: ClvOptions, retention?: RetentionOptions, churn?: ChurnOptions, };

export type OutlierExample = { line: number, date: string, };

export type OutlierPolicy = "skip" | "keep";

export type PAliveAtDate = { date: string, 
/**
 * Days after `asOf`, and the same in model units (whole opportunities for BG/BB).
 */
days: number, units: number, model: string, 
/**
 * Mean over customers (the per-customer values are the `pAliveAtDate` column).
 */
mean: number, };

export type PAliveMatrix = { 
/**
 * Model key (`bgnbd`, `paretoNbd`, `mbgnbd`, `bgbb`).
 */
model: string, 
/**
 * Age T used for every cell (model units).
 */
t: number, 
/**
 * Column values of x.
 */
frequencies: Array<number>, 
/**
 * Row values of t_x (model units).
 */
recencies: Array<number>, 
/**
 * `values[i][j]` = P(alive | x = frequencies[j], t_x = recencies[i], T = t).
 */
values: Array<Array<number>>, };

export type ParetoParams = { r: number, alpha: number, s: number, beta: number, };

export type Period = { period: string, startCustomers: number, endCustomers: number, newCustomers: number, retentionRate: number | null, churnRate: number | null, revenue: number, 
/**
 * Purchase orders: distinct order ids per customer and day (lines without an order id
 * count one each), so the periods add up to `transactions` unless an order spans days.
 */
transactions: number, 
/**
 * Marketing spend / new customers, when spend was given for the month (month periods).
 */
cac: number | null, };

export type PeriodTransactions = { 
/**
 * Model of the expected counts: the chosen model's key (BG/NBD and MBG/NBD closed forms,
 * Pareto/NBD by `pareto::pmf`, BG/BB by `bgbb::predict::prob_n`).
 */
model: string, bins: Array<string>, actual: Array<number>, 
/**
 * Sum over customers of P(X(T_i) = n) at the fitted parameters.
 */
expected: Array<number>, };

export type Projection = { 
/**
 * Always "pca".
 */
method: string, 
/**
 * Share of the total variance explained by PC1 and PC2 (ratios in 0..=1).
 */
explainedVariance: [number, number], 
/**
 * Loadings of PC1 and PC2 on the used features (same order as `features`). Sign convention:
 * the largest-magnitude loading of each component is positive (scikit-learn's svd_flip).
 */
components: [Array<number>, Array<number>], };

export type Ratio = { value: number, low: number | null, high: number | null, };

export type Recommendation = { 
/**
 * Recommended k (equals the report's k unless the user fixed k).
 */
k: number, 
/**
 * "maxSilhouette" (the scan's best silhouette, in the preferred range or with no
 * scanned k there) | "maxSilhouetteInPreferredRange" (the best in the range; the scan's
 * best lies outside it without strong structure) | "elbowWithinSilhouetteTolerance" |
 * "strongStructureOutsideRange" | "elbowOnly" (no scanned k has a silhouette, so the elbow
 * decides) | "onlyCandidate" | "userFixed" | "degenerate".
 */
reason: string, 
/**
 * k with the highest silhouette in the scan.
 */
bestSilhouetteK: number | null, bestSilhouette: number | null, 
/**
 * Elbow of the inertia curve (largest distance below the chord, "kneedle").
 */
elbowK: number | null, silhouetteTolerance: number, 
/**
 * [`PREFERRED_K`]: the range rule 1 looks in.
 */
preferredRange: [number, number], 
/**
 * Best silhouette among the scanned k in the preferred range.
 */
bestInRangeK: number | null, bestInRangeSilhouette: number | null, };

export type Report = { schemaVersion: number, asOf: string, timeUnit: TimeUnit, ingest: IngestReport, kpis: KpisReport, rfm: RfmReport, lifecycle: LifecycleReport, segments: SegmentsReport, clv: ClvReport, 
/**
 * Subscription retention (sBG); `source: "none"` unless the input is subscription data.
 */
retention: RetentionReport, 
/**
 * The findings that matter most, ranked (src/insights/).
 */
insights: InsightsReport, churn: ChurnReport, explain: ExplainReport, warnings: Array<Warning>, };

export type RetentionHoldout = { fitPeriods: number, 
/**
 * Held-out periods with observations.
 */
periods: Array<number>, 
/**
 * Observed survival (pooled) at those periods.
 */
actual: Array<number>, 
/**
 * Projected `S(t)`.
 */
fitted: Array<number>, 
/**
 * Mean of |fitted − actual| / actual over the held-out periods.
 */
meanAbsolutePercentageError: number, };

export type RetentionOptions = { 
/**
 * Price per period (what a subscriber pays at each renewal). `None`: lifetimes are
 * discounted but not valued.
 */
price?: number | null, 
/**
 * Discount rate per period. `None`: `clv.discountRate` (monthly) compounded over one period.
 */
discountRate?: number | null, 
/**
 * Periods the projection covers. `None`: twice the last observed period, at least 12.
 */
horizonPeriods?: number | null, 
/**
 * Fit on periods 0..=fitPeriods only; the later observations are the holdout the
 * projection is checked against. `None`: fit on everything.
 */
fitPeriods?: number | null, };

export type RetentionReport = { source: string, 
/**
 * Why `sbg` is null; null when it was fitted.
 */
reason: string | null, 
/**
 * Length of one period in days (`timeUnit`).
 */
periodDays: number, subscribers: number, active: number, churned: number, 
/**
 * The last period any subscriber was observed in.
 */
lastPeriod: number, cohorts: Array<CohortReport>, 
/**
 * Cohorts beyond the 60 latest, left out of `cohorts` (still fitted).
 */
cohortsOmitted: number, survival: SurvivalCurve | null, holdout: RetentionHoldout | null, sbg: SbgReport | null, };

export type ReturnsPolicy = "net" | "drop" | "keep";

export type RfmOptions = { 
/**
 * Number of score bins per variable (2–10); 5 gives quintiles.
 */
bins?: number, 
/**
 * Replaces the default segment table (first matching rule wins, else "Others").
 */
rules?: Array<SegmentRule> | null, 
/**
 * How ties are scored when value quantiles collapse: `shared` (default: tied values
 * share a score, whatever the row order) or `first` (pandas' `rank(method="first")`).
 */
ties?: Ties, };

export type RfmReport = { bins: number, scoring: ScoringInfo, 
/**
 * Every rule's segment in table order, then "Others"; empty segments included.
 */
segments: Array<SegmentSummary>, 
/**
 * Customers per (R, F) cell: `grid[r-1][f-1]`, for the R×F heatmap.
 */
grid: Array<Array<number>>, 
/**
 * Mean net spend per (R, F) cell.
 */
gridMonetary: Array<Array<number>>, rules: Array<SegmentRule>, };

export type Rule = { conditions: Array<RuleCondition>, 
/**
 * Customers matching the conditions.
 */
customers: number, 
/**
 * Their share of all customers.
 */
coverage: number, 
/**
 * Share of the matching customers that are in the class.
 */
purity: number, 
/**
 * Share of the class the rule covers.
 */
recall: number, };

export type RuleCondition = { feature: string, 
/**
 * `<=` or `>`.
 */
op: '<=' | '>', threshold: number, };

export type SampleSizes = { customers: number, 
/**
 * Seeded sample on which k is scanned and starting centroids are found.
 */
scan: number, 
/**
 * Prefix of the scan sample on which silhouettes are exact.
 */
silhouette: number, 
/**
 * Customers the final k-means was refined on (all).
 */
finalFit: number, };

export type SbgParams = { alpha: number, beta: number, };

export type SbgReport = { 
/**
 * Periods the fit used (null: all).
 */
fitPeriods: number | null, 
/**
 * `α / (α + β)`: share of new subscribers expected to cancel at the first renewal.
 */
churnFirstPeriod: number, 
/**
 * `E[T] = (α + β − 1) / (α − 1)` periods; null when α ≤ 1 (infinite mean).
 */
meanLifetime: number | null, 
/**
 * First period by which half of a cohort has churned (null beyond 100,000 periods).
 */
medianLifetime: number | null, value: SbgValue | null, params: SbgParams, stdErrors: SbgParams | null, logLikelihood: number, aic: number, converged: boolean, iterations: number, status: string, gradNorm: number, customers: number, };

export type SbgValue = { 
/**
 * Price per period (option `retention.price`); null: values are not computed.
 */
price: number | null, 
/**
 * Discount rate per period.
 */
discountRate: number, 
/**
 * Where the rate comes from: `options`, or `clvMonthly` (clv.discountRate compounded).
 */
discountSource: string, 
/**
 * DEL: expected discounted payments of a new subscriber, the first one at sign-up.
 */
newSubscriberDel: number, newSubscriberValue: number | null, 
/**
 * Active subscribers at the end of the data and their mean DERL.
 */
active: number, activeDerlMean: number, 
/**
 * Total residual value of the active base, and per active subscriber.
 */
activeValue: number | null, valuePerActiveSubscriber: number | null, byRenewals: Array<ValueByRenewals>, };

export type ScanPoint = { k: number, 
/**
 * Sum of squared distances of ALL customers to the nearest centroid (standardised
 * space), for this k's final fit: its best sample runs refined on all customers.
 */
inertia: number, 
/**
 * Mean silhouette on the silhouette sample (null if undefined).
 */
silhouette: number | null, };

export type ScoreMetrics = { auc: number, aucStdError: number, 
/**
 * 95% interval (DeLong), clamped to [0, 1].
 */
aucLow: number, aucHigh: number, 
/**
 * Mean squared error of the score as a probability of churning.
 */
brier: number, 
/**
 * Churn rate in the top decile / the overall churn rate.
 */
topDecileLift: number, calibration: Array<Decile>, };

export type Scoring = "qcut" | "rankFirst" | "sharedTies";

export type ScoringInfo = { recency: Scoring | null, frequency: Scoring | null, monetary: Scoring | null, };

export type SegmentClv = { 
/**
 * The segment's name, as in `rfm.segments[].name` (same order).
 */
name: string, customers: number, simpleClvMean: number, simpleClvTotal: number, 
/**
 * Model CLV (the chosen model's `clv` column; simple CLV on fallback).
 */
clvMean: number, clvTotal: number, };

export type SegmentOptions = { 
/**
 * Fixed number of clusters; `None` = scan `k_min..=k_max` and recommend one.
 */
k?: number | null, 
/**
 * Smallest k scanned (>= 2: silhouette needs two clusters).
 */
kMin?: number, 
/**
 * Largest k scanned.
 */
kMax?: number, 
/**
 * Features spanning the space, each log1p-transformed then z-scored.
 */
features?: Array<Feature>, 
/**
 * Seed of every random choice (sampling, k-means++), so results are reproducible.
 */
seed?: number, 
/**
 * Customers drawn (seeded partial Fisher-Yates, without replacement) to scan k and to find
 * starting centroids; default 10,000. The chosen k is then refined on all customers.
 * 0 = use all customers (slow on large bases).
 */
scanSample?: number, 
/**
 * Customers (a prefix of the scan sample) on which the silhouette is computed exactly.
 * At most 10,000 (memory: n*(n-1)/2 f32 distances).
 */
silhouetteSample?: number, 
/**
 * Greedy k-means++ restarts per k on the scan sample (default 6), each iterated by our
 * Hamerly-accelerated Lloyd loop. The scan reports the run best on the sample; the final
 * fit starts from the run best on all customers (after a linfa `KMeans` fit on the sample).
 */
nInit?: number, 
/**
 * Lloyd iterations cap per run on the scan sample.
 */
maxIter?: number, 
/**
 * Convergence threshold: Frobenius norm of the centroid shift between two iterations, in
 * standard deviations (linfa's definition). 1e-2 equals scikit-learn's default criterion
 * on standardised data (squared shift <= tol * mean variance = 1e-4).
 */
tolerance?: number, 
/**
 * Lloyd iterations cap of the final refinement on all customers. It starts from the scan
 * sample's best centroids, so a few full passes recover nearly all the gain.
 */
finalMaxIter?: number, 
/**
 * Convergence threshold of the final refinement (same unit as `tolerance`; default 1e-3,
 * ten times tighter than the scan's). The refinement starts from a sample-converged run,
 * so at 1e-2 it stopped after 3-6 passes, 1e-4 above scikit-learn's inertia at k = 10;
 * at 1e-3 it ends below scikit-learn's at every k on 356k customers (within 7e-6 on the
 * 20k set of tests/segment_sklearn.rs), and Hamerly's bounds make the extra passes cheap
 * (most customers are not compared with any centroid).
 */
finalTolerance?: number, 
/**
 * A k whose silhouette is within this much of the best one may be preferred when it is
 * also the elbow of the inertia curve.
 */
silhouetteTolerance?: number, };

export type SegmentRule = { name: string, 
/**
 * Inclusive score ranges `[low, high]` on the 1–5 scale.
 */
r: [number, number], f: [number, number], m: [number, number], };

export type SegmentSummary = { name: string, customers: number, share: number, revenue: number, revenueShare: number, meanRecency: number, meanFrequency: number, meanMonetary: number, meanR: number, meanF: number, meanM: number, 
/**
 * Translation key of the suggested action, e.g. `rfm.action.champions`.
 */
action: string, };

export type SegmentsReport = { 
/**
 * Number of clusters in `clusters` (0 only when there are no customers).
 */
k: number, 
/**
 * Sum over all customers of the squared distance to their centroid, in the standardised
 * space (scikit-learn's `inertia_`).
 */
inertia: number, 
/**
 * Mean silhouette of the final clustering on the silhouette sample (null if undefined).
 */
silhouette: number | null, 
/**
 * One entry per scanned k (empty when the user fixed k).
 */
scan: Array<ScanPoint>, 
/**
 * Profiles, largest cluster first; cluster id = position.
 */
clusters: Array<ClusterProfile>, recommendation: Recommendation, 
/**
 * Features spanning the space, in column order.
 */
features: Array<Feature>, 
/**
 * Requested features left out (constant, or not supplied).
 */
droppedFeatures: Array<Feature>, transform: Transform, projection: Projection, 
/**
 * Cluster x RFM-segment counts, when RFM segments were given.
 */
crosstab: Crosstab | null, sampleSizes: SampleSizes, seed: number, nInit: number, };

export type SimpleReport = { 
/**
 * "retention": m * r / (1 + d - r).
 */
formula: string, retentionRate: number, 
/**
 * "options", "measured" or "none".
 */
retentionSource: string, discountRate: number, marginRate: number, 
/**
 * Multiplier r / (1 + d - r) applied to the monthly margin (or horizon sum if divergent).
 */
multiplier: number, meanMonthlyMargin: number, total: number, mean: number, };

export type SkipExample = { 
/**
 * 1-based physical line in the file (sheet row for workbooks).
 */
line: number, 
/**
 * Column name (or `#n`, 1-based) the problem was found in; empty for whole-row problems.
 */
column: string, 
/**
 * The skip reason's key (or the repair's, in `repairExamples`).
 */
reason: string, text: string, };

export type Stage = "prospect" | "new" | "active" | "loyal" | "atRisk" | "lost";

export type StageCount = { stage: Stage, customers: number, revenue: number, };

export type Stat = { mean: number, median: number, };

export type SurvivalCurve = { 
/**
 * 0..=horizon.
 */
periods: Array<number>, 
/**
 * Observed survival; null where no subscriber was at risk.
 */
actual: Array<number | null>, 
/**
 * `S(t)` of the fitted sBG (empty without a fit).
 */
fitted: Array<number>, 
/**
 * Observed retention rate of periods 1..=horizon (renewed / at risk); null where none at risk.
 */
actualRetention: Array<number | null>, 
/**
 * `r_t = (β + t − 1) / (α + β + t − 1)` for t = 1..=horizon (empty without a fit).
 */
fittedRetention: Array<number>, };

export type Thresholds = { newWindowDays: number, churnWindowDays: number, atRiskFactor: number, loyalMinTransactions: number, loyalMinTenureDays: number, 
/**
 * P(alive) under which an active customer is at risk (used once CLV gives P(alive)).
 */
pAliveThreshold: number, 
/**
 * Median of repeat buyers' usual gap (days); the one-time buyers' yardstick.
 */
typicalGapDays: number, 
/**
 * `data` (derived), `options` (all set by the user), or `fallback` (no repeat buyers).
 */
source: string, };

export type Ties = "shared" | "first";

export type TimeUnit = "day" | "week" | "month" | "year";

export type Totals = { clv: number, clvLow: number, clvHigh: number, interval: number, bootstrapDraws: number, 
/**
 * "none", "exact", "linearizedStream", "linearizedPAlive" or "linearizedStreamAndPAlive":
 * the continuous models' discounted purchase stream D(x,T) and, for Pareto/NBD, logit
 * P(alive) use their first-order expansion in the log-parameters (BG/BB only above 2M
 * rows x draws; see uncertainty/bootstrap.rs and the interval study in
 * docs/performance.md); spend and BG/MBG P(alive) are always exact per draw.
 */
bootstrapMethod: string, seed: number, expectedPurchases: number, meanExpectedSpend: number, meanPAlive: number, simpleClv: number, };

export type Tracking = { 
/**
 * Day 0, `YYYY-MM-DD`.
 */
start: string, periodDays: number, calibrationDays: number, 
/**
 * Point j covers days `0..days[j]`, `days[j] = (j + 1) * periodDays`.
 */
days: Array<number>, actual: Array<number>, model: ModelKind | null, predicted: Array<number>, };

export type Transform = { 
/**
 * "clampMin0Log1pThenZScorePopulation": v -> log1p(max(v, 0)) -> (x - mean) / std (ddof 0).
 */
method: string, perFeature: Array<FeatureTransform>, };

export type Transition = { 
/**
 * `none` for customers not yet acquired at the earlier date.
 */
from: string, to: Stage, customers: number, };

export type UnitsReport = { timeUnit: string, unitDays: number, monthFactor: number, horizonMonths: number, horizonUnits: number, discountRate: number, marginRate: number, penalizer: number, };

export type Utf8Repairs = { count: number, examples: Array<[number, string]>, };

export type ValueByRenewals = { renewals: number, active: number, 
/**
 * DERL(d | α, β, renewals): expected discounted payments from the next renewal on.
 */
derl: number, 
/**
 * `price × derl` (null without a price).
 */
value: number | null, };

export type Warning = { code: string, message: string, };

export type WindowsReport = { months: Array<number>, source: string, 
/**
 * All customers.
 */
total: Array<number>, byRfmSegment: Array<GroupWindow>, byStage: Array<GroupWindow>, 
/**
 * Named by cluster id.
 */
byCluster: Array<GroupWindow>, };
