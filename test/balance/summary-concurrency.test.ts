import { describe, expect, it } from 'vitest';
import { verifyBalanceSummary } from '../../src/balance/verify.ts';
import { localDay } from '../../src/time.ts';
import { paymentForm, saleForm, setUpShopWithServices } from '../sales/support.ts';
import { plain, recomputeSeries, testBalance } from './support.ts';

// On the PostgreSQL server, where transactions really run side by side: the summary stays
// equal to the recomputation under concurrent sales, cancellations and payments.

describe('balance › summary under concurrency on postgresql', () => {
  const shop = setUpShopWithServices('postgresql', { timeZone: 'Pacific/Auckland', setupTimeoutMs: 180_000 });

  it('stays exact with 60 sales, 20 cancellations and 21 payments racing each other', async () => {
    const products = await Promise.all(['3.33', '7.10', '0.99'].map((price) => shop.product({ price, qty: '10000', taxRate: '21' })));
    const customers = await Promise.all(['A', 'B', 'C'].map((name) => shop.customer({ name })));
    const sell = (i: number) =>
      shop.services.sales.confirm(
        shop.actor(),
        saleForm(
          [
            { productId: products[i % 3]!, quantity: String(1 + (i % 4)) },
            { productId: products[(i + 1) % 3]!, quantity: '1' },
          ],
          i % 4 === 3 ? {} : { customerId: customers[i % 3] },
        ),
      );
    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => sell(i)));
    // Interleaved, 8 at a time (the pool has 10 connections, and waiting sales hold theirs).
    const tasks: Array<() => Promise<unknown>> = [];
    for (let i = 0; i < 40; i++) {
      tasks.push(() => sell(20 + i));
      if (i < 20) tasks.push(() => shop.services.sales.cancel(shop.actor('manager'), first[i]!.id));
      if (i < 21)
        tasks.push(() => shop.services.payments.register(shop.actor(), paymentForm({ customerId: customers[i % 3], amount: '1.01' })));
    }
    const results: PromiseSettledResult<unknown>[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < tasks.length) {
          const task = tasks[next++]!;
          results.push(
            await task().then(
              (value) => ({ status: 'fulfilled' as const, value }),
              (reason: unknown) => ({ status: 'rejected' as const, reason }),
            ),
          );
        }
      }),
    );
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
    expect(failed).toEqual([]);
    expect(await shop.prisma.sale.count({ where: { tenantId: shop.tenantId, status: 'cancelled' } })).toBe(20);

    const report = await verifyBalanceSummary(shop.prisma, shop.tenantId);
    expect(report.differences).toEqual([]);
    expect(report.sales).toBe(60);
    const today = localDay(new Date(), 'Pacific/Auckland');
    const balance = testBalance(shop.prisma);
    try {
      for (const customer of ['all', ...customers] as const) {
        const q = { from: today, to: today, granularity: 'day' as const, customer };
        expect(plain((await balance.service.getBalanceSeries(shop.actor('owner'), q)).value)).toEqual(
          await recomputeSeries(shop.prisma, shop.tenantId, q),
        );
      }
    } finally {
      await balance.close();
    }
  });
});
