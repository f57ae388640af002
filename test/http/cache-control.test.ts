import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// Cache-Control on every GET route of the app (read from the app's own router, so a new
// route is walked too): signed-in HTML pages `private, no-cache`; CSV and JSON `no-store`;
// pages that show a secret `no-store`; static files keep their public caching.

const HOOK_TIMEOUT_MS = 180_000;
const PRIVATE = 'private, no-cache';
const NO_STORE = 'no-store';

/** Pages that show a secret (invitation link, two-factor secret and recovery codes) or a receipt. */
const SECRET_PAGES = [
  '/settings/users',
  '/account/password',
  '/account/2fa',
  '/account/alerts',
  '/sales/:id/receipt',
  '/password/forgot',
  '/invitation/:token',
  '/password/reset/:token',
];
/** Routes that answer data, not a page: they must be among those the walk finds. */
const DATA_ROUTES = ['/catalog/products/export.csv', '/balance.csv', '/sales/product-search', '/customers/search', '/metrics', '/health'];
// Answered by a middleware after the session (it reads one when there is one), so it is not in the router's route list.
const DATA_MIDDLEWARE_PATHS = ['/health/cache'];

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function getRoutes(stack: Layer[], out: string[] = []): string[] {
  for (const layer of stack) {
    if (layer.route?.methods.get) out.push(String(layer.route.path));
    else if (layer.handle?.stack) getRoutes(layer.handle.stack, out);
  }
  return out;
}

const idOf = (location: string | null) => Number(/\/(\d+)$/.exec(location ?? '')?.[1] ?? NaN);

describe('Cache-Control', () => {
  let t: TestApp;
  let business: TestTenant;
  let owner: TestClient;
  /** The id to put in a route's `:id`, by the route's first part. */
  const ids = new Map<string, number>();

  async function created(what: string, path: string, form: Record<string, string>): Promise<number> {
    const res = await owner.post(path, form);
    if (res.status !== 303) throw new Error(`${what}: ${res.status} ${res.html.slice(0, 300)}`);
    return idOf(res.location);
  }

  beforeAll(async () => {
    t = await startTestApp({ driver: 'pglite', redis: false, env: { RATE_LIMIT_POSTS_PER_MINUTE: '100000' } });
    business = await t.createTenantWithOwner();
    owner = await t.signIn(business.owner.email, business.owner.password);
    const token = () => randomUUID();
    await created('unit', '/settings/uoms', { code: 'unit', name: 'Unit' });
    await created('category', '/settings/categories', { name: 'Tools', parentId: '' });
    const prisma = t.deps.db.prisma;
    const unitId = (await prisma.unit.findFirstOrThrow({ where: { tenantId: business.tenantId } })).id;
    ids.set('/settings/uoms', unitId);
    ids.set('/settings/categories', (await prisma.category.findFirstOrThrow({ where: { tenantId: business.tenantId } })).id);
    ids.set(
      '/catalog/products',
      await created('product', '/catalog/products', {
        sku: 'CC-1',
        name: 'Mug',
        unitId: String(unitId),
        categoryId: '',
        price: '2.00',
        openingStock: '10',
      }),
    );
    const customerId = await created('customer', '/customers', { token: token(), name: 'Ada' });
    ids.set('/customers', customerId);
    ids.set(
      '/sales',
      await created('sale', '/sales', {
        token: token(),
        customerId: String(customerId),
        'lines[0][product]': 'CC-1',
        'lines[0][quantity]': '1',
      }),
    );
    ids.set(
      '/payments',
      await created('payment', '/payments', {
        token: token(),
        amount: '1.00',
        method: 'cash',
        day: '',
        customerId: String(customerId),
        saleId: '',
        saleNumber: '',
        reference: '',
        note: '',
      }),
    );
    // A return of the sale (left as the customer's credit) and a till close, for their pages.
    ids.set(
      '/returns',
      await created('return', `/sales/${ids.get('/sales')}/returns`, {
        token: token(),
        'lines[1][quantity]': '1',
        settlement: 'credit',
        reason: '',
      }),
    );
    ids.set('/till/closes', await created('till close', '/till/close', { token: token(), counted: '1.00', note: '' }));
    // Buying: a supplier, an order of two received one at a time (so it stays open for the
    // receiving page), the receipt, and a payment of part of what is owed.
    const supplierId = await created('supplier', '/purchasing/suppliers', {
      token: token(),
      name: 'Acme',
      contactName: '',
      email: '',
      phone: '',
      address: '',
      taxId: '',
      paymentTermsDays: '30',
      notes: '',
    });
    ids.set('/purchasing/suppliers', supplierId);
    ids.set('/purchasing/products', ids.get('/catalog/products')!);
    const orderId = await created('purchase order', '/purchasing/orders', {
      token: token(),
      supplierId: String(supplierId),
      note: '',
      'lines[0][product]': 'CC-1',
      'lines[0][quantity]': '2',
      'lines[0][unitCost]': '1.00',
    });
    ids.set('/purchasing/orders', orderId);
    const ordered = await owner.post(`/purchasing/orders/${orderId}/order`, {});
    if (ordered.status !== 303) throw new Error(`order: ${ordered.status}`);
    ids.set(
      '/purchasing/receipts',
      await created('receipt', `/purchasing/orders/${orderId}/receive`, { token: token(), 'lines[1][quantity]': '1', note: '' }),
    );
    ids.set(
      '/purchasing/payments',
      await created('supplier payment', '/purchasing/payments', {
        token: token(),
        supplierId: String(supplierId),
        amount: '0.50',
        method: 'cash',
        day: '',
        reference: '',
        note: '',
      }),
    );
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  function concrete(route: string): string {
    if (!route.includes(':')) return route;
    // A one-time link's page: a made-up token (answered 410, and no-store like a real one).
    if (route.endsWith('/:token')) return route.replace(':token', 'x'.repeat(43));
    const base = route.slice(0, route.indexOf('/:'));
    const id = ids.get(base);
    if (id === undefined) throw new Error(`no id for ${route}: add its kind to the fixtures`);
    return route.replace(':id', String(id));
  }

  it('every GET route, as a signed-in owner: HTML private, data and secrets no-store', async () => {
    const routes = getRoutes((t.app as unknown as { router: { stack: Layer[] } }).router.stack);
    expect(routes.length).toBeGreaterThan(30);
    for (const data of DATA_ROUTES) expect(routes).toContain(data);
    for (const secret of SECRET_PAGES) expect(routes).toContain(secret);
    for (const route of routes) {
      const path = concrete(route);
      const res = await owner.get(path);
      const where = `GET ${path} → ${res.status} ${res.headers.get('content-type') ?? ''}`;
      expect(res.status, where).toBeLessThan(500);
      const html = /^text\/html/.test(res.headers.get('content-type') ?? '');
      if (DATA_ROUTES.includes(route)) expect(html, `${where} is data`).toBe(false);
      const expected = !html || SECRET_PAGES.includes(route) ? NO_STORE : PRIVATE;
      expect(res.headers.get('cache-control'), where).toBe(expected);
    }
    for (const path of DATA_MIDDLEWARE_PATHS) {
      const res = await owner.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type') ?? '', path).not.toMatch(/^text\/html/);
      expect(res.headers.get('cache-control'), path).toBe(NO_STORE);
    }
  });

  it('an owner invites a user: the page showing the invitation link is not stored', async () => {
    const invite = await owner.post('/settings/users', { email: `new-${Date.now()}@test.stock`, name: 'New', role: 'staff' });
    expect(invite.status).toBe(303);
    const page = await owner.get('/settings/users');
    expect(page.html).toContain('shown only this once');
    expect(page.headers.get('cache-control')).toBe(NO_STORE);
  });

  it('a user enrols in two-factor sign-in: the secret and the recovery codes are not stored', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const client = await t.signIn(user.email, user.password);
    const setup = await client.get('/account/2fa');
    const secret = /<code class="secret">([A-Z2-7]+)<\/code>/.exec(setup.html)![1]!;
    expect(setup.headers.get('cache-control')).toBe(NO_STORE);
    const enabled = await client.post('/account/2fa/enable', {
      code: await generate({ secret }),
      currentPassword: user.password,
      password: user.password,
    });
    expect(enabled.status).toBe(303);
    const codes = await client.get('/account/2fa');
    expect(codes.html).toMatch(/<li><code>[a-z0-9]{5}-[a-z0-9]{5}<\/code><\/li>/);
    expect(codes.headers.get('cache-control')).toBe(NO_STORE);
  });

  it('a signed-out visitor gets the sign-in page private, and static files keep their public caching', async () => {
    const visitor = t.client();
    expect((await visitor.get('/login')).headers.get('cache-control')).toBe(PRIVATE);
    for (const asset of ['/css/app.css', '/js/sale-form.js', '/vendor/chart.js/chart.umd.js']) {
      const res = await visitor.get(asset);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('cache-control'), asset).toMatch(/^public, max-age=\d+$/);
    }
  });
});
