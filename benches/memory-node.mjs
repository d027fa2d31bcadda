// Data from memory against the same data as CSV: the package (pkg/) in one Node process.
//
// node --expose-gc benches/memory-node.mjs --pkg DIR --file F --runs N   -> one JSON object on stdout.
// The file's orders are first put in memory the ways a CRM holds them (outside the timings):
// columns (id and date strings, a Float64Array of amounts), an array of records, an Apache
// Arrow table. Each run then times, interleaved, the read into a Dataset of each form:
//   csv      new Dataset(file bytes)                 (the bytes already read)
//   columns  openColumns(columns)                    (the conversion to the core's input included)
//   records  openRecords(records, mapping)           (records -> columns -> the core's input)
//   arrow    openArrow(table, mapping)               (vectors -> columns -> the core's input)
// Each form's wall time is `runs[i].<form>`, its CPU time `runs[i].<form>Cpu` (seconds).
// A first, untimed pass warms the engine up and runs analyze() once per form, to check the
// Reports agree (but for ingest.detected and the examples' lines, docs/embedding.md).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Float64, Table, Utf8, vectorFromArray } from 'apache-arrow';

const { values: args } = parseArgs({
  options: { pkg: { type: 'string', default: 'pkg' }, file: { type: 'string' }, runs: { type: 'string', default: '3' } },
});
const pkg = resolve(args.pkg);
const { initSync, Dataset } = await import(pathToFileURL(`${pkg}/crm_lens.js`).href);
const { openColumns, openRecords, openArrow } = await import(pathToFileURL(`${pkg}/index.js`).href);
initSync({ module: readFileSync(`${pkg}/crm_lens_bg.wasm`) });

const bytes = readFileSync(args.file);
const lines = bytes.toString('utf8').trimEnd().split('\n');
const header = lines[0].split(',');
const at = (name) => header.indexOf(name);
const [iOrder, iCustomer, iDate, iAmount] = ['order_id', 'customer_id', 'order_date', 'amount'].map(at);
const n = lines.length - 1;
const columns = { customer: new Array(n), date: new Array(n), amount: new Float64Array(n), order: new Array(n) };
const records = new Array(n);
for (let i = 0; i < n; i++) {
  const f = lines[i + 1].split(',');
  columns.customer[i] = f[iCustomer];
  columns.date[i] = f[iDate];
  columns.amount[i] = Number(f[iAmount]);
  columns.order[i] = f[iOrder];
  records[i] = { order_id: f[iOrder], customer_id: f[iCustomer], order_date: f[iDate], amount: columns.amount[i] };
}
lines.length = 0;
columns.names = { customer: 'customer_id', date: 'order_date', amount: 'amount', order: 'order_id' };
const mapping = columns.names;
const table = new Table({
  customer_id: vectorFromArray(columns.customer, new Utf8()),
  order_date: vectorFromArray(columns.date, new Utf8()),
  amount: vectorFromArray(columns.amount, new Float64()),
  order_id: vectorFromArray(columns.order, new Utf8()),
});

const forms = {
  csv: () => new Dataset(bytes, {}),
  columns: () => openColumns(columns, {}),
  records: () => openRecords(records, mapping, {}),
  arrow: () => openArrow(table, mapping, {}),
};

/** The Report but for what may differ between a file and memory. */
function comparable(report) {
  const r = structuredClone(report);
  delete r.ingest.detected;
  r.ingest.examples = r.ingest.examples.map(({ line, ...e }) => e);
  return JSON.stringify(r);
}

const runs = [];
let facts = null;
const agree = {};
for (let run = 0; run <= Number(args.runs); run++) {
  const times = {};
  // Each run starts from another form, and each form from a collected heap (with
  // --expose-gc): the collector's marking of the caller's million objects, started by the form
  // before, is otherwise charged to whichever form comes next.
  const names = Object.keys(forms);
  for (const name of names.map((_, k) => names[(k + run) % names.length])) {
    const open = forms[name];
    globalThis.gc?.();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const ds = await open();
    const cpu = process.cpuUsage(c0);
    times[name] = (performance.now() - t0) / 1e3;
    // CPU time of the process (this thread and V8's GC helpers): less swayed than wall time by
    // other processes on a busy machine.
    times[`${name}Cpu`] = (cpu.user + cpu.system) / 1e6;
    if (run === 0) {
      const t1 = performance.now();
      const report = ds.analyze({});
      times[`${name}Analyze`] = (performance.now() - t1) / 1e3;
      agree[name] = comparable(report);
      facts ??= { rows: report.ingest.rowsRead, customers: report.kpis.customers };
    }
    ds.free();
  }
  if (run > 0) runs.push({ ...times, total: times.csv });
}
const same = Object.fromEntries(Object.entries(agree).map(([k, v]) => [k, v === agree.csv]));
const errors = Object.entries(same).filter(([, ok]) => !ok).map(([k]) => `the ${k} Report differs from the CSV's`);
console.log(JSON.stringify({ engine: 'memory-node', node: process.version, runs, facts, sameReport: same, errors }));
