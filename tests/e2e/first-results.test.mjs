// Progressive rendering on 1M transactions: the KPI cards are on screen while CLV is still
// being fitted, and equal the finished dashboard's. Observed through the order of events in the
// page (no timing): the element's `crm-lens-first` (the cards drawn), the page's progress stage
// `preparing` (the worker's analysis, CLV included, is done) and `crm-lens-render`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bigSample, emptyPage, pageSuite } from './helpers.mjs';

const suite = pageSuite();

test('1M transactions: the KPI cards show before CLV finishes', { timeout: 600_000 }, async () => {
  const big = bigSample();
  const { context, page, problems } = await emptyPage(suite);
  await page.evaluate(() => {
    window.__events = [];
    const dash = document.querySelector('crm-lens-dashboard');
    const root = dash.shadowRoot;
    dash.addEventListener('crm-lens-first', () => {
      const cards = root.getElementById('kpi-cards');
      window.__events.push({
        what: 'first',
        kpisShown: !root.getElementById('kpis').hidden,
        cards: [...cards.querySelectorAll('dd')].map((d) => [d.dataset.kpi, d.textContent]),
        clvShown: !root.getElementById('clv').hidden,
        phase: root.querySelector('.dashboard').dataset.phase,
      });
    });
    dash.addEventListener('crm-lens-render', () => window.__events.push({ what: 'render' }));
    new MutationObserver(() => window.__events.push({ what: 'stage', text: document.getElementById('progress-stage').textContent }))
      .observe(document.getElementById('progress-stage'), { childList: true, characterData: true, subtree: true });
  });
  await page.setInputFiles('#file', big);
  await page.waitForSelector('body[data-state="done"]', { timeout: 540_000 });
  const events = await page.evaluate(() => window.__events);
  const at = (pred) => events.findIndex(pred);
  const first = at((e) => e.what === 'first');
  const aggregating = at((e) => e.what === 'stage' && e.text.startsWith('Aggregating'));
  const fitting = at((e) => e.what === 'stage' && e.text.startsWith('Fitting'));
  const preparing = at((e) => e.what === 'stage' && e.text.startsWith('Preparing'));
  const render = at((e) => e.what === 'render');
  console.log(`events: ${events.map((e) => e.what === 'stage' ? e.text : e.what).join(' → ')}`);
  assert.ok(first >= 0, 'the element showed first results');
  assert.ok(fitting >= 0 && preparing > fitting, 'the page went through fitting, then preparing');
  // The cards were drawn with the "fitting" progress (its handler draws them, then the page's
  // progress line changes), before the worker reported "preparing" (CLV done), and CLV's panel
  // was not on screen yet.
  assert.ok(aggregating < first && first < preparing, `first results at ${first}, aggregating at ${aggregating}, preparing at ${preparing}`);
  assert.ok(preparing < render);
  const e = events[first];
  assert.equal(e.kpisShown, true);
  assert.equal(e.clvShown, false);
  assert.equal(e.phase, 'first');
  // The finished dashboard has the same cards (the first results are the Report's own).
  const final = await page.evaluate(() => [...document.querySelector('crm-lens-dashboard').shadowRoot
    .getElementById('kpi-cards').querySelectorAll('dd')].map((d) => [d.dataset.kpi, d.textContent]));
  assert.deepEqual(e.cards, final);
  assert.ok(final.length >= 8, `${final.length} cards`);
  assert.equal(await page.evaluate(() => document.querySelector('crm-lens-dashboard').shadowRoot.querySelector('.dashboard').dataset.phase), undefined);
  assert.deepEqual(problems, []);
  await context.close();
});
