// Numbers, money, months and dates in the UI language's locale (Intl), and report keys made
// readable when no translation exists.
import { $ } from './dom.js';
import { locale } from './i18n/index.js';

export const fmt = {
  int: (n) => (n == null ? '–' : new Intl.NumberFormat(locale()).format(Math.round(n))),
  num: (n, d = 2) => (n == null ? '–' : new Intl.NumberFormat(locale(), { maximumFractionDigits: d }).format(n)),
  pct: (x, d = 1) => (x == null ? '–' : new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: d }).format(x)),
  money: (x, d = 2) => {
    if (x == null) return '–';
    const cur = $('settings').elements.currency.value;
    const o = cur ? { style: 'currency', currency: cur, minimumFractionDigits: d, maximumFractionDigits: d }
      : { minimumFractionDigits: d, maximumFractionDigits: d };
    return new Intl.NumberFormat(locale(), o).format(x);
  },
  compact: (x) => new Intl.NumberFormat(locale(), { notation: 'compact', maximumFractionDigits: 1 }).format(x),
  month: (ym) => {
    const d = new Date(`${ym}-01T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? ym : new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
  },
  date: (iso) => {
    if (!iso) return '–';
    const d = new Date(`${iso}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
  },
};

/** An untranslated key, humanised: `cluster.highValue` → "High Value". */
export function humanKey(k) {
  const last = String(k).split('.').pop();
  return last.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (s) => s.toUpperCase());
}
