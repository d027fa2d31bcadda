// Covariates: what each level of a customer attribute (channel, country …) changes in the
// BTYD model, as sentences ("customers from channel app buy 1.4× as often"), with the
// likelihood-ratio test of the attributes as a whole.
import { el } from '../dom.js';
import { covariateModel, covariateEffects } from './adapters.js';

export function renderCovariates(ctx) {
  const { report: r, t, fmt, $ } = ctx;
  const m = covariateModel(r);
  $('covariates').hidden = !m;
  if (!m) return;
  const levelName = (e) => (e.pooled ? t('cov.other') : e.level === '' ? t('cov.blank') : e.level);
  const lr = m.lrTest;
  $('cov-test').textContent = `${t('cov.lr', {
    model: t(`model.${m.model}`, null, m.model), stat: fmt.num(lr.statistic, 1), df: lr.df, p: fmt.num(lr.pValue, 3),
  })} ${t(lr.pValue < 0.05 ? 'cov.lrYes' : 'cov.lrNo')}`;
  const items = covariateEffects(r).map((e) => {
    const vars = {
      covariate: e.covariate, level: levelName(e), reference: e.reference ?? '',
      ratio: fmt.num(e.purchase.value, 2), low: fmt.num(e.purchase.low, 2), high: fmt.num(e.purchase.high, 2),
    };
    const parts = [t(e.level == null ? 'cov.buysNumeric' : 'cov.buys', vars)];
    if (e.dropout) {
      parts.push(t('cov.dropout', { ratio: fmt.num(e.dropout.value, 2), low: fmt.num(e.dropout.low, 2), high: fmt.num(e.dropout.high, 2) }));
    }
    if (e.newCustomer != null) parts.push(t('cov.newCustomer', { ratio: fmt.num(e.newCustomer, 2), months: r.clv.units.horizonMonths }));
    if (!e.purchaseSignificant && !e.dropoutSignificant) parts.push(t('cov.notSignificant'));
    return el('li', parts.join(' '));
  });
  $('cov-effects').replaceChildren(...items);
}
