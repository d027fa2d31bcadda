// What a dashboard shows, whatever fed it: a view over one analysis with the queries and the
// chart summaries the panels need. From an analyzer, they come from its worker; from setData,
// they are computed here, and there is no per-customer CSV (the core writes it from its
// Dataset, which only an analyzer holds).
import { query } from '../worker/query.js';
import { summarise } from '../worker/summaries.js';

function view(report, columns, ids, stagesRun, run, exportCsv, summaries) {
  return {
    report, columns, ids, stagesRun, exportCsv,
    query: run,
    /** The charts' summaries of the columns (scatter, clvHistogram, topClv), made once. */
    get summaries() {
      summaries ??= summarise(columns, ids, report);
      return summaries;
    },
  };
}

export function analyzerView(analyzer, a) {
  // The worker made the summaries with the analysis: the main thread does not pass over the columns.
  return view(a.report, a.columns, a.ids, a.stagesRun, (q) => analyzer.query(q), (q) => analyzer.exportCsv(q), a.summaries);
}

export function localView(report, columns, ids) {
  let lower = null;
  const run = async (q) => {
    if ((q.search ?? '').trim()) lower ??= Array.from({ length: ids.length }, (_, i) => String(ids.at(i)).toLowerCase());
    return query(columns, ids, lower, q);
  };
  return view(report, columns, ids, null, run, null, null);
}
