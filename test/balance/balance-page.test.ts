import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { addToBalanceDays, balanceRows } from '../../src/balance/balance-days.ts';
import { localDay } from '../../src/time.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// /balance, /balance.csv and /balance/detail over HTTP, signed in, on PGlite with the
// in-process cache.

describe('balance pages', () => {
  let app: TestApp;
  let client: TestClient;
  let tenantId: number;
  let otherCustomer: number;
  let customer: number;
  const today = () => localDay(new Date(), 'UTC');

  beforeAll(async () => {
    app = await startTestApp({ driver: 'pglite', redis: false });
    const t = await app.createTenantWithOwner();
    tenantId = t.tenantId;
    const prisma = app.deps.db.prisma;
    customer = (await prisma.customer.create({ data: { tenantId, name: 'Zoë Okafor' } })).id;
    const other = await app.createTenantWithOwner();
    otherCustomer = (await prisma.customer.create({ data: { tenantId: other.tenantId, name: 'Someone Else' } })).id;
    // A summary with a sale of the customer today and a walk-in sale paid yesterday.
    const d = today();
    const y = localDay(new Date(Date.now() - 86_400_000), 'UTC');
    await addToBalanceDays(prisma, tenantId, [...balanceRows(customer, d, '100.10', '0'), ...balanceRows(null, y, '20.00', '20.00')]);
    client = await app.signIn(t.owner.email, TEST_PASSWORD);
  }, 180_000);
  afterAll(async () => {
    await app?.close();
  });

  it('shows this month by day with totals, says MISS then HIT, and says when the figures were updated', async () => {
    const first = await client.get('/balance');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(first.html).toContain('Download CSV');
    expect(first.html).toMatch(/data-testid="updated-at">Updated at \d\d:\d\d</);
    const second = await client.get('/balance');
    expect(second.headers.get('x-cache')).toBe('HIT');
    // Served from the cache: the same time as the first answer, no cache internals.
    expect(/data-testid="updated-at">([^<]+)</.exec(second.html)?.[1]).toBe(/data-testid="updated-at">([^<]+)</.exec(first.html)?.[1]);
    expect(second.html).not.toMatch(/from cache|computed/);
    expect(second.html).toMatch(/data-testid="sales-total">\$1\d\d\.\d\d</);
    expect(second.html).toContain('id="balance-data"');
    expect(second.html).toContain('/vendor/chart.js/chart.umd.js');
  });

  it('answers a bad range with the form, a message and 422; an odd parameter with 400; never 500', async () => {
    const cases: Array<[string, number, RegExp]> = [
      ['/balance?from=2026-02-10&to=2026-01-01', 422, /not be before/],
      ['/balance?from=2020-01-01&to=2025-06-30', 422, /at most 3 years/],
      ['/balance?from=2026-02-30&to=2026-03-01', 422, /YYYY-MM-DD/],
      ['/balance?from=yesterday&to=today', 422, /YYYY-MM-DD/],
      ['/balance?granularity=hour', 400, /day, week or month/],
      ['/balance?from=2026-01-01&from=2026-02-01&to=2026-03-01', 400, /Fix the range/],
      [`/balance?customer=${0}`, 400, /customer/],
      ['/balance?preset=this-month&asOf=2999-01-01', 422, /up to today/],
    ];
    for (const [url, status, message] of cases) {
      const res = await client.get(url);
      expect([url, res.status]).toEqual([url, status]);
      expect(res.html).toMatch(message);
    }
    expect((await client.get('/balance?from=2026-02-10&to=2026-01-01')).html).toContain('value="2026-02-10"');
  });

  it("refuses another tenant's customer as if it did not exist", async () => {
    const res = await client.get(`/balance?preset=this-month&customer=${otherCustomer}`);
    expect(res.status).toBe(422);
    expect(res.html).toContain('There is no such customer.');
    const mine = await client.get(`/balance?preset=this-year&customer=${customer}`);
    expect(mine.status).toBe(200);
    expect(mine.html).toContain('Zoë Okafor');
  });

  it('downloads the same series as CSV', async () => {
    const res = await client.request('GET', `/balance.csv?from=${today()}&to=${today()}&granularity=day&customer=${customer}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain(`balance-${today()}-to-${today()}-day-customer-${customer}.csv`);
    const lines = (await res.text()).trim().split('\n');
    expect(lines).toEqual([
      'period,from,to,sales,payments,open_balance',
      expect.stringMatching(/^opening balance,,/),
      `${today()},${today()},${today()},100.10,0.00,100.10`,
      `total,${today()},${today()},100.10,0.00,100.10`,
    ]);
    const bad = await client.request('GET', '/balance.csv?from=2026-03-01&to=2026-01-01');
    expect(bad.status).toBe(422);
  });

  it('shows the open balance as of a past day', async () => {
    const yesterday = localDay(new Date(Date.now() - 86_400_000), 'UTC');
    const res = await client.get(`/balance?preset=this-year&asOf=${yesterday}`);
    expect(res.status).toBe(200);
    expect(res.html).toMatch(new RegExp(`data-testid="as-of"[^>]*>On ${yesterday}: \\$0\\.00`));
  });

  it('drills down into a bucket and reconciles with it', async () => {
    const prisma = app.deps.db.prisma;
    const sale = await prisma.sale.create({
      data: {
        tenantId,
        number: 1,
        customerId: customer,
        soldAt: new Date(),
        subtotal: new Prisma.Decimal('7.25'),
        taxTotal: new Prisma.Decimal(0),
        total: new Prisma.Decimal('7.25'),
      },
    });
    const res = await client.get(`/balance/detail?from=${today()}&to=${today()}&customer=${customer}`);
    expect(res.status).toBe(200);
    expect(res.html).toContain(`#${sale.number}`);
    expect(res.html).toMatch(/data-testid="detail-sales-total">\$7\.25</);
  });
});
