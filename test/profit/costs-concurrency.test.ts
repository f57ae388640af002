import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/db/errors.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { createPurchasing } from '../../src/purchasing/index.ts';
import { createLogger } from '../../src/logger.ts';
import { verifyProfitSummary } from '../../src/profit/index.ts';
import { averageFromLedger } from '../../src/stock/index.ts';
import { Decimal, ledgerMatches, saleForm, setUpShopWithServices } from '../sales/support.ts';

// On the PostgreSQL server, where receipts, sales and returns of one product really run side
// by side: every sale line carries the average cost of the moment it took its units (the
// cost its ledger row carries, which is the walk of the ledger up to it), and the summary's
// cost of goods sold is the lines' less what returns gave back.

describe('cost of goods sold › concurrency on postgresql', () => {
  const shop = setUpShopWithServices('postgresql', { poolSize: 30, setupTimeoutMs: 300_000 });

  it('concurrent receipts, sales and returns of one product: ledger = on hand, average = its recomputation, each line at the cost of its moment', async () => {
    const p = await shop.product({ qty: '0', price: '9.90', taxRate: '0' });
    const manager = shop.actor('manager');
    const {
      orders,
      suppliers: supplierService,
      receiving,
    } = createPurchasing({ transactions: { cache: shop.cache, logger: createLogger('silent') } });
    const supplier = await supplierService.create(manager, { token: newFormToken(), name: 'Race Wholesale' });
    const costs = ['1.00', '1.50', '2.25', '3.10', '0.95', '2.00', '4.40', '1.75', '2.60', '3.35'];
    const ordered = [];
    for (const unitCost of costs) {
      const order = await orders.create(manager, {
        token: newFormToken(),
        supplierId: supplier.id,
        lines: [{ productId: p, quantity: '5', unitCost }],
      });
      await orders.order(manager, order.id);
      ordered.push({ id: order.id, lineNo: (await orders.get(manager, order.id)).lines[0]!.lineNo });
    }
    // Something on hand to sell and return from the start.
    await receiving.receive(manager, ordered[0]!.id, { token: newFormToken(), lines: { [ordered[0]!.lineNo]: { quantity: '5' } } });
    const early = await shop.services.sales.confirm(manager, saleForm([{ productId: p, quantity: '1' }], { payNow: 'cash' }));

    const receipts = ordered
      .slice(1)
      .map((o) => () => receiving.receive(shop.actor('staff'), o.id, { token: newFormToken(), lines: { [o.lineNo]: { quantity: '5' } } }));
    const sales = Array.from(
      { length: 20 },
      () => () => shop.services.sales.confirm(manager, saleForm([{ productId: p, quantity: '2' }], { payNow: 'cash' })),
    );
    const giveBack = () =>
      shop.services.sales.return(manager, early.id, { token: newFormToken(), settlement: 'cash', lines: [{ lineNo: 1, quantity: '1' }] });
    const runs = [...receipts, ...sales, giveBack];
    for (let i = runs.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [runs[i], runs[j]] = [runs[j]!, runs[i]!];
    }
    const results = await Promise.allSettled(runs.map((run) => run()));
    // Only short stock may refuse a sale; receipts and the return always go through.
    expect(
      results
        .filter((r) => r.status === 'rejected' && !(r.reason instanceof ConflictError))
        .map((r) => String((r as PromiseRejectedResult).reason)),
    ).toEqual([]);
    expect(await shop.prisma.purchaseOrder.count({ where: { tenantId: shop.tenantId, status: 'received' } })).toBe(costs.length);
    expect(await shop.prisma.return.count({ where: { saleId: early.id } })).toBe(1);

    expect(await ledgerMatches(shop.prisma, shop.tenantId)).toBe(true);
    const movements = await shop.prisma.stockMovement.findMany({ where: { productId: p }, orderBy: { id: 'asc' } });
    const stored = await shop.prisma.product.findUniqueOrThrow({ where: { id: p } });
    expect(stored.cost.toFixed(2)).toBe(averageFromLedger(movements).toFixed(2));
    expect(stored.quantityOnHand.greaterThanOrEqualTo(0)).toBe(true);

    // Each sale's units left at the average the ledger had just before its row, which is what its line carries.
    const lines = await shop.prisma.saleLine.findMany({
      where: { productId: p },
      select: { saleId: true, quantity: true, unitCost: true, lineCost: true },
    });
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      const at = movements.findIndex((m) => m.kind === 'sale' && m.saleId === line.saleId);
      const before = averageFromLedger(movements.slice(0, at));
      expect(line.unitCost.toFixed(2), `sale ${line.saleId}`).toBe(before.toFixed(2));
      expect(movements[at]!.averageCost!.toFixed(2)).toBe(before.toFixed(2));
      expect(line.lineCost.toFixed(2)).toBe(line.quantity.mul(line.unitCost).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2));
    }
    // The return brought its unit back at the early sale's cost (1.00), averaged in.
    const back = movements.find((m) => m.kind === 'return')!;
    expect(back.unitCost!.toFixed(2)).toBe('1.00');

    // The summary's cost of goods sold is the lines' less what the return gave back.
    const summary = await shop.prisma.profitDay.aggregate({
      where: { tenantId: shop.tenantId, slice: 'business_day' },
      _sum: { cost: true },
    });
    const sold = lines.reduce((s, l) => s.plus(l.lineCost), new Decimal(0));
    const returned = await shop.prisma.returnLine.aggregate({ where: { tenantId: shop.tenantId }, _sum: { lineCost: true } });
    expect(summary._sum.cost!.toFixed(2)).toBe(sold.minus(returned._sum.lineCost!).toFixed(2));
    expect((await verifyProfitSummary(shop.prisma, shop.tenantId)).ok).toBe(true);
  });
});
