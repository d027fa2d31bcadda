// The progress bar (stages the worker reports) and the status line.
import { $ } from './dom.js';
import { t } from './i18n/index.js';

// Stages the worker reports, in order: the bar's value is the stage's position.
const PROGRESS = ['reading', 'parsing', 'aggregating', 'fitting', 'preparing'];

export function showProgress(stage) {
  $('progress-box').hidden = false;
  $('progress').value = PROGRESS.indexOf(stage) + 1;
  $('progress-stage').textContent = t(`stage.${stage}`) + '…';
  document.body.dataset.state = 'busy';
}
export function hideProgress() { $('progress-box').hidden = true; }
export function setStatus(text) { $('status').textContent = text; }
