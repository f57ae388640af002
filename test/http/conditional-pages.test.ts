import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/db/scope.ts';
import { matchesEtag } from '../../src/http/conditional-page.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// Pages built from cached reads answer conditional GETs (src/http/conditional-page.ts): the
// same version → 304 with no body; after any commit that changes the page → 200, new ETag.

const PAGES = ['/balance', '/catalog/products', '/profit', '/'] as const;

describe('conditional GETs of cached pages', () => {
  let t: TestApp;
  let business: TestTenant;
  let owner: Scope;
  let client: TestClient;
  let productId: number;
  let unitId: number;

  const scopeOf = (b: TestTenant, userId: number, role: Scope['role']): Scope => ({
    tenantId: b.tenantId,
    userId,
    role,
    db: t.deps.tenantDb(b.tenantId),
  });

  async function page(c: TestClient, path: string, etag?: string) {
    const res = await c.get(path, etag ? { 'if-none-match': etag } : {});
    return { status: res.status, etag: res.headers.get('etag'), cacheControl: res.headers.get('cache-control'), html: res.html };
  }

  /** The ETag of each page, checking it is strong, private and answered by 304 while nothing changes. */
  async function versions(c: TestClient = client): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const path of PAGES) {
      const full = await page(c, path);
      expect([path, full.status, full.cacheControl]).toEqual([path, 200, 'private, no-cache']);
      expect(full.etag).toMatch(/^"[A-Za-z0-9_-]+(\.gz)?"$/); // .gz: the kept body, gzip-encoded
      const again = await page(c, path, full.etag!);
      expect([path, again.status, again.html, again.cacheControl]).toEqual([path, 304, '', 'private, no-cache']);
      out[path] = full.etag!.replace(/\.gz"$/, '"'); // the version, whichever representation was sent
    }
    return out;
  }

  /** After a commit: each page in `changed` is 200 with a new ETag for the old one; the others still 304. */
  async function expectChanged(before: Record<string, string>, changed: readonly string[]): Promise<Record<string, string>> {
    for (const path of PAGES) {
      const res = await page(client, path, before[path]);
      expect([path, res.status]).toEqual([path, changed.includes(path) ? 200 : 304]);
      if (changed.includes(path)) expect(res.etag).not.toBe(before[path]);
    }
    return versions();
  }

  beforeAll(async () => {
    t = await startTestApp({ driver: 'pglite', redis: true });
    business = await t.createTenantWithOwner();
    owner = scopeOf(business, business.owner.id, 'owner');
    unitId = (await t.deps.db.prisma.unit.create({ data: { tenantId: business.tenantId, code: 'ea', name: 'Each' } })).id;
    productId = (
      await t.deps.catalog.products.create(owner, {
        sku: 'E-1',
        name: 'Etag lamp',
        unitId: String(unitId),
        price: '12.50',
        cost: '5.00',
        openingStock: '50',
      })
    ).id;
    client = await t.signIn(business.owner.email, business.owner.password);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('reads If-None-Match lists, weak forms and *', () => {
    expect(matchesEtag('"a", W/"b"', '"b"')).toBe(true);
    expect(matchesEtag('*', '"b"')).toBe(true);
    expect(matchesEtag('"a"', '"b"')).toBe(false);
    expect(matchesEtag(undefined, '"b"')).toBe(false);
  });

  it('answers 304 with no body while nothing changed, and the same ETag each time', async () => {
    const first = await versions();
    expect(await versions()).toEqual(first);
  });

  it('a sale changes the balance, the product list (stock) and the profit pages; the next view shows it', async () => {
    const before = await versions();
    await t.deps.sales.confirm(owner, { token: randomUUID(), payNow: 'cash', lines: [{ productId: String(productId), quantity: '3' }] });
    await expectChanged(before, PAGES);
    expect((await page(client, '/catalog/products')).html).toContain('47');
  });

  it('a payment changes the balance page and the dashboard (its month figures) only', async () => {
    const sale = await t.deps.sales.confirm(owner, { token: randomUUID(), lines: [{ productId: String(productId), quantity: '1' }] });
    const before = await versions();
    await t.deps.payments.register(owner, { token: randomUUID(), method: 'cash', saleId: sale.id, amount: '2.00' });
    await expectChanged(before, ['/balance', '/']);
  });

  it('a product edit changes the product list, the profit pages and the dashboard (low stock), and the list shows the new name', async () => {
    const before = await versions();
    await t.deps.catalog.products.update(owner, productId, {
      sku: 'E-1',
      name: 'Renamed lamp',
      unitId: String(unitId),
      price: '12.50',
      cost: '5.00',
      active: 'on',
    });
    await expectChanged(before, ['/catalog/products', '/profit', '/']);
    expect((await page(client, '/catalog/products')).html).toContain('Renamed lamp');
  });

  it('a business settings change changes every page', async () => {
    const before = await versions();
    await t.deps.settings.business.update(owner, { name: business.name, currency: 'EUR', timeZone: 'UTC', defaultTaxRate: '0' });
    await expectChanged(before, PAGES);
    expect((await page(client, '/catalog/products')).html).toContain('€');
  });

  it('another user, another role or another language gets another ETag', async () => {
    const mine = await versions();
    const manager = await t.createUser(business.tenantId, 'manager');
    const theirs = await versions(await t.signIn(manager.email, manager.password));
    for (const path of PAGES) expect(theirs[path]).not.toBe(mine[path]);
    // Written straight to the database, as no page does: the signed-in user's cached read is cleared by hand.
    const clearViewer = () => t.deps.cache.module('viewer').invalidate(business.tenantId);
    await t.deps.db.prisma.user.update({ where: { id: business.owner.id }, data: { language: 'es' } });
    await clearViewer();
    try {
      const spanish = await versions();
      for (const path of PAGES) expect(spanish[path]).not.toBe(mine[path]);
    } finally {
      await t.deps.db.prisma.user.update({ where: { id: business.owner.id }, data: { language: null } });
      await clearViewer();
    }
  });

  it('a page with a flash message waiting is never answered 304, nor sent with an ETag', async () => {
    const before = await versions();
    const other = await t.deps.catalog.products.create(owner, {
      sku: 'E-2',
      name: 'Gone soon',
      unitId: String(unitId),
      price: '1.00',
      cost: '0.50',
      openingStock: '0',
    });
    const now = await versions();
    const deleted = await client.post(`/catalog/products/${other.id}/delete`);
    expect([deleted.status, deleted.location]).toEqual([303, '/catalog/products']);
    const flashed = await page(client, '/catalog/products', now['/catalog/products']);
    expect([flashed.status, flashed.etag]).toEqual([200, null]);
    expect(flashed.html).toContain('Gone soon');
    expect(before['/catalog/products']).not.toBe(now['/catalog/products']);
  });

  it('pages outside the list carry no ETag (Express computes none)', async () => {
    const res = await page(client, '/till');
    expect([res.status, res.etag]).toEqual([200, null]);
  });
});
