import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, PermissionError, ValidationError } from '../../src/db/errors.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { Decimal, ledgerMatches, makeShop, quantity, saleForm, setUpShopWithServices } from '../sales/support.ts';
import { purchasingOf } from './support.ts';

// On the PostgreSQL server, where receipts and sales of one product really run side by side.
describe('purchasing › receiving on postgresql', () => {
  const shop = setUpShopWithServices('postgresql', { poolSize: 30, setupTimeoutMs: 300_000 });
  const buy = () => purchasingOf(shop);

  it('receives part then the rest at another cost: stock, movements tied to the line, moving average, last cost, status', async () => {
    const p = await shop.product({ qty: '0' });
    const b = buy();
    const { orderId, lines } = await b.orderedPurchase([{ productId: p, quantity: '10', unitCost: '2.00' }]);
    const first = await b.receiving.receipt(shop.actor('owner'), await b.receive(orderId, { 1: '4' }));
    expect(first.purchaseOrder.status).toBe('partly_received');
    expect(first.lines.map((l) => [l.costBefore?.toFixed(2), l.costAfter?.toFixed(2)])).toEqual([['0.00', '2.00']]);
    expect(await quantity(shop.prisma, p)).toBe('4');
    // The rest comes in at another cost (the supplier's invoice differs): a manager receives it.
    const rest = await b.receiving.receipt(
      shop.actor('owner'),
      await b.receive(orderId, { 1: { quantity: '6', unitCost: '3.00' } }, { role: 'manager' }),
    );
    expect(rest.purchaseOrder.status).toBe('received');
    // (4 × 2.00 + 6 × 3.00) / 10 = 2.60
    expect(rest.lines.map((l) => [l.costBefore?.toFixed(2), l.costAfter?.toFixed(2), l.lineTotal?.toFixed(2)])).toEqual([
      ['2.00', '2.60', '18.00'],
    ]);
    const product = await shop.prisma.product.findUniqueOrThrow({ where: { id: p } });
    expect([product.cost.toFixed(2), product.lastCost?.toFixed(2)]).toEqual(['2.60', '3.00']);
    const movements = await shop.prisma.stockMovement.findMany({ where: { productId: p, kind: 'purchase' }, orderBy: { id: 'asc' } });
    expect(movements.map((m) => [m.quantity.toFixed(), m.unitCost?.toFixed(2), m.purchaseOrderLineId])).toEqual([
      ['4', '2.00', lines[0]!.id],
      ['6', '3.00', lines[0]!.id],
    ]);
    expect((await b.recomputedCost(p)).toFixed(2)).toBe('2.60');
    expect(await ledgerMatches(shop.prisma, shop.tenantId)).toBe(true);
  });

  it('more than ordered is refused on the line, nothing written; confirmed, it is received', async () => {
    const p = await shop.product({ qty: '0' });
    const b = buy();
    const { orderId, supplierId } = await b.orderedPurchase([{ productId: p, quantity: '5', unitCost: '1.00' }]);
    const error = await b.receive(orderId, { 1: '6' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields['lines.1.quantity']).toMatch(/More than ordered/);
    expect(await quantity(shop.prisma, p)).toBe('0');
    expect(await shop.prisma.stockMovement.count({ where: { productId: p } })).toBe(0);
    expect(await shop.prisma.purchaseReceipt.count({ where: { purchaseOrderId: orderId } })).toBe(0);
    expect((await shop.prisma.supplier.findUniqueOrThrow({ where: { id: supplierId } })).owed.toFixed(2)).toBe('0.00');
    await b.receive(orderId, { 1: '6' }, { confirmOver: 'on' });
    expect(await quantity(shop.prisma, p)).toBe('6');
    expect((await shop.prisma.purchaseOrder.findUniqueOrThrow({ where: { id: orderId } })).status).toBe('received');
  });

  it('staff receive at the order cost but may not order, nor receive at another cost; a draft cannot be received', async () => {
    const b = buy();
    await expect(b.suppliers.create(shop.actor('staff'), { token: newFormToken(), name: 'Nope' })).rejects.toBeInstanceOf(ForbiddenError);
    const p = await shop.product({ qty: '0' });
    const supplierId = await b.supplier('Draft Co');
    const draft = await b.orders.create(shop.actor('owner'), {
      token: newFormToken(),
      supplierId,
      lines: [{ productId: p, quantity: '1', unitCost: '1' }],
    });
    await expect(b.orders.order(shop.actor('staff'), draft.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(b.receive(draft.id, { 1: '1' })).rejects.toBeInstanceOf(ConflictError);
    await b.orders.order(shop.actor('manager'), draft.id);
    await expect(b.receive(draft.id, { 1: { quantity: '1', unitCost: '0.50' } })).rejects.toBeInstanceOf(PermissionError);
    expect(await quantity(shop.prisma, p)).toBe('0');
    await b.receive(draft.id, { 1: { quantity: '1', unitCost: '1.00' } });
    expect(await quantity(shop.prisma, p)).toBe('1');
  });

  it("another business's supplier, order, receipt and products are not found", async () => {
    const other = await makeShop(shop.prisma);
    const b = buy();
    const product = await shop.product({ qty: '0' });
    const { supplierId, orderId } = await b.orderedPurchase([{ productId: product, quantity: '2', unitCost: '1' }]);
    const receiptId = await b.receive(orderId, { 1: '1' });
    const them = other.actor('owner');
    await expect(b.suppliers.get(them, supplierId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(b.suppliers.update(them, supplierId, { name: 'Stolen' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(b.orders.get(them, orderId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(b.receiving.receipt(them, receiptId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(b.receiving.receive(them, orderId, { token: newFormToken(), lines: { 1: { quantity: '1' } } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(b.orders.cancel(them, orderId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(b.orders.update(them, orderId, { supplierId, lines: [{ productId: product, quantity: '1' }] })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(b.productBuying.set(them, product, { supplierCode: 'X' })).rejects.toBeInstanceOf(NotFoundError);
    // Their own order naming our supplier or product is refused field by field.
    const theirs = await b.suppliers.create(them, { token: newFormToken(), name: 'Theirs' });
    const refused = await b.orders
      .create(them, { token: newFormToken(), supplierId, lines: [{ productId: product, quantity: '1', unitCost: '1' }] })
      .catch((e: unknown) => e);
    expect(Object.keys((refused as ValidationError).fields).sort()).toEqual(['lines.0.product', 'supplierId']);
    await expect(b.productBuying.set(them, await other.product({}), { preferredSupplierId: String(supplierId) })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(theirs.id).toBeGreaterThan(0);
  });

  it('concurrent receipts and sales of one product: ledger = quantity on hand, average = its recomputation from the ledger', async () => {
    const p = await shop.product({ qty: '0' });
    const b = buy();
    const costs = ['1.00', '1.50', '2.25', '3.10', '0.95', '2.00', '4.40', '1.75'];
    const supplierId = await b.supplier('Many Receipts Ltd');
    const made = [];
    for (const unitCost of costs) made.push(await b.orderedPurchase([{ productId: p, quantity: '5', unitCost }], supplierId));
    const receipts = made.map(
      ({ orderId }) =>
        () =>
          b.receive(orderId, { 1: '5' }),
    );
    const sales = Array.from(
      { length: 16 },
      () => () => shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '2' }])),
    );
    const results = await Promise.allSettled([...receipts, ...sales].map((run) => run()));
    expect(
      results
        .slice(0, receipts.length)
        .filter((r) => r.status === 'rejected')
        .map((r) => String(r.reason)),
    ).toEqual([]);
    expect(await ledgerMatches(shop.prisma, shop.tenantId)).toBe(true);
    const stored = await shop.prisma.product.findUniqueOrThrow({ where: { id: p }, select: { cost: true, quantityOnHand: true } });
    expect(stored.cost.toFixed(2)).toBe((await b.recomputedCost(p)).toFixed(2));
    expect(stored.quantityOnHand.greaterThanOrEqualTo(0)).toBe(true);
    // Every receipt's cost change follows the one before it for this product (each read under the lock).
    const lines = await shop.prisma.purchaseReceiptLine.findMany({ where: { productId: p }, orderBy: { id: 'asc' } });
    expect(lines).toHaveLength(costs.length);
    expect(lines.at(-1)!.costAfter.toFixed(2)).toBe(stored.cost.toFixed(2));
    expect(lines.slice(1).map((l) => l.costBefore.toFixed(2))).toEqual(lines.slice(0, -1).map((l) => l.costAfter.toFixed(2)));
    // What is owed is the sum of the receipts' values: 5 × Σ costs.
    const owed = (await shop.prisma.supplier.findUniqueOrThrow({ where: { id: supplierId } })).owed;
    expect(owed.toFixed(2)).toBe(costs.reduce((s, c) => s.plus(new Decimal(c).times(5)), new Decimal(0)).toFixed(2));
  });
});
