import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { newPage } from '../helpers/browser.ts';
import { seriousViolations, signInAs, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';
import type { ServerProcess } from '../helpers/server.ts';

// The sale form's total, in Debian's Chromium against the real server: blank until a line
// is priced, never a passing €0.00, also on the page a refused sale comes back to.

const PASSWORD = 'journey-password-123';
const OWNER = 'owner@total.e2e.test';

describe("the sale form's total", () => {
  let journey: Journey | undefined;
  let server: ServerProcess;
  let browser: Browser;

  async function prepare(prisma: JourneyPrisma) {
    const { tenantId } = await createTenant(prisma, {
      name: 'Total Hardware',
      ownerEmail: OWNER,
      ownerPassword: PASSWORD,
      currency: 'EUR',
      timeZone: 'Europe/Madrid',
    });
    const unit = await prisma.unit.create({ data: { tenantId, code: 'pcs', name: 'Piece' } });
    await prisma.product.create({
      data: {
        tenantId,
        sku: 'TT-TAPE',
        name: 'Duct tape',
        searchText: 'tt-tape duct tape',
        unitId: unit.id,
        price: new Prisma.Decimal('4.00'),
        taxRate: new Prisma.Decimal(0),
        quantityOnHand: new Prisma.Decimal(2),
      },
    });
  }

  beforeAll(async () => {
    journey = await startJourney({ prepare, prefixLabel: 'e2e-total' });
    ({ server, browser } = journey);
  }, 180_000);
  afterAll(async () => {
    await journey?.close();
  });

  /** Every text the total shows on each page load, from the first paint on. */
  async function recordTotals(page: Page) {
    await page.addInitScript(() => {
      const w = globalThis as unknown as {
        totals: string[];
        MutationObserver: new (f: () => void) => { observe(n: unknown, o: unknown): void };
        document: { addEventListener(e: string, f: () => void): void; querySelector(s: string): { textContent: string | null } | null };
      };
      w.totals = [];
      w.document.addEventListener('DOMContentLoaded', () => {
        const el = w.document.querySelector('[data-total]');
        if (!el) return;
        w.totals.push((el.textContent ?? '').trim());
        new w.MutationObserver(() => w.totals.push((el.textContent ?? '').trim())).observe(el, {
          subtree: true,
          childList: true,
          characterData: true,
        });
      });
    });
  }
  const totals = (page: Page) => page.evaluate(() => (globalThis as unknown as { totals: string[] }).totals);

  it('stays blank until a line is priced, and a refused sale comes back with its total and no €0.00 on the way', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await recordTotals(page);
      await signInAs(page, OWNER, PASSWORD);
      await page.goto('/sales/new');
      await page.getByLabel('Product of line 1', { exact: true }).fill('TT-TAPE');
      await page.getByLabel('Quantity of line 1', { exact: true }).fill('5'); // only 2 in stock
      await expect.poll(() => page.locator('[data-total]').textContent()).toBe('€20.00');
      expect((await totals(page)).filter((t) => t !== '')).not.toContain('€0.00');

      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
        page.getByRole('button', { name: /Confirm sale/ }).click(),
      ]);
      expect(response.status()).toBe(409);
      await page.waitForLoadState();
      expect(await page.getByRole('alert').first().textContent()).toMatch(/Not enough stock/);
      // The script's own preview of the page has come back (the sale can be confirmed again).
      await expect.poll(() => page.locator('[data-confirm-total]').textContent()).toBe(' · €20.00');
      const after = await totals(page);
      expect(after[0]).toBe('€20.00'); // as the server rendered it
      expect(after).not.toContain('€0.00');
      expect(await seriousViolations(page)).toEqual([]);
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth')).toBeLessThanOrEqual(1);
    } finally {
      await context.close();
    }
  });
});
