// The example apps of examples/, installed from the packed tarball into fresh copies under
// target/examples/ by scripts/examples.sh (which then runs this file), run in headless
// Chromium under the strict CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { ROOT } from '../e2e/helpers.mjs';
import { serve } from './serve.mjs';
import { checkExample } from './checks.mjs';

const APPS = `${ROOT}target/examples`;
const appDir = (name, sub = '') => {
  const dir = `${APPS}/${name}${sub}`;
  assert.ok(existsSync(dir), `${dir} is missing: run bash scripts/examples.sh (it packs crm-lens and installs it there)`);
  return dir;
};
const money = (currency) => (x) => new Intl.NumberFormat('en-US', currency
  ? { style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: 0 }
  : { minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(x);

test('(a) vite-ts: Vite + TypeScript strict, records from memory → createAnalyzer → <crm-lens-dashboard>', { timeout: 180_000 }, async () => {
  const server = await serve(appDir('vite-ts', '/dist'));
  try {
    await checkExample({
      name: 'vite-ts', origin: server.origin, flags: ['--as-of', '2024-12-31'], money: money('EUR'),
      columnsOf: (page) => page.evaluate(() => {
        const o = window.crmLensExample.orders;
        return { customer: o.map((x) => x.customerId), date: o.map((x) => x.placedAt), amount: o.map((x) => x.total), order: o.map((x) => x.orderId) };
      }),
    });
  } finally {
    server.stop();
  }
});

test('(b) static: an import map, no bundler, columns from memory; themed by custom properties', { timeout: 180_000 }, async () => {
  const server = await serve(appDir('static'));
  try {
    await checkExample({
      name: 'static', origin: server.origin, flags: ['--as-of', '2024-12-31'], money: money(null),
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
