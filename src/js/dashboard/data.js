// What a dashboard shows, whatever fed it: a view over one analysis with the queries the panels
// need. From an analyzer, queries and the CSV export run in its worker; from setData, the
// table's queries run here and there is no per-customer CSV (the core writes it from its
// Dataset, which only an analyzer holds).
import { query } from '../worker/query.js';

function view(report, columns, ids, stagesRun, run, exportCsv) {
  const memo = new Map();
  return {
    report, columns, ids, stagesRun, exportCsv,
    query: run,
    /** A summary of the columns, computed once per view. */
    summary(name, compute) {
      if (!memo.has(name)) memo.set(name, compute());
      return memo.get(name);
    },
  };
}

export function analyzerView(analyzer, a) {
  return view(a.report, a.columns, a.ids, a.stagesRun, (q) => analyzer.query(q), () => analyzer.exportCsv());
}

export function localView(report, columns, ids) {
  let lower = null;
  const run = async (q) => {
    if ((q.search ?? '').trim()) lower ??= Array.from({ length: ids.length }, (_, i) => String(ids.at(i)).toLowerCase());
    return query(columns, ids, lower, q);
  };
  return view(report, columns, ids, null, run, null);
}
