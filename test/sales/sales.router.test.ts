import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// The sales, payments and customers pages over HTTP: forms, idempotent resubmission,
// refusals with messages, roles and tenant isolation (404 for another tenant's ids).

const tokenOf = (html: string) => /name="token" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('sales pages', () => {
  let app: TestApp;
  let staff: TestClient;
  let manager: TestClient;
  let outsider: TestClient;
  let tenantId: number;
  let productId: number;
  let customerId: number;

  beforeAll(async () => {
    app = await startTestApp({ driver: 'pglite', redis: false });
    const tenant = await app.createTenantWithOwner('Router Shop');
    tenantId = tenant.tenantId;
    const s = await app.createUser(tenantId, 'staff');
    const m = await app.createUser(tenantId, 'manager');
    staff = await app.signIn(s.email, s.password);
    manager = await app.signIn(m.email, m.password);
    const other = await app.createTenantWithOwner('Other Shop');
    outsider = await app.signIn(other.owner.email, other.owner.password);
    const prisma = app.deps.db.prisma;
    const unit = await prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
    const p = await prisma.product.create({
      data: {
        tenantId,
        sku: 'RT-1',
        name: 'Router thing',
        searchText: 'rt-1 router thing',
        unitId: unit.id,
        price: new Prisma.Decimal('12.00'),
        quantityOnHand: new Prisma.Decimal(20),
      },
    });
    await prisma.stockMovement.create({ data: { tenantId, productId: p.id, kind: 'receipt', quantity: new Prisma.Decimal(20) } });
    productId = p.id;
    customerId = (await prisma.customer.create({ data: { tenantId, name: 'Omar Haddad' } })).id;
  });
  afterAll(async () => {
    await app?.close();
  });

  async function saleForm(client: TestClient, lines: Record<string, string>) {
    const page = await client.get('/sales/new');
    expect(page.status).toBe(200);
    return { token: tokenOf(page.html), customerId: String(customerId), ...lines };
  }

  it('records a sale, and the same form sent again leads to the same sale', async () => {
    const form = await saleForm(staff, {
      'lines[0][product]': 'RT-1',
      'lines[0][quantity]': '2',
      'lines[1][product]': '',
      'lines[1][quantity]': '',
    });
    const first = await staff.post('/sales', form);
    expect(first.status).toBe(303);
    expect(first.location).toMatch(/^\/sales\/\d+$/);
    const again = await staff.post('/sales', form);
    expect(again.status).toBe(303);
    expect(again.location).toBe(first.location);
    const page = await staff.get(again.location!);
    expect(page.html).toContain('already been recorded');
    expect(page.html).toContain('$24.00'); // 2 × 12.00, the tenant's default tax is 0
  });

  it('a bad form comes back with messages and what was typed; nothing is written', async () => {
    const prisma = app.deps.db.prisma;
    const before = await prisma.sale.count({ where: { tenantId } });
    const form = await saleForm(staff, {
      'lines[0][product]': 'RT-1',
      'lines[0][quantity]': 'abc',
      'lines[1][product]': 'NOPE',
      'lines[1][quantity]': '1',
      'lines[2][product]': 'RT-1',
      'lines[2][quantity]': '1',
      'lines[2][discountPct]': '150',
    });
    const res = await staff.post('/sales', form);
    expect(res.status).toBe(422);
    expect(res.html).toContain('Quantity must be a number');
    expect(res.html).toContain('value="abc"');
    expect(res.html).toContain('Discount cannot be over 100%');
    expect(await prisma.sale.count({ where: { tenantId } })).toBe(before);
    const empty = await staff.post('/sales', await saleForm(staff, {}));
    expect(empty.status).toBe(422);
    expect(empty.html).toContain('Add at least one line');
  });

  it('short stock answers 409 naming the line', async () => {
    const res = await staff.post(
      '/sales',
      await saleForm(staff, { 'lines[0][productId]': String(productId), 'lines[0][quantity]': '500' }),
    );
    expect(res.status).toBe(409);
    expect(res.html).toMatch(/Only \d+ unit of “Router thing” in stock/);
  });

  it('staff cannot cancel; a manager can; another tenant sees 404', async () => {
    const created = await staff.post(
      '/sales',
      await saleForm(staff, { 'lines[0][productId]': String(productId), 'lines[0][quantity]': '1' }),
    );
    const url = created.location!;
    expect((await staff.get(url)).html).not.toContain('Cancel sale');
    expect((await staff.post(`${url}/cancel`)).status).toBe(403);
    expect((await outsider.get(url)).status).toBe(404);
    expect((await outsider.post(`${url}/cancel`)).status).toBe(404); // an owner elsewhere: not found here
    await manager.get(url);
    const cancelled = await manager.post(`${url}/cancel`);
    expect(cancelled.status).toBe(303);
    expect((await manager.get(url)).html).toContain('cancelled; its stock is back');
    const receipt = await manager.get(`${url}/receipt`);
    expect(receipt.status).toBe(200);
    expect(receipt.html).toContain('CANCELLED');
  });

  it('payments: over the open amount is refused; the rest is accepted once', async () => {
    const created = await staff.post(
      '/sales',
      await saleForm(staff, { 'lines[0][productId]': String(productId), 'lines[0][quantity]': '1' }),
    );
    const saleId = created.location!.split('/').pop()!;
    const page = await staff.get(`/payments/new?sale=${saleId}`);
    expect(page.html).toContain('value="12.00"');
    const over = await staff.post('/payments', { token: tokenOf(page.html), saleId, amount: '12.01', method: 'cash' });
    expect(over.status).toBe(422);
    expect(over.html).toContain('a payment cannot be more than that');
    const form = { token: tokenOf(over.html), saleId, amount: '12.00', method: 'cash', day: '' };
    const ok = await staff.post('/payments', form);
    expect(ok.status).toBe(303);
    expect((await staff.post('/payments', form)).location).toBe(ok.location);
    expect((await staff.get(ok.location!)).html).toContain('$0.00');
    expect((await outsider.get(ok.location!)).status).toBe(404);
  });

  it('customers: create once per token, search, page with statement; foreign ids are 404', async () => {
    const page = await staff.get('/customers/new');
    const form = { token: tokenOf(page.html), name: 'Emma Ivanova', email: 'emma@example.com', creditLimit: '500' };
    const a = await staff.post('/customers', form);
    const b = await staff.post('/customers', form);
    expect(a.status).toBe(303);
    expect(b.location).toBe(a.location);
    const bad = await staff.post('/customers', { token: tokenOf(page.html).replace(/.$/, '0'), name: '', creditLimit: 'lots' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('Name is required');
    expect((await staff.get('/customers?q=ivanova')).html).toContain('Emma Ivanova');
    const statement = await staff.get(`/customers/${customerId}/statement?from=2020-01-01&to=2099-12-31`);
    expect(statement.status).toBe(200);
    expect(statement.html).toContain('Opening balance');
    expect((await staff.get(`/customers/${customerId}/statement?from=2020-02-30`)).status).toBe(422);
    expect((await outsider.get(a.location!)).status).toBe(404);
    expect((await outsider.get(`/customers/${customerId}/statement`)).status).toBe(404);
  });

  it('lists take filters and pages without failing on bad values', async () => {
    for (const url of [
      '/sales?from=2020-01-01&to=2099-01-01&status=confirmed&page=1',
      '/sales?from=nonsense&customer=abc&page=-3',
      '/payments?method=bitcoin&from=2020-13-45',
      '/customers?page=9999',
      '/sales/product-search?q=rt',
    ]) {
      const res = await staff.get(url);
      expect(res.status, url).toBe(200);
    }
    const search = await staff.request('GET', '/sales/product-search?q=router', { headers: { accept: 'application/json' } });
    expect(((await search.json()) as { products: Array<{ sku: string }> }).products.map((p) => p.sku)).toEqual(['RT-1']);
  });

  it('the dashboard shows a new sale on the very next load: the month to a manager, their own day to staff', async () => {
    const monthSales = (html: string) => /data-month-sales>([^<]+)</.exec(html)?.[1];
    const ownCount = (html: string) => /data-own-sales-count>([^<]+)</.exec(html)?.[1];
    const before = await manager.get('/');
    const staffBefore = await staff.get('/');
    expect([before.status, staffBefore.status]).toEqual([200, 200]);
    const created = await staff.post(
      '/sales',
      await saleForm(staff, { 'lines[0][productId]': String(productId), 'lines[0][quantity]': '1' }),
    );
    const number = (await app.deps.db.prisma.sale.findFirstOrThrow({ where: { tenantId }, orderBy: { id: 'desc' } })).number;
    const after = await manager.get('/');
    // MISS, or HIT when the balance warm-up already recomputed it after the commit: fresh either way.
    expect(['MISS', 'HIT']).toContain(after.headers.get('x-cache'));
    expect(monthSales(after.html)).not.toBe(monthSales(before.html));
    expect(after.html).toContain(`href="${created.location}">#${number}</a>`);
    const staffAfter = await staff.get('/');
    expect(monthSales(staffAfter.html)).toBeUndefined();
    expect(Number(ownCount(staffAfter.html))).toBe(Number(ownCount(staffBefore.html)) + 1);
    expect(staffAfter.html).toContain(`href="${created.location}">#${number}</a>`);
  });
});
