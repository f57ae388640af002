import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { seedDemoData } from '../../src/admin/demo-seed.service.ts';
import { addDays, localDay } from '../../src/time.ts';
import { newPage } from '../helpers/browser.ts';
import { seriousViolations, signInAs, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';
import type { ServerProcess } from '../helpers/server.ts';

// An owner reads four months of trade on /balance, in Debian's Chromium against the real
// server: shown by week (and told so), tooltips in the table's money format, a click on a
// bar opens that week's sales and payments; the daily view pages its table.

const PASSWORD = 'journey-password-123';
const OWNER = 'owner@long-range.e2e.test';
const ZONE = 'Europe/Lisbon';
const DAYS = 120;

describe('the balance over a long range', () => {
  let journey: Journey | undefined;
  let server: ServerProcess;
  let browser: Browser;
  const today = () => localDay(new Date(), ZONE);

  async function prepare(prisma: JourneyPrisma) {
    const { tenantId } = await createTenant(prisma, {
      name: 'Long Range Tools',
      ownerEmail: OWNER,
      ownerPassword: PASSWORD,
      timeZone: ZONE,
      currency: 'EUR',
    });
    await seedDemoData(prisma, { tenantId, days: DAYS, products: 6, salesPerDay: 3, until: today() });
  }

  beforeAll(async () => {
    journey = await startJourney({ prefixLabel: 'e2e-long', prepare });
    ({ server, browser } = journey);
  }, 180_000);
  afterAll(async () => {
    await journey?.close();
  });

  async function phoneFits(page: Page, what: string) {
    await page.setViewportSize({ width: 390, height: 844 });
    // The chart follows the new width on its next resize callback: wait for it, then measure.
    await expect
      .poll(() => page.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth'), {
        message: `${what} scrolls sideways at 390 px`,
      })
      .toBeLessThanOrEqual(1);
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  it('an owner sees four months by week, reads a tooltip, clicks a bar and lands on that week; the daily view pages', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, OWNER, PASSWORD);
      const from = addDays(today(), -(DAYS - 1));
      await page.goto(`/balance?from=${from}&to=${today()}&granularity=day`);
      await expect.poll(() => page.locator('#balance-chart').getAttribute('data-ready')).toBe('true');
      expect(await page.getByTestId('switched-to-weeks').textContent()).toContain('Shown by week');
      expect(await page.getByLabel('By').inputValue()).toBe('week');
      expect(await seriousViolations(page)).toEqual([]);
      await phoneFits(page, 'the balance by week');

      // The week with the most sales: its tooltip and its table row say the same amount.
      const rows = page.locator('.balance-table tbody tr');
      const buckets = await page.evaluate(() => {
        const chart = (globalThis as unknown as { balanceChart: { data: { datasets: Array<{ data: number[] }> } } }).balanceChart;
        return chart.data.datasets[0]!.data;
      });
      const i = buckets.indexOf(Math.max(...buckets));
      expect(buckets[i]).toBeGreaterThan(0);
      const row = rows.nth(i + 1); // after the opening row
      const rowSales = (await row.locator('td').nth(0).textContent())!.trim();
      expect(rowSales).toMatch(/^€[\d,]+\.\d\d$/);
      const tooltip = await page.evaluate((index) => {
        const chart = (
          globalThis as unknown as {
            balanceChart: {
              data: { datasets: unknown[] };
              options: { plugins: { tooltip: { callbacks: { label: (item: unknown) => string } } } };
            };
          }
        ).balanceChart;
        return chart.options.plugins.tooltip.callbacks.label({ dataset: chart.data.datasets[0], dataIndex: index });
      }, i);
      expect(tooltip).toBe(`Sales: ${rowSales}`);

      // Click in the middle of that week's sales bar, where it stands now: the phone check above
      // resized the page, and the chart follows its container only on its next resize
      // observation, so make it fit (and draw) before reading positions.
      const point = await page.evaluate((index) => {
        const chart = (
          globalThis as unknown as {
            balanceChart: {
              resize(): void;
              update(mode: string): void;
              getDatasetMeta(n: number): { data: Array<{ x: number; y: number; base: number }> };
            };
          }
        ).balanceChart;
        chart.resize();
        chart.update('none');
        const bar = chart.getDatasetMeta(0).data[index]!;
        return { x: bar.x, y: (bar.y + bar.base) / 2 };
      }, i);
      const detailHref = await row.locator('th a').getAttribute('href');
      await page.locator('#balance-chart').click({ position: point });
      await page.waitForURL((url) => url.pathname === '/balance/detail');
      const landed = new URL(page.url());
      const expected = new URL(detailHref!, server.baseUrl);
      expect(landed.searchParams.get('from')).toBe(expected.searchParams.get('from'));
      expect(landed.searchParams.get('to')).toBe(expected.searchParams.get('to'));
      expect((await page.getByTestId('detail-sales-total').textContent())!.trim()).toBe(rowSales);
      expect(await seriousViolations(page)).toEqual([]);
      await phoneFits(page, 'the week detail');

      // Back, and the daily view: no notice, the table pages with the totals kept.
      await page.goBack();
      const total = (await page.getByTestId('table-sales-total').textContent())!.trim();
      await page.getByRole('link', { name: 'Show by day anyway' }).click();
      await page.waitForURL((url) => url.searchParams.get('daily') === '1');
      expect(await page.getByTestId('switched-to-weeks').count()).toBe(0);
      expect(await page.getByLabel('By').inputValue()).toBe('day');
      expect(await rows.count()).toBe(61); // the opening row and 60 days
      expect((await page.getByTestId('table-sales-total').textContent())!.trim()).toBe(total);
      expect(await seriousViolations(page)).toEqual([]);
      await phoneFits(page, 'the balance by day');
      await page.getByRole('link', { name: 'Next' }).click();
      await page.waitForURL((url) => url.searchParams.get('page') === '2');
      expect(await page.locator('.balance-table tbody tr').first().textContent()).toContain('Brought forward');
      expect((await page.getByTestId('table-sales-total').textContent())!.trim()).toBe(total);
    } finally {
      await context.close();
    }
  });
});
