// The progress bar (the analyzer's stages) and the status line.
import { $ } from './dom.js';
import { t } from './i18n/index.js';

// The stages of an open and an analyze, in order: the bar's value is the stage's position.
const STAGES = ['reading', 'parsing', 'aggregating', 'fitting', 'preparing'];

export function showProgress(stage) {
  $('progress-box').hidden = false;
  $('progress').value = STAGES.indexOf(stage) + 1;
  $('progress-stage').textContent = t(`progress.${stage}`) + '…';
  document.body.dataset.state = 'busy';
}
export function hideProgress() { $('progress-box').hidden = true; }
export function setStatus(text) { $('status').textContent = text; }
