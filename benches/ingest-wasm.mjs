// Ingest throughput of the wasm build in Node: `new Dataset(bytes, {})` on the 1M-line file.
// Usage (see docs/performance.md):
//   cargo build --lib --target wasm32-unknown-unknown --release
//   wasm-bindgen --target web --out-dir target/wasm-bench-pkg target/wasm32-unknown-unknown/release/crm_lens.wasm
//   node benches/ingest-wasm.mjs [target/wasm-bench-pkg] [benches/data/tx-1m.csv]
// Prints MB/s (best of 5, on wall time and on process CPU time: the machine is shared) and the wasm linear memory after ingest (it only grows: the peak).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = path.resolve(process.argv[2] ?? 'target/wasm-bench-pkg');
const file = process.argv[3] ?? 'benches/data/tx-1m.csv';
const mod = await import(pathToFileURL(path.join(pkg, 'crm_lens.js')));
const wasm = mod.initSync({ module: fs.readFileSync(path.join(pkg, 'crm_lens_bg.wasm')) });
const bytes = fs.readFileSync(file);
const mb = bytes.length / 1e6;

// Linear memory after one ingest in the fresh module: the peak of a single load.
{
  const ds = new mod.Dataset(bytes, {});
  const mem = wasm.memory.buffer.byteLength;
  console.log(`wasm memory after the first ingest: ${(mem / 2 ** 20).toFixed(1)} MiB = ${(mem / bytes.length).toFixed(2)}× file (includes the copy of the bytes passed in)`);
  ds.free();
}

function run(name, opts) {
  let best = Infinity;
  let bestCpu = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const ds = new mod.Dataset(bytes, opts);
    best = Math.min(best, performance.now() - t);
    const u = process.cpuUsage(c);
    bestCpu = Math.min(bestCpu, (u.user + u.system) / 1000);
    ds.free();
  }
  console.log(`${name}: ${mb.toFixed(1)} MB, best wall ${best.toFixed(1)} ms = ${(mb / (best / 1000)).toFixed(0)} MB/s, ` +
    `best process CPU ${bestCpu.toFixed(1)} ms = ${(mb / (bestCpu / 1000)).toFixed(0)} MB/s`);
}

run('wasm ingest utf-8', {});
run('wasm ingest forced gbk', { ingest: { encoding: 'gbk' } });
