// The render pipeline: the panels in order, one panel step per animation frame (a panel that
// is a generator yields between its charts), so no task blocks the page for long; a newer
// render (another analysis, language or currency) stops an older one between steps.
import { nextFrame } from './dom.js';
import { renderSummary } from './panels/summary.js';
import { renderIngest } from './panels/ingest.js';
import { renderKpis } from './panels/kpis.js';
import { renderLifecycle } from './panels/lifecycle.js';
import { renderRfm } from './panels/rfm.js';
import { renderCohorts } from './panels/cohorts.js';
import { renderKmeans } from './panels/kmeans.js';
import { renderClv } from './panels/clv.js';
import { renderTable } from './panels/customers.js';
import { renderRetention } from './panels/retention.js';
import { renderChurn } from './panels/churn.js';
import { renderCovariates } from './panels/covariates.js';
import { renderRules } from './panels/rules.js';

/**
 * The panels, top to bottom, by name: the summary in words first, the ingest account last.
 * Each is `(ctx) => void` or a generator over its charts; it fills its own `<section>` of
 * template.js and hides it when the Report has nothing for it.
 */
export const PANELS = [['summary', renderSummary], ['retention', renderRetention], ['kpis', renderKpis], ['lifecycle', renderLifecycle], ['rfm', renderRfm],
  ['cohorts', renderCohorts], ['kmeans', renderKmeans], ['clv', renderClv],
  ['churn', renderChurn], ['covariates', renderCovariates], ['rules', renderRules], ['customers', renderTable], ['ingest', renderIngest]];

/**
 * Renders every panel; false when `live()` turned false first (a newer render took over).
 * Each step is a performance measure `crm-lens:<panel>.<step>` (the 1M e2e test logs them).
 */
export async function renderPanels(ctx, live) {
  for (const [name, panel] of PANELS) {
    let t0 = performance.now();
    const it = panel(ctx);
    for (let part = 0; ; part++, t0 = performance.now()) {
      if (!live()) return false;
      const done = it?.next ? it.next().done : true;
      performance.measure(`crm-lens:${name}.${part}`, { start: t0 });
      await nextFrame();
      if (done) break;
    }
  }
  return live();
}

/** The element's fixed texts in its language, and the charts' accessible names. */
export function applyStaticLabels(root, { t, locale }) {
  root.querySelector('.dashboard').lang = locale;
  for (const n of root.querySelectorAll('[data-i18n]')) n.textContent = t(n.dataset.i18n);
  for (const f of root.querySelectorAll('figure[data-chart]')) {
    const name = f.querySelector('figcaption')?.textContent || f.closest('section').querySelector('h2').textContent;
    const c = f.querySelector('.chart');
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', name);
    const b = f.querySelector('button.png');
    if (b) {
      b.textContent = t('export.png');
      b.setAttribute('aria-label', `${t('export.pngLabel')}: ${name}`);
    }
  }
}
