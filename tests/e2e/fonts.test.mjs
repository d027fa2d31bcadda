// Chinese and Russian in chart PNG exports: with the element's font stack and fonts-noto-cjk
// installed (scripts/setup.sh), a treemap tile labelled with one Chinese (or Cyrillic) word
// exports another PNG than the same tile labelled with another word of as many characters.
// Missing glyphs would draw the same empty boxes for both, so the PNGs would be equal; the
// same label twice gives the same PNG, so the difference is the glyphs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, openPage, done } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

/** The treemap's PNG with the Champions tile labelled `label` (an override of the element's string). */
async function treemapPng(page, lang, label) {
  await page.evaluate(([l, text]) => new Promise((resolve) => {
    const el = document.querySelector('crm-lens-dashboard');
    el.addEventListener('crm-lens-render', resolve, { once: true });
    el.messages = { [l]: { 'seg.Champions': text } };
  }), [lang, label]);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('figure[data-chart="treemap"] button.png')]);
  return readFileSync(await dl.path());
}

for (const [locale, lang, a, b] of [['zh-CN', 'zh', '冠军客户', '忠诚顾客'], ['ru-RU', 'ru', 'Жизнь', 'Дождь']]) {
  test(`chart PNGs draw ${lang} glyphs, not boxes`, { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ locale, acceptDownloads: true });
    const { page, problems } = await openPage(context, server.origin, '/');
    await done(page);
    assert.equal(await page.getAttribute('crm-lens-dashboard', 'lang'), lang);
    const first = await treemapPng(page, lang, a);
    const again = await treemapPng(page, lang, a);
    const other = await treemapPng(page, lang, b);
    assert.deepEqual([...first.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
    assert.ok(first.equals(again), 'the same label draws the same PNG');
    assert.ok(!first.equals(other), `"${a}" and "${b}" draw different glyphs`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
