// The analysis settings form: the options it sends, snapshots of it, and its render step.
import { $ } from './dom.js';
import { fmt } from './format.js';
import { t } from './i18n/index.js';
import { hasClv } from './panels/adapters.js';

export function snapshotSettings() {
  return Object.fromEntries([...$('settings').elements].filter((x) => x.name).map((x) => [x.name, x.value]));
}
/** Puts the settings form back to a snapshot (the options of the last good run). */
export function restoreSettings(snap) {
  const f = $('settings').elements;
  for (const [k, v] of Object.entries(snap)) if (f[k]) f[k].value = v;
}

export function analysisOptions() {
  const f = $('settings').elements;
  const o = {};
  if (f.asOf.value) o.asOf = f.asOf.value;
  if (f.bins.value !== '5') o.rfm = { bins: Number(f.bins.value) };
  if (f.k.value) o.segments = { k: Number(f.k.value) };
  const clv = {};
  if (f.horizonMonths.value) clv.horizonMonths = Number(f.horizonMonths.value);
  if (f.discountRate.value) clv.discountRate = monthlyRate(Number(f.discountRate.value));
  if (f.marginRate.value) clv.marginRate = Number(f.marginRate.value);
  if (f.model.value) clv.model = f.model.value;
  if (Object.keys(clv).length) o.clv = clv;
  return o;
}

/**
 * The core discounts month by month (`clv.discountRate` is a monthly rate, lifetimes'
 * `discount_rate`); analysts think in annual rates. The control holds the annual rate a and
 * sends the equivalent monthly rate (1 + a)^(1/12) − 1, which compounds to the same year.
 */
export const monthlyRate = (annual) => Math.pow(1 + annual, 1 / 12) - 1;
export const annualRate = (monthly) => Math.pow(1 + monthly, 12) - 1;

export function renderControls(r) {
  const f = $('settings').elements;
  f.asOf.min = r.ingest.firstDate ?? '';
  if (!f.asOf.value) f.asOf.value = r.asOf;
  // CLV settings appear with the CLV section (they change nothing before the core computes CLV).
  const clv = r.clv ?? {};
  for (const n of document.querySelectorAll('.clv-control')) n.hidden = !hasClv(r) && !n.querySelector('input, select').value;
  // The monthly rate the core used (from the Report), and its annual equivalent as placeholder.
  const used = clv.units?.discountRate;
  f.discountRate.placeholder = used == null ? '' : String(Math.round(annualRate(used) * 1e4) / 1e4);
  $('discount-monthly').textContent = used == null ? '' : t('controls.discountMonthly', { rate: fmt.pct(used, 3) });
  $('controls').hidden = false;
}
