// The analysis settings form: the options it sends, snapshots of it, and its state for a Report.
import { $ } from './dom.js';
import { t, locale } from './i18n/index.js';
import { monthlyRate, annualRate } from './rates.js';

export function snapshotSettings() {
  return Object.fromEntries([...$('settings').elements].filter((x) => x.name).map((x) => [x.name, x.value]));
}
/** Puts the settings form back to a snapshot (the options of the last good run). */
export function restoreSettings(snap) {
  const f = $('settings').elements;
  for (const [k, v] of Object.entries(snap ?? {})) if (f[k]) f[k].value = v;
}

/** The analysis options of the form; a key is sent only when the user set it. */
export function analysisOptions() {
  const f = $('settings').elements;
  const o = {};
  if (f.asOf.value) o.asOf = f.asOf.value;
  if (f.timeUnit.value) o.timeUnit = f.timeUnit.value;
  if (f.price.value) o.retention = { price: Number(f.price.value) };
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

const hasClv = (r) => r.kpis?.customers > 0 && ['simple', 'bgnbd', 'paretoNbd', 'mbgnbd', 'bgbb', 'gammaGamma'].some((k) => r.clv?.[k] != null);
const hasRetention = (r) => r.retention?.source != null && r.retention.source !== 'none';

/** The form for a Report: its analysis date, the CLV settings (shown with CLV), the rate used. */
export function renderControls(r) {
  const f = $('settings').elements;
  f.asOf.min = r.ingest.firstDate ?? '';
  if (!f.asOf.value) f.asOf.value = r.asOf;
  // CLV settings appear with the CLV section (they change nothing before the core computes CLV).
  for (const n of document.querySelectorAll('.clv-control')) n.hidden = !hasClv(r) && !n.querySelector('input, select').value;
  // The price per period values subscribers (DERL × price): shown with subscription data.
  for (const n of document.querySelectorAll('.retention-control')) n.hidden = !hasRetention(r) && !n.querySelector('input').value;
  // The monthly rate the core used (from the Report), and its annual equivalent as placeholder.
  const used = r.clv?.units?.discountRate;
  f.discountRate.placeholder = used == null ? '' : String(Math.round(annualRate(used) * 1e4) / 1e4);
  const pct = new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 3 });
  $('discount-monthly').textContent = used == null ? '' : t('controls.discountMonthly', { rate: pct.format(used) });
  $('controls').hidden = false;
}
