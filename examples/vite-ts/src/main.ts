// A CRM page: its orders (in memory) are analysed in a Web Worker by crm-lens and shown by
// <crm-lens-dashboard>; picking a customer or a segment in the dashboard comes back as events.
import { createAnalyzer, type Analysis } from 'crm-lens/worker';
import 'crm-lens/dashboard';
import type { CustomerEventDetail, SegmentEventDetail } from 'crm-lens/dashboard';
import type { Options, Report } from 'crm-lens';
import { demoOrders } from './orders';

declare global {
  interface Window {
    /** For the example's end-to-end test: what the app analysed and what it got. */
    crmLensExample?: { orders: ReturnType<typeof demoOrders>; report: Report };
  }
}

const dashboard = document.querySelector('crm-lens-dashboard');
const status = document.getElementById('status');
const picked = document.getElementById('picked');
if (!dashboard || !status || !picked) throw new Error('the page lacks its elements');

const analyzer = createAnalyzer();
dashboard.analyzer = analyzer;

// The CRM opens its own record of a customer, and builds a campaign list from a segment.
dashboard.addEventListener('crm-lens-customer', (e: CustomEvent<CustomerEventDetail>) => {
  picked.textContent = `customer ${e.detail.id}`;
});
dashboard.addEventListener('crm-lens-segment', (e: CustomEvent<SegmentEventDetail>) => {
  picked.textContent = `${e.detail.kind} ${e.detail.label}: ${e.detail.ids.length} customers`;
});
dashboard.addEventListener('crm-lens-render', () => { document.body.dataset.state = 'done'; });

const orders = demoOrders();
const options: Options = { asOf: '2024-12-31', segments: { k: 4 } };
try {
  await analyzer.openRecords(orders, { customer: 'customerId', date: 'placedAt', amount: 'total', order: 'orderId' }, options);
  const analysis: Analysis = await analyzer.analyze(options, {
    onProgress: ({ stage, fraction }) => { status.textContent = `${stage} (${Math.round(fraction * 100)}%)`; },
  });
  const { report, columns, ids } = analysis;
  // Scores back into the CRM: row i of every column is customer ids.at(i).
  const clv = columns.clv;
  const best = clv ? ids.at(clv.indexOf(Math.max(...clv))) : null;
  status.textContent = `${report.kpis.customers} customers analysed${best ? `; highest CLV: ${best}` : ''}.`;
  window.crmLensExample = { orders, report };
} catch (e) {
  const error = e as { code?: string; message?: string };
  status.textContent = `crm-lens: ${error.code ?? 'error'}: ${error.message ?? String(e)}`;
  document.body.dataset.state = 'error';
}
