// The two workers of crm-lens/worker share the analysis: the segment worker runs k-means and
// then, on large data, half of CLV's bootstrap (intervalJob → runIntervals → provideIntervals).
// The Report is the native CLI's, bit for bit, however the blocks were shared.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, nativeReport, startServer, launch, openPage, done } from './helpers.mjs';
import { initSync, Dataset, runIntervals, runSegments } from '../../pkg/crm_lens.js';

initSync({ module: readFileSync(`${ROOT}pkg/crm_lens_bg.wasm`) });

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

test('without the other worker\'s answer the Report is the same (the missing blocks run here)', () => {
  const ds = new Dataset(readFileSync(SAMPLE), OPTIONS);
  ds.prepare(OPTIONS);
  assert.ok(ds.intervalJob(OPTIONS));
  ds.prepareModels(OPTIONS);
  const report = ds.analyze(OPTIONS);
  ds.free();
  assert.deepStrictEqual(report, native);
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
