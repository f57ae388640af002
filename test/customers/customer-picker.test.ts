import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PICKER_SIZE } from '../../src/customers/customers.service.ts';
import { TEST_PASSWORD, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// The customer pickers with more customers than a list can hold (2,100 made at once, plus a
// few named ones sorting after them): each lists the first PICKER_SIZE, says how many more,
// and /customers/search finds any of them by name, email or phone, in this business only. A
// customer far past the first ones is sold to, paid by and filtered by, over HTTP.

const HOOK_TIMEOUT_MS = 180_000;
const BULK = 2_100;

interface SearchAnswer {
  customers: Array<{ id: number; label: string; limitReached: boolean }>;
  more: number;
  status: string;
}

describe('customer pickers for any number of customers', () => {
  let t: TestApp;
  let shop: TestTenant;
  let owner: TestClient;
  let staff: TestClient;
  const ids = { zoe: 0, namesake: 0, owing: 0, theirs: 0 };
  const total = BULK + 3;

  beforeAll(async () => {
    t = await startTestApp({ driver: 'postgresql', redis: true });
    const prisma = t.deps.db.prisma;
    shop = await t.createTenantWithOwner('Many Customers Hardware');
    const other = await t.createTenantWithOwner('Other Business');
    owner = await t.signIn(shop.owner.email, TEST_PASSWORD);
    staff = await t.signIn((await t.createUser(shop.tenantId, 'staff')).email, TEST_PASSWORD);
    await prisma.customer.createMany({
      data: Array.from({ length: BULK }, (_, i) => ({
        tenantId: shop.tenantId,
        name: `Customer ${String(i).padStart(4, '0')}`,
        email: `c${i}@bulk.test`,
      })),
    });
    // After every "Customer …" by name.
    ids.zoe = (
      await prisma.customer.create({
        data: { tenantId: shop.tenantId, name: 'Zoe Zimmermann', email: 'zoe@far.test', phone: '+34 699 000 999' },
      })
    ).id;
    ids.namesake = (await prisma.customer.create({ data: { tenantId: shop.tenantId, name: 'Zoe Zimmermann' } })).id;
    ids.owing = (await prisma.customer.create({ data: { tenantId: shop.tenantId, name: 'Zed Owing', creditLimit: '10.00' } })).id;
    // Zed owes 50.00 already (the summary the limit is checked against: the business's row and his).
    await prisma.balanceDay.createMany({
      data: [0, ids.owing].map((customerKey) => ({
        tenantId: shop.tenantId,
        customerKey,
        day: new Date('2026-01-05T00:00:00Z'),
        salesTotal: '50.00',
      })),
    });
    ids.theirs = (
      await prisma.customer.create({ data: { tenantId: other.tenantId, name: 'Zoe Zimmermann', email: 'zoe@theirs.test' } })
    ).id;
    const unit = await prisma.unit.create({ data: { tenantId: shop.tenantId, code: 'pc', name: 'Piece' } });
    const product = await prisma.product.create({
      data: {
        tenantId: shop.tenantId,
        sku: 'HAM-1',
        name: 'Claw hammer',
        searchText: 'ham-1 claw hammer',
        unitId: unit.id,
        price: '12.00',
        quantityOnHand: '100',
      },
    });
    await prisma.stockMovement.create({ data: { tenantId: shop.tenantId, productId: product.id, kind: 'receipt', quantity: '100' } });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const search = async (client: TestClient, q: string): Promise<SearchAnswer> => {
    const res = await client.get(`/customers/search?q=${encodeURIComponent(q)}`, { accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return JSON.parse(res.html) as SearchAnswer;
  };
  /** The options of a select on a page: value → text. */
  const optionsOf = (html: string, id: string) => {
    const select = new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '';
    return [...select.matchAll(/<option value="(\d*)"([^>]*)>([^<]*)<\/option>/g)].map((m) => ({
      value: m[1]!,
      selected: /\bselected\b/.test(m[2]!),
      text: m[3]!,
    }));
  };

  it(`each picker lists the first ${PICKER_SIZE} customers and says how many more there are`, async () => {
    const more = (total - PICKER_SIZE).toLocaleString('en');
    for (const [path, id] of [
      ['/sales/new', 'sale-customer'],
      ['/payments/new', 'pay-customer'],
      ['/sales', 'f-customer'],
      ['/payments', 'f-customer'],
    ] as const) {
      const page = await owner.get(path);
      expect(page.status, path).toBe(200);
      const options = optionsOf(page.html, id);
      expect(
        options.filter((o) => o.value),
        path,
      ).toHaveLength(PICKER_SIZE);
      expect(options[1]!.text).toBe('Customer 0000 · c0@bulk.test');
      expect(
        options.some((o) => o.value === String(ids.zoe)),
        path,
      ).toBe(false);
      // Without the script: how many are not listed, and where to find them.
      expect(page.html, path).toContain(`${more} more customers are not listed here.`);
      expect(page.html, path).toContain('<a href="/customers">Find a customer</a>');
      // With it: the search box's note.
      expect(page.html, path).toContain(`data-script-text="${more} more customers: type to find them"`);
      expect(page.html, path).toContain('/js/customer-picker.js');
    }
  });

  it('finds a customer past the first ones by name, email or phone, and tells namesakes apart', async () => {
    for (const q of ['zoe@far', 'ZOE@FAR.TEST', '699 000 999']) {
      const found = await search(owner, q);
      expect(found, q).toEqual({
        customers: [{ id: ids.zoe, label: 'Zoe Zimmermann · zoe@far.test', limitReached: false }],
        more: 0,
        status: '1 customer matches',
      });
    }
    const byName = await search(staff, 'zimmermann');
    // The other business's Zoe Zimmermann is never among them.
    expect(byName.customers.map((c) => c.label)).toEqual(['Zoe Zimmermann · zoe@far.test', `Zoe Zimmermann · customer #${ids.namesake}`]);
    expect(byName.status).toBe('2 customers match');
    expect((await search(owner, 'zoe@theirs')).customers).toEqual([]);
    expect((await search(owner, 'zoe@theirs')).status).toBe('No customer matches');
    expect((await search(owner, 'zed')).customers).toEqual([{ id: ids.owing, label: 'Zed Owing', limitReached: true }]);
  });

  it('says when a search matches more customers than it lists', async () => {
    const found = await search(owner, 'customer 0');
    expect(found.customers).toHaveLength(PICKER_SIZE);
    expect(found.more).toBe(1000 - PICKER_SIZE);
    expect(found.status).toBe(`The first ${PICKER_SIZE} of 1,000 matching customers: type more to narrow`);
    const all = await search(owner, '');
    expect(all.more).toBe(total - PICKER_SIZE);
  });

  it('a customer past the first ones is sold to, paid by and filtered by; their forms show them chosen', async () => {
    const newSale = await owner.get(`/sales/new?customer=${ids.zoe}`);
    const chosen = optionsOf(newSale.html, 'sale-customer');
    // The one chosen comes first, after "walk-in"; it counts as listed.
    expect(chosen[1]).toEqual({ value: String(ids.zoe), selected: true, text: 'Zoe Zimmermann · zoe@far.test' });
    expect(chosen.filter((o) => o.value)).toHaveLength(PICKER_SIZE + 1);
    expect(newSale.html).toContain(`${(total - PICKER_SIZE - 1).toLocaleString('en')} more customers are not listed here.`);
    const token = /name="token" value="([^"]+)"/.exec(newSale.html)![1]!;
    const sold = await owner.post('/sales', {
      token,
      customerId: String(ids.zoe),
      'lines[0][product]': 'HAM-1',
      'lines[0][quantity]': '2',
    });
    expect(sold.status).toBe(303);
    const sale = await t.deps.db.prisma.sale.findFirstOrThrow({ where: { tenantId: shop.tenantId }, orderBy: { id: 'desc' } });
    expect(sale.customerId).toBe(ids.zoe);

    const newPayment = await owner.get(`/payments/new?customer=${ids.zoe}`);
    expect(optionsOf(newPayment.html, 'pay-customer').find((o) => o.selected)?.value).toBe(String(ids.zoe));
    const paymentToken = /name="token" value="([^"]+)"/.exec(newPayment.html)![1]!;
    const paid = await owner.post('/payments', { token: paymentToken, customerId: String(ids.zoe), amount: '5.00', method: 'cash' });
    expect(paid.status).toBe(303);
    const payment = await t.deps.db.prisma.payment.findFirstOrThrow({ where: { tenantId: shop.tenantId }, orderBy: { id: 'desc' } });
    expect(payment.customerId).toBe(ids.zoe);

    const sales = await owner.get(`/sales?customer=${ids.zoe}`);
    expect(optionsOf(sales.html, 'f-customer').find((o) => o.selected)?.value).toBe(String(ids.zoe));
    expect(sales.html).toContain(`href="/sales/${sale.id}"`);
    const payments = await owner.get(`/payments?customer=${ids.zoe}`);
    expect(optionsOf(payments.html, 'f-customer').find((o) => o.selected)?.value).toBe(String(ids.zoe));
    // The payment's row links to its customer.
    expect(payments.html).toContain(`<a href="/customers/${ids.zoe}">Zoe Zimmermann</a>`);
  });

  it('answers markup typed into a name escaped, so the JSON holds none', async () => {
    const name = '"><script>alert(1)</script>';
    await t.deps.db.prisma.customer.create({ data: { tenantId: shop.tenantId, name } });
    const res = await owner.get(`/customers/search?q=${encodeURIComponent('<script>')}`, { accept: 'application/json' });
    expect(res.html).not.toContain('<script>');
    expect(res.html).toContain('\\u003cscript\\u003e');
    expect((JSON.parse(res.html) as SearchAnswer).customers.map((c) => c.label)).toEqual([name]);
  });

  it("another business's customer is not chosen by an id in the URL", async () => {
    const page = await owner.get(`/sales/new?customer=${ids.theirs}`);
    expect(page.status).toBe(200);
    expect(optionsOf(page.html, 'sale-customer').some((o) => o.value === String(ids.theirs))).toBe(false);
    expect(page.html).not.toContain('zoe@theirs.test');
  });
});
