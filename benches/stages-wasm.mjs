// Where each worker's time goes, in the core wasm (Node, one thread): the calls of the two
// workers of crm-lens/worker in their order, each timed, and inside them the CPU time of the
// stages that could move between workers (V8's sampling profiler: a stage's share of a call's
// samples × that call's process CPU time). Usage (docs/performance.md):
//   cargo build --lib --target wasm32-unknown-unknown --release --no-default-features --features js-analysis
//   wasm-bindgen --target nodejs --out-dir /tmp/stages-pkg target/wasm32-unknown-unknown/release/crm_lens.wasm
//   node benches/stages-wasm.mjs [/tmp/stages-pkg] [benches/data/tx-1M.csv] [runs]
// The release build keeps the name section (wasm-pack's wasm-opt strips it; this build is not
// optimised by it, so absolute times are a little above the page's). Best of `runs` per number.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { profiler } from './v8-profile.mjs';

const require = createRequire(import.meta.url);
const pkg = path.resolve(process.argv[2] ?? '/tmp/stages-pkg');
const file = process.argv[3] ?? 'benches/data/tx-1M.csv';
const runs = Number(process.argv[4] ?? 3);
const m = require(path.join(pkg, 'crm_lens.js'));
const bytes = fs.readFileSync(file);
const options = {};

// Stages inside the calls, by the name of the core function that runs them.
const STAGES = [
  ['fits', /clv::fitting::fit_all::fit_all/],
  ['refits', /clv::validation::holdout::evaluate/],
  ['bootstrap', /uncertainty::job::BootJob::run_blocks|uncertainty::boot_eval/],
  ['lifecycle', /pipeline::.*lifecycle|lifecycle::assign/],
  ['churn', /crm_lens::churn::run/],
  ['kmeans', /segment::pipeline::run/],
  ['explain', /crm_lens::explain::/],
];

const { post, share, close } = await profiler();

/** Runs `f` under the profiler: wall ms, CPU ms, and each stage's CPU ms inside it. */
async function timed(f) {
  await post('Profiler.start');
  const t = performance.now();
  const c = process.cpuUsage();
  const out = f();
  const u = process.cpuUsage(c);
  const wall = performance.now() - t;
  const { profile } = await post('Profiler.stop');
  const cpu = (u.user + u.system) / 1000;
  const stages = Object.fromEntries(STAGES.map(([k, re]) => [k, share(profile, re) * cpu]));
  return { out, wall, cpu, stages };
}

// Warm-up: V8 tiers wasm up from baseline code.
new m.Dataset(bytes, options).analyze(options);

const best = {};
const keep = (call, r) => {
  const b = (best[call] ??= { wall: Infinity, cpu: Infinity, stages: {} });
  b.wall = Math.min(b.wall, r.wall);
  b.cpu = Math.min(b.cpu, r.cpu);
  for (const [k, v] of Object.entries(r.stages)) b.stages[k] = Math.min(b.stages[k] ?? Infinity, v);
};
for (let i = 0; i < runs; i++) {
  const ds = new m.Dataset(bytes, options);
  // The analysis worker's sequence (src/js/worker/engine.js) and the segment worker's jobs.
  // The segment job needs the customer table only, and goes out before RFM and the KPIs.
  const segJob = await timed(() => ds.segmentJob(options));
  keep('main: segmentJob (table)', segJob);
  const job = segJob.out;
  keep('main: prepare', await timed(() => ds.prepare(options)));
  const intervals = await timed(() => ds.intervalJob(options));
  keep('main: intervalJob', intervals);
  keep('main: prepareModels', await timed(() => ds.prepareModels(options)));
  const seg = await timed(() => {
    const scan = new m.SegmentScan(job);
    const answer = scan.finish(Array.from({ length: scan.jobs() }, (_, i) => scan.runJob(i)));
    scan.free();
    return answer;
  });
  keep('segment: k-means (SegmentScan)', seg);
  let blocks = null;
  if (intervals.out) {
    const r = await timed(() => m.runIntervals(intervals.out));
    keep('segment: runIntervals', r);
    blocks = r.out;
    // The same blocks one at a time, as the two workers share them (the cost of the cut).
    if (m.IntervalRun) {
      keep('segment: IntervalRun by block', await timed(() => {
        const run = new m.IntervalRun(intervals.out);
        for (let b = run.end() - 1; b >= run.first(); b--) run.runBlock(b);
        const answer = run.answer();
        run.free();
        return answer;
      }));
    }
  }
  ds.provideSegments(options, seg.out);
  if (blocks) ds.provideIntervals(options, blocks);
  keep('main: analyze (assembly)', await timed(() => ds.analyze(options)));
  ds.free();
}

console.log(`${path.basename(file)} (best of ${runs}; ms)`);
for (const [call, b] of Object.entries(best)) {
  const inside = Object.entries(b.stages).filter(([, v]) => v >= 1).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
  console.log(`  ${call.padEnd(26)} wall ${b.wall.toFixed(0).padStart(6)}, cpu ${b.cpu.toFixed(0).padStart(6)}${inside ? `  [${inside}]` : ''}`);
}
close();
