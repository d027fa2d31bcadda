// The first screen of the loaded page in English, Chinese and Russian (1440×900), for
// docs/page.md: `bash scripts/build.sh && node scripts/screenshots.mjs` rewrites
// docs/img/page-{en,zh,ru}.png. It fails when the summary or the KPI cards are not on the
// first screen; tests/e2e/first-screen.test.mjs runs the same check without writing the docs.
import { startServer, launch, openPage, done } from '../tests/e2e/helpers.mjs';

export const LANGS = [['en-US', 'en'], ['zh-CN', 'zh'], ['ru-RU', 'ru']];
export const VIEWPORT = { width: 1440, height: 900 };

/**
 * Loads the page with the bundled sample in `locale` and returns where the summary's first
 * finding and the KPI cards are (viewport coordinates), after a screenshot to `path` if given.
 */
export async function firstScreen(browser, origin, locale, path) {
  const context = await browser.newContext({ locale, viewport: VIEWPORT, deviceScaleFactor: 1 });
  try {
    const { page, problems } = await openPage(context, origin);
    await done(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    // Charts animate in; the shot is of the settled page.
    await page.waitForTimeout(1200);
    const box = async (sel) => page.locator(sel).first().boundingBox();
    const seen = {
      lang: await page.getAttribute('crm-lens-dashboard', 'lang'),
      finding: await box('[data-testid="findings"] li'),
      cards: await box('#kpi-cards'),
      problems,
    };
    if (path) await page.screenshot({ path });
    return seen;
  } finally {
    await context.close();
  }
}

/** True when the box starts and ends inside the first screen. */
export const onFirstScreen = (b) => b != null && b.y >= 0 && b.y + b.height <= VIEWPORT.height;

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = new URL('../docs/img/', import.meta.url).pathname;
  const server = await startServer();
  const browser = await launch();
  let failed = false;
  try {
    for (const [locale, lang] of LANGS) {
      const s = await firstScreen(browser, server.origin, locale, `${out}page-${lang}.png`);
      const ok = s.lang === lang && onFirstScreen(s.finding) && onFirstScreen(s.cards) && !s.problems.length;
      failed ||= !ok;
      console.log(`${ok ? 'ok' : 'NOT OK'} docs/img/page-${lang}.png: finding at y=${s.finding?.y}, KPI cards ${s.cards?.y}–${s.cards && s.cards.y + s.cards.height}`);
    }
  } finally {
    await browser.close();
    server.stop();
  }
  process.exit(failed ? 1 : 0);
}
