// `npm test` of this page: the app's folder (with node_modules/crm-lens) served as static files
// with the strict CSP (plus the import map's hash) and opened in headless Chromium (the
// repository's checks, tests/examples/checks.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '../../../tests/examples/serve.mjs';
import { checkExample } from '../../../tests/examples/checks.mjs';

test('static: an import map, no bundler, columns from memory, themed by custom properties', { timeout: 180_000 }, async () => {
  const server = await serve(new URL('..', import.meta.url).pathname);
  try {
    await checkExample({
      name: 'static', origin: server.origin, flags: ['--as-of', '2024-12-31'],
      money: (x) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(x),
      columnsOf: (page) => page.evaluate(() => window.crmLensExample.columns),
      extra: async (page) => {
        const border = await page.$eval('crm-lens-dashboard [data-testid="export-json"]', (b) => getComputedStyle(b).borderColor);
        assert.equal(border, 'rgb(106, 27, 154)', 'the page\'s --crm-lens-accent reaches the shadow DOM');
        // The worker client with records and with columns, customer attributes included: the
        // same orders give the same Report (but for the description of the input).
        const [records, columns] = await page.evaluate(async () => {
          const { createAnalyzer } = await import('crm-lens/worker');
          const { columns } = window.crmLensExample;
          const channel = (id) => ['web', 'store', 'app'][Number(id.slice(1)) % 3];
          const options = { asOf: '2024-12-31', ingest: { covariateCols: ['channel'] } };
          const analyzer = createAnalyzer();
          try {
            const rows = columns.customer.map((c, i) => ({ c, d: columns.date[i], a: columns.amount[i], channel: channel(c) }));
            await analyzer.openRecords(rows, { customer: 'c', date: 'd', amount: 'a', covariates: ['channel'] }, options);
            const viaRecords = (await analyzer.analyze(options)).report;
            await analyzer.openColumns({ ...columns, covariates: { channel: columns.customer.map(channel) } }, options);
            const viaColumns = (await analyzer.analyze(options)).report;
            return [viaRecords, viaColumns];
          } finally {
            analyzer.dispose();
          }
        });
        assert.deepEqual(records.clv.covariates.covariates.map((c) => c.name), ['channel']);
        assert.equal(records.ingest.detected.source, 'records');
        for (const r of [records, columns]) delete r.ingest.detected;
        assert.deepEqual(records, columns, 'records and columns through the worker give the same Report');
      },
    });
  } finally {
    server.stop();
  }
});
