import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import { receivePurchases } from '../../src/stock/index.ts';
import { newPage } from '../helpers/browser.ts';
import { seriousViolations, signInAs, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';
import type { ServerProcess } from '../helpers/server.ts';

// Selling, then reading what it earned: in Debian's Chromium against the real server (child
// process) on a fresh PostgreSQL database and the test Redis. The goods came in through a
// received purchase order at a cost; a manager sells at the counter, opens Profit and reads
// revenue, cost of goods sold, gross profit and margin, the top products and the stock's
// value; a second sale shows on the next load.

const PASSWORD = 'journey-password-123';
const MANAGER = 'manager@profit.e2e.test';
const STAFF = 'staff@profit.e2e.test';

describe('reading profit and margin', () => {
  let journey: Journey | undefined;
  let server: ServerProcess;
  let browser: Browser;

  async function prepare(prisma: JourneyPrisma) {
    const { tenantId, ownerId } = await createTenant(prisma, {
      name: 'Margin Hardware',
      ownerEmail: 'owner@profit.e2e.test',
      ownerPassword: PASSWORD,
      timeZone: 'Europe/Madrid',
      currency: 'EUR',
      defaultTaxRate: '21',
    });
    for (const [email, role] of [
      [MANAGER, 'manager'],
      [STAFF, 'staff'],
    ] as const)
      await createUser(prisma, tenantId, { email, password: PASSWORD, role, name: role }, { mustChangePassword: false });
    const unit = await prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
    const tools = await prisma.category.create({ data: { tenantId, name: 'Hand tools' } });
    const paint = await prisma.category.create({ data: { tenantId, name: 'Paint' } });
    const product = (sku: string, name: string, price: string, categoryId: number) =>
      prisma.product.create({
        data: {
          tenantId,
          sku,
          name,
          searchText: `${sku} ${name}`.toLowerCase(),
          unitId: unit.id,
          categoryId,
          price: new Prisma.Decimal(price),
        },
      });
    const hammer = await product('PRF-HAM', 'Claw hammer', '20.00', tools.id);
    const wallPaint = await product('PRF-PNT', 'Wall paint 1 l', '9.00', paint.id);
    // Delivered by a supplier on a received order: hammers at 8.00, paint at 4.00.
    const supplier = await prisma.supplier.create({ data: { tenantId, name: 'Ferrotool Wholesale' } });
    await prisma.tenant.update({ where: { id: tenantId }, data: { lastPurchaseOrderNumber: 1 } });
    const order = await prisma.purchaseOrder.create({
      data: { tenantId, number: 1, supplierId: supplier.id, status: 'received', orderedAt: new Date(), createdById: ownerId },
    });
    const lines = await prisma.purchaseOrderLine.createManyAndReturn({
      data: [
        { tenantId, purchaseOrderId: order.id, lineNo: 1, productId: hammer.id, quantity: 10, unitCost: '8.00', receivedQuantity: 10 },
        { tenantId, purchaseOrderId: order.id, lineNo: 2, productId: wallPaint.id, quantity: 20, unitCost: '4.00', receivedQuantity: 20 },
      ],
    });
    await prisma.$transaction((tx) =>
      receivePurchases(
        tx,
        tenantId,
        lines.map((l) => ({
          productId: l.productId,
          quantity: l.quantity,
          unitCost: l.unitCost,
          purchaseOrderLineId: l.id,
          reason: 'Purchase order #1',
        })),
      ),
    );
  }

  beforeAll(async () => {
    journey = await startJourney({ prepare, prefixLabel: 'e2e-profit' });
    ({ server, browser } = journey);
  }, 180_000);
  afterAll(async () => {
    await journey?.close();
  });

  const text = (page: Page, testId: string) =>
    page
      .getByTestId(testId)
      .textContent()
      .then((t) => t?.replace(/\s+/g, ' ').trim() ?? '');

  async function sell(page: Page, lines: Array<[string, string]>) {
    await page.goto('/sales/new');
    for (const [i, [sku, quantity]] of lines.entries()) {
      await page.getByLabel(`Product of line ${i + 1}`, { exact: true }).fill(sku);
      await page.getByLabel(`Quantity of line ${i + 1}`, { exact: true }).fill(quantity);
    }
    await page.getByLabel('Payment').selectOption('cash');
    await page.getByRole('button', { name: 'Confirm sale' }).click();
    await page.waitForURL((url) => /^\/sales\/\d+$/.test(url.pathname));
  }

  it('a manager sells two hammers and three tins of paint, then reads profit 39.00 and margin 58.2 % on the Profit page', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, MANAGER, PASSWORD);
      await sell(page, [
        ['PRF-HAM', '2'],
        ['PRF-PNT', '3'],
      ]);
      await page.getByRole('link', { name: 'Profit', exact: true }).first().click();
      await page.waitForURL((url) => url.pathname === '/profit');
      expect(await page.getByRole('link', { name: 'This month' }).getAttribute('aria-current')).toBe('true');
      // 2 × 20.00 + 3 × 9.00 before tax; 2 × 8.00 + 3 × 4.00 at cost.
      expect(await text(page, 'revenue')).toBe('€67.00');
      expect(await text(page, 'cost')).toBe('€28.00');
      expect(await text(page, 'profit')).toBe('€39.00');
      expect(await text(page, 'margin')).toBe('58.2%');
      const top = page.getByTestId('top-products').locator('tbody tr');
      expect(await top.count()).toBe(2);
      expect((await top.nth(0).textContent())?.replace(/\s+/g, ' ').trim()).toBe('Claw hammer 2 unit €40.00 €24.00 60%');
      expect((await top.nth(1).textContent())?.replace(/\s+/g, ' ').trim()).toBe('Wall paint 1 l 3 unit €27.00 €15.00 55.6%');
      // Left in stock: 8 hammers × 8.00 and 17 tins × 4.00.
      expect(await text(page, 'stock-value-total')).toBe('€132.00');
      expect(await seriousViolations(page)).toEqual([]);

      // Another sale: the next load has it (the page's cache was invalidated after the commit).
      await sell(page, [['PRF-PNT', '1']]);
      await page.goto('/profit');
      expect(await text(page, 'revenue')).toBe('€76.00');
      expect(await text(page, 'profit')).toBe('€44.00');
      expect(await text(page, 'margin')).toBe('57.9%');
      expect(await text(page, 'stock-value-total')).toBe('€128.00');

      // The figures by week, and the CSV of the same series.
      await page.getByLabel('By').selectOption('week');
      await page.getByRole('button', { name: 'Show' }).first().click();
      await page.waitForURL((url) => url.searchParams.get('granularity') === 'week');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv').click()]);
      expect(download.suggestedFilename()).toMatch(/^profit-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}-week\.csv$/);
    } finally {
      await context.close();
    }
  });

  it('staff do not see costs: no Profit in the menu, and the page is forbidden', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, STAFF, PASSWORD);
      expect(await page.getByRole('link', { name: 'Profit', exact: true }).count()).toBe(0);
      const response = await page.goto('/profit');
      expect(response!.status()).toBe(403);
    } finally {
      await context.close();
    }
  });
});
