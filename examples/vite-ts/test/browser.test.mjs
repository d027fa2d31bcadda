// `npm test` of this app, after `tsc --noEmit` and `vite build`: dist/ served with the strict CSP
// and opened in headless Chromium (the repository's checks, tests/examples/checks.mjs).
import { test } from 'node:test';
import { serve } from '../../../tests/examples/serve.mjs';
import { checkExample } from '../../../tests/examples/checks.mjs';

test('vite-ts: records from memory → createAnalyzer → <crm-lens-dashboard>, under the strict CSP', { timeout: 180_000 }, async () => {
  const server = await serve(new URL('../dist/', import.meta.url).pathname);
  try {
    await checkExample({
      name: 'vite-ts', origin: server.origin, flags: ['--as-of', '2024-12-31'],
      money: (x) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR', minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(x),
      columnsOf: (page) => page.evaluate(() => {
        const o = window.crmLensExample.orders;
        return { customer: o.map((x) => x.customerId), date: o.map((x) => x.placedAt), amount: o.map((x) => x.total), order: o.map((x) => x.orderId) };
      }),
    });
  } finally {
    server.stop();
  }
});
