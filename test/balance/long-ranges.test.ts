import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToBalanceDays, balanceRows } from '../../src/balance/balance-days.ts';
import { MAX_DAY_BUCKETS } from '../../src/balance/balance.rules.ts';
import { TABLE_PAGE_SIZE } from '../../src/balance/balance.view.ts';
import { addDays } from '../../src/time.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// A long range on /balance: by day past a quarter it is shown by week (and says so, with a
// way back to days); the table pages and keeps the whole range's totals on every page.

const FROM = '2025-12-01';
const TO = '2026-11-30'; // 365 days

describe('the balance over a year', () => {
  let app: TestApp;
  let client: TestClient;
  const rows = (html: string) =>
    [...html.matchAll(/<tr>\s*<th scope="row"><a href="\/balance\/detail\?([^"]+)">/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const testId = (html: string, id: string) => new RegExp(`data-testid="${id}">([^<]+)<`).exec(html)?.[1];

  beforeAll(async () => {
    app = await startTestApp({ driver: 'pglite', redis: false });
    const t = await app.createTenantWithOwner();
    // A walk-in sale of 10.00 every day, 4.00 of it paid the same day.
    const days = Array.from({ length: 365 }, (_, i) => addDays(FROM, i));
    await addToBalanceDays(
      app.deps.db.prisma,
      t.tenantId,
      days.flatMap((d) => balanceRows(null, d, '10.00', '4.00')),
    );
    client = await app.signIn(t.owner.email, TEST_PASSWORD);
  }, 180_000);
  afterAll(() => app?.close());

  it('a year asked by day is shown by week, says so, and offers the daily view', async () => {
    const page = await client.get(`/balance?from=${FROM}&to=${TO}&granularity=day`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-testid="switched-to-weeks"');
    expect(page.html).toMatch(/<option value="week" selected>/);
    const weeks = rows(page.html);
    expect(weeks).toHaveLength(53);
    expect(weeks.every((q) => q.includes('granularity=week'))).toBe(true);
    expect(page.html).not.toContain('rel="next"');
    expect(testId(page.html, 'table-sales-total')).toBe('$3,650.00');
    // The presets keep the granularity asked for: this month stays by day.
    expect(page.html).toMatch(/href="\/balance\?preset=this-month&amp;granularity=day"/);
    expect(/href="([^"]+)">Show by day anyway/.exec(page.html)?.[1]).toBe(
      `/balance?from=${FROM}&amp;to=${TO}&amp;granularity=day&amp;daily=1`,
    );
  });

  it(`up to ${MAX_DAY_BUCKETS} days stay by day; one more switches`, async () => {
    const quarter = await client.get(`/balance?from=${FROM}&to=${addDays(FROM, MAX_DAY_BUCKETS - 1)}&granularity=day`);
    expect(quarter.html).not.toContain('switched-to-weeks');
    expect(rows(quarter.html).length).toBeGreaterThan(TABLE_PAGE_SIZE - 1);
    const longer = await client.get(`/balance?from=${FROM}&to=${addDays(FROM, MAX_DAY_BUCKETS)}&granularity=day`);
    expect(longer.html).toContain('switched-to-weeks');
    // Week and month are never changed.
    expect((await client.get(`/balance?from=${FROM}&to=${TO}&granularity=month`)).html).not.toContain('switched-to-weeks');
  });

  it('the daily view of a year pages its table, every day reachable, the totals of the whole range on each page', async () => {
    let url: string | undefined = `/balance?from=${FROM}&to=${TO}&granularity=day&daily=1`;
    const seen: string[] = [];
    let pages = 0;
    let previousLastTo = '';
    while (url) {
      const page = await client.get(url);
      expect(page.status).toBe(200);
      expect(page.html).not.toContain('switched-to-weeks');
      pages++;
      const these = rows(page.html);
      expect(these.length).toBeLessThanOrEqual(TABLE_PAGE_SIZE);
      seen.push(...these.map((q) => new URLSearchParams(q).get('from')!));
      expect(testId(page.html, 'table-sales-total')).toBe('$3,650.00');
      // Each page opens with what the page before closed on.
      if (pages === 1) expect(page.html).toContain(`Opening (${addDays(FROM, -1)})`);
      else expect(page.html).toContain(`Brought forward (to ${previousLastTo})`);
      previousLastTo = new URLSearchParams(these.at(-1)).get('to')!;
      expect(page.html).toContain('Total (whole range)');
      const next = /href="([^"]+)" rel="next"/.exec(page.html)?.[1];
      if (next) expect(next).toContain('daily=1');
      url = next?.replace(/&amp;/g, '&').split('#')[0];
    }
    expect(pages).toBe(Math.ceil(365 / TABLE_PAGE_SIZE));
    expect(seen).toEqual(Array.from({ length: 365 }, (_, i) => addDays(FROM, i)));
  });
});
