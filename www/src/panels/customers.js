// The customer table: virtualised rows, with filter/search/sort run in the worker.
import { $ } from '../dom.js';
import { fmt } from '../format.js';
import { t, segmentName, stageName } from '../i18n/index.js';
import { state } from '../state.js';
import { call, settled } from '../worker-client.js';
import { showError } from '../errors.js';
import { VirtualTable } from '../table.js';
import { STAGES } from './adapters.js';

let vtable = null;
const idDecoder = new TextDecoder();
export const tableQuery = { search: '', segment: '', stage: '', cluster: '', sortKey: null, sortDir: 'asc' };
let querySeq = 0;

function customerId(i) {
  const tb = state.table;
  return idDecoder.decode(tb.idBytes.subarray(tb.idOffsets[i], tb.idOffsets[i + 1]));
}

export function renderTable(r) {
  const tb = state.table;
  $('customers').hidden = !tb?.n;
  if (!tb?.n) return;
  vtable ??= new VirtualTable({
    head: $('vhead'), body: $('vbody'), spacer: $('vspacer'),
    onSort: ({ key, dir }) => { tableQuery.sortKey = key; tableQuery.sortDir = dir; runQuery(); },
  });
  const segs = r.rfm.segments ?? [];
  const cols = [
    { key: 'customerId', label: t('col.customerId'), get: customerId },
    { key: 'recencyDays', label: t('col.recencyDays'), numeric: true, get: (i) => fmt.int(tb.recencyDays[i]) },
    { key: 'frequency', label: t('col.frequency'), numeric: true, get: (i) => fmt.int(tb.frequency[i]) },
    { key: 'monetary', label: t('col.monetary'), numeric: true, get: (i) => fmt.money(tb.monetary[i]) },
    { key: 'rfm', label: t('col.rfm'), numeric: true, get: (i) => `${tb.rScore[i]}${tb.fScore[i]}${tb.mScore[i]}` },
    { key: 'segment', label: t('col.segment'), get: (i) => segmentName(segs[tb.rfmSegment[i]]?.name ?? '') },
    { key: 'stage', label: t('col.stage'), get: (i) => stageName(STAGES[tb.stage[i]] ?? '') },
  ];
  if (tb.cluster && r.segments?.clusters?.length) cols.push({ key: 'cluster', label: t('col.cluster'), numeric: true, get: (i) => String(tb.cluster[i]) });
  if (tb.pAlive) cols.push({ key: 'pAlive', label: t('col.pAlive'), numeric: true, get: (i) => fmt.pct(tb.pAlive[i]) });
  if (tb.clv) cols.push({ key: 'clv', label: t('col.clv'), numeric: true, get: (i) => fmt.money(tb.clv[i], 0) });
  vtable.setColumns(cols);

  const f = $('filters').elements;
  const fill = (sel, items) => {
    const keep = sel.value;
    sel.replaceChildren(new Option(t('table.all'), ''), ...items.map(([v, label]) => new Option(label, String(v))));
    sel.value = [...sel.options].some((o) => o.value === keep) ? keep : '';
  };
  fill(f.segment, segs.map((s, i) => [i, `${segmentName(s.name)} (${fmt.int(s.customers)})`]).filter((_, i) => segs[i].customers > 0));
  fill(f.stage, (r.lifecycle.stages ?? []).filter((s) => s.customers > 0).map((s) => [STAGES.indexOf(s.stage), `${stageName(s.stage)} (${fmt.int(s.customers)})`]));
  const clusters = r.segments?.clusters ?? [];
  $('cluster-filter').hidden = !clusters.length;
  fill(f.cluster, clusters.map((c) => [c.id, `${c.id} (${fmt.int(c.size)})`]));
  tableQuery.segment = f.segment.value;
  tableQuery.stage = f.stage.value;
  tableQuery.cluster = f.cluster.value;
  runQuery();
}

export async function runQuery() {
  const seq = ++querySeq;
  if (!(await settled()) || !state.table || seq !== querySeq) return;
  try {
    const m = await call({ type: 'query', query: { ...tableQuery } });
    if (seq !== querySeq) return;
    vtable.setIndex(m.index);
    $('table-count').textContent = t('table.count', { shown: fmt.int(m.index.length), total: fmt.int(state.table.n) });
  } catch (e) {
    if (e?.code !== 'cancelled') showError(e, { fatal: false });
  }
}
