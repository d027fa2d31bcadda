// The CLV stage of the wasm build in Node, on the 1M-line file. Usage (docs/performance.md):
//   cargo build --lib --target wasm32-unknown-unknown --release
//   wasm-bindgen --target nodejs --out-dir /tmp/clv-pkg target/wasm32-unknown-unknown/release/crm_lens.wasm
//   node benches/clv-wasm.mjs [/tmp/clv-pkg] [benches/data/tx-1m.csv] [runs]
// `Dataset.analyze` is the only entry point (no bench-only exports), so the CLV stage is timed
// two ways: (1) analyze with k fixed (no k-means scan) and the CLV options varied, best of
// `runs` on wall and process CPU time; (2) `runs` profiled analyzes per variant with V8's
// sampling profiler (node:inspector): the share of samples under the wasm function
// `clv::run::run` (the release build keeps the name section) times the process CPU time of
// that analyze = the CPU time of the CLV run itself (best of the runs). Shares, not sampled
// wall time, because the build machine is shared.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { profiler } from './v8-profile.mjs';

const require = createRequire(import.meta.url);
const pkg = path.resolve(process.argv[2] ?? '/tmp/clv-pkg');
const file = process.argv[3] ?? 'benches/data/tx-1m.csv';
const runs = Number(process.argv[4] ?? 3);
const m = require(path.join(pkg, 'crm_lens.js'));
const bytes = fs.readFileSync(file);
// A fresh Dataset per timed call: `analyze` remembers each stage's result for its options, so a
// second call with the same options would time the memo, not the CLV stage.
const fresh = () => new m.Dataset(bytes, {});
let ds = fresh();

const variants = [
  ['default CLV', {}],
  ['no bootstrap', { bootstrapDraws: 0 }],
  ['no holdout', { holdoutDays: 0 }],
  ['no bootstrap, no holdout', { bootstrapDraws: 0, holdoutDays: 0 }],
];
const opts = (clv) => ({ segments: { k: 4 }, clv });

// Warm-up: V8 tiers wasm up from baseline code; the first analyze is not representative.
ds.analyze(opts({}));

const { post, share, close } = await profiler();

for (const [name, clv] of variants) {
  let wall = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < runs; i++) {
    ds.free();
    ds = fresh();
    const t = performance.now();
    const c = process.cpuUsage();
    ds.analyze(opts(clv));
    wall = Math.min(wall, performance.now() - t);
    const u = process.cpuUsage(c);
    cpu = Math.min(cpu, (u.user + u.system) / 1000);
  }
  let clvMs = Infinity;
  for (let i = 0; i < runs; i++) {
    ds.free();
    ds = fresh();
    await post('Profiler.start');
    const c = process.cpuUsage();
    ds.analyze(opts(clv));
    const u = process.cpuUsage(c);
    const { profile } = await post('Profiler.stop');
    clvMs = Math.min(clvMs, share(profile, /clv::run::run/) * (u.user + u.system) / 1000);
  }
  console.log(`${name.padEnd(26)} analyze: best wall ${wall.toFixed(0)} ms, best CPU ${cpu.toFixed(0)} ms; ` +
    `clv::run ≈ ${clvMs.toFixed(0)} ms CPU (profile share)`);
}
close();
