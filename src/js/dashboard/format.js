// Numbers, money, months and dates in a locale (Intl), and report keys made readable when no
// translation exists. One formatter per render: the Intl objects are made once, not per cell.

export function formatter(locale, currency) {
  const cache = new Map();
  const nf = (key, o) => {
    let f = cache.get(key);
    if (!f) cache.set(key, (f = new Intl.NumberFormat(locale, o)));
    return f;
  };
  const dtf = (key, o) => {
    let f = cache.get(key);
    if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, { ...o, timeZone: 'UTC' })));
    return f;
  };
  const money = (x, d = 2) => {
    if (x == null) return '–';
    const o = currency ? { style: 'currency', currency, minimumFractionDigits: d, maximumFractionDigits: d }
      : { minimumFractionDigits: d, maximumFractionDigits: d };
    return nf(`money${d}`, o).format(x);
  };
  return {
    int: (n) => (n == null ? '–' : nf('int', {}).format(Math.round(n))),
    num: (n, d = 2) => (n == null ? '–' : nf(`num${d}`, { maximumFractionDigits: d }).format(n)),
    pct: (x, d = 1) => (x == null ? '–' : nf(`pct${d}`, { style: 'percent', maximumFractionDigits: d }).format(x)),
    money,
    compact: (x) => nf('compact', { notation: 'compact', maximumFractionDigits: 1 }).format(x),
    month: (ym) => {
      const d = new Date(`${ym}-01T00:00:00Z`);
      return Number.isNaN(d.getTime()) ? ym : dtf('month', { year: 'numeric', month: 'short' }).format(d);
    },
    date: (iso) => {
      if (!iso) return '–';
      const d = new Date(`${iso}T00:00:00Z`);
      return Number.isNaN(d.getTime()) ? iso : dtf('date', { dateStyle: 'medium' }).format(d);
    },
  };
}

/** An untranslated key, humanised: `cluster.highValue` → "High Value". */
export function humanKey(k) {
  const last = String(k).split('.').pop();
  return last.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (s) => s.toUpperCase());
}
