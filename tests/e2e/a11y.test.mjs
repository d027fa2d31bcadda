// Accessibility of the loaded page in its three languages: axe-core (npm) finds no serious or
// critical violation (its rules pierce the dashboard's open shadow root); the summary's
// controls work from the keyboard (a finding's "See …" moves the focus to its panel, Edit
// opens the folded settings).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startServer, launch, openPage, done, ARTIFACTS } from './helpers.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

/** Serious and critical axe violations on the page as it is: `[rule: target, …]`. */
async function axe(page) {
  // Evaluated through the DevTools protocol: the page's CSP (no inline script) does not apply.
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`);
}

for (const [locale, lang] of [['en-US', 'en'], ['zh-CN', 'zh'], ['ru-RU', 'ru']]) {
  test(`axe: no serious or critical violation on the loaded dashboard (${lang})`, { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
    const { page, problems } = await openPage(context, server.origin);
    await done(page);
    await page.waitForTimeout(300);
    assert.equal(await page.getAttribute('crm-lens-dashboard', 'lang'), lang);
    const folded = await axe(page);
    // The same with the settings open (the shell's forms are part of the page too).
    await page.click('[data-testid="edit"]');
    const open = await axe(page);
    if (folded.length || open.length) await page.screenshot({ path: `${ARTIFACTS}/a11y-${lang}.png`, fullPage: true });
    assert.deepEqual(folded, [], 'folded');
    assert.deepEqual(open, [], 'settings open');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('keyboard: a finding\'s "See …" moves the focus to its panel; Edit opens the settings', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await openPage(context, server.origin);
  await done(page);
  const first = page.locator('#findings li').first().locator('button[data-panel]');
  const panel = await first.getAttribute('data-panel');
  await first.focus();
  await page.keyboard.press('Enter');
  const focused = await page.evaluate(() => document.querySelector('crm-lens-dashboard').shadowRoot.activeElement?.closest('section')?.id);
  assert.equal(focused, panel);
  await page.focus('[data-testid="edit"]');
  assert.equal(await page.getAttribute('[data-testid="edit"]', 'aria-expanded'), 'false');
  await page.keyboard.press('Enter');
  assert.equal(await page.isVisible('#preview'), true);
  assert.equal(await page.getAttribute('[data-testid="edit"]', 'aria-expanded'), 'true');
  // The list actions are buttons: Enter on "Copy IDs" of a stage announces the copy.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  await page.focus('#stage-table button[data-copy="stage:lost"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('crm-lens-dashboard').shadowRoot.querySelector('[data-testid="toast"]').textContent.startsWith('Copied'));
  assert.deepEqual(problems, []);
  await context.close();
});
