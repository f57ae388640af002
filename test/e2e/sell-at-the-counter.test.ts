import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { newPage } from '../helpers/browser.ts';
import { seriousViolations, signInAs, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';
import type { ServerProcess } from '../helpers/server.ts';

// Selling at the counter, in Debian's Chromium against the real server: a barcode scanner
// (a code typed as key presses, then Enter), lines typed every way a person types them, a
// cash sale with change due, the customer picker, and every amount in view on a phone.

const PASSWORD = 'journey-password-123';
const STAFF = 'staff@counter.e2e.test';
const PHONE = { width: 390, height: 844 };
const Decimal = Prisma.Decimal;

describe('selling at the counter', () => {
  let journey: Journey | undefined;
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let cashSaleUrl = '';

  async function prepare(prisma: JourneyPrisma) {
    const { tenantId } = await createTenant(prisma, {
      name: 'Counter Hardware',
      ownerEmail: 'owner@counter.e2e.test',
      ownerPassword: PASSWORD,
      defaultTaxRate: '21',
      currency: 'EUR',
      timeZone: 'Europe/Madrid',
    });
    await createUser(
      prisma,
      tenantId,
      { email: STAFF, password: PASSWORD, role: 'staff', name: 'Sam Staff' },
      { mustChangePassword: false },
    );
    // The owner lets the cashier change a price and give up to 15 % (one line below overrides a price, one has 12.5 % off).
    await prisma.tenant.update({ where: { id: tenantId }, data: { staffMayOverridePrice: true, staffMaxDiscountPct: new Decimal(15) } });
    const unit = await prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
    const product = async (sku: string, name: string, price: string, taxRate: string | null, barcodes: string[]) => {
      const p = await prisma.product.create({
        data: {
          tenantId,
          sku,
          name,
          searchText: `${sku} ${name}`.toLowerCase(),
          unitId: unit.id,
          price: new Decimal(price),
          taxRate: taxRate === null ? null : new Decimal(taxRate),
          quantityOnHand: new Decimal(500),
        },
      });
      await prisma.stockMovement.create({ data: { tenantId, productId: p.id, kind: 'receipt', quantity: new Decimal(500) } });
      for (const code of barcodes) await prisma.productBarcode.create({ data: { tenantId, productId: p.id, code } });
    };
    await product('CT-TAP', 'Duct tape', '3.99', null, ['8400000000106']);
    await product('CT-GLU', 'Wood glue', '7.49', '10', ['8400000000113', '8400000000120']);
    await product('CT-SAW', 'Hand saw with a long name for a small screen', '19.95', null, ['8400000000137']);
    await product('CT-SCR', 'Wood screws 4x40', '0.33', null, []);
    await prisma.customer.create({ data: { tenantId, name: 'Ana García', email: 'ana.garcia@example.com' } });
    await prisma.customer.create({ data: { tenantId, name: 'Ana García', phone: '+34 600 000 001' } });
    const owing = await prisma.customer.create({
      data: { tenantId, name: 'Otto Owing', email: 'otto@example.com', creditLimit: new Decimal('100.00') },
    });
    // Otto owes 150.00 already (the summary is what the limit is checked against).
    await prisma.balanceDay.createMany({
      data: [0, owing.id].map((customerKey) => ({
        tenantId,
        customerKey,
        day: new Date('2026-01-05T00:00:00Z'),
        salesTotal: new Decimal('150.00'),
      })),
    });
  }

  beforeAll(async () => {
    journey = await startJourney({ prepare, prefixLabel: 'e2e-counter' });
    ({ database, server, browser } = journey);
  });
  afterAll(async () => {
    await journey?.close();
  });

  const focusedId = (page: Page) => page.evaluate<string | null>('document.activeElement && document.activeElement.id');
  const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();
  const product = (page: Page, n: number) => page.getByLabel(`Product of line ${n}`, { exact: true });
  const sales = () => database.db.prisma.sale.count();

  /** A scanner: the code as key presses, then Enter. */
  async function scan(page: Page, code: string) {
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
  }
  /** The shown total once the preview has caught up with the form (the button says the same). */
  async function shownTotal(page: Page): Promise<string> {
    await expect.poll(async () => (await text(page, '[data-confirm-total]')).replace(/^·\s*/, '')).not.toBe('');
    await page.waitForLoadState('networkidle');
    const total = await text(page, '[data-total]');
    expect(await text(page, '[data-confirm-total]')).toBe(`· ${total}`);
    return total;
  }
  async function recordedTotal(page: Page): Promise<string> {
    await page.waitForURL((url) => /^\/sales\/\d+$/.test(url.pathname));
    return text(page, '[data-total]');
  }

  it('a cashier scans three products, one of them twice, and sells for cash with the change due; Enter never sends the form', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, STAFF, PASSWORD);
      await page.goto('/sales/new');
      const before = await sales();
      await product(page, 1).focus();
      await scan(page, '8400000000106');
      await expect.poll(() => focusedId(page)).toBe('line-1-product');
      expect(await text(page, '.sale-line:nth-child(1) [data-line-name]')).toBe('Duct tape · CT-TAP');
      await scan(page, '8400000000120'); // the glue's second barcode
      await expect.poll(() => focusedId(page)).toBe('line-2-product');
      expect(await text(page, '.sale-line:nth-child(2) [data-line-name]')).toBe('Wood glue · CT-GLU');
      // The tape again: its line counts 2, and the next scan goes where this one was typed.
      await scan(page, '8400000000106');
      await expect.poll(() => page.getByLabel('Quantity of line 1', { exact: true }).inputValue()).toBe('2');
      expect(await product(page, 3).inputValue()).toBe('');
      expect(await focusedId(page)).toBe('line-2-product');
      // An unknown code says so on its line, and the code stays there, selected for the next scan.
      await scan(page, '4000000000009');
      await expect
        .poll(() => text(page, '.sale-line:nth-child(3) [data-line-message]'))
        .toBe('No product with SKU, barcode or name “4000000000009”');
      expect(await page.locator('.sale-line:nth-child(3) [data-line-message]').getAttribute('aria-live')).toBe('polite');
      expect(await focusedId(page)).toBe('line-2-product');
      await scan(page, '8400000000137'); // replaces the selected unknown code
      await expect
        .poll(() => text(page, '.sale-line:nth-child(3) [data-line-name]'))
        .toBe('Hand saw with a long name for a small screen · CT-SAW');
      await expect.poll(() => focusedId(page)).toBe('line-3-product'); // a fourth line was added
      expect(await page.locator('[data-line]').count()).toBe(4);
      expect(new URL(page.url()).pathname).toBe('/sales/new');
      expect(await sales()).toBe(before);

      // 2 × 3.99 + 21 % = 9.66; 7.49 + 10 % = 8.24; 19.95 + 21 % = 24.14 → 42.04.
      expect(await shownTotal(page)).toBe('€42.04');
      await page.getByLabel('Payment').selectOption('cash');
      await page.getByLabel(/Cash tendered/).fill('50');
      await expect.poll(() => text(page, '[data-change]')).toBe('€7.96');
      expect(await seriousViolations(page)).toEqual([]);
      // Enter in the cash box does not send the form either; Ctrl+Enter does.
      await page.getByLabel(/Cash tendered/).press('Enter');
      expect(await sales()).toBe(before);
      await page.keyboard.press('Control+Enter');
      expect(await recordedTotal(page)).toBe('€42.04');
      cashSaleUrl = new URL(page.url()).pathname;
      expect(await text(page, '[data-tendered]')).toBe('€50.00');
      expect(await text(page, '[data-change]')).toBe('€7.96');
      expect(await seriousViolations(page)).toEqual([]);
      expect(await sales()).toBe(before + 1);
      const sale = await database.db.prisma.sale.findFirstOrThrow({
        orderBy: { id: 'desc' },
        include: { lines: { orderBy: { lineNo: 'asc' }, include: { product: true } } },
      });
      expect(sale.lines.map((l) => [l.product.sku, l.quantity.toFixed()])).toEqual([
        ['CT-TAP', '2'],
        ['CT-GLU', '1'],
        ['CT-SAW', '1'],
      ]);
      expect(sale.cashTendered?.toFixed(2)).toBe('50.00');
    } finally {
      await context.close();
    }
  });

  it('a line typed by name, not picked, shows the total that is then recorded', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, STAFF, PASSWORD);
      await page.goto('/sales/new');
      await product(page, 1).fill('wood glue');
      await page.getByLabel('Quantity of line 1', { exact: true }).fill('3');
      await expect.poll(() => text(page, '.sale-line:nth-child(1) [data-line-name]')).toBe('Wood glue · CT-GLU');
      const shown = await shownTotal(page);
      expect(shown).toBe('€24.72'); // 3 × 7.49 = 22.47 + 10 % = 2.25
      await page.getByRole('button', { name: /Confirm sale/ }).click();
      expect(await recordedTotal(page)).toBe(shown);
    } finally {
      await context.close();
    }
  });

  it('lines typed every way (picked, typed SKU, typed name, scanned, price override, discount) show exactly the total recorded', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, STAFF, PASSWORD);
      await page.goto('/sales/new');
      // Picked: the suggestion's value, as the browser puts it in the box.
      const suggestion = await page.locator('#product-options option', { hasText: 'Duct tape' }).getAttribute('value');
      await product(page, 1).fill(suggestion!);
      await page.getByLabel('Quantity of line 1', { exact: true }).fill('3');
      await product(page, 2).fill('ct-scr');
      await page.getByLabel('Quantity of line 2', { exact: true }).fill('17');
      await product(page, 3).fill('Hand saw with a long name for a small screen');
      await page.getByLabel('Discount % of line 3', { exact: true }).fill('12.5');
      await page.getByLabel('Quantity of line 3', { exact: true }).press('Enter'); // to a new line
      await expect.poll(() => focusedId(page)).toBe('line-3-product');
      await scan(page, '8400000000113');
      await expect.poll(() => focusedId(page)).toBe('line-4-product');
      await product(page, 5).fill('CT-GLU');
      await page.getByLabel('Quantity of line 5', { exact: true }).fill('2');
      await page.getByLabel('Unit price of line 5', { exact: true }).fill('6.99');
      await page.getByLabel('Tax % of line 5', { exact: true }).fill('4');
      // A typed SKU is looked up before its line counts in the total: wait for the fifth line's
      // (2 × 6.99 = 13.98, + 4 % = 0.56).
      await expect.poll(() => text(page, '.sale-line:nth-child(5) [data-line-total]')).toBe('€14.54');
      const shown = await shownTotal(page);
      const lineTotals = await page.locator('[data-line-total]').allTextContents();
      await page.getByRole('button', { name: /Confirm sale/ }).click();
      expect(await recordedTotal(page)).toBe(shown);
      const sale = await database.db.prisma.sale.findFirstOrThrow({
        orderBy: { id: 'desc' },
        include: { lines: { orderBy: { lineNo: 'asc' } } },
      });
      expect(`€${sale.total.toFixed(2)}`).toBe(shown);
      expect(lineTotals.filter(Boolean)).toEqual(sale.lines.map((l) => `€${l.lineTotal.toFixed(2)}`));
    } finally {
      await context.close();
    }
  });

  it('without its script the form still confirms lines typed by name and barcode, quantity 1 when blank', async () => {
    const context = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await signInAs(page, STAFF, PASSWORD);
      await page.goto('/sales/new');
      expect(await page.locator('[data-picker-search]').isVisible()).toBe(false);
      await product(page, 1).fill('Duct tape');
      await product(page, 2).fill('8400000000113');
      await page.getByLabel('Quantity of line 2', { exact: true }).fill('2');
      await page.getByLabel('Payment').selectOption('cash');
      await page.getByLabel(/Cash tendered/).fill('30');
      await page.getByRole('button', { name: 'Confirm sale' }).click();
      // 3.99 + 21 % = 4.83; 2 × 7.49 + 10 % = 16.48.
      expect(await recordedTotal(page)).toBe('€21.31');
      expect(await text(page, '[data-change]')).toBe('€8.69');
    } finally {
      await context.close();
    }
  });

  it('the customer picker finds by name or email, tells two Ana Garcías apart and flags a reached credit limit', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, STAFF, PASSWORD);
      await page.goto('/sales/new');
      const labels = await page.locator('#sale-customer option').allTextContents();
      expect(labels).toContain('Ana García · ana.garcia@example.com');
      expect(labels).toContain('Ana García · +34 600 000 001');
      expect(labels).toContain('Otto Owing · otto@example.com · ⚠ credit limit reached');
      await page.getByLabel('Find by name, email or phone').fill('garcía');
      await expect.poll(() => text(page, '#sale-customer-status')).toBe('2 customers match');
      const visible = await page.locator('#sale-customer option:not([hidden])').allTextContents();
      expect(visible).toEqual(['Walk-in (no customer)', 'Ana García · ana.garcia@example.com', 'Ana García · +34 600 000 001']);
      await page.getByLabel('Find by name, email or phone').fill('otto@');
      await expect
        .poll(() => page.evaluate("document.getElementById('sale-customer').selectedOptions[0].textContent"))
        .toContain('Otto Owing');
      await product(page, 1).fill('CT-TAP');
      await expect.poll(() => text(page, '[data-message="customerId"]')).toMatch(/^Over the credit limit: Otto Owing owes €150\.00/);
      expect(await seriousViolations(page)).toEqual([]);
      await page.goto('/customers');
      expect(await text(page, 'tr:has-text("Otto Owing") [data-limit-reached]')).toBe('limit reached');
      expect(await page.locator('[data-limit-reached]').count()).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  /** Money outside the viewport, or clipped by a scrolling box: what a phone user cannot see. (A string: the tests compile without the DOM's types.) */
  const moneyOutOfSight = (page: Page) =>
    page.evaluate<string[]>(`(() => {
      const out = [];
      for (const el of document.querySelectorAll('[data-money]')) {
        if (!el.textContent.trim() || !el.getClientRects().length) continue;
        const r = el.getBoundingClientRect();
        let clipped = r.left < 0 || r.right > window.innerWidth + 0.5;
        for (let a = el.parentElement; a && !clipped; a = a.parentElement) {
          if (getComputedStyle(a).overflowX === 'visible') continue;
          const b = a.getBoundingClientRect();
          clipped = r.left < b.left - 0.5 || r.right > b.right + 0.5;
        }
        if (clipped) out.push(el.textContent.trim() + ' (' + Math.round(r.left) + '–' + Math.round(r.right) + ')');
      }
      return out;
    })()`);

  it('on a 390 px phone every amount of the sale form, the sale page and the dashboard is in view without scrolling sideways', async () => {
    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      await signInAs(page, STAFF, PASSWORD);
      const check = async (what: string) => {
        const widths = await page.evaluate<{ scroll: number; inner: number }>(
          '({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth })',
        );
        expect(widths.scroll, `${what} scrolls sideways`).toBeLessThanOrEqual(widths.inner);
        expect(await page.locator('[data-money]').count(), `${what} shows no amounts`).toBeGreaterThan(0);
        expect(await moneyOutOfSight(page), `${what}: amounts out of sight`).toEqual([]);
      };
      await page.goto('/sales/new');
      await product(page, 1).fill('8400000000137');
      await page.getByLabel('Discount % of line 1', { exact: true }).fill('5');
      await product(page, 2).fill('CT-SCR');
      await page.getByLabel('Quantity of line 2', { exact: true }).fill('400');
      await page.getByLabel('Unit price of line 2', { exact: true }).fill('12345.67');
      await page.getByLabel('Payment').selectOption('cash');
      await page.getByLabel(/Cash tendered/).fill('20000000');
      await shownTotal(page);
      await expect.poll(() => text(page, '[data-change]')).not.toBe('');
      await check('the sale form');
      await page.goto(cashSaleUrl);
      await check('the sale page');
      await page.goto('/');
      await check('the dashboard');
    } finally {
      await context.close();
    }
  });
});
