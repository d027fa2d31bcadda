// k-means segmentation timed alone in wasm (Node), on the customers of a transaction file.
// Usage (see docs/performance.md, "k-means"):
//   cargo build --lib --target wasm32-unknown-unknown --release --features bench-exports
//   wasm-bindgen --target web --out-dir target/segment-bench-pkg \
//     target/wasm32-unknown-unknown/release/crm_lens.wasm
//   node benches/segment-wasm.mjs [target/segment-bench-pkg] [benches/data/tx-1m.csv] [runs] [scan|fixed|both]
// The `bench-exports` feature adds `benchSegments` (segment::run on given columns) to the
// module; the shipped build does not have it. The customer columns come from one analysis
// of the file (`customerColumns()`). Each path prints wall and process-CPU time per run (the
// machine may be shared: CPU time is what the code costs) and the k / inertia / silhouette,
// which `SEGMENT_BENCH_CSV=FILE cargo bench --bench segment` prints natively for the same
// customers: equal values mean native and wasm32 agree bit for bit.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = path.resolve(process.argv[2] ?? 'target/segment-bench-pkg');
const file = process.argv[3] ?? 'benches/data/tx-1m.csv';
const runs = Number(process.argv[4] ?? 3);
const which = process.argv[5] ?? 'both';
const m = await import(pathToFileURL(path.join(pkg, 'crm_lens.js')));
m.initSync({ module: fs.readFileSync(path.join(pkg, 'crm_lens_bg.wasm')) });
if (typeof m.benchSegments !== 'function') {
  throw new Error(`${pkg} was built without --features bench-exports`);
}

const ds = new m.Dataset(fs.readFileSync(file), {});
ds.analyze({ segments: { k: 2 }, clv: { bootstrapDraws: 0, holdoutDays: 0 } });
const cols = ds.customerColumns();
const recency = cols.recencyDays;
const frequency = Float64Array.from(cols.frequency);
const monetary = cols.monetary;
const tenure = cols.tenureDays;
ds.free();
console.log(`${file}: ${recency.length} customers`);

function time(name, opts) {
  const walls = [];
  const cpus = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    out = m.benchSegments(recency, frequency, monetary, tenure, opts);
    walls.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpus.push((u.user + u.system) / 1000);
  }
  const med = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const fmt = (v) => v.map((x) => x.toFixed(0)).join(', ');
  console.log(`wasm ${name}: median wall ${med(walls).toFixed(0)} ms, median CPU ${med(cpus).toFixed(0)} ms ` +
    `(runs wall: ${fmt(walls)}; CPU: ${fmt(cpus)})`);
  console.log(`  k=${out.k} inertia=${out.inertia} silhouette=${out.silhouette} warnings=${out.warnings}`);
  return out;
}

if (which !== 'fixed') {
  const scan = time('scan k=2..10 + final fit (defaults)', {});
  for (const p of scan.scan) console.log(`  k=${p.k} inertia=${p.inertia} silhouette=${p.silhouette}`);
}
if (which !== 'scan') time('fixed k=10', { k: 10 });
