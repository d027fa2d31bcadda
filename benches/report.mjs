// Reads the raw results of benches/run.sh (one JSON per dataset and engine), prints the
// side-by-side Markdown table with ratios and targets, and writes OUT.md and OUT.json.
//
// node benches/report.mjs --raw DIR --sizes 10k,100k --data DIR --pkg DIR --out PREFIX [--note TEXT] [--strict]
// --strict exits 1 when an engine that was run (not skipped) produced no result.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    raw: { type: 'string' }, sizes: { type: 'string' }, data: { type: 'string' }, pkg: { type: 'string' },
    out: { type: 'string' }, strict: { type: 'boolean', default: false }, warn: { type: 'string', multiple: true, default: [] }, note: { type: 'string', default: '' }, load: { type: 'string', default: '' },
  },
});
const sizes = args.sizes.split(',');
const ENGINES = ['native', 'wasm-node', 'memory-node', 'chromium', 'python', 'python-equal'];

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const medians = (runs) => {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))]));
};
const load = (size, engine) => {
  const p = `${args.raw}/${size}.${engine}.json`;
  if (!existsSync(p)) return null;
  try { return JSON.parse(readFileSync(p, 'utf8')); } catch (e) { return { engine, runs: [], errors: [`unreadable result: ${e.message}`] }; }
};

// ---- collect ---------------------------------------------------------------------------------
const wasmPath = `${args.pkg}/crm_lens_bg.wasm`;
const wasmBytes = readFileSync(wasmPath);
// gzip -9 as scripts/build.sh measures it (zlib's level 9 differs by a few kB); zlib if no gzip.
const gz = spawnSync('gzip', ['-9c', wasmPath], { maxBuffer: 1 << 28 });
const wasm = { raw: wasmBytes.length, gzip: gz.status === 0 ? gz.stdout.length : gzipSync(wasmBytes, { level: 9 }).length };
// The formats module (legacy encodings, workbooks) is fetched only for a file that needs it.
const formatsPath = `${args.pkg}/crm_lens_formats_bg.wasm`;
if (existsSync(formatsPath)) {
  const f = readFileSync(formatsPath);
  wasm.formats = { raw: f.length, gzip: gzipSync(f, { level: 9 }).length };
}
const result = {
  date: new Date().toISOString(),
  machine: { cores: cpus().length, memoryBytes: totalmem(), loadAverageAtStart: args.load || null, loadAverageAtEnd: loadavg()[0].toFixed(2) },
  note: args.note || null,
  wasm,
  datasets: {},
};
for (const size of sizes) {
  const file = `${args.data}/tx-${size}.csv`;
  const d = { file, fileBytes: existsSync(file) ? statSync(file).size : null, engines: {} };
  for (const engine of ENGINES) {
    const r = load(size, engine);
    if (!r) continue;
    r.median = medians(r.runs ?? []);
    d.engines[engine] = r;
    d.rows ??= r.facts?.rows;
    d.customers ??= r.facts?.customers;
  }
  const node = d.engines['wasm-node']?.facts;
  if (node) d.crmLensComputes = { kmeans: node.kmeans, clv: node.clv };
  result.datasets[size] = d;
}

// ---- ratios and targets ----------------------------------------------------------------------
// The equal-work Python run with fewer bootstrap draws than 200 (--equal-draws) reports its total
// extrapolated to 200 draws (totalExtrapolated): that is its total, flagged wherever it is shown.
const tot = (d, engine) => d?.engines[engine]?.median?.totalExtrapolated ?? d?.engines[engine]?.median?.total ?? null;
const extrapolated = (d) => d?.engines['python-equal']?.median?.totalExtrapolated != null;
const ratio = (a, b) => (a != null && b != null && b > 0 ? a / b : null);
for (const d of Object.values(result.datasets)) {
  d.ratios = {
    pythonOverNative: ratio(tot(d, 'python'), tot(d, 'native')),
    pythonOverChromium: ratio(tot(d, 'python'), tot(d, 'chromium')),
    pythonEqualOverNative: ratio(tot(d, 'python-equal'), tot(d, 'native')),
    pythonEqualOverChromium: ratio(tot(d, 'python-equal'), tot(d, 'chromium')),
    wasmNodeOverNative: ratio(tot(d, 'wasm-node'), tot(d, 'native')),
    chromiumOverNative: ratio(tot(d, 'chromium'), tot(d, 'native')),
  };
}
const s = (x) => (x == null ? '–' : x < 10 ? x.toFixed(3) : x.toFixed(2));
const x = (r) => (r == null ? '–' : `${r < 10 ? r.toFixed(2) : r.toFixed(1)}×`);
const bytes = (b) => (b == null ? '–' : b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} kB`);
const int = (n) => (n == null ? '–' : Number(n).toLocaleString('en-US'));

const targets = [];
const target = (name, value, verdict, detail) => targets.push({ name, value, verdict, detail });
const big = result.datasets['1M'];
{
  const t = tot(big, 'chromium');
  if (t == null) target('1M in Chromium ≤ 1.0 s', null, 'N/A', '1M not run in Chromium');
  else target('1M in Chromium ≤ 1.0 s', t, t <= 1 ? 'PASS' : 'MISS',
    t <= 1 ? `${s(t)} s, ${s(1 - t)} s to spare` : `${s(t)} s, over by ${s(t - 1)} s (+${((t - 1) * 100).toFixed(0)}%)`);
  const r = big?.ratios.pythonOverChromium;
  if (r == null) target('1M: Chromium ≥ 20× faster than Python', null, 'N/A', 'needs 1M in Chromium and the Python stack in the same run');
  else target('1M: Chromium ≥ 20× faster than Python', r, r >= 20 ? 'PASS' : 'MISS',
    `${x(r)} (Python ${s(tot(big, 'python'))} s ÷ Chromium ${s(t)} s)${r >= 20 ? '' : `, short by ${((1 - r / 20) * 100).toFixed(0)}%`}`);
}
// The same comparison in-process (no process start, no JSON out), against the bench profile.
const inProcess = (d) => {
  const w = d.engines['wasm-node']?.median, n = d.engines.native?.stages?.total;
  return w?.ingest != null && n ? `; in-process: wasm ingest+analyze ${s(w.ingest + w.analyze)} s ÷ cargo bench ${s(n)} s = ${x((w.ingest + w.analyze) / n)}` : '';
};
{
  // wasm vs native (same work: file -> Report) on 1M, else on the largest dataset that has both.
  const has = (z) => result.datasets[z]?.ratios.wasmNodeOverNative != null;
  const size = has('1M') ? '1M' : [...sizes].reverse().find(has);
  const r = size && result.datasets[size].ratios.wasmNodeOverNative;
  if (!size) target('wasm within 1.5× of native', null, 'N/A', 'needs native and wasm-in-Node results');
  else target('wasm within 1.5× of native', r, r <= 1.5 ? 'PASS' : 'MISS',
    `${size}: wasm in Node ${s(tot(result.datasets[size], 'wasm-node'))} s ÷ native CLI ${s(tot(result.datasets[size], 'native'))} s = ${x(r)}` +
    (r <= 1.5 ? '' : `, over by ${((r / 1.5 - 1) * 100).toFixed(0)}%`) + inProcess(result.datasets[size]));
}
{
  const d = result.datasets['10M']?.engines.chromium;
  if (!d) target('10M completes in Chromium', null, 'N/A', '10M not run (use --big)');
  else {
    const ok = !d.crashed && !d.errors?.length && d.runs.length > 0;
    target('10M completes in Chromium', ok, ok ? 'PASS' : 'MISS',
      ok ? `${s(d.median.total)} s, wasm memory ${bytes(d.wasmMemoryBytes)}` : (d.crashed ? 'the tab crashed' : d.errors.join('; ')));
  }
}
{
  // Data from memory must be read at least as fast as the same data as CSV: issue #18 sets it
  // at 1M orders (the largest size run stands in when 1M did not run); other sizes are listed.
  const has = (z) => result.datasets[z]?.engines['memory-node']?.median?.csv != null;
  const size = sizes.includes('1M') && has('1M') ? '1M' : [...sizes].reverse().find(has);
  const name = 'data from memory at least as fast as the same data as CSV';
  const forms = ['columns', 'records', 'arrow'];
  if (!size) target(name, null, 'N/A', 'needs the memory-node results');
  else {
    const m = result.datasets[size].engines['memory-node'].median;
    const ok = forms.every((f) => m[f] <= m.csv);
    // A form slower than CSV at another size is named, not hidden behind the 1M verdict.
    const slower = sizes.filter((z) => z !== size && has(z)).flatMap((z) => {
      const o = result.datasets[z].engines['memory-node'].median;
      return forms.filter((f) => o[f] > o.csv).map((f) => `${z} ${f} ${x(o[f] / o.csv)}`);
    });
    target(name, ok, ok ? 'PASS' : 'MISS', `${size}, read into a Dataset: CSV ${s(m.csv)} s; ` +
      forms.map((f) => `${f} ${s(m[f])} s (${x(m[f] / m.csv)})`).join(', ') + (slower.length ? `; slower than CSV elsewhere: ${slower.join(', ')}` : ''));
  }
}
{
  const limit = 300_000;
  target('wasm ≤ 300 KB gzip (the core module every analysis loads)', wasm.gzip, wasm.gzip <= limit ? 'PASS' : 'MISS',
    `${int(wasm.gzip)} B gzip -9` + (wasm.gzip <= limit ? `, ${int(limit - wasm.gzip)} B to spare` : `, over by ${int(wasm.gzip - limit)} B (+${((wasm.gzip / limit - 1) * 100).toFixed(0)}%)`));
}
result.targets = targets;

// ---- Markdown --------------------------------------------------------------------------------
const L = [];
const table = (head, rows) => {
  L.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`);
  for (const r of rows) L.push(`| ${r.join(' | ')} |`);
  L.push('');
};
const nRuns = (d, e) => d.engines[e]?.runs?.length ?? 0;
const largest = (m, keys) => {
  const k = keys.filter((k) => m?.[k] != null).sort((a, b) => m[b] - m[a])[0];
  const total = keys.reduce((a, k) => a + (m?.[k] ?? 0), 0);
  return k ? `${k} ${((m[k] / total) * 100).toFixed(0)}%` : '–';
};

L.push('# crm-lens side by side', '');
L.push(`${result.date} · ${result.machine.cores} cores, ${bytes(result.machine.memoryBytes)} · load average ${result.machine.loadAverageAtStart ?? '?'} at start, ${result.machine.loadAverageAtEnd} at end`);
if (result.note) L.push('', `**${result.note}**`);
L.push('', `wasm: the core \`${wasmPath}\` ${int(wasm.raw)} B raw, ${int(wasm.gzip)} B gzip -9` +
  (wasm.formats ? `; the formats module (fetched only for legacy encodings and workbooks) ${int(wasm.formats.raw)} B raw, ${int(wasm.formats.gzip)} B gzip -9.` : '.'));
const py = Object.values(result.datasets).map((d) => d.engines.python?.versions).find(Boolean);
if (py) L.push(`Python stack: ${Object.entries(py).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
L.push('', '## Totals (seconds, median of the runs)', '');
L.push('Python = the minimal stack (the floor: one k-means fit, BG/NBD + Gamma-Gamma, no holdout, no intervals);',
  'Python equal = what crm-lens does by default (k scan, three BTYD models + Gamma-Gamma, holdout refits and tracking,',
  '200-draw bootstrap, churn, explain; benches/reference_equal.py). `*` = the equal-work total extrapolated from fewer',
  'bootstrap draws (see the equal-work table).', '');
const star = (d, v) => (v === '–' || !extrapolated(d) ? v : `${v}*`);
table(['Dataset', 'Rows', 'Customers', 'Native CLI', 'wasm Node', 'Chromium', 'Chromium page', 'Python', 'Python equal', 'Py ÷ native', 'Py ÷ Chromium', 'Py equal ÷ native', 'Py equal ÷ Chromium', 'wasm Node ÷ native', 'Chromium ÷ native', 'Runs n/w/c/py/pyeq'],
  sizes.map((z) => {
    const d = result.datasets[z];
    const r = d.ratios;
    return [`${z} (${bytes(d.fileBytes)})`, int(d.rows), int(d.customers), s(tot(d, 'native')), s(tot(d, 'wasm-node')), s(tot(d, 'chromium')),
      s(d.engines.chromium?.median?.page), s(tot(d, 'python')), star(d, s(tot(d, 'python-equal'))), x(r.pythonOverNative), x(r.pythonOverChromium),
      star(d, x(r.pythonEqualOverNative)), star(d, x(r.pythonEqualOverChromium)), x(r.wasmNodeOverNative),
      x(r.chromiumOverNative), ['native', 'wasm-node', 'chromium', 'python', 'python-equal'].map((e) => nRuns(d, e)).join('/')];
  }));
L.push('## Peak memory', '');
table(['Dataset', 'Native CLI RSS', 'wasm memory (Node)', 'wasm memory (Chromium)', 'Python RSS', 'Python equal RSS'], sizes.map((z) => {
  const e = result.datasets[z].engines;
  return [z, bytes(e.native?.peakRssBytes), bytes(e['wasm-node']?.wasmMemoryBytes), bytes(e.chromium?.wasmMemoryBytes), bytes(e.python?.peakRssBytes),
    bytes(e['python-equal']?.peakRssBytes)];
}));

L.push('## Stages (seconds, median) and the largest share', '');
const stageTable = (title, engine, pick, keys, cols) => {
  const rows = sizes.filter((z) => pick(result.datasets[z].engines[engine]));
  if (!rows.length) return;
  L.push(`### ${title}`, '');
  table(['Dataset', ...cols, 'Largest'], rows.map((z) => {
    const m = pick(result.datasets[z].engines[engine]);
    return [z, ...cols.map((c) => s(m[c])), largest(m, keys)];
  }));
};
stageTable('Native, in-process (`cargo bench --bench pipeline`, bench profile)', 'native',
  (e) => e?.stages && { ...e.stages, other: Math.max(0, e.stages.analyze - ['table', 'rfm', 'lifecycle', 'kpis'].reduce((a, k) => a + (e.stages[k] ?? 0), 0)) },
  ['ingest', 'table', 'rfm', 'lifecycle', 'kpis', 'other'], ['ingest', 'table', 'rfm', 'lifecycle', 'kpis', 'other', 'analyze', 'total']);
stageTable('wasm in Node', 'wasm-node', (e) => e?.runs?.length && e.median, ['read', 'ingest', 'analyze'], ['read', 'ingest', 'analyze', 'total']);
stageTable('Data from memory vs the same data as CSV (wasm in Node, one process: read into a Dataset)', 'memory-node',
  (e) => e?.runs?.length && e.median, ['csv', 'columns', 'records', 'arrow'], ['csv', 'columns', 'records', 'arrow']);
stageTable('wasm in Chromium (page → Worker → Report)', 'chromium',
  (e) => e?.runs?.length && { ...e.median, other: e.median.init != null ? Math.max(0, e.median.total - e.median.init - e.median.ingest - e.median.analyze) : null },
  ['init', 'ingest', 'analyze', 'other'], ['read', 'init', 'ingest', 'analyze', 'other', 'total', 'page']);
stageTable('Inside the Chromium worker\'s analyze (cheap = customer table, RFM, KPIs; clv = CLV + lifecycle while the segment worker runs k-means; waitKmeans = k-means still running after that)', 'chromium',
  (e) => e?.runs?.length && e.median.clv != null && e.median, ['cheap', 'clv', 'waitKmeans', 'assemble'], ['cheap', 'clv', 'waitKmeans', 'assemble', 'analyze']);
stageTable('Python (pandas, scikit-learn, lifetimes)', 'python', (e) => e?.runs?.length && e.median,
  ['read_csv', 'rfm', 'kmeans', 'summary', 'bgnbd', 'gg', 'clv'], ['read_csv', 'rfm', 'kmeans', 'summary', 'bgnbd', 'gg', 'clv', 'total', 'cpu']);
{
  // The equal-work stack; with fewer than 200 bootstrap draws run, the 200-draw bootstrap and
  // total are extrapolated linearly from the measured draws (columns marked "200 draws, extrap.").
  const keys = ['read_csv', 'kpis', 'rfm', 'lifecycle', 'kmeans', 'summary', 'fits', 'holdout', 'predict', 'churn', 'explain', 'bootstrap'];
  const rows = sizes.filter((z) => result.datasets[z].engines['python-equal']?.runs?.length);
  if (rows.length) {
    L.push('### Python, equal work (pandas, scikit-learn, lifetimes: what crm-lens does by default)', '');
    table(['Dataset', ...keys, 'total', 'CPU s', 's per draw', 'draws run', 'bootstrap, 200 draws (extrap.)', 'total, 200 draws (extrap.)', 'Largest'], rows.map((z) => {
      const m = result.datasets[z].engines['python-equal'].median;
      const ex = m.totalExtrapolated != null;
      const shares = { ...m, bootstrap: m.bootstrapExtrapolated ?? m.bootstrap };
      return [z, ...keys.map((k) => s(m[k])), s(m.total), s(m.cpu), s(m.bootstrapPerDraw), ex ? String(m.bootstrapMeasuredDraws) : '200',
        ex ? s(m.bootstrapExtrapolated) : '–', ex ? s(m.totalExtrapolated) : '–', largest(shares, keys)];
    }));
  }
}

L.push('## Targets', '');
for (const t of targets) L.push(`- **${t.verdict}** ${t.name}: ${t.detail}`);
L.push('');
const notes = [...args.warn];
for (const z of sizes) {
  const m = result.datasets[z].engines['python-equal']?.median;
  if (m?.totalExtrapolated != null) {
    notes.push(`${z} Python equal: EXTRAPOLATED — ${m.bootstrapMeasuredDraws} of the 200 bootstrap draws were run (${s(m.bootstrap)} s, ` +
      `${s(m.bootstrapPerDraw)} s per draw for the draws' evaluation); the 200-draw bootstrap ${s(m.bootstrapExtrapolated)} s and total ` +
      `${s(m.totalExtrapolated)} s are that time × 200 / ${m.bootstrapMeasuredDraws}, not measured.`);
  }
}
const cov = Object.values(result.datasets).map((d) => d.crmLensComputes).find(Boolean);
if (cov && (!cov.kmeans || !cov.clv)) {
  notes.push(`This crm-lens build's Report has ${[!cov.kmeans && 'no k-means segments', !cov.clv && 'no CLV / BTYD models'].filter(Boolean).join(' and ')}: ` +
    'the Python stack does work crm-lens does not do yet (KMeans, BG/NBD, Gamma-Gamma, CLV), so the Python ratios are not like for like.');
}
for (const z of sizes) {
  // Every crm-lens engine must have run the same build on the same file.
  const seen = ['native', 'wasm-node', 'chromium'].map((e) => [e, result.datasets[z].engines[e]?.facts]).filter(([, f]) => f);
  const key = (f) => `${f.rows} rows, ${f.customers} customers, k-means ${f.kmeans ? 'yes' : 'no'}, CLV ${f.clv ? 'yes' : 'no'}`;
  if (new Set(seen.map(([, f]) => key(f))).size > 1) {
    notes.push(`${z}: the crm-lens engines disagree (different builds?): ${seen.map(([e, f]) => `${e}: ${key(f)}`).join('; ')}`);
  }
  for (const [engine, r] of Object.entries(result.datasets[z].engines)) {
    for (const e of r.errors ?? []) notes.push(`${z} ${engine}: ${e}`);
    if (r.skipped) notes.push(`${z} ${engine}: skipped (${r.skipped})`);
    if (r.crashed) notes.push(`${z} ${engine}: the tab crashed`);
  }
  const st = result.datasets[z].engines.native?.stagesFacts;
  if (st && result.datasets[z].customers != null && st.customers !== result.datasets[z].customers) {
    notes.push(`${z}: cargo bench generated ${st.customers} customers but the file has ${result.datasets[z].customers}: its stage times are not for the same data`);
  }
}
if (notes.length) { L.push('## Notes', ''); for (const n of notes) L.push(`- ${n}`); L.push(''); }
result.notes = notes;

const md = L.join('\n');
writeFileSync(`${args.out}.md`, md + '\n');
writeFileSync(`${args.out}.json`, JSON.stringify(result, null, 2) + '\n');
console.log(md);

// --strict (the CI smoke): every engine that was asked to run must have produced its numbers.
const missing = sizes.flatMap((z) => ENGINES.filter((e) => {
  const r = result.datasets[z].engines[e];
  return !r || (!r.skipped && (!r.runs?.length || r.errors?.length || r.crashed));
}).map((e) => `${z} ${e}`));
if (args.strict && missing.length) {
  console.error(`bench: no complete result for ${missing.join(', ')} (see Notes)`);
  process.exit(1);
}
