// P(alive) as the dashboard shows it, so the numbers do not contradict the stages: under BG/NBD
// a customer without a repeat purchase has P(alive) = 1 whatever their silence (the model
// cannot see them leave), shown as "not estimable"; and a customer the stage rule calls Lost
// whose P(alive) is above the At-Risk threshold gets a note saying why both hold (the stage
// follows their silence; P(alive) is the model's estimate for their purchase history).
import { STAGES } from './adapters.js';

const LOST = STAGES.indexOf('lost');

/** Whether the Report's P(alive) column means anything (a fitted model, not simple CLV). */
export const hasModelPAlive = (r) => !!r.clv?.chosenModel && r.clv.chosenModel !== 'simple';

/** `{ text(i), note(i) }` for customer row `i`: the value shown and its explanation ('' if none). */
export function pAliveView(ctx) {
  const { report: r, view, t, fmt } = ctx;
  const cols = view.columns;
  const notEstimable = r.clv?.oneTimeBuyers?.pAlive === 'notEstimable' && cols.x?.length === cols.pAlive?.length;
  const th = r.lifecycle?.thresholds;
  const threshold = th?.pAliveThreshold ?? 0.3;
  const model = t(`model.${r.clv?.chosenModel}`, null, r.clv?.chosenModel ?? '');
  const unknown = (i) => notEstimable && cols.x[i] === 0;
  const lostAbove = (i) => cols.stage?.[i] === LOST && cols.pAlive[i] > threshold;
  return {
    unknown,
    text: (i) => (unknown(i) ? t('palive.notEstimable') : `${fmt.pct(cols.pAlive[i])}${lostAbove(i) ? ' *' : ''}`),
    note: (i) => {
      if (unknown(i)) return t('palive.notEstimableNote', { model });
      if (!lostAbove(i)) return '';
      return t('palive.lostNote', {
        days: fmt.int(cols.recencyDays[i]), window: fmt.int(th?.churnWindowDays), pAlive: fmt.pct(cols.pAlive[i]),
        threshold: fmt.pct(threshold), model,
      });
    },
  };
}
