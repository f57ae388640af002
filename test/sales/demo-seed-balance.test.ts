import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { seedDemoData } from '../../src/admin/demo-seed.service.ts';
import { recomputeBalanceDays } from '../../src/balance/balance-days.ts';
import { ledgerMatches, makeServices, makeShop, paymentForm, saleForm, type Harness } from './support.ts';

// The demo seed and the services write balance_days through the same helper and rule:
// after seeding and then selling, cancelling and paying, the summary equals its recomputation.
describe('sales › balance summary shared with the demo seed', () => {
  let prisma: PrismaClient;
  let drop: () => Promise<void>;
  let h: Harness;
  beforeAll(async () => {
    const t = await createTestDatabase('pglite');
    prisma = t.db.prisma;
    drop = t.drop;
    h = makeServices(prisma);
  });
  afterAll(async () => {
    await h?.close();
    await drop?.();
  });

  it('seed, then sales, a cancellation and payments: summary == recomputation, ledger == stock', async () => {
    const shop = await makeShop(prisma, { timeZone: 'Pacific/Auckland' });
    await seedDemoData(prisma, { tenantId: shop.tenantId, days: 6, products: 8, salesPerDay: 5, seed: 42 });
    const customer = (await prisma.customer.findFirstOrThrow({ where: { tenantId: shop.tenantId } })).id;
    const product = (await prisma.product.findFirstOrThrow({ where: { tenantId: shop.tenantId, quantityOnHand: { gte: 2 } } })).id;
    const a = await h.services.sales.confirm(
      shop.actor(),
      saleForm([{ productId: product, quantity: '1' }], { customerId: customer, payNow: '' }),
    );
    const b = await h.services.sales.confirm(shop.actor(), saleForm([{ productId: product, quantity: '1' }], { customerId: customer }));
    await h.services.payments.register(shop.actor(), paymentForm({ saleId: a.id, amount: '0.01' }));
    await h.services.sales.cancel(shop.actor('manager'), b.id);

    const summary = await prisma.balanceDay.findMany({
      where: { tenantId: shop.tenantId },
      orderBy: [{ customerKey: 'asc' }, { day: 'asc' }],
    });
    const recomputed = await recomputeBalanceDays(prisma, shop.tenantId);
    const nonZero = (rows: string[][]) => rows.filter((r) => r[2] !== '0.00' || r[3] !== '0.00');
    expect(
      nonZero(
        summary.map((d) => [String(d.customerKey), d.day.toISOString().slice(0, 10), d.salesTotal.toFixed(2), d.paymentsTotal.toFixed(2)]),
      ),
    ).toEqual(nonZero(recomputed.map((r) => [String(r.customerKey), r.day, r.sales.toFixed(2), r.payments.toFixed(2)])));
    expect(summary.length).toBeGreaterThan(6);
    expect(await ledgerMatches(prisma, shop.tenantId)).toBe(true);
    const numbers = (
      await prisma.sale.findMany({ where: { tenantId: shop.tenantId }, select: { number: true }, orderBy: { number: 'asc' } })
    ).map((s) => s.number);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });
});
