import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import { newPage } from '../helpers/browser.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { seriousViolations, signInAs, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';
import type { ServerProcess } from '../helpers/server.ts';

// Buying stock in Debian's Chromium against the real server on PostgreSQL: a manager adds a
// supplier and orders three products, staff receive part, the manager receives the rest at
// another cost and sees the average cost move, sells one, pays the supplier in part, reads
// the supplier's statement, and drafts an order from the reorder list.

const PASSWORD = 'journey-password-123';
const MANAGER = 'manager@buy.e2e.test';
const STAFF = 'staff@buy.e2e.test';

describe('buying stock', () => {
  let journey: Journey | undefined;
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  const ids: Record<string, number> = {};

  async function prepare(prisma: JourneyPrisma) {
    const { tenantId } = await createTenant(prisma, { name: 'Journey Tools', ownerEmail: 'owner@buy.e2e.test', ownerPassword: PASSWORD });
    ids.tenant = tenantId;
    await createUser(
      prisma,
      tenantId,
      { email: MANAGER, password: PASSWORD, role: 'manager', name: 'Mia Manager' },
      { mustChangePassword: false },
    );
    await createUser(
      prisma,
      tenantId,
      { email: STAFF, password: PASSWORD, role: 'staff', name: 'Sam Staff' },
      { mustChangePassword: false },
    );
    const unit = await prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
    const product = async (sku: string, name: string, price: string, qty: number, reorderLevel = 0) => {
      const p = await prisma.product.create({
        data: {
          tenantId,
          sku,
          name,
          searchText: `${sku} ${name}`.toLowerCase(),
          unitId: unit.id,
          price: new Prisma.Decimal(price),
          quantityOnHand: new Prisma.Decimal(qty),
          reorderLevel: new Prisma.Decimal(reorderLevel),
        },
      });
      if (qty)
        await prisma.stockMovement.create({ data: { tenantId, productId: p.id, kind: 'receipt', quantity: new Prisma.Decimal(qty) } });
      return p.id;
    };
    ids.hammer = await product('JB-HAM', 'Claw hammer', '12.00', 0);
    ids.screws = await product('JB-SCR', 'Wood screws', '5.50', 0);
    ids.tape = await product('JB-TAP', 'Duct tape', '3.00', 0);
    ids.glue = await product('JB-GLU', 'Wood glue', '4.00', 1, 5);
  }

  beforeAll(async () => {
    journey = await startJourney({ prefixLabel: 'e2e-buy', prepare });
    ({ database, server, browser } = journey);
  });
  afterAll(async () => {
    await journey?.close();
  });

  const cell = async (page: Page, selector: string) =>
    ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

  async function receive(page: Page, orderUrl: string, lines: Record<number, { quantity: string; unitCost?: string }>) {
    await page.goto(orderUrl);
    await page.getByRole('link', { name: 'Receive goods' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/receive'));
    expect(await seriousViolations(page)).toEqual([]);
    for (const n of [1, 2, 3]) {
      const line = lines[n];
      await page.getByLabel(`Received now of line ${n}`, { exact: true }).fill(line?.quantity ?? '');
      if (line?.unitCost) await page.getByLabel(`Unit cost of line ${n}`, { exact: true }).fill(line.unitCost);
    }
    await page.getByRole('button', { name: 'Receive', exact: true }).click();
    await page.waitForURL((url) => /^\/purchasing\/receipts\/\d+$/.test(url.pathname));
  }

  it('a manager orders three products, staff receive part, the rest comes at another cost, a sale, a part payment, the statement, and the reorder list', async () => {
    const manager = await newPage(browser, server.baseUrl);
    const staff = await newPage(browser, server.baseUrl);
    try {
      const page = manager.page;
      await signInAs(page, MANAGER, PASSWORD);

      // A supplier.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Purchasing' }).click();
      await page.waitForURL((url) => url.pathname === '/purchasing/orders');
      await page.getByRole('navigation', { name: 'Purchasing' }).getByRole('link', { name: 'Suppliers', exact: true }).click();
      await page.getByRole('link', { name: 'New supplier' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Herramientas Ibéricas');
      await page.getByLabel('Contact person (optional)').fill('Lucía Ortega');
      await page.getByLabel('Payment terms in days (0: due on receipt)').fill('30');
      await page.getByRole('button', { name: 'Add supplier' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Supplier added.');
      const supplierUrl = new URL(page.url()).pathname;
      expect(await cell(page, '[data-owed]')).toBe('$0.00');

      // An order of three products, saved as a draft, then sent.
      await page.getByRole('link', { name: 'New purchase order' }).click();
      await page.waitForURL((url) => url.pathname === '/purchasing/orders/new');
      expect(await page.getByLabel('Supplier', { exact: true }).inputValue()).not.toBe('');
      const lines: Array<[string, string, string]> = [
        ['JB-HAM', '10', '2.00'],
        ['JB-SCR', '20', '0.40'],
        ['JB-TAP', '5', '1.10'],
      ];
      for (const [i, [sku, quantity, unitCost]] of lines.entries()) {
        await page.getByLabel(`Product of line ${i + 1}`, { exact: true }).fill(sku);
        await page.getByLabel(`Quantity of line ${i + 1}`, { exact: true }).fill(quantity);
        await page.getByLabel(`Unit cost of line ${i + 1}`, { exact: true }).fill(unitCost);
      }
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.waitForURL((url) => /^\/purchasing\/orders\/\d+$/.test(url.pathname));
      const orderUrl = new URL(page.url()).pathname;
      expect(await page.locator('h1 [data-status]').textContent()).toBe('Draft');
      expect(await cell(page, '[data-order-value]')).toBe('$33.50');
      await page.getByRole('button', { name: 'Mark as ordered' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Marked as ordered');
      expect(await page.locator('h1 [data-status]').textContent()).toBe('Ordered');

      // Staff receive part: 4 of the 10 hammers and all the screws; they see no costs.
      await signInAs(staff.page, STAFF, PASSWORD);
      await receive(staff.page, orderUrl, { 1: { quantity: '4' }, 2: { quantity: '20' } });
      expect(await staff.page.locator('[data-cost-after]').count()).toBe(0);
      await staff.page.goto(orderUrl);
      expect(await staff.page.locator('h1 [data-status]').textContent()).toBe('Partly received');

      // The rest at another cost: the hammers' supplier charged 3.00 for these six.
      await receive(page, orderUrl, { 1: { quantity: '6', unitCost: '3.00' }, 3: { quantity: '5' } });
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Goods received.');
      expect(await seriousViolations(page)).toEqual([]);
      const hammer = page.locator('tr[data-product="JB-HAM"]');
      // (4 × 2.00 + 6 × 3.00) / 10 = 2.60
      expect([
        await cell(page, 'tr[data-product="JB-HAM"] [data-cost-before]'),
        await cell(page, 'tr[data-product="JB-HAM"] [data-cost-after]'),
      ]).toEqual(['$2.00', '$2.60']);
      expect(await hammer.count()).toBe(1);
      expect(await cell(page, 'tr[data-product="JB-TAP"] [data-cost-after]')).toBe('$1.10');
      await page.goto(orderUrl);
      expect(await page.locator('h1 [data-status]').textContent()).toBe('Received');
      await page.goto(`/catalog/products/${ids.hammer}`);
      expect(await cell(page, '#product-cost')).toBe('$2.60');
      expect(await cell(page, '[data-last-cost]')).toBe('$3.00');
      expect((await page.locator('#on-hand').textContent())?.trim().split(/\s/)[0]).toBe('10');

      // A sale of one hammer takes it from stock.
      await page.goto('/sales/new');
      await page.getByLabel('Product of line 1', { exact: true }).fill('JB-HAM');
      await page.getByLabel('Quantity of line 1', { exact: true }).fill('1');
      await page.getByRole('button', { name: 'Confirm sale' }).click();
      await page.waitForURL((url) => /^\/sales\/\d+$/.test(url.pathname));
      await page.goto(`/catalog/products/${ids.hammer}`);
      expect((await page.locator('#on-hand').textContent())?.trim().split(/\s/)[0]).toBe('9');

      // What is owed: 4 × 2.00 + 20 × 0.40 + 6 × 3.00 + 5 × 1.10 = 39.50; paid 15.00 of it.
      await page.goto(supplierUrl);
      expect(await cell(page, '[data-owed]')).toBe('$39.50');
      await page.getByRole('link', { name: 'Pay this supplier' }).click();
      await page.waitForURL((url) => url.pathname === '/purchasing/payments/new');
      expect(await cell(page, '[data-owed]')).toBe('$39.50');
      await page.getByLabel('Amount in USD').fill('15');
      await page.getByLabel('Method').selectOption('transfer');
      await page.getByLabel('Reference (optional)').fill('TRF-881');
      await page.getByRole('button', { name: 'Record payment' }).click();
      await page.waitForURL((url) => /^\/purchasing\/payments\/\d+$/.test(url.pathname));
      expect(await cell(page, 'dd[data-owed]')).toBe('$24.50');

      // The supplier's statement: two receipts and the payment, ending at what is owed.
      await page.getByRole('link', { name: 'Statement of Herramientas Ibéricas' }).click();
      await page.waitForURL((url) => url.pathname.endsWith('/statement'));
      expect(await seriousViolations(page)).toEqual([]);
      expect(await page.locator('tr[data-entry="receipt"]').count()).toBe(2);
      expect(await cell(page, 'tr[data-entry="payment"]')).toContain('TRF-881');
      expect(await cell(page, '[data-opening]')).toBe('$0.00');
      expect(await cell(page, '[data-closing]')).toBe('$24.50');

      // The reorder list: wood glue (1 on hand, reorder level 5) waits for a preferred supplier…
      await page.goto('/purchasing/reorder');
      expect(await page.locator('[data-unassigned] tr[data-product="JB-GLU"]').count()).toBe(1);
      await page.goto(`/catalog/products/${ids.glue}`);
      await page.getByRole('link', { name: 'Change buying details' }).click();
      await page.getByLabel('Preferred supplier').selectOption({ label: 'Herramientas Ibéricas' });
      await page.getByLabel("Supplier's code (optional)").fill('HI-GLU-250');
      await page.getByLabel(/^Last cost/).fill('1.80');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Buying details saved.');
      expect(await cell(page, '[data-preferred-supplier]')).toBe('Herramientas Ibéricas');
      // … and then is offered under it, enough for twice its reorder level: one click drafts the order.
      await page.goto('/purchasing/reorder');
      expect(await seriousViolations(page)).toEqual([]);
      const group = page.locator('section[data-supplier="Herramientas Ibéricas"]');
      expect(await group.getByLabel('Quantity of Wood glue to order').inputValue()).toBe('9');
      await page.getByRole('button', { name: 'Make draft orders' }).click();
      await page.waitForURL((url) => url.pathname === '/purchasing/orders' && url.search === '?status=draft');
      await expect.poll(() => page.getByRole('status').textContent()).toContain('1 draft order made');
      await page.locator('#orders-table tbody a').first().click();
      await page.waitForURL((url) => /^\/purchasing\/orders\/\d+$/.test(url.pathname));
      expect(await cell(page, 'tr[data-line="1"]')).toContain('Wood glue');
      expect(await cell(page, 'tr[data-line="1"]')).toContain('HI-GLU-250');
      expect(await cell(page, '[data-order-value]')).toBe('$16.20');
      await page.goto('/purchasing/reorder');
      expect(await page.locator('tr[data-product="JB-GLU"]').textContent()).toMatch(/In draft #\d+/);
      expect(await database.db.prisma.purchaseOrder.count({ where: { tenantId: ids.tenant } })).toBe(2);
    } finally {
      await staff.context.close();
      await manager.context.close();
    }
  });
});
