import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import { verifyBalanceSummary } from '../../src/balance/verify.ts';
import { newPage } from '../helpers/browser.ts';
import { seriousViolations, signInAs, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';
import type { ServerProcess } from '../helpers/server.ts';

// At the counter after the sale: a customer brings one unit back and gets cash; a walk-in's
// cash sale is cancelled after a confirmation that refunds the cash; at the end of the day
// the manager counts the drawer, a euro short, and finds the count in the history. Every new
// page is checked with axe and at phone width (no sideways scrolling).

const PASSWORD = 'journey-password-123';
const MANAGER = 'manager@till.e2e.test';
const PHONE = { width: 390, height: 844 };

describe('returning, refunding and closing the till', () => {
  let journey: Journey | undefined;
  let server: ServerProcess;
  let browser: Browser;
  let prisma: JourneyPrisma;
  let tenantId = 0;
  const ids: Record<string, number> = {};

  async function prepare(db: JourneyPrisma) {
    ({ tenantId } = await createTenant(db, {
      name: 'Counter Hardware',
      ownerEmail: 'owner@till.e2e.test',
      ownerPassword: PASSWORD,
      currency: 'EUR',
      timeZone: 'Europe/Madrid',
      defaultTaxRate: '21',
    }));
    await createUser(
      db,
      tenantId,
      { email: MANAGER, password: PASSWORD, role: 'manager', name: 'Mia Manager' },
      { mustChangePassword: false },
    );
    const unit = await db.unit.create({ data: { tenantId, code: 'pcs', name: 'Pieces' } });
    const product = async (sku: string, name: string, price: string) => {
      const p = await db.product.create({
        data: {
          tenantId,
          sku,
          name,
          searchText: `${sku} ${name}`.toLowerCase(),
          unitId: unit.id,
          price: new Prisma.Decimal(price),
          quantityOnHand: new Prisma.Decimal(10),
        },
      });
      await db.stockMovement.create({ data: { tenantId, productId: p.id, kind: 'receipt', quantity: new Prisma.Decimal(10) } });
      return p.id;
    };
    ids.saw = await product('TIL-SAW', 'Hand saw', '20.00');
    ids.level = await product('TIL-LVL', 'Spirit level', '397.00');
  }

  beforeAll(async () => {
    journey = await startJourney({ prepare, prefixLabel: 'e2e-till' });
    ({ server, browser } = journey);
    prisma = journey.database.db.prisma;
  });
  afterAll(async () => {
    await journey?.close();
  });

  const overflow = (page: Page) => page.evaluate<number>('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth');

  /** Axe at desktop width, then no sideways scroll at 390 px, then back. */
  async function checkPage(page: Page, what: string) {
    expect(await seriousViolations(page), `${what}: axe`).toEqual([]);
    expect(await page.locator('h1').count(), `${what}: one h1`).toBe(1);
    await page.setViewportSize(PHONE);
    expect(await overflow(page), `${what} scrolls sideways at 390 px`).toBeLessThanOrEqual(1);
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  async function sellForCash(page: Page, sku: string, quantity: string): Promise<string> {
    await page.goto('/sales/new');
    await page.getByLabel('Product of line 1', { exact: true }).fill(sku);
    await page.getByLabel('Quantity of line 1', { exact: true }).fill(quantity);
    await page.getByLabel('Payment').selectOption('cash');
    await page.getByRole('button', { name: 'Confirm sale' }).click();
    await page.waitForURL((url) => /^\/sales\/\d+$/.test(url.pathname));
    return new URL(page.url()).pathname;
  }

  async function onHand(page: Page, productId: number) {
    await page.goto(`/catalog/products/${productId}`);
    return (await page.locator('#on-hand').textContent())?.trim().split(/\s/)[0];
  }

  it('returns one unit of a cash sale and refunds it in cash, then cancels another sale after confirming, refunding its cash', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, MANAGER, PASSWORD);
      // 2 saws at 20.00 + 21 % = 48.40, paid in cash.
      const sale = await sellForCash(page, 'TIL-SAW', '2');
      expect(await page.locator('[data-total]').textContent()).toContain('€48.40');
      expect(await onHand(page, ids.saw!)).toBe('8');

      await page.goto(sale);
      await page.getByRole('link', { name: 'Return items' }).click();
      await page.waitForURL((url) => url.pathname === `${sale}/returns/new`);
      await checkPage(page, 'return form');
      // Too many first: refused on the line, nothing recorded.
      await page.getByLabel('Units of Hand saw (line 1) to return').fill('3');
      await page.getByRole('button', { name: 'Record return' }).click();
      await expect
        .poll(() => page.locator('[id="lines.1.quantity-error"]').textContent())
        .toMatch(/Only 2 pcs of “Hand saw” left to return/);
      expect(await page.getByLabel('Units of Hand saw (line 1) to return').getAttribute('aria-invalid')).toBe('true');
      await checkPage(page, 'return form with an error');
      await page.getByLabel('Units of Hand saw (line 1) to return').fill('1');
      await page.getByLabel('Cash').check();
      await page.getByLabel('Reason (optional)').fill('Handle cracked');
      await page.getByRole('button', { name: 'Record return' }).click();
      await page.waitForURL((url) => /^\/returns\/\d+$/.test(url.pathname));
      expect(await page.getByRole('status').textContent()).toContain('Return recorded');
      expect(await page.locator('[data-return-total]').textContent()).toContain('€24.20');
      expect(await page.locator('[data-refund]').textContent()).toContain('Cash refund: €24.20');
      await checkPage(page, 'return receipt');

      await page.getByRole('link', { name: /Back to sale #1/ }).click();
      expect(await page.locator('[data-returned]').textContent()).toContain('€24.20');
      expect(await page.locator('[data-worth]').textContent()).toContain('€24.20');
      expect(await page.locator('[data-returnable]').textContent()).toContain('1 pcs of Hand saw');
      expect(await page.locator('[data-refunds]').textContent()).toContain('Cash refund · €24.20'); // methods written through the one label map
      expect(await page.locator('[data-open]').textContent()).toContain('€0.00');
      await checkPage(page, 'sale with a return');
      expect(await onHand(page, ids.saw!)).toBe('9');

      // A walk-in's €480.37 cash sale (397.00 + 21 %), cancelled: the page asks first and refunds the cash.
      const second = await sellForCash(page, 'TIL-LVL', '1');
      await page.getByRole('link', { name: /Cancel sale #2/ }).click();
      await page.waitForURL((url) => url.pathname === `${second}/cancel`);
      expect(await page.locator('[data-stock-back]').textContent()).toContain('1 pcs of Spirit level');
      expect(await page.locator('[data-money-left]').textContent()).toContain('€480.37 paid on this sale would be left behind');
      expect(await page.getByLabel(/Credit/).count()).toBe(0);
      await checkPage(page, 'cancel confirmation');
      await page.getByRole('link', { name: 'Keep the sale' }).click();
      await page.waitForURL((url) => url.pathname === second);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('confirmed');
      await page.getByRole('link', { name: /Cancel sale #2/ }).click();
      await page.getByLabel('Cash refund').check();
      await page.getByRole('button', { name: 'Cancel sale #2' }).click();
      await page.waitForURL((url) => url.pathname === second);
      expect(await page.getByRole('status').textContent()).toContain('Sale #2 cancelled; its stock is back. €480.37 refunded.');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('cancelled');
      expect(await onHand(page, ids.level!)).toBe('10');

      expect((await verifyBalanceSummary(prisma, tenantId)).differences).toEqual([]);
      // The walk-in owes nothing and is owed nothing: 48.40 + 480.37 paid, 24.20 + 480.37 refunded, 24.20 still sold.
      await page.goto('/');
      expect(await page.locator('[data-month-sales]').textContent()).toContain('€24.20');
      expect(await page.locator('[data-month-payments]').textContent()).toContain('€24.20');
    } finally {
      await context.close();
    }
  });

  it('closes the till a euro short and finds the count in the history', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, MANAGER, PASSWORD);
      await page.getByRole('link', { name: 'Till' }).first().click();
      await page.waitForURL((url) => url.pathname === '/till');
      // 48.40 + 480.37 taken, 24.20 + 480.37 given back.
      expect(await page.locator('[data-cash-in]').textContent()).toContain('€528.77');
      expect(await page.locator('[data-cash-out]').textContent()).toContain('€504.57');
      expect(await page.locator('[data-expected]').textContent()).toContain('€24.20');
      await checkPage(page, 'till');
      await page.getByLabel(/Counted cash/).fill('twenty');
      await page.getByRole('button', { name: 'Close the till' }).click();
      await expect.poll(() => page.locator('[id="counted-error"]').textContent()).toContain('Counted cash must be a number');
      await checkPage(page, 'till with an error');
      await page.getByLabel(/Counted cash/).fill('23.20');
      await page.getByLabel('Note (optional)').fill('One euro missing');
      await page.getByRole('button', { name: 'Close the till' }).click();
      await page.waitForURL((url) => /^\/till\/closes\/\d+$/.test(url.pathname));
      expect(await page.locator('[data-expected]').textContent()).toContain('€24.20');
      expect(await page.locator('[data-counted]').textContent()).toContain('€23.20');
      expect(await page.locator('[data-difference]').textContent()).toContain('short €1.00');
      await checkPage(page, 'till close');
      await page.getByRole('link', { name: 'Till closes' }).click();
      await page.waitForURL((url) => url.pathname === '/till/closes');
      expect(await page.locator('#till-closes [data-difference]').first().textContent()).toContain('short €1.00');
      expect(await page.locator('#till-closes').textContent()).toContain('Mia Manager');
      await checkPage(page, 'till close history');
      // The drawer starts again from nothing.
      await page.goto('/till');
      expect(await page.locator('[data-expected]').textContent()).toContain('€0.00');
    } finally {
      await context.close();
    }
  });
});
