// Insight first: at 1440×900 the loaded page shows the summary in words and the KPI cards on
// its first screen, in every language (scripts/screenshots.mjs takes docs/page.md's shots
// with the same check).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, ARTIFACTS } from './helpers.mjs';
import { LANGS, firstScreen, onFirstScreen } from '../../scripts/screenshots.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

for (const [locale, lang] of LANGS) {
  test(`first screen (${lang}): the summary's first finding and the KPI cards`, { timeout: 120_000 }, async () => {
    const s = await firstScreen(browser, server.origin, locale, `${ARTIFACTS}/first-screen-${lang}.png`);
    assert.equal(s.lang, lang);
    assert.ok(onFirstScreen(s.finding), `finding at ${JSON.stringify(s.finding)}`);
    assert.ok(onFirstScreen(s.cards), `KPI cards at ${JSON.stringify(s.cards)}`);
    assert.deepEqual(s.problems, []);
  });
}
