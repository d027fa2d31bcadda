// wasm in Node: the npm package (pkg/) loaded with initSync, timed stage by stage.
//
// node benches/wasm-node.mjs --pkg DIR --file F --runs N   -> one JSON object on stdout.
// Stages: read (fs.readFileSync), ingest (new Dataset(bytes, {})), analyze (ds.analyze({}),
// Report as a JS object). Memory: the wasm memory's byteLength after the first run (wasm
// memory only grows, so this is the peak of one analysis).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { pkg: { type: 'string', default: 'pkg' }, file: { type: 'string' }, runs: { type: 'string', default: '3' } },
});
const pkg = resolve(args.pkg);
const { initSync, Dataset } = await import(pathToFileURL(`${pkg}/crm_lens.js`).href);

const s = performance.now();
const wasm = initSync({ module: readFileSync(`${pkg}/crm_lens_bg.wasm`) });
const initMs = performance.now() - s;

const runs = [];
let memory = null;
let facts = null;
for (let i = 0; i < Number(args.runs); i++) {
  const t0 = performance.now();
  const bytes = readFileSync(args.file);
  const t1 = performance.now();
  const ds = new Dataset(bytes, {});
  const t2 = performance.now();
  const report = ds.analyze({});
  const t3 = performance.now();
  ds.free();
  runs.push({ read: (t1 - t0) / 1e3, ingest: (t2 - t1) / 1e3, analyze: (t3 - t2) / 1e3, total: (t3 - t0) / 1e3 });
  memory ??= wasm.memory.buffer.byteLength;
  facts ??= {
    rows: report.ingest.rowsRead, customers: report.kpis.customers,
    // What the Report holds, to say whether the comparison with the Python stack is like for like.
    kmeans: report.segments?.k != null, clv: Object.values(report.clv ?? {}).some((v) => v != null),
  };
}
console.log(JSON.stringify({ engine: 'wasm-node', node: process.version, initMs, runs, wasmMemoryBytes: memory, facts }));
