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
      },
    });
  } finally {
    server.stop();
  }
});
