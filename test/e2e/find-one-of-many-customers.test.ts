import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import { newPage } from '../helpers/browser.ts';
import { seriousViolations, signInAs, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';

// A shop with 2,100 customers, in Debian's Chromium against the real server: the customer
// pickers of the sale form, the payment form and the sales filter find one sorted far past the
// first ones (by phone, email or name) from the keyboard, sell to them, take their payment and
// filter by them; axe-clean, and no sideways scrolling on a 390 px phone.

const PASSWORD = 'journey-password-123';
const STAFF = 'staff@many.e2e.test';
const OWNER = 'owner@many.e2e.test';
const PHONE = { width: 390, height: 844 };
const BULK = 2_100;
const Decimal = Prisma.Decimal;

describe('finding one of many customers', () => {
  let journey: Journey | undefined;
  const ids = { zoe: 0 };

  async function prepare(prisma: JourneyPrisma) {
    const { tenantId } = await createTenant(prisma, {
      name: 'Busy Hardware',
      ownerEmail: OWNER,
      ownerPassword: PASSWORD,
      currency: 'EUR',
      timeZone: 'Europe/Madrid',
    });
    await createUser(
      prisma,
      tenantId,
      { email: STAFF, password: PASSWORD, role: 'staff', name: 'Sam Staff' },
      { mustChangePassword: false },
    );
    const unit = await prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
    const product = await prisma.product.create({
      data: {
        tenantId,
        sku: 'BM-HAM',
        name: 'Claw hammer',
        searchText: 'bm-ham claw hammer',
        unitId: unit.id,
        price: new Decimal('12.00'),
        quantityOnHand: new Decimal(500),
      },
    });
    await prisma.stockMovement.create({ data: { tenantId, productId: product.id, kind: 'receipt', quantity: new Decimal(500) } });
    await prisma.customer.createMany({
      data: Array.from({ length: BULK }, (_, i) => ({
        tenantId,
        name: `Customer ${String(i).padStart(4, '0')}`,
        email: `c${i}@bulk.test`,
      })),
    });
    ids.zoe = (
      await prisma.customer.create({ data: { tenantId, name: 'Zoe Zimmermann', email: 'zoe@far.test', phone: '+34 699 000 999' } })
    ).id;
    const owing = await prisma.customer.create({ data: { tenantId, name: 'Zed Owing', creditLimit: new Decimal('10.00') } });
    await prisma.balanceDay.createMany({
      data: [0, owing.id].map((customerKey) => ({
        tenantId,
        customerKey,
        day: new Date('2026-01-05T00:00:00Z'),
        salesTotal: new Decimal('50.00'),
      })),
    });
  }

  beforeAll(async () => {
    journey = await startJourney({ prepare, prefixLabel: 'e2e-many-customers' });
  });
  afterAll(async () => {
    await journey?.close();
  });

  const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();
  const chosenText = (page: Page, id: string) => page.evaluate<string>(`document.getElementById('${id}').selectedOptions[0].textContent`);
  const focusedId = (page: Page) => page.evaluate<string | null>('document.activeElement && document.activeElement.id');
  const overflow = (page: Page) => page.evaluate<number>('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth');

  it('a cashier finds a customer past the first 2,000 by phone, from the keyboard, and sells to them', async () => {
    const { context, page } = await newPage(journey!.browser, journey!.server.baseUrl);
    try {
      await signInAs(page, STAFF, PASSWORD);
      await page.goto('/sales/new');
      expect(await text(page, '#sale-customer-status')).toBe('2,052 more customers: type to find them');
      await page.getByLabel('Find by name, email or phone').focus();
      await page.keyboard.type('699 000 999');
      await expect.poll(() => text(page, '#sale-customer-status')).toBe('1 customer matches');
      expect(await chosenText(page, 'sale-customer')).toBe('Zoe Zimmermann · zoe@far.test');
      // Enter goes to the list, not the form's submit.
      await page.keyboard.press('Enter');
      expect(await focusedId(page)).toBe('sale-customer');
      expect(page.url()).toMatch(/\/sales\/new$/);
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByLabel('Product of line 1', { exact: true }).focus();
      await page.keyboard.type('BM-HAM');
      await page.keyboard.press('Enter');
      await expect.poll(() => text(page, '[data-confirm-total]')).not.toBe('');
      await page.keyboard.press('Control+Enter');
      await page.waitForURL((url) => /^\/sales\/\d+$/.test(url.pathname));
      expect(await page.locator('main').textContent()).toContain('Zoe Zimmermann');
      const sale = await journey!.database.db.prisma.sale.findFirstOrThrow({ orderBy: { id: 'desc' } });
      expect(sale.customerId).toBe(ids.zoe);
    } finally {
      await context.close();
    }
  });

  it('a customer found by name is flagged when over the credit limit, and the sale form says so', async () => {
    const { context, page } = await newPage(journey!.browser, journey!.server.baseUrl);
    try {
      await signInAs(page, STAFF, PASSWORD);
      await page.goto('/sales/new');
      await page.getByLabel('Find by name, email or phone').fill('zed');
      await expect.poll(() => chosenText(page, 'sale-customer')).toBe('Zed Owing · ⚠ credit limit reached');
      await page.getByLabel('Product of line 1', { exact: true }).fill('BM-HAM');
      await expect.poll(() => text(page, '[data-message="customerId"]')).toMatch(/^Over the credit limit: Zed Owing owes €50\.00/);
    } finally {
      await context.close();
    }
  });

  it('the owner takes that customer’s payment and filters the sales and payments lists by them', async () => {
    const { context, page } = await newPage(journey!.browser, journey!.server.baseUrl);
    try {
      await signInAs(page, OWNER, PASSWORD);
      await page.goto('/payments/new');
      await page.getByLabel('Find by name, email or phone').fill('zoe@far');
      await expect.poll(() => chosenText(page, 'pay-customer')).toBe('Zoe Zimmermann · zoe@far.test');
      await page.getByLabel(/^Amount/).fill('5');
      await page.getByRole('button', { name: 'Register payment' }).click();
      await page.waitForURL((url) => !url.pathname.endsWith('/new'));
      const payment = await journey!.database.db.prisma.payment.findFirstOrThrow({ orderBy: { id: 'desc' } });
      expect(payment.customerId).toBe(ids.zoe);

      for (const list of ['/sales', '/payments']) {
        await page.goto(list);
        await page.getByLabel('Find by name, email or phone').fill('zimmermann');
        await expect.poll(() => chosenText(page, 'f-customer')).toBe('Zoe Zimmermann · zoe@far.test');
        // Enter in the search box finds; it does not send the filter yet.
        await page.keyboard.press('Enter');
        expect(new URL(page.url()).search).toBe('');
        await page.getByRole('button', { name: 'Filter' }).click();
        await page.waitForURL((url) => url.searchParams.get('customer') === String(ids.zoe));
        expect(await chosenText(page, 'f-customer')).toBe('Zoe Zimmermann · zoe@far.test');
        expect(await page.locator('tbody a[href^="/customers/"]').allTextContents()).toEqual(['Zoe Zimmermann']);
        expect(await seriousViolations(page)).toEqual([]);
      }
    } finally {
      await context.close();
    }
  });

  it('on a 390 px phone every picker page, searched, has no sideways scrolling and no serious axe violation', async () => {
    const context = await journey!.browser.newContext({
      baseURL: journey!.server.baseUrl,
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    try {
      await signInAs(page, OWNER, PASSWORD);
      for (const [path, id] of [
        ['/sales/new', 'sale-customer'],
        ['/payments/new', 'pay-customer'],
        ['/sales', 'f-customer'],
        ['/payments', 'f-customer'],
      ] as const) {
        await page.goto(path);
        expect(await overflow(page), path).toBe(0);
        await page.getByLabel('Find by name, email or phone').fill('customer 1');
        await expect.poll(() => text(page, `#${id}-status`)).toBe('The first 50 of 1,000 matching customers: type more to narrow');
        expect(await overflow(page), path).toBe(0);
        expect(await seriousViolations(page), path).toEqual([]);
      }
    } finally {
      await context.close();
    }
  });
});
