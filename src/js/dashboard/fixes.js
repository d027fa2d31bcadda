// Which option most likely fixes an error or a warning: the core names the likeliest fix first,
// in the CLI's spelling ("--date-format (detected …) or --date-col"), so the earliest flag in
// its text wins. The answer is the option's name (`ingest.<name>`, or `asOf`); `controls`
// means some analysis option.

/** CLI flags the core names in hints and messages, and the option each one is. */
export const FIX_OPTIONS = {
  '--customer-col': 'customerCol', '--date-col': 'dateCol', '--amount-col': 'amountCol', '--order-col': 'orderCol',
  '--date-format': 'dateFormat', '--decimal': 'decimal', '--encoding': 'encoding', '--delimiter': 'delimiter',
  '--has-header': 'hasHeader', '--as-of': 'asOf', '--summary': 'summary',
};
const CODE_OPTIONS = {
  no_customer_column: 'customerCol', no_date_column: 'dateCol', no_amount_column: 'amountCol',
  unparseable_dates: 'dateFormat', ambiguous_date_format: 'dateFormat', binary_file: 'encoding',
  amounts_other_decimal: 'decimal', ambiguous_amounts: 'decimal', amounts_out_of_range: 'amountCol',
  invalid_utf8: 'encoding', dates_out_of_range: 'dateCol', invalid_customer_ids: 'customerCol',
  // The scale path (docs/scale.md): a summary is read with `ingest.summary`.
  too_big_for_tab: 'summary', looks_like_summary: 'summary',
};

export function fixOption(code, text) {
  if (CODE_OPTIONS[code]) return CODE_OPTIONS[code];
  let best = null;
  let at = Infinity;
  for (const [flag, option] of Object.entries(FIX_OPTIONS)) {
    // A flag followed by a letter or '-' is another flag (--date-col is not --date-column).
    const m = new RegExp(`${flag}(?![\\w-])`).exec(text ?? '');
    if (m && m.index < at) { at = m.index; best = option; }
  }
  if (best) return best;
  if (code === 'invalid_option') return 'controls';
  return null;
}
