import { randomUUID } from 'node:crypto';
import type { TestApp } from './app.ts';
import type { TestClient } from './http-client.ts';

// A signed-in owner's everyday work over HTTP, for the tests that run the app on another
// Redis or database topology: set up a product and a customer, sell, take a payment.

export interface Shop {
  owner: TestClient;
  tenantId: number;
  customerId: number;
  sku: string;
}

const idOf = (location: string | null) => Number(/\/(\d+)$/.exec(location ?? '')?.[1] ?? NaN);

async function created(client: TestClient, what: string, path: string, form: Record<string, string>): Promise<number> {
  const res = await client.post(path, form);
  if (res.status !== 303) throw new Error(`${what}: ${res.status} ${res.html.slice(0, 300)}`);
  return idOf(res.location);
}

/** A business whose signed-in owner has a unit, a product 'SKU-1' (1000 in stock) and a customer. */
export async function openShop(t: TestApp, headers: Record<string, string> = {}): Promise<Shop> {
  const business = await t.createTenantWithOwner();
  const owner = await t.signIn(business.owner.email, business.owner.password, headers);
  await created(owner, 'unit', '/settings/uoms', { code: 'unit', name: 'Unit' });
  const unitId = (await t.deps.db.prisma.unit.findFirstOrThrow({ where: { tenantId: business.tenantId } })).id;
  await created(owner, 'product', '/catalog/products', {
    sku: 'SKU-1',
    name: 'Mug',
    unitId: String(unitId),
    categoryId: '',
    price: '2.00',
    openingStock: '1000',
  });
  const customerId = await created(owner, 'customer', '/customers', { token: randomUUID(), name: 'Ada' });
  return { owner, tenantId: business.tenantId, customerId, sku: 'SKU-1' };
}

/** Records a sale of one SKU-1 to the shop's customer; the POST's status. */
export async function sell(shop: Shop, client: TestClient = shop.owner): Promise<number> {
  const res = await client.post('/sales', {
    token: randomUUID(),
    customerId: String(shop.customerId),
    'lines[0][product]': shop.sku,
    'lines[0][quantity]': '1',
  });
  return res.status;
}

/** Records a payment of 1.00 from the shop's customer; the POST's status. */
export async function pay(shop: Shop, client: TestClient = shop.owner): Promise<number> {
  const res = await client.post('/payments', {
    token: randomUUID(),
    amount: '1.00',
    method: 'cash',
    day: '',
    customerId: String(shop.customerId),
    saleId: '',
    saleNumber: '',
    reference: '',
    note: '',
  });
  return res.status;
}
