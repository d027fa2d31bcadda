// The native CLI: wall time of `crm-lens analyze FILE --out /dev/null` (process start, read,
// ingest, analyses, JSON written) and its peak RSS (GNU time's %M), several runs.
// With --stages N it also runs `cargo bench --bench pipeline` (CRM_BENCH_TX=N: the same
// generator and seed as `crm-lens sample --transactions N --seed 42`) and parses its per-stage
// medians; that binary is the bench profile (opt-level 3), the CLI is the release profile.
//
// node benches/native.mjs --bin BIN --file F --runs N [--stages N]   -> one JSON object on stdout.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { bin: { type: 'string' }, file: { type: 'string' }, runs: { type: 'string', default: '3' }, stages: { type: 'string' } },
});
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const tmp = mkdtempSync(join(tmpdir(), 'crm-lens-bench-'));
const out = { engine: 'native', runs: [], errors: [] };

for (let i = 0; i < Number(args.runs); i++) {
  const cmd = [args.bin, 'analyze', args.file, '--out', '/dev/null'];
  const argv = gnuTime ? [gnuTime, '-f', '%M', '-o', join(tmp, 'rss'), ...cmd] : cmd;
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = (performance.now() - t0) / 1e3;
  if (r.status !== 0) { out.errors.push(`crm-lens analyze exited ${r.status}: ${r.stderr}`); break; }
  out.runs.push({ total: wall });
  if (gnuTime) {
    const kb = Number(readFileSync(join(tmp, 'rss'), 'utf8').trim().split('\n').pop());
    out.peakRssBytes = Math.max(out.peakRssBytes ?? 0, kb * 1024);
  }
}
// One more, untimed run that keeps the Report: what this binary computed, to check that every
// engine ran the same build on the same data.
if (out.runs.length) {
  const r = spawnSync(args.bin, ['analyze', args.file, '--out', join(tmp, 'report.json')], { stdio: 'ignore' });
  if (r.status === 0) {
    const report = JSON.parse(readFileSync(join(tmp, 'report.json'), 'utf8'));
    out.facts = {
      rows: report.ingest.rowsRead, customers: report.kpis.customers,
      kmeans: report.segments?.k != null, clv: Object.values(report.clv ?? {}).some((v) => v != null),
    };
  }
}
rmSync(tmp, { recursive: true, force: true });

if (args.stages) {
  // Lines of benches/pipeline.rs: "  ingest                 123.4 ms  (...)".
  // Its own target dir: the bench profile's outputs go to <target>/release and would replace
  // the release-profile CLI there (target/release/crm-lens) with an opt-level 3 build.
  const targetDir = process.env.CRM_BENCH_TARGET_DIR ?? 'target/bench';
  console.error(`  cargo bench --bench pipeline, CRM_BENCH_TX=${args.stages} (in ${targetDir}; its first use compiles)`);
  const r = spawnSync('cargo', ['bench', '--quiet', '--bench', 'pipeline', '--target-dir', targetDir], {
    env: { ...process.env, CRM_BENCH_TX: args.stages }, encoding: 'utf8', maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) {
    out.errors.push(`cargo bench failed (${r.status}); its errors are above`);
  } else {
    const names = { 'ingest': 'ingest', 'customer table': 'table', 'rfm': 'rfm', 'lifecycle': 'lifecycle',
      'kpis + cohorts': 'kpis', 'analyze (all, no read)': 'analyze', 'total (read+analyze)': 'total' };
    out.stages = {};
    for (const line of r.stdout.split('\n')) {
      const m = line.match(/^ {2}(\S.*?)\s{2,}([\d.]+) ms/);
      if (m && names[m[1]]) out.stages[names[m[1]]] = Number(m[2]) / 1e3;
      const h = line.match(/pipeline bench: (\d+) lines, .*?, (\d+) customers/);
      if (h) out.stagesFacts = { transactions: Number(h[1]), customers: Number(h[2]) };
    }
  }
}
console.log(JSON.stringify(out));
