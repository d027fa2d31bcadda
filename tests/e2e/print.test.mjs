// Print / Save as PDF: headless Chromium prints the loaded dashboard to an A4 PDF (what the
// "Print / Save as PDF" button opens), and poppler's pdftotext reads it back: a few pages, the
// summary's findings, the key figures, stages, segments with their actions, CLV, the file and
// the date; no controls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { startServer, launch, openPage, done, ARTIFACTS } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const squash = (s) => s.replace(/\s+/g, '');

for (const [locale, lang] of [['en-US', 'en'], ['zh-CN', 'zh']]) {
  test(`the dashboard prints to a clean A4 report (${lang})`, { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
    const { page, problems } = await openPage(context, server.origin);
    await done(page);
    const findings = await page.$$eval('#findings .finding-text', (n) => n.map((x) => x.textContent));
    assert.ok(findings.length >= 3, `${findings.length} findings`);
    await page.evaluate(() => {
      window.__printed = false;
      window.addEventListener('beforeprint', () => { window.__printed = true; }, { once: true });
    });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    console.log(`beforeprint fired: ${await page.evaluate(() => window.__printed)}`);
    const file = `${ARTIFACTS}/report-${lang}.pdf`;
    writeFileSync(file, pdf);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString())[1]);
    const text = squash(execFileSync('pdftotext', [file, '-']).toString());
    assert.ok(pages >= 2 && pages <= 8, `${pages} pages`);
    for (const f of findings) assert.ok(text.includes(squash(f).slice(0, 40)), `the PDF holds the finding "${f}"`);
    const t = await page.evaluate(() => {
      const r = document.querySelector('crm-lens-dashboard').shadowRoot;
      const h = (id) => r.getElementById(id).textContent;
      return { summary: h('summary-title'), kpis: h('kpi-title'), stages: h('lifecycle-title'), rfm: h('rfm-title'), clv: h('clv-title'),
        meta: r.getElementById('report-meta').textContent, action: r.querySelector('#segment-table td.action').textContent,
        // Controls (the customer table's column headers are sort buttons but the table is not printed, and
        // their words, such as "Customer", are headings' words too).
        buttons: [...r.querySelectorAll('button')].filter((b) => !b.closest('#customers')).map((b) => b.textContent).filter((x) => x.length > 4) };
    });
    for (const heading of [t.summary, t.kpis, t.stages, t.rfm, t.clv]) assert.ok(text.includes(squash(heading)), `heading "${heading}"`);
    assert.ok(text.includes(squash(t.meta).slice(0, 30)), 'the file and date analysed');
    assert.match(t.meta, /sample\.csv/);
    // The action's first words (a table cell wraps, and the next cell's text follows its first line).
    assert.ok(text.includes(squash(t.action).slice(0, 10)), 'segments come with their actions');
    for (const b of new Set(t.buttons)) assert.ok(!text.includes(b), `no control: "${b}"`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
