import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { ValidationError } from '../../src/db/errors.ts';
import type { Scope } from '../../src/db/scope.ts';
import { supplierStatement } from '../../src/purchasing/index.ts';
import { localDay } from '../../src/time.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// What the business owes its suppliers, on PostgreSQL: a receipt raises it in the receipt's
// transaction, a payment lowers it and can never take it below zero, however many are sent at
// once, and the supplier's statement ends at what is owed.

const HOOK_TIMEOUT_MS = 180_000;
const Decimal = Prisma.Decimal;

describe('supplier payables on postgresql', () => {
  let t: TestApp;
  let scope: Scope;
  let manager: TestClient;
  let unitId: number;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp({ driver: 'postgresql', redis: true, env: { RATE_LIMIT_POSTS_PER_MINUTE: '10000' } });
    const business = await t.createTenantWithOwner('Payables Hardware');
    scope = { tenantId: business.tenantId, userId: business.owner.id, role: 'owner', db: t.deps.tenantDb(business.tenantId) };
    unitId = (await t.deps.settings.uoms.create(scope, { code: 'unit', name: 'Unit' })).id;
    const user = await t.createUser(business.tenantId, 'manager');
    manager = await t.signIn(user.email, user.password);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const p = () => t.deps.purchasing;
  const owedOf = async (supplierId: number) => (await t.deps.db.prisma.supplier.findUniqueOrThrow({ where: { id: supplierId } })).owed;

  /** A supplier with one ordered line of `quantity` × `unitCost`, all received: owes quantity × unitCost. */
  async function supplierOwed(quantity: string, unitCost: string) {
    const supplierId = (await p().suppliers.create(scope, { token: randomUUID(), name: `Supplier ${++n}` })).id;
    const sku = `PAY-${n}`;
    const { id: productId } = await t.deps.catalog.products.create(scope, { sku, name: sku, unitId: String(unitId), price: '1' });
    const { id: orderId } = await p().orders.create(scope, { token: randomUUID(), supplierId, lines: [{ productId, quantity, unitCost }] });
    await p().orders.order(scope, orderId);
    await p().receiving.receive(scope, orderId, { token: randomUUID(), lines: { 1: { quantity } } });
    return { supplierId, productId, orderId };
  }

  it('20 payments posted at once never pay more than is owed: exactly as many as fit go through', async () => {
    const { supplierId } = await supplierOwed('10', '10.00');
    expect((await owedOf(supplierId)).toFixed(2)).toBe('100.00');
    await manager.refreshCsrf('/purchasing/payments/new');
    const post = () =>
      manager.post('/purchasing/payments', {
        token: randomUUID(),
        supplierId: String(supplierId),
        amount: '7.00',
        method: 'transfer',
        day: '',
        reference: '',
        note: '',
      });
    const results = await Promise.all(Array.from({ length: 20 }, post));
    const statuses = results.map((r) => r.status);
    // 14 × 7.00 = 98.00 fits in 100.00; the 15th would make 105.00.
    expect(statuses.filter((s) => s === 303)).toHaveLength(14);
    expect(statuses.filter((s) => s === 422)).toHaveLength(6);
    for (const r of results.filter((r) => r.status === 422))
      expect(r.html).toContain('A payment cannot be more than what is owed to this supplier.');
    expect((await owedOf(supplierId)).toFixed(2)).toBe('2.00');
    const paid = await t.deps.db.prisma.supplierPayment.aggregate({ where: { supplierId }, _sum: { amount: true }, _count: true });
    expect([paid._count, paid._sum.amount?.toFixed(2)]).toEqual([14, '98.00']);
  });

  it('paying all that is owed leaves nothing; then any payment is refused as "nothing is owed"', async () => {
    const { supplierId } = await supplierOwed('3', '1.10');
    await p().payments.register(scope, { token: randomUUID(), supplierId, amount: '3.30', method: 'cash' });
    expect((await owedOf(supplierId)).toFixed(2)).toBe('0.00');
    const refused: unknown = await p()
      .payments.register(scope, { token: randomUUID(), supplierId, amount: '0.01', method: 'cash' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).fields.amount).toBe('Nothing is owed to this supplier.');
  });

  it('receipts and payments racing each other: owed = Σ receipts − Σ payments, never below zero, and the statement ends there', async () => {
    const supplierId = (await p().suppliers.create(scope, { token: randomUUID(), name: `Racing supplier ${++n}` })).id;
    const { id: productId } = await t.deps.catalog.products.create(scope, {
      sku: `RACE-${n}`,
      name: 'Race',
      unitId: String(unitId),
      price: '1',
    });
    const orders = [];
    for (let i = 0; i < 8; i++) {
      const { id } = await p().orders.create(scope, {
        token: randomUUID(),
        supplierId,
        lines: [{ productId, quantity: '2', unitCost: `${i + 1}.25` }],
      });
      await p().orders.order(scope, id);
      orders.push(id);
    }
    const receipts = orders.map((id) => () => p().receiving.receive(scope, id, { token: randomUUID(), lines: { 1: { quantity: '2' } } }));
    const payments = Array.from(
      { length: 12 },
      () => () => p().payments.register(scope, { token: randomUUID(), supplierId, amount: '4.00', method: 'card' }),
    );
    // Interleaved, all at once: a payment may come before the receipts that would cover it.
    const runs = receipts.flatMap((receipt, i) => [receipt, payments[i], payments[i + 8]].filter((r) => r !== undefined));
    const settled = await Promise.allSettled(runs.map((run) => run()));
    const refusals = settled.flatMap((r) =>
      r.status === 'rejected' ? [String((r.reason as { fields?: Record<string, string> }).fields?.amount)] : [],
    );
    for (const message of refusals)
      expect(['A payment cannot be more than what is owed to this supplier.', 'Nothing is owed to this supplier.']).toContain(message);
    const prisma = t.deps.db.prisma;
    const received = await prisma.purchaseReceipt.aggregate({ where: { supplierId }, _sum: { total: true }, _count: true });
    const paid = await prisma.supplierPayment.aggregate({ where: { supplierId }, _sum: { amount: true } });
    expect(received._count).toBe(8);
    const owed = await owedOf(supplierId);
    expect(owed.toFixed(2)).toBe(new Decimal(received._sum.total!).minus(paid._sum.amount ?? 0).toFixed(2));
    expect(owed.greaterThanOrEqualTo(0)).toBe(true);
    // 2 × (1.25 + 2.25 + … + 8.25) = 76.00 received.
    expect(new Decimal(received._sum.total!).toFixed(2)).toBe('76.00');
    const today = localDay(new Date(), 'UTC');
    const s = await supplierStatement(scope, 'UTC', supplierId, today, today);
    expect(s.opening.toFixed(2)).toBe('0.00');
    expect(s.closing.toFixed(2)).toBe(owed.toFixed(2));
    expect(s.entries.filter((e) => e.kind === 'receipt')).toHaveLength(8);
  });
});
