// The preview of the first rows (decoded here from the first 64 KiB; workbooks show the header
// only) and the mapping editor: column roles, date format, decimal, encoding, delimiter.
import { $, el } from './dom.js';
import { t, language } from './i18n/index.js';
import { state } from './state.js';

export function mappingOptions() {
  const f = $('mapping').elements;
  const o = {};
  for (const k of ['customerCol', 'dateCol', 'amountCol', 'orderCol', 'dateFormat', 'decimal', 'encoding', 'delimiter']) {
    const v = f[k].value.trim();
    if (v) o[k] = v;
  }
  if (f.hasHeader.value) o.hasHeader = f.hasHeader.value === 'true';
  // A per-customer summary (docs/scale.md): what DuckDB or Spark made of a log too big for the tab.
  if (f.summary.checked) o.summary = true;
  // A survival table or a list of subscriptions: never guessed, the user says so.
  if (f.input.value) o[f.input.value] = true;
  const cov = [...f.covariateCols.selectedOptions].map((x) => x.value);
  if (cov.length) o.covariateCols = cov;
  return o;
}

function splitLine(line, delim) {
  const out = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = false; else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === delim) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

function previewRows(detected) {
  const head = new Uint8Array(state.head);
  if ((head[0] === 0x50 && head[1] === 0x4b) || (head[0] === 0xd0 && head[1] === 0xcf)) return []; // xlsx / xls
  const f = $('mapping').elements;
  let text = null;
  const label = f.encoding.value || (detected?.encoding !== 'n/a' && detected?.encoding);
  if (label) {
    try { text = new TextDecoder(label).decode(head); } catch { /* unknown label: guess below */ }
  }
  if (text == null) {
    // Nothing detected (the read failed): UTF-8 if valid, else the UI language's usual legacy encoding.
    try { text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true }); } catch {
      text = new TextDecoder({ zh: 'gb18030', ru: 'windows-1251' }[language()] ?? 'windows-1252').decode(head);
    }
  }
  const lines = text.split(/\r?\n/).filter((l) => l.length).slice(0, 11);
  let d = f.delimiter.value || detected?.delimiter;
  if (d === 'tab' || d === '\\t') d = '\t';
  if (!d) {
    const first = lines[0] ?? '';
    d = [',', ';', '\t', '|'].map((c) => [c, first.split(c).length]).sort((a, b) => b[1] - a[1])[0][0];
  }
  return lines.map((l) => splitLine(l, d));
}

export function renderPreview(detected) {
  const sec = $('preview');
  if (!state.head) { sec.hidden = true; return; }
  sec.hidden = false;
  const rows = previewRows(detected);
  const forced = $('mapping').elements.hasHeader.value;
  const hasHeader = forced ? forced === 'true' : detected ? detected.hasHeader : true;
  const header = !forced && detected?.header?.length ? detected.header
    : (hasHeader ? rows[0] ?? [] : (rows[0] ?? []).map((_, i) => `#${i + 1}`));
  const body = hasHeader ? rows.slice(1) : rows;
  const cols = detected?.columns ?? {};
  const role = { [cols.customerId]: t('map.customerCol'), [cols.date]: t('map.dateCol'), [cols.amount]: t('map.amountCol'), [cols.orderId]: t('map.orderCol') };
  const table = $('preview-table');
  const thead = el('thead');
  const tr = el('tr');
  header.forEach((h) => {
    const th = el('th');
    th.scope = 'col';
    th.append(el('span', h));
    if (role[h]) th.append(el('small', role[h], 'role'));
    tr.append(th);
  });
  thead.append(tr);
  const tbody = el('tbody');
  for (const r of body.slice(0, 10)) {
    const row = el('tr');
    for (let i = 0; i < Math.max(header.length, r.length); i++) row.append(el('td', r[i] ?? ''));
    tbody.append(row);
  }
  table.replaceChildren(thead, tbody);

  // Mapping selects: keep the user's choice, else "(detected)".
  const f = $('mapping').elements;
  for (const k of ['customerCol', 'dateCol', 'amountCol', 'orderCol']) {
    const sel = f[k];
    // The user's choice, else the mapping the shown read used (a remembered one included).
    const keep = sel.value || (state.ingest?.[k] ?? '');
    const opts = [new Option(t('map.auto'), '')];
    header.forEach((h, i) => opts.push(new Option(h, hasHeader ? h : String(i + 1))));
    sel.replaceChildren(...opts);
    sel.value = [...sel.options].some((o) => o.value === keep) ? keep : '';
  }
  // Covariates: any column, several at once; the ones read last time stay selected.
  const chosen = new Set([...f.covariateCols.selectedOptions].map((o) => o.value));
  for (const c of detected?.columns?.covariates ?? []) chosen.add(c);
  f.covariateCols.replaceChildren(...header.map((h, i) => {
    const v = hasHeader ? h : String(i + 1);
    return new Option(h, v, false, chosen.has(v));
  }));
  if (!f.dateFormat.value && detected?.dateFormat) f.dateFormat.placeholder = detected.dateFormat;
  $('detected').textContent = detectedText(detected);
}

/** What ingest detected, in words ("Detected: csv, UTF-8, delimiter “,” …"); '' for nothing. */
export function detectedText(detected) {
  if (!detected) return '';
  const workbook = detected.delimiter === 'n/a';
  return t(workbook ? 'map.detectedWorkbook' : 'map.detected', {
    source: detected.source, encoding: detected.encoding,
    delimiter: detected.delimiter === '\\t' ? t('map.tab') : detected.delimiter, decimal: detected.decimalSeparator, dateFormat: detected.dateFormat,
  }) + (detected.dateFormatAmbiguousWith ? ` (≠ ${detected.dateFormatAmbiguousWith})` : '');
}

/** Puts remembered ingest options (a mapping) into the mapping form. */
export function applyMapping(ingest) {
  const f = $('mapping').elements;
  for (const k of ['dateFormat', 'decimal', 'encoding', 'delimiter']) f[k].value = ingest[k] ?? '';
  f.hasHeader.value = ingest.hasHeader == null ? '' : String(ingest.hasHeader);
  f.summary.checked = !!ingest.summary;
}
