import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Scope } from '../../src/db/scope.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { TestClient } from '../helpers/http-client.ts';
import { uniquePrefix } from '../helpers/redis.ts';

// A page that answers conditional GETs keeps its rendered body under its ETag
// (src/http/conditional-page.ts): a view of the same version, without the browser's copy, is
// sent again with no loading and no rendering; a commit that changes the page gives it a new
// ETag and a new render; another session never gets this session's body.

describe('rendered pages kept by their ETag', () => {
  let t: TestApp;
  let business: TestTenant;
  let owner: Scope;
  let client: TestClient;
  let productId: number;

  async function outcomes(): Promise<Record<string, number>> {
    const metric = await t.deps.metrics.getSingleMetric('stock_conditional_page_views_total')!.get();
    return Object.fromEntries(metric.values.map((v) => [String(v.labels.outcome), v.value]));
  }

  /** A plain view (no If-None-Match) and how it was answered: kept, rendered or not modified. */
  async function view(c: TestClient, path: string, headers: Record<string, string> = {}) {
    const before = await outcomes();
    const res = await c.get(path, headers);
    const after = await outcomes();
    const answered = Object.keys(after).filter((k) => after[k] !== (before[k] ?? 0));
    expect(answered).toHaveLength(1);
    return {
      status: res.status,
      etag: res.headers.get('etag'),
      xCache: res.headers.get('x-cache'),
      type: res.headers.get('content-type'),
      cacheControl: res.headers.get('cache-control'),
      encoding: res.headers.get('content-encoding'),
      vary: res.headers.get('vary'),
      html: res.html,
      answered: answered[0],
    };
  }

  beforeAll(async () => {
    t = await startTestApp({ driver: 'pglite', redis: true });
    business = await t.createTenantWithOwner();
    owner = { tenantId: business.tenantId, userId: business.owner.id, role: 'owner', db: t.deps.tenantDb(business.tenantId) };
    const unitId = (await t.deps.db.prisma.unit.create({ data: { tenantId: business.tenantId, code: 'ea', name: 'Each' } })).id;
    productId = (
      await t.deps.catalog.products.create(owner, {
        sku: 'K-1',
        name: 'Kept lamp',
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

  it('sends the same version again from the kept body, byte for byte, with the same headers', async () => {
    for (const path of ['/balance', '/catalog/products', '/', '/sales', '/customers']) {
      const first = await view(client, path);
      const again = await view(client, path);
      // Signing in landed on `/`: that version was rendered then.
      expect([path, first.status, first.answered]).toEqual([path, 200, path === '/' ? 'kept' : 'rendered']);
      expect([path, again.status, again.answered, again.xCache]).toEqual([path, 200, 'kept', 'HIT']);
      // fetch accepts gzip, as every browser does: the kept body goes out encoded, under the
      // ETag of that representation, and decodes to the very page.
      expect([path, first.encoding, again.encoding]).toEqual([path, path === '/' ? 'gzip' : null, 'gzip']);
      const version = first.etag!.replace(/\.gz"$/, '"');
      expect(again.etag).toBe(`${version.slice(0, -1)}.gz"`);
      expect(again.html).toBe(first.html);
      expect([again.type, again.cacheControl, again.vary]).toEqual([first.type, first.cacheControl, first.vary]);
      expect(first.vary).toMatch(/Accept-Encoding/);
      // A client that takes no encoding gets the body as rendered, under the version's own ETag.
      const plain = await view(client, path, { 'accept-encoding': 'identity' });
      expect([plain.answered, plain.encoding, plain.etag, plain.html]).toEqual(['kept', null, version, first.html]);
      // Either ETag names this version: a repeat view with one of them is a 304.
      for (const etag of [version, again.etag!]) expect((await client.get(path, { 'if-none-match': etag })).status).toBe(304);
    }
  });

  it('sends a kept page gzip-encoded, a third of its size or less', async () => {
    await view(client, '/balance');
    const raw = async (encoding: string) => {
      const res = await fetch(new URL('/balance', t.baseUrl), {
        headers: { cookie: client.cookieHeader(), 'accept-encoding': encoding },
        redirect: 'manual',
      });
      // undici decodes gzip; the bytes on the wire are its Content-Length.
      await res.arrayBuffer();
      return { length: Number(res.headers.get('content-length')), encoding: res.headers.get('content-encoding') };
    };
    const gz = await raw('gzip');
    const identity = await raw('identity');
    expect([gz.encoding, identity.encoding]).toEqual(['gzip', null]);
    expect(gz.length).toBeGreaterThan(0);
    // This business's empty page is some 8.7 kB and 2.5 kB encoded; a year by day shrinks tenfold.
    expect(gz.length * 3).toBeLessThan(identity.length);
  });

  it('renders again after a commit that changes the page, and keeps the new version', async () => {
    const before = await view(client, '/catalog/products');
    await t.deps.sales.confirm(owner, { token: randomUUID(), payNow: 'cash', lines: [{ productId: String(productId), quantity: '3' }] });
    const after = await view(client, '/catalog/products');
    expect(after.answered).toBe('rendered');
    expect(after.etag).not.toBe(before.etag);
    expect(after.html).toContain('47');
    expect((await view(client, '/catalog/products')).answered).toBe('kept');
  });

  it('never sends one session the body kept for another, even of the same user', async () => {
    const mine = await view(client, '/balance');
    const other = await t.signIn(business.owner.email, business.owner.password);
    const theirs = await view(other, '/balance');
    expect(theirs.answered).toBe('rendered');
    expect(theirs.etag).not.toBe(mine.etag);
  });

  it('keeps nothing when the in-process tier is off or given no room', () => {
    const env = { NODE_ENV: 'test' };
    expect(loadConfig(env).cache.keptPageBytes).toBe(32 * 1024 * 1024);
    expect(loadConfig({ ...env, CACHE_PAGE_BYTES: '0' }).cache.keptPageBytes).toBe(0);
    expect(loadConfig({ ...env, CACHE_L1_ENABLED: 'false' }).cache.keptPageBytes).toBe(0);
    expect(loadConfig({ ...env, CACHE_ENABLED: 'false' }).cache.keptPageBytes).toBe(0);
    expect(() => loadConfig({ ...env, CACHE_PAGE_BYTES: '-1' })).toThrow(/CACHE_PAGE_BYTES/);
  });
});

describe('rendered pages kept on two instances', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('postgresql');
    const env = { CACHE_KEY_PREFIX: uniquePrefix('kept'), SESSION_SECRET: randomBytes(32).toString('hex') };
    a = await startTestApp({ driver: 'postgresql', redis: true, env, database: { ...database, drop: async () => {} } });
    b = await startTestApp({ driver: 'postgresql', redis: true, env, database: { ...database, drop: async () => {} } });
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  it('a sale on one instance: the next view on the other is the new page, not the kept one', async () => {
    const business = await a.createTenantWithOwner();
    const owner: Scope = { tenantId: business.tenantId, userId: business.owner.id, role: 'owner', db: a.deps.tenantDb(business.tenantId) };
    const unitId = (await a.deps.db.prisma.unit.create({ data: { tenantId: business.tenantId, code: 'ea', name: 'Each' } })).id;
    const productId = (
      await a.deps.catalog.products.create(owner, {
        sku: 'K-2',
        name: 'Shared lamp',
        unitId: String(unitId),
        price: '9.00',
        cost: '4.00',
        openingStock: '20',
      })
    ).id;
    const onA = await a.signIn(business.owner.email, business.owner.password);
    // The same browser pointed at B.
    const onB = new TestClient(b.baseUrl);
    for (const [k, v] of onA.cookies) onB.cookies.set(k, v);
    const first = await onB.get('/catalog/products');
    const kept = await onB.get('/catalog/products');
    expect(kept.html).toBe(first.html);
    expect(first.html).toMatch(/class="num">20 ea/);
    await a.deps.sales.confirm(owner, { token: randomUUID(), payNow: 'cash', lines: [{ productId: String(productId), quantity: '5' }] });
    const after = await onB.get('/catalog/products');
    expect(after.headers.get('etag')).not.toBe(first.headers.get('etag'));
    expect(after.html).toMatch(/class="num">15 ea/);
  });
});
