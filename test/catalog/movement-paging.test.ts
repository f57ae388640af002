import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOVEMENTS_PAGE_SIZE } from '../../src/catalog/stock.service.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// A product's stock history pages instead of stopping at the first page's rows.

describe("a product's stock movements", () => {
  let app: TestApp;
  let owner: TestClient;
  let productId: number;

  beforeAll(async () => {
    app = await startTestApp({ driver: 'pglite', redis: true });
    const tenant = await app.createTenantWithOwner();
    owner = await app.signIn(tenant.owner.email, tenant.owner.password);
    const db = app.deps.db.prisma;
    const unit = await db.unit.create({ data: { tenantId: tenant.tenantId, code: 'pc', name: 'Piece' } });
    const product = await db.product.create({
      data: {
        tenantId: tenant.tenantId,
        sku: 'HAM-1',
        name: 'Claw hammer',
        unitId: unit.id,
        price: '12.50',
        quantityOnHand: MOVEMENTS_PAGE_SIZE + 7,
      },
    });
    productId = product.id;
    const start = Date.UTC(2026, 0, 1);
    // Receipt n is the nth oldest: "Delivery 1" is the very first, on the last page.
    await db.stockMovement.createMany({
      data: Array.from({ length: MOVEMENTS_PAGE_SIZE + 7 }, (_, i) => ({
        tenantId: tenant.tenantId,
        productId,
        kind: 'receipt' as const,
        quantity: 1,
        reason: `Delivery ${i + 1}.`,
        createdAt: new Date(start + i * 3_600_000),
      })),
    });
  }, 180_000);
  afterAll(() => app?.close());

  it('shows the newest page with a link to the older ones, and the older ones reachable', async () => {
    const first = await owner.get(`/catalog/products/${productId}`);
    expect(first.status).toBe(200);
    expect(first.html).toContain(`Page 1 of 2 · ${MOVEMENTS_PAGE_SIZE + 7} in all`);
    expect(first.html).toContain(`Delivery ${MOVEMENTS_PAGE_SIZE + 7}.`);
    expect(first.html).not.toContain('Delivery 7.');
    const next = /href="([^"]+)" rel="next"/.exec(first.html)?.[1];
    expect(next).toBe(`/catalog/products/${productId}?page=2#movements-heading`);

    const second = await owner.get(next!.replace(/&amp;/g, '&').split('#')[0]!);
    expect(second.status).toBe(200);
    expect(second.html).toContain('Page 2 of 2');
    for (let n = 1; n <= 7; n++) expect(second.html).toContain(`Delivery ${n}.`);
    expect(second.html).not.toContain(`Delivery ${MOVEMENTS_PAGE_SIZE + 7}.`);
    expect(second.html).not.toContain('rel="next"');
    expect(second.html).toMatch(/href="\/catalog\/products\/\d+#movements-heading" rel="prev"/);
  });

  it('shows the last page for a page number past the end, and the first for nonsense', async () => {
    expect((await owner.get(`/catalog/products/${productId}?page=99`)).html).toContain('Page 2 of 2');
    expect((await owner.get(`/catalog/products/${productId}?page=abc`)).html).toContain('Page 1 of 2');
  });
});
