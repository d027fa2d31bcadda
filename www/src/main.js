import { use, init as initChart } from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

const $ = (id) => document.getElementById(id);
const fmtInt = new Intl.NumberFormat(navigator.language);
const fmtMoney = new Intl.NumberFormat(navigator.language, { maximumFractionDigits: 0 });

let worker = null;
let chart = null;

function startWorker() {
  worker?.terminate();
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (ev) => {
    const m = ev.data;
    if (m.type === 'progress') setStatus(`Working: ${m.stage}…`);
    else if (m.type === 'report') showReport(m.report);
    else if (m.type === 'error') showError(m.error);
  };
}

function setStatus(text) { $('status').textContent = text; }

function showError(e) {
  setStatus('');
  const box = $('error');
  box.hidden = false;
  box.textContent = `${e.message}${e.hint ? `\nTry: ${e.hint}` : ''}`;
}

function analyse(bytes, name) {
  $('error').hidden = true;
  setStatus(`Reading ${name}…`);
  startWorker();
  worker.postMessage({ type: 'load', bytes, options: {} }, [bytes]);
}

function showReport(r) {
  setStatus(`Analysed ${r.ingest.rowsRead.toLocaleString()} rows.`);
  const skipped = Object.values(r.ingest.rowsSkipped).reduce((a, b) => a + b, 0);
  $('customers-count').textContent = fmtInt.format(r.kpis.customers);
  $('rows-read').textContent = fmtInt.format(r.ingest.rowsRead);
  $('rows-used').textContent = fmtInt.format(r.ingest.rowsUsed);
  $('rows-skipped').textContent = fmtInt.format(skipped);
  $('revenue').textContent = fmtMoney.format(r.kpis.revenue);
  $('period').textContent = `${r.ingest.firstDate ?? '–'} … ${r.asOf}`;
  const d = r.ingest.detected;
  $('detected').textContent =
    `Detected: ${d.source}, ${d.encoding}, delimiter “${d.delimiter}”, decimal “${d.decimalSeparator}”, ` +
    `dates ${d.dateFormat}; columns: customer = ${d.columns.customerId}, date = ${d.columns.date}, amount = ${d.columns.amount ?? '–'}`;
  const ul = $('warnings');
  ul.replaceChildren(...r.warnings.map((w) => {
    const li = document.createElement('li');
    li.textContent = w.message; // text, never HTML: file content must not become markup
    return li;
  }));
  $('summary').hidden = false;
  $('segments').hidden = false;
  chart ??= initChart($('segments-chart'));
  const segs = r.rfm.segments.filter((s) => s.customers > 0);
  chart.setOption({
    color: ['#0072b2'],
    tooltip: { trigger: 'axis' },
    grid: { left: 140, right: 20, top: 10, bottom: 30 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: segs.map((s) => s.name), inverse: true },
    series: [{ type: 'bar', data: segs.map((s) => s.customers) }],
  });
  document.body.dataset.state = 'done';
}

$('file').addEventListener('change', async (ev) => {
  const f = ev.target.files?.[0];
  if (f) analyse(await f.arrayBuffer(), f.name);
});

async function loadSample() {
  const res = await fetch('./sample.csv');
  analyse(await res.arrayBuffer(), 'the bundled sample');
}
$('load-sample').addEventListener('click', loadSample);
window.addEventListener('resize', () => chart?.resize());
loadSample();
