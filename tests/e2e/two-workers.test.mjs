// The two workers of crm-lens/worker share the analysis: the segment worker runs k-means and
// then, on large data, blocks of CLV's bootstrap (intervalJob → IntervalRun or runIntervals →
// provideIntervals); the analysis worker takes k-means jobs (SegmentScan: one per k) and then
// bootstrap blocks (runIntervalBlock) once its own stages are done.
// The Report is the native CLI's, bit for bit, however the blocks and jobs were shared.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, nativeReport, startServer, launch, openPage, done } from './helpers.mjs';
import { initSync, Dataset, IntervalRun, runIntervals, SegmentScan } from '../../pkg/crm_lens.js';

initSync({ module: readFileSync(`${ROOT}pkg/crm_lens_bg.wasm`) });

/** A segmentJob's answer, its k-means jobs run here in order. */
function runSegments(job) {
  const scan = new SegmentScan(job);
  const answer = scan.finish(Array.from({ length: scan.jobs() }, (_, i) => scan.runJob(i)));
  scan.free();
  return answer;
}

const SAMPLE = `${ROOT}www/public/sample.csv`;
// 2,000 draws make the sample's bootstrap large enough to be shared (rows × draws ≥ 8M; the
// default 200 draws reach that from about 40,000 distinct rows, e.g. a 1M-line log).
const OPTIONS = { clv: { bootstrapDraws: 2000 } };
const FLAGS = ['--options', JSON.stringify(OPTIONS)];
const native = nativeReport(SAMPLE, FLAGS);

test('the worker sequence with the bootstrap split gives the native Report', () => {
  const ds = new Dataset(readFileSync(SAMPLE), OPTIONS);
  ds.prepare(OPTIONS);
  const segments = ds.segmentJob(OPTIONS);
  const job = ds.intervalJob(OPTIONS);
  assert.ok(job instanceof Uint8Array && job.length > 0, 'the bootstrap is handed out');
  ds.prepareModels(OPTIONS);
  ds.provideSegments(OPTIONS, runSegments(segments));
  const answer = runIntervals(job);
  // An answer for other options (another CLV stage) is refused, never merged.
  const other = { clv: { bootstrapDraws: 2000, seed: 1 } };
  assert.throws(() => ds.provideIntervals(other, answer), (e) => e.code === 'stale_intervals');
  assert.throws(() => ds.provideIntervals(OPTIONS, answer.subarray(8)), (e) => e.code === 'invalid_interval_job');
  assert.throws(() => runIntervals(job.subarray(0, job.length - 1)), (e) => e.code === 'invalid_interval_job');
  ds.provideIntervals(OPTIONS, answer);
  const report = ds.analyze(OPTIONS);
  ds.free();
  assert.equal(report.clv.totals.bootstrapDraws, 2000);
  assert.deepStrictEqual(report, native);
});

test('the bootstrap shared block by block (runIntervalBlock up, IntervalRun down) gives the native Report', () => {
  const ds = new Dataset(readFileSync(SAMPLE), OPTIONS);
  const segments = ds.segmentJob(OPTIONS);
  ds.prepare(OPTIONS);
  const job = ds.intervalJob(OPTIONS);
  ds.prepareModels(OPTIONS);
  ds.provideSegments(OPTIONS, runSegments(segments));
  const run = new IntervalRun(job);
  assert.deepStrictEqual([run.first(), run.end()], [0, 8], 'every block is handed out');
  // Both ran block 3; the answer holds the IntervalRun's blocks only.
  for (let b = 0; b <= 3; b++) assert.equal(ds.runIntervalBlock(OPTIONS, b), true);
  for (let b = 7; b >= 3; b--) run.runBlock(b);
  assert.equal(ds.runIntervalBlock(OPTIONS, 8), false, 'no block past the last');
  assert.throws(() => run.runBlock(8), (e) => e.code === 'invalid_interval_job');
  ds.provideIntervals(OPTIONS, run.answer());
  run.free();
  const report = ds.analyze(OPTIONS);
  ds.free();
  assert.deepStrictEqual(report, native);
});

test('without the other worker\'s answer the Report is the same (the missing blocks run here)', () => {
  const ds = new Dataset(readFileSync(SAMPLE), OPTIONS);
  ds.prepare(OPTIONS);
  assert.ok(ds.intervalJob(OPTIONS));
  ds.prepareModels(OPTIONS);
  const report = ds.analyze(OPTIONS);
  ds.free();
  assert.deepStrictEqual(report, native);
});

test('k-means jobs split between two SegmentScans give the answer of one', () => {
  const ds = new Dataset(readFileSync(SAMPLE), {});
  ds.prepare({});
  const whole = runSegments(ds.segmentJob({}));
  const [a, b, last] = [new SegmentScan(ds.segmentJob({})), new SegmentScan(ds.segmentJob({})), new SegmentScan(ds.segmentJob({}))];
  const n = last.jobs();
  assert.equal(n, 9, 'k = 2..10');
  const fits = new Array(n);
  // b from the largest k down, a from the smallest up, meeting at job 3; answers as bytes.
  for (let i = n - 1; i >= 3; i--) fits[i] = b.runJob(i);
  for (let i = 0; i < 3; i++) fits[i] = a.runJob(i);
  assert.deepStrictEqual(last.finish(fits), whole);
  assert.throws(() => last.finish(fits), (e) => e.code === 'invalid_segment_job', 'a scan finishes once');
  // An answer of another job (another k: other centroids) or a missing one is refused.
  const swapped = [fits[1], fits[0], ...fits.slice(2)];
  assert.throws(() => a.finish(swapped), (e) => e.code === 'invalid_segment_job');
  assert.throws(() => b.finish(fits.slice(1)), (e) => e.code === 'invalid_segment_job');
  for (const s of [a, b, last]) s.free();
  ds.free();
});

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test('the page\'s analyzer (two workers) gives the native Report with a shared bootstrap', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, server.origin);
  await done(page);
  // The page reads its sample with the channel column as a covariate: opened again here with
  // the CLI's defaults.
  const report = await page.evaluate(async (options) => {
    const a = document.querySelector('crm-lens-dashboard').analyzer;
    await a.open(await (await fetch('/sample.csv')).arrayBuffer(), {});
    return (await a.analyze(options)).report;
  }, OPTIONS);
  assert.deepStrictEqual(report, native);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the analysis worker takes k-means jobs when the segment worker is late: the native Report', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, server.origin);
  await done(page);
  // The open below starts two new workers. The segment worker's start is held until the
  // analysis worker reports `fitting`, then 2 s more: the analysis worker begins the k-means
  // jobs alone, and the segment worker finds them claimed and waits for their answers. With
  // 2,000 draws the bootstrap is shared too: the analysis worker takes its blocks from the
  // first up, the segment worker from the last down once its k-means is done.
  const { report, phases } = await page.evaluate(async (options) => {
    const Plain = window.Worker;
    let fitting;
    const fitted = new Promise((resolve) => { fitting = resolve; });
    let timing;
    window.Worker = class extends Plain {
      constructor(url, options) {
        super(url, options);
        this.late = options?.name === 'crm-lens k-means';
        if (!this.late) {
          this.addEventListener('message', ({ data }) => {
            if (data.type === 'progress' && data.stage === 'fitting') fitting();
            if (data.type === 'timing') timing = data;
          });
        }
      }
      postMessage(msg, transfer) {
        if (this.late && msg?.type === 'init') {
          fitted.then(() => new Promise((r) => setTimeout(r, 2000))).then(() => super.postMessage(msg, transfer));
        } else super.postMessage(msg, transfer);
      }
    };
    const a = document.querySelector('crm-lens-dashboard').analyzer;
    await a.open(await (await fetch('/sample.csv')).arrayBuffer(), {});
    const { report } = await a.analyze(options);
    window.Worker = Plain;
    return { report, phases: timing?.phases };
  }, OPTIONS);
  assert.deepStrictEqual(report, native);
  assert.ok(phases.kmeansJobs >= 1, `the analysis worker ran ${phases.kmeansJobs} k-means jobs`);
  // Every job ran (one may run on both sides when they meet: same bits, one answer kept).
  const ran = phases.kmeansJobs + phases.helperKmeansJobs;
  assert.ok(ran >= 9 && ran <= 10, `${ran} k-means jobs ran for 9`);
  // Every bootstrap block ran, here or there (where the two meet, one may run on both sides).
  const blocks = phases.bootBlocks + (phases.helperIntervalsJobs ?? 0);
  assert.ok(blocks >= 8 && blocks <= 10, `${blocks} bootstrap blocks ran for 8`);
  assert.deepEqual(problems, []);
  await context.close();
});
