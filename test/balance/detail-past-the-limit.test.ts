import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETAIL_LIST_LIMIT } from '../../src/balance/bucket-detail.ts';
import { zonedInstant } from '../../src/time.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// A busy day's detail lists its first sales, says how many more there are, and links to
// the sales list for the same day, which pages them.

const DAY = '2026-05-16';

describe("a busy day's balance detail", () => {
  let app: TestApp;
  let client: TestClient;
  const count = DETAIL_LIST_LIMIT + 3;

  beforeAll(async () => {
    app = await startTestApp({ driver: 'pglite', redis: false });
    const t = await app.createTenantWithOwner();
    const start = zonedInstant(DAY, 'UTC', 9 * 60);
    await app.deps.db.prisma.sale.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        tenantId: t.tenantId,
        number: i + 1,
        soldAt: new Date(start.getTime() + i * 60_000),
        subtotal: '1.00',
        taxTotal: '0',
        total: '1.00',
      })),
    });
    client = await app.signIn(t.owner.email, TEST_PASSWORD);
  }, 180_000);
  afterAll(() => app?.close());

  it('says how many sales are not listed and links to all of them', async () => {
    const detail = await client.get(`/balance/detail?from=${DAY}&to=${DAY}&granularity=day`);
    expect(detail.status).toBe(200);
    expect(detail.html).toContain(`Showing the first ${DETAIL_LIST_LIMIT} of ${count} sales`);
    const href = /href="([^"]+)" data-testid="all-sales">All (\d+) sales</.exec(detail.html);
    expect(href?.[2]).toBe(String(count));
    const url = href![1]!.replace(/&amp;/g, '&');
    expect(url).toBe(`/sales?from=${DAY}&to=${DAY}&status=confirmed`);
    const list = await client.get(url);
    expect(list.status).toBe(200);
    expect(list.html).toContain(`${count} in all`);
    expect(list.html).toContain('rel="next"');
  });
});
