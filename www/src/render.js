// Renders the dashboard one panel step per animation frame (a generator step yields between
// its charts), so no task blocks the page for long; and the static labels of the language.
import { nextFrame } from './dom.js';
import { t, language } from './i18n/index.js';
import { state } from './state.js';
import { renderControls } from './settings.js';
import { renderIngest } from './panels/ingest.js';
import { renderKpis } from './panels/kpis.js';
import { renderLifecycle } from './panels/lifecycle.js';
import { renderRfm } from './panels/rfm.js';
import { renderCohorts } from './panels/cohorts.js';
import { renderKmeans } from './panels/kmeans.js';
import { renderClv } from './panels/clv.js';
import { renderTable } from './panels/customers.js';
import { renderChurn } from './panels/churn.js';
import { renderCovariates } from './panels/covariates.js';
import { renderRules } from './panels/rules.js';

export function applyStaticLabels() {
  document.documentElement.lang = { en: 'en', zh: 'zh-CN', ru: 'ru' }[language()];
  document.title = t('app.title');
  for (const n of document.querySelectorAll('[data-i18n]')) n.textContent = t(n.dataset.i18n);
  for (const b of document.querySelectorAll('button.png')) {
    b.textContent = t('export.png');
    b.setAttribute('aria-label', `${t('export.pngLabel')}: ${b.closest('figure').querySelector('figcaption')?.textContent ?? ''}`);
  }
  for (const f of document.querySelectorAll('figure[data-chart]')) {
    const c = f.querySelector('.chart');
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', f.querySelector('figcaption')?.textContent ?? f.closest('section').querySelector('h2').textContent);
  }
}

export async function renderAll() {
  const token = ++state.renderToken;
  const r = state.report;
  const steps = [renderIngest, renderControls, renderKpis, renderLifecycle, renderRfm, renderCohorts, renderKmeans, renderClv, renderChurn, renderCovariates, renderRules, renderTable];
  applyStaticLabels();
  // A step is a function, or a generator that yields between its charts: one chart per frame.
  for (const step of steps) {
    if (token !== state.renderToken) return;
    let t0 = performance.now();
    const it = step(r, state.derived);
    for (let part = 0; ; part++, t0 = performance.now()) {
      if (token !== state.renderToken) return;
      const done = it?.next ? it.next().done : true;
      performance.measure(`crm-lens:${step.name}.${part}`, { start: t0 });
      await nextFrame();
      if (done) break;
    }
  }
  applyStaticLabels();
  document.body.dataset.state = 'done';
}
