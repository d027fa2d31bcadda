// The customer table: virtualised rows; filter, search and sort run where the columns are
// (the analyzer's worker, or here for data given with setData). Activating a row sends the
// customer to the host (crm-lens-customer), so a CRM opens its own record.
import { STAGES, clusterName } from './adapters.js';
import { hasModelPAlive, pAliveView } from './palive.js';

/** The filters and sort of the table, kept across renders of one element. */
export const emptyQuery = () => ({ search: '', segment: '', stage: '', cluster: '', sortKey: null, sortDir: 'asc' });

export function renderTable(ctx) {
  const { report: r, t, fmt, $, view, segmentName, stageName } = ctx;
  const tb = view.columns;
  const n = view.ids?.length ?? 0;
  $('customers').hidden = !n;
  if (!n) return;
  const segs = r.rfm.segments ?? [];
  const cols = [
    { key: 'customerId', label: t('col.customerId'), get: (i) => view.ids.at(i) },
    { key: 'recencyDays', label: t('col.recencyDays'), numeric: true, get: (i) => fmt.int(tb.recencyDays[i]) },
    { key: 'frequency', label: t('col.frequency'), numeric: true, get: (i) => fmt.int(tb.frequency[i]) },
    { key: 'monetary', label: t('col.monetary'), numeric: true, get: (i) => fmt.money(tb.monetary[i]) },
    { key: 'rfm', label: t('col.rfm'), numeric: true, get: (i) => `${tb.rScore[i]}${tb.fScore[i]}${tb.mScore[i]}` },
    { key: 'segment', label: t('col.segment'), get: (i) => segmentName(segs[tb.rfmSegment[i]]?.name ?? '') },
    { key: 'stage', label: t('col.stage'), get: (i) => stageName(STAGES[tb.stage[i]] ?? '') },
  ];
  if (tb.cluster?.length === n && r.segments?.clusters?.length) cols.push({ key: 'cluster', label: t('col.cluster'), numeric: true, get: (i) => String(tb.cluster[i]) });
  if (tb.pAlive?.length === n && hasModelPAlive(r)) {
    const pa = pAliveView(ctx);
    cols.push({ key: 'pAlive', label: t('col.pAlive'), numeric: true, get: pa.text, note: pa.note });
  }
  if (tb.clv?.length === n) cols.push({ key: 'clv', label: t('col.clv'), numeric: true, get: (i) => fmt.money(tb.clv[i], 0) });
  ctx.table.setColumns(cols);

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
  fill(f.cluster, clusters.map((c) => [c.id, `${clusterName(ctx, c)} (${fmt.int(c.size)})`]));
  const q = ctx.memory.tableQuery;
  q.segment = f.segment.value;
  q.stage = f.stage.value;
  q.cluster = f.cluster.value;
  runQuery(ctx);
}

/** Runs the element's table query and shows its rows (a newer query or analysis wins). */
export async function runQuery(ctx) {
  const seq = ++ctx.memory.querySeq;
  const { view } = ctx;
  try {
    const index = await view.query({ ...ctx.memory.tableQuery });
    if (seq !== ctx.memory.querySeq || !ctx.showing(view)) return;
    ctx.table.setIndex(index);
    ctx.$('table-count').textContent = ctx.t('table.count', { shown: ctx.fmt.int(index.length), total: ctx.fmt.int(view.ids.length) });
  } catch (e) {
    // While the analyzer reads the same data again (a new mapping), the rows shown stay; the
    // analysis that follows queries again.
    if (e?.code !== 'no_analysis') ctx.fail(e);
  }
}
