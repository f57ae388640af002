import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { newPage } from '../helpers/browser.ts';
import { seriousViolations, signInAs, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';
import type { ServerProcess } from '../helpers/server.ts';

// Selling and getting paid, in Debian's Chromium against the real server (child process)
// on a fresh PostgreSQL database and the test Redis.

const PASSWORD = 'journey-password-123';
const STAFF = 'staff@sell.e2e.test';
const MANAGER = 'manager@sell.e2e.test';

describe('selling and getting paid', () => {
  let journey: Journey | undefined;
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  const ids: Record<string, number> = {};

  async function prepare(prisma: JourneyPrisma) {
    const { tenantId } = await createTenant(prisma, {
      name: 'Journey Hardware',
      ownerEmail: 'owner@sell.e2e.test',
      ownerPassword: PASSWORD,
      defaultTaxRate: '10',
    });
    await createUser(
      prisma,
      tenantId,
      { email: STAFF, password: PASSWORD, role: 'staff', name: 'Sam Staff' },
      { mustChangePassword: false },
    );
    // The owner lets staff give up to 10% (the journey's second line has 10% off).
    await prisma.tenant.update({ where: { id: tenantId }, data: { staffMaxDiscountPct: new Prisma.Decimal(10) } });
    await createUser(
      prisma,
      tenantId,
      { email: MANAGER, password: PASSWORD, role: 'manager', name: 'Mia Manager' },
      { mustChangePassword: false },
    );
    const unit = await prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
    const product = async (sku: string, name: string, price: string, taxRate: string | null) => {
      const p = await prisma.product.create({
        data: {
          tenantId,
          sku,
          name,
          searchText: `${sku} ${name}`.toLowerCase(),
          unitId: unit.id,
          price: new Prisma.Decimal(price),
          taxRate: taxRate === null ? null : new Prisma.Decimal(taxRate),
          quantityOnHand: new Prisma.Decimal(10),
        },
      });
      await prisma.stockMovement.create({ data: { tenantId, productId: p.id, kind: 'receipt', quantity: new Prisma.Decimal(10) } });
      return p.id;
    };
    ids.hammer = await product('JRN-HAM', 'Claw hammer', '10.00', null);
    ids.screws = await product('JRN-SCR', 'Wood screws', '5.50', null);
    ids.tape = await product('JRN-TAP', 'Duct tape', '2.00', '0');
    ids.drill = await product('JRN-DRL', 'Drill bit set', '25.00', null);
    ids.customer = (await prisma.customer.create({ data: { tenantId, name: 'Ana García' } })).id;
  }

  beforeAll(async () => {
    journey = await startJourney({ prepare });
    ({ database, server, browser } = journey);
  });
  afterAll(async () => {
    await journey?.close();
  });

  const signIn = (page: Page, email: string) => signInAs(page, email, PASSWORD);

  async function onHand(page: Page, productId: number) {
    await page.goto(`/catalog/products/${productId}`);
    return (await page.locator('#on-hand').textContent())?.trim().split(/\s/)[0];
  }

  async function fillLine(page: Page, n: number, sku: string, quantity: string, discount?: string) {
    await page.getByLabel(`Product of line ${n}`, { exact: true }).fill(sku);
    await page.getByLabel(`Quantity of line ${n}`, { exact: true }).fill(quantity);
    if (discount) await page.getByLabel(`Discount % of line ${n}`, { exact: true }).fill(discount);
  }

  it('staff records a three-line sale, the stock drops, a partial payment then the rest bring the balance to 0', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signIn(page, STAFF);
      await page.getByRole('link', { name: 'New sale' }).first().click();
      await page.waitForURL((url) => url.pathname === '/sales/new');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('Customer').selectOption({ label: 'Ana García' });
      await fillLine(page, 1, 'JRN-HAM', '2');
      await fillLine(page, 2, 'JRN-SCR', '3', '10');
      await fillLine(page, 3, 'JRN-TAP', '1');
      // Live totals (the script): 22.00 + 16.34 + 2.00.
      await expect.poll(() => page.locator('[data-total]').textContent()).toContain('$40.34');
      expect(await page.locator('[data-tax]').textContent()).toContain('$3.49');
      await page.getByRole('button', { name: 'Confirm sale' }).click();
      await page.waitForURL((url) => /^\/sales\/\d+$/.test(url.pathname));
      const saleUrl = new URL(page.url()).pathname;
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Sale #1');
      expect(await page.locator('[data-total]').textContent()).toContain('$40.34');
      expect(await page.locator('[data-open]').textContent()).toContain('$40.34');
      expect(await page.getByRole('button', { name: /Cancel sale/ }).count()).toBe(0);
      expect(await page.getByRole('link', { name: /Cancel sale/ }).count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);

      expect([await onHand(page, ids.hammer!), await onHand(page, ids.screws!), await onHand(page, ids.tape!)]).toEqual(['8', '7', '9']);

      await page.goto(saleUrl);
      await page.getByRole('link', { name: 'Register a payment' }).click();
      await page.waitForURL((url) => url.pathname === '/payments/new');
      expect(await page.getByLabel(/Amount/).inputValue()).toBe('40.34');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel(/Amount/).fill('15');
      await page.getByLabel('Method').selectOption('card');
      await page.getByRole('button', { name: 'Register payment' }).click();
      await page.waitForURL((url) => /^\/payments\/\d+$/.test(url.pathname));
      expect(await page.locator('[data-sale-open]').textContent()).toContain('$25.34');

      await page.getByRole('link', { name: /Back to sale #1/ }).click();
      await page.getByRole('link', { name: 'Register a payment' }).click();
      expect(await page.getByLabel(/Amount/).inputValue()).toBe('25.34');
      await page.getByRole('button', { name: 'Register payment' }).click();
      await page.waitForURL((url) => /^\/payments\/\d+$/.test(url.pathname));
      expect(await page.locator('[data-sale-open]').textContent()).toContain('$0.00');

      await page.goto(`/customers/${ids.customer}`);
      expect(await page.locator('[data-open-balance]').textContent()).toContain('$0.00');
      expect(await seriousViolations(page)).toEqual([]);
      // Staff see their own sales of the day, not the business's month.
      await page.goto('/');
      expect(await page.locator('[data-own-sales-total]').textContent()).toContain('$40.34');
      expect(await page.locator('[data-month-sales]').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('a sale short of stock comes back naming the line, and nothing is recorded', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signIn(page, STAFF);
      await page.goto('/sales/new');
      await fillLine(page, 1, 'JRN-TAP', '1');
      await fillLine(page, 2, 'JRN-DRL', '11');
      await page.getByRole('button', { name: 'Confirm sale' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/line 2 \(Drill bit set: 11 wanted, 10 available\)/);
      expect(await page.getByLabel('Quantity of line 2', { exact: true }).inputValue()).toBe('11');
      expect(await page.getByLabel('Quantity of line 2', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await onHand(page, ids.tape!)).toBe('9');
    } finally {
      await context.close();
    }
  });

  it('a double click, and going back and sending the form again, record one sale', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signIn(page, STAFF);
      const count = () => database.db.prisma.sale.count();
      const before = await count();
      await page.goto('/sales/new');
      await fillLine(page, 1, 'JRN-TAP', '1');
      await page.getByRole('button', { name: 'Confirm sale' }).dblclick();
      await page.waitForURL((url) => /^\/sales\/\d+$/.test(url.pathname));
      const saleUrl = new URL(page.url()).pathname;
      expect(await count()).toBe(before + 1);
      await page.goBack();
      await page.waitForURL((url) => url.pathname === '/sales/new');
      // From the back-forward cache the typed line is still there; from the HTTP cache only the page (and its token).
      if ((await page.getByLabel('Product of line 1', { exact: true }).inputValue()) === '') await fillLine(page, 1, 'JRN-TAP', '1');
      await page.getByRole('button', { name: 'Confirm sale' }).click();
      await page.waitForURL((url) => /^\/sales\/\d+$/.test(url.pathname));
      // The form came back from the browser's cache with its one-time token: the same sale, not a new one.
      const again = new URL(page.url()).pathname;
      expect(again).toBe(saleUrl);
      expect(await count()).toBe(before + 1);
      expect(await page.getByRole('status').textContent()).toContain('already been recorded');
    } finally {
      await context.close();
    }
  });

  it('a manager cancels another sale and the stock comes back', async () => {
    const staff = await newPage(browser, server.baseUrl);
    let saleUrl: string;
    let number: string;
    try {
      await signIn(staff.page, STAFF);
      await staff.page.goto('/sales/new');
      await fillLine(staff.page, 1, 'Drill bit set', '4');
      await staff.page.getByRole('button', { name: 'Confirm sale' }).click();
      await staff.page.waitForURL((url) => /^\/sales\/\d+$/.test(url.pathname));
      saleUrl = new URL(staff.page.url()).pathname;
      number = /Sale #(\d+)/.exec((await staff.page.getByRole('heading', { level: 1 }).textContent()) ?? '')![1]!;
      expect(await onHand(staff.page, ids.drill!)).toBe('6');
    } finally {
      await staff.context.close();
    }
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signIn(page, MANAGER);
      await page.goto(saleUrl);
      // The sale page leads to a confirmation that says what will happen; the button there cancels.
      await page.getByRole('link', { name: `Cancel sale #${number}…` }).click();
      await page.waitForURL((url) => url.pathname === `${saleUrl}/cancel`);
      expect(await page.locator('[data-stock-back]').textContent()).toContain('4 unit of Drill bit set');
      await page.getByRole('button', { name: `Cancel sale #${number}` }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain(`Sale #${number} cancelled`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('cancelled');
      expect(await onHand(page, ids.drill!)).toBe('10');
      await page.goto('/sales?status=cancelled');
      expect(await page.locator('tbody').textContent()).toContain(`#${number}`);
    } finally {
      await context.close();
    }
  });
});
