import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createPurchasing } from '../../src/purchasing/index.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { createLogger } from '../../src/logger.ts';
import type { Scope } from '../../src/db/scope.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// The start page's figures (low stock, the last sales) come from the `dashboard` cache module:
// a repeat view is a HIT, and after each kind of commit that changes them the next view is a
// MISS that shows the new figure.

describe('dashboard cache', () => {
  let app: TestApp;
  let owner: TestClient;
  let actor: Scope;
  let tenantId: number;
  let unitId: number;
  let hammer: number;
  let ana: number;

  const view = async () => {
    const res = await owner.get('/');
    expect(res.status).toBe(200);
    return { html: res.html, cache: res.headers.get('x-cache') };
  };
  const lowStockRow = (html: string) => /dash-low[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  const recentRows = (html: string) => /dash-recent[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  const sell = (extra: Record<string, unknown> = {}) =>
    app.deps.sales.confirm(actor, { token: randomUUID(), lines: [{ productId: String(hammer), quantity: '1' }], payNow: 'cash', ...extra });
  /** A warm view is a HIT; `commit` runs; the next view is a MISS and its page passes `check`. */
  async function afterCommit(commit: () => Promise<unknown>, check: (html: string) => void) {
    await view();
    expect((await view()).cache).toBe('HIT');
    await commit();
    const next = await view();
    expect(next.cache).toBe('MISS');
    check(next.html);
  }

  beforeAll(async () => {
    app = await startTestApp({ driver: 'pglite', redis: false });
    const t = await app.createTenantWithOwner('Dashboard Hardware');
    tenantId = t.tenantId;
    actor = { tenantId, userId: t.owner.id, role: 'owner', db: app.deps.tenantDb(tenantId) };
    const prisma = app.deps.db.prisma;
    unitId = (await prisma.unit.create({ data: { tenantId, code: 'pc', name: 'Piece' } })).id;
    hammer = (
      await prisma.product.create({
        data: {
          tenantId,
          sku: 'HAM-1',
          name: 'Claw hammer',
          searchText: 'claw hammer',
          unitId,
          price: new Prisma.Decimal('20.00'),
          taxRate: new Prisma.Decimal(21),
          quantityOnHand: new Prisma.Decimal(10),
          reorderLevel: new Prisma.Decimal(5),
        },
      })
    ).id;
    ana = (await prisma.customer.create({ data: { tenantId, name: 'Ana García' } })).id;
    owner = await app.signIn(t.owner.email, TEST_PASSWORD);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('a confirmed sale shows among the last sales', async () => {
    let id = 0;
    await afterCommit(
      async () => (id = (await sell({ customerId: String(ana) })).id),
      (html) => expect(recentRows(html)).toContain(`href="/sales/${id}"`),
    );
  });

  it('a customer renamed shows with the new name on the last sales', async () => {
    await afterCommit(
      () => app.deps.customers.update(actor, ana, { name: 'Ana García López' }),
      (html) => expect(recentRows(html)).toContain('Ana García López'),
    );
  });

  it('a cancelled sale shows as cancelled', async () => {
    const { id } = await sell({ payNow: undefined });
    await afterCommit(
      () => app.deps.sales.cancel(actor, id),
      (html) => expect(recentRows(html)).toContain('badge out'),
    );
  });

  it('a stock correction below the reorder level shows in low stock', async () => {
    expect(lowStockRow((await view()).html)).not.toContain('Claw hammer');
    await afterCommit(
      () => app.deps.catalog.stock.adjust(actor, hammer, { kind: 'adjustment', quantity: '-6', reason: 'Count' }),
      (html) => expect(lowStockRow(html)).toContain('Claw hammer'),
    );
  });

  it("a unit's new code shows beside the low-stock quantity", async () => {
    await afterCommit(
      () => app.deps.settings.uoms.update(actor, unitId, { code: 'pcs', name: 'Piece' }),
      (html) => expect(lowStockRow(html)).toContain(' pcs</span>'),
    );
  });

  it('a sale taking the last ones shows the new quantity in low stock', async () => {
    const before = (await app.deps.db.prisma.product.findUniqueOrThrow({ where: { id: hammer } })).quantityOnHand;
    await afterCommit(
      () => sell(),
      (html) => expect(lowStockRow(html)).toContain(`>${before.minus(1).toFixed()} pcs</span>`),
    );
  });

  it('a receipt above the reorder level takes the product off low stock', async () => {
    const { orders, suppliers, receiving } = createPurchasing({ transactions: { cache: app.deps.cache, logger: createLogger('silent') } });
    await afterCommit(
      async () => {
        const supplier = await suppliers.create(actor, { token: newFormToken(), name: 'Tools Inc' });
        const order = await orders.create(actor, {
          token: newFormToken(),
          supplierId: supplier.id,
          lines: [{ productId: hammer, quantity: '20', unitCost: '8.00' }],
        });
        await orders.order(actor, order.id);
        const got = await orders.get(actor, order.id);
        await receiving.receive(actor, order.id, {
          token: newFormToken(),
          lines: Object.fromEntries(got.lines.map((l) => [l.lineNo, { quantity: l.quantity.toFixed() }])),
        });
      },
      (html) => expect(lowStockRow(html)).not.toContain('Claw hammer'),
    );
  });
});
