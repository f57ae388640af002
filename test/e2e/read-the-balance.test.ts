import { readFile } from 'node:fs/promises';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import { seedDemoData } from '../../src/admin/demo-seed.service.ts';
import { localDay } from '../../src/time.ts';
import { newPage } from '../helpers/browser.ts';
import { signInAs, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';
import type { ServerProcess } from '../helpers/server.ts';

// Reading the balance, in Debian's Chromium against the real server (child process) on a
// fresh PostgreSQL database with 60 days of demo trading, and the test Redis.

const PASSWORD = 'journey-password-123';
const MANAGER = 'manager@balance.e2e.test';
const ZONE = 'America/New_York';

describe('reading the balance', () => {
  let journey: Journey | undefined;
  let server: ServerProcess;
  let browser: Browser;
  let customerName = '';
  let sku = '';

  async function prepare(prisma: JourneyPrisma) {
    const { tenantId } = await createTenant(prisma, {
      name: 'Journey Garden',
      ownerEmail: 'owner@balance.e2e.test',
      ownerPassword: PASSWORD,
      timeZone: ZONE,
      currency: 'USD',
    });
    await createUser(
      prisma,
      tenantId,
      { email: MANAGER, password: PASSWORD, role: 'manager', name: 'Mia Manager' },
      { mustChangePassword: false },
    );
    await seedDemoData(prisma, { tenantId, days: 60, products: 15, salesPerDay: 5, until: localDay(new Date(), ZONE) });
    const top = await prisma.sale.groupBy({
      by: ['customerId'],
      where: { tenantId, customerId: { not: null } },
      _count: { _all: true },
      orderBy: { _count: { customerId: 'desc' } },
      take: 1,
    });
    customerName = (await prisma.customer.findUniqueOrThrow({ where: { id: top[0]!.customerId! } })).name;
    sku = (await prisma.product.findFirstOrThrow({ where: { tenantId }, orderBy: { quantityOnHand: 'desc' } })).sku;
  }

  beforeAll(async () => {
    journey = await startJourney({ prefixLabel: 'e2e-bal', prepare });
    ({ server, browser } = journey);
  }, 180_000);
  afterAll(async () => {
    await journey?.close();
  });

  const signIn = (page: Page, email: string) => signInAs(page, email, PASSWORD);

  const cell = (page: Page, testId: string) =>
    page
      .getByTestId(testId)
      .textContent()
      .then((t) => t?.trim() ?? '');
  const rowCount = (page: Page) => page.locator('.balance-table tbody tr').count();

  it('a manager switches presets and granularity, filters by a customer, downloads the CSV, and sees a new sale on the next load', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signIn(page, MANAGER);
      await page.getByRole('link', { name: 'Balance' }).first().click();
      await page.waitForURL((url) => url.pathname === '/balance');
      await expect.poll(() => page.locator('#balance-chart').getAttribute('data-ready')).toBe('true');
      const today = localDay(new Date(), ZONE);
      expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe(today);
      expect(await page.getByRole('link', { name: 'This month' }).getAttribute('aria-current')).toBe('true');
      const results = await new AxeBuilder({ page }).analyze();
      expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

      // Last 30 days by day: opening row + 30 days; then by week and by month.
      await page.getByRole('link', { name: 'Last 30 days' }).click();
      await page.waitForURL((url) => url.searchParams.get('preset') === 'last-30-days');
      expect(await rowCount(page)).toBe(31);
      await page.getByLabel('By', { exact: true }).selectOption('week');
      await page.getByRole('button', { name: 'Show', exact: true }).first().click();
      await page.waitForURL((url) => url.searchParams.get('granularity') === 'week');
      expect(await rowCount(page)).toBeGreaterThanOrEqual(5);
      expect(await page.locator('.balance-table tbody tr').nth(1).textContent()).toContain('Week of');
      await page.getByRole('link', { name: 'This year' }).click();
      await page.waitForURL((url) => url.searchParams.get('preset') === 'this-year');
      await page.getByLabel('By', { exact: true }).selectOption('month');
      await page.getByRole('button', { name: 'Show', exact: true }).first().click();
      await page.waitForURL((url) => url.searchParams.get('granularity') === 'month');
      const allSales = await cell(page, 'sales-total');

      // One customer: smaller totals, the name in the heading.
      await page.getByLabel('Customer').selectOption({ label: customerName });
      await page.getByRole('button', { name: 'Show', exact: true }).first().click();
      await page.waitForURL((url) => url.searchParams.has('customer'));
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(customerName);
      expect(await cell(page, 'sales-total')).not.toBe(allSales);

      // The CSV holds the same series as the table.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv').click()]);
      const csv = await readFile(await download.path(), 'utf8');
      const lines = csv.trim().split('\n');
      expect(lines[0]).toBe('period,from,to,sales,payments,open_balance');
      expect(lines.length).toBe((await rowCount(page)) + 2); // the table's opening and bucket rows, plus header and total
      const closingText = (await cell(page, 'closing')).replace(/[^0-9.-]/g, '');
      expect(lines.at(-1)!.split(',').at(-1)).toBe(closingText);

      // All customers, this month by day; a second visit is served from the cache.
      await page.goto('/balance?preset=this-month&granularity=day');
      const again = await page.goto('/balance?preset=this-month&granularity=day');
      expect(again!.headers()['x-cache']).toBe('HIT');
      expect(await page.getByTestId('updated-at').textContent()).toMatch(/^Updated at \d\d:\d\d$/);
      const before = await cell(page, 'sales-total');

      // Another tab records a cash sale; the next load of the balance includes it.
      const other = await context.newPage();
      await other.goto('/sales/new');
      await other.getByLabel('Product of line 1', { exact: true }).fill(sku);
      await other.getByLabel('Quantity of line 1', { exact: true }).fill('1');
      await other.getByRole('button', { name: 'Confirm sale' }).click();
      await other.waitForURL((url) => /^\/sales\/\d+$/.test(url.pathname));
      const saleTotal = (await other.locator('[data-total]').textContent())!.replace(/[^0-9.]/g, '');
      await other.close();

      const next = await page.goto('/balance?preset=this-month&granularity=day');
      expect(['MISS', 'HIT']).toContain(next!.headers()['x-cache']); // HIT when the warm-up was quicker
      const after = await cell(page, 'sales-total');
      const cents = (s: string) => Math.round(Number(s.replace(/[^0-9.]/g, '')) * 100);
      expect(cents(after) - cents(before)).toBe(cents(saleTotal));

      // Drill down into today's bucket: its sales add up to the bucket.
      await page.getByRole('link', { name: today }).click();
      await page.waitForURL((url) => url.pathname === '/balance/detail');
      expect(await page.getByText(saleTotal).count()).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });

  it('a wrong range gets a message, not an error page', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signIn(page, MANAGER);
      const res = await page.goto('/balance?from=2026-02-10&to=2026-01-01');
      expect(res!.status()).toBe(422);
      expect(await page.locator('#to-error').textContent()).toContain('not be before');
      expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe('2026-02-10');
      const asOf = await page.goto('/balance?preset=this-month&asOf=2026-01-31');
      expect(asOf!.status()).toBe(200);
      expect(await page.getByTestId('as-of').textContent()).toContain('2026-01-31');
    } finally {
      await context.close();
    }
  });
});
