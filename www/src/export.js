// Exports: per-customer CSV (the core's, UTF-8 with BOM), the Report as JSON, charts as PNG.
import { el } from './dom.js';
import { state } from './state.js';
import { call, settled } from './worker-client.js';
import { showError } from './errors.js';

function download(href, filename) {
  const a = el('a');
  a.href = href;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
}
function downloadBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  download(url, filename);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
export function png(name, c) {
  download(c.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }), `crm-lens-${name}.png`);
}

export async function exportCsv() {
  try {
    if (!(await settled())) throw { code: 'no_analysis', message: 'no analysis is loaded' };
    const m = await call({ type: 'export' });
    downloadBlob(new Blob([m.bytes], { type: 'text/csv;charset=utf-8' }), 'crm-lens-customers.csv');
  } catch (e) { showError(e, { fatal: false }); }
}

export function exportJson() {
  downloadBlob(new Blob([JSON.stringify(state.report, null, 2)], { type: 'application/json' }), 'crm-lens-report.json');
}
