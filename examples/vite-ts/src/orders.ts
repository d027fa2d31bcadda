// The CRM's orders, as it holds them in memory: one object per order. Generated here
// (deterministically) so the example runs anywhere; a real CRM has them from its API.

export interface Order {
  orderId: string;
  customerId: string;
  placedAt: string; // ISO date
  total: number;
}

// Each customer buys at their own Poisson rate, may stop after any order with their own
// chance, and has a usual basket: the story the CLV models tell, so their fits converge.
export function demoOrders(customers = 1500, seed = 7): Order[] {
  let s = seed;
  const rand = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const start = Date.UTC(2023, 0, 1);
  const days = 730;
  const orders: Order[] = [];
  for (let c = 0; c < customers; c++) {
    const customerId = `CRM-${String(c + 1).padStart(5, '0')}`;
    const first = Math.floor(rand() * days * 0.8);
    const gap = 10 + 200 * rand() ** 2; // this customer's mean days between orders
    const stop = 0.05 + 0.5 * rand() ** 2; // their chance to stop after an order
    const basket = 20 + 150 * rand() ** 2;
    for (let day = first; day < days; day += Math.max(1, Math.round(-gap * Math.log(1 - rand())))) {
      orders.push({
        orderId: `O-${orders.length + 1}`,
        customerId,
        placedAt: new Date(start + day * 86_400_000).toISOString().slice(0, 10),
        total: Math.round(basket * (0.6 + rand() * 0.8) * 100) / 100,
      });
      if (rand() < stop) break;
    }
  }
  return orders;
}
