// Orders a page holds as columns (one array per role: ids, ISO dates, amounts), analysed in a
// Web Worker by crm-lens and shown by <crm-lens-dashboard>. Plain ES modules, no bundler.
import { createAnalyzer } from 'crm-lens/worker';
import 'crm-lens/dashboard';

/** The orders as columns (deterministic demo data; a real page has them from its API). */
// Orders as a shop's customers make them (the story the CLV models tell): each buys at their
// own Poisson rate, may stop after any order with their own chance, and has a usual basket.
function demoColumns(customers = 1200, seed = 11) {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const start = Date.UTC(2023, 0, 1);
  const columns = { customer: [], date: [], amount: [] };
  for (let c = 0; c < customers; c++) {
    const id = `K${c + 1}`;
    const gap = 10 + 200 * rand() ** 2; // mean days between orders
    const stop = 0.05 + 0.5 * rand() ** 2; // chance to stop after an order
    const basket = 15 + 120 * rand() ** 2;
    for (let day = Math.floor(rand() * 600); day < 730; day += Math.max(1, Math.round(-gap * Math.log(1 - rand())))) {
      columns.customer.push(id);
      columns.date.push(new Date(start + day * 86_400_000).toISOString().slice(0, 10));
      columns.amount.push(Math.round(basket * (0.5 + rand()) * 100) / 100);
      if (rand() < stop) break;
    }
  }
  return columns;
}

const dashboard = document.querySelector('crm-lens-dashboard');
const status = document.getElementById('status');
const picked = document.getElementById('picked');
const analyzer = createAnalyzer();
dashboard.analyzer = analyzer;
dashboard.addEventListener('crm-lens-customer', (e) => { picked.textContent = `customer ${e.detail.id}`; });
dashboard.addEventListener('crm-lens-segment', (e) => { picked.textContent = `${e.detail.kind} ${e.detail.label}: ${e.detail.ids.length} customers`; });
dashboard.addEventListener('crm-lens-render', () => { document.body.dataset.state = 'done'; });

const columns = demoColumns();
try {
  await analyzer.openColumns(columns, { asOf: '2024-12-31' });
  const { report } = await analyzer.analyze({ asOf: '2024-12-31' });
  status.textContent = `${report.kpis.customers} customers analysed.`;
  window.crmLensExample = { columns, report };
} catch (e) {
  status.textContent = `crm-lens: ${e.code ?? 'error'}: ${e.message ?? e}`;
  document.body.dataset.state = 'error';
}
