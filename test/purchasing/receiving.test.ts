import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, ValidationError } from '../../src/db/errors.ts';
import { createPurchasing } from '../../src/purchasing/index.ts';
import { averageFromLedger } from '../../src/stock/index.ts';
import { Decimal, ledgerMatches, makeShop, quantity, saleForm, setUpShopWithServices } from '../sales/support.ts';

// On the PostgreSQL server, where receipts and sales of one product really run side by side.
describe('purchasing › receiving on postgresql', () => {
  const shop = setUpShopWithServices('postgresql', { poolSize: 30, setupTimeoutMs: 300_000 });
  const services = () => createPurchasing({ cache: shop.cache });

  async function orderedPurchase(lines: Array<{ productId: number; quantity: string; unitCost: string }>) {
    const { suppliers, orders } = services();
    const supplier = await suppliers.create(shop.actor('manager'), { name: 'Acme Wholesale', paymentTermsDays: '30' });
    const order = await orders.create(shop.actor('manager'), { supplierId: supplier.id, lines });
    await orders.order(shop.actor('manager'), order.id);
    return { supplier, order, lines: (await orders.get(shop.actor('manager'), order.id)).lines };
  }

  async function recomputedCost(productId: number) {
    const movements = await shop.prisma.stockMovement.findMany({
      where: { productId },
      orderBy: { id: 'asc' },
      select: { kind: true, quantity: true, unitCost: true },
    });
    return averageFromLedger(movements);
  }

  it('receives part then the rest at another cost: stock, movements tied to the line, moving average, status', async () => {
    const p = await shop.product({ qty: '0' });
    const { orders } = services();
    const { order, lines } = await orderedPurchase([{ productId: p, quantity: '10', unitCost: '2.00' }]);
    const staff = shop.actor('staff');
    const first = await orders.receive(staff, order.id, { lines: [{ lineId: lines[0]!.id, quantity: '4' }] });
    expect(first.status).toBe('partly_received');
    expect(first.costs.get(p)!.toFixed(2)).toBe('2.00');
    expect(await quantity(shop.prisma, p)).toBe('4');
    // The rest comes in at another cost (the line's cost corrected before receipt).
    await shop.prisma.purchaseOrderLine.update({ where: { id: lines[0]!.id }, data: { unitCost: new Decimal('3.00') } });
    const rest = await orders.receive(staff, order.id, { lines: [{ lineId: lines[0]!.id, quantity: '6' }] });
    expect(rest.status).toBe('received');
    // (4 × 2.00 + 6 × 3.00) / 10 = 2.60
    expect(rest.costs.get(p)!.toFixed(2)).toBe('2.60');
    const movements = await shop.prisma.stockMovement.findMany({ where: { productId: p, kind: 'purchase' }, orderBy: { id: 'asc' } });
    expect(movements.map((m) => [m.quantity.toFixed(), m.unitCost?.toFixed(2), m.purchaseOrderLineId])).toEqual([
      ['4', '2.00', lines[0]!.id],
      ['6', '3.00', lines[0]!.id],
    ]);
    expect((await recomputedCost(p)).toFixed(2)).toBe('2.60');
    expect(await ledgerMatches(shop.prisma, shop.tenantId)).toBe(true);
  });

  it('more than ordered is refused naming the line, nothing written; confirmed, it is received', async () => {
    const p = await shop.product({ qty: '0' });
    const { orders } = services();
    const { order, lines } = await orderedPurchase([{ productId: p, quantity: '5', unitCost: '1.00' }]);
    const error = await orders
      .receive(shop.actor(), order.id, { lines: [{ lineId: lines[0]!.id, quantity: '6' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields['line.1']).toMatch(/6 would be received of 5 ordered/);
    expect(await quantity(shop.prisma, p)).toBe('0');
    expect(await shop.prisma.stockMovement.count({ where: { productId: p } })).toBe(0);
    const ok = await orders.receive(shop.actor(), order.id, { lines: [{ lineId: lines[0]!.id, quantity: '6' }], confirmOver: 'on' });
    expect(ok.status).toBe('received');
    expect(await quantity(shop.prisma, p)).toBe('6');
  });

  it('staff receive but may not order; a draft cannot be received', async () => {
    const { suppliers, orders } = services();
    await expect(suppliers.create(shop.actor('staff'), { name: 'Nope' })).rejects.toBeInstanceOf(ForbiddenError);
    const p = await shop.product({ qty: '0' });
    const supplier = await suppliers.create(shop.actor('owner'), { name: 'Draft Co' });
    const draft = await orders.create(shop.actor('owner'), {
      supplierId: supplier.id,
      lines: [{ productId: p, quantity: '1', unitCost: '1' }],
    });
    await expect(orders.order(shop.actor('staff'), draft.id)).rejects.toBeInstanceOf(ForbiddenError);
    const line = (await orders.get(shop.actor(), draft.id)).lines[0]!;
    await expect(orders.receive(shop.actor(), draft.id, { lines: [{ lineId: line.id, quantity: '1' }] })).rejects.toThrow(/ordered/);
  });

  it("another business's supplier, order and products are not found", async () => {
    const other = await makeShop(shop.prisma);
    const { suppliers, orders } = services();
    const { supplier, order, lines } = await orderedPurchase([
      { productId: await shop.product({ qty: '0' }), quantity: '1', unitCost: '1' },
    ]);
    const them = other.actor('owner');
    await expect(suppliers.get(them, supplier.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(suppliers.update(them, supplier.id, { name: 'Stolen' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(orders.get(them, order.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(orders.receive(them, order.id, { lines: [{ lineId: lines[0]!.id, quantity: '1' }] })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(orders.cancel(them, order.id)).rejects.toBeInstanceOf(NotFoundError);
    // Their own order naming our supplier or product is refused field by field.
    const theirs = await suppliers.create(them, { name: 'Theirs' });
    const refused = await orders
      .create(them, { supplierId: supplier.id, lines: [{ productId: lines[0]!.productId, quantity: '1', unitCost: '1' }] })
      .catch((e: unknown) => e);
    expect(Object.keys((refused as ValidationError).fields).sort()).toEqual(['lines.0.productId', 'supplierId']);
    expect(theirs.id).toBeGreaterThan(0);
  });

  it('concurrent receipts and sales of one product: ledger = quantity on hand, average = its recomputation from the ledger', async () => {
    const p = await shop.product({ qty: '0' });
    const { orders } = services();
    const costs = ['1.00', '1.50', '2.25', '3.10', '0.95', '2.00', '4.40', '1.75'];
    const made = [];
    for (const unitCost of costs) made.push(await orderedPurchase([{ productId: p, quantity: '5', unitCost }]));
    const receipts = made.map(
      ({ order, lines }) =>
        () =>
          orders.receive(shop.actor(), order.id, { lines: [{ lineId: lines[0]!.id, quantity: '5' }] }),
    );
    const sales = Array.from(
      { length: 16 },
      () => () => shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '2' }])),
    );
    const results = await Promise.allSettled([...receipts, ...sales].map((run) => run()));
    const receiptResults = results.slice(0, receipts.length);
    expect(receiptResults.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual([]);
    expect(await ledgerMatches(shop.prisma, shop.tenantId)).toBe(true);
    const stored = await shop.prisma.product.findUniqueOrThrow({ where: { id: p }, select: { cost: true, quantityOnHand: true } });
    expect(stored.cost.toFixed(2)).toBe((await recomputedCost(p)).toFixed(2));
    expect(stored.quantityOnHand.greaterThanOrEqualTo(0)).toBe(true);
  });
});
