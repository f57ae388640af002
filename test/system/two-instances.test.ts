import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startServer, type ServerProcess } from '../helpers/server.ts';
import { REDIS_TEST_URL, deleteKeysWithPrefix, rawRedis, uniquePrefix } from '../helpers/redis.ts';
import { TestClient } from '../helpers/http-client.ts';

// Two real server processes (A and B) on one PostgreSQL database and one Redis key
// prefix: a session made on A works on B, a price changed on A is what B shows on its
// next request (L1 and L2 invalidated across instances), and login limits are shared.

const PASSWORD = 'correct-horse-battery';
const OWNER = `owner-${randomBytes(4).toString('hex')}@two.system.test`;

describe('two app instances sharing PostgreSQL and Redis', () => {
  let database: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let unitId: number;
  const prefix = uniquePrefix('two');

  beforeAll(async () => {
    database = await createTestDatabase('postgresql');
    const prisma = database.db.prisma;
    const { tenantId } = await createTenant(prisma, { name: 'Two Instances Hardware', ownerEmail: OWNER, ownerPassword: PASSWORD });
    unitId = (await prisma.unit.create({ data: { tenantId, code: 'pc', name: 'Piece' } })).id;
    const env = {
      DATABASE_URL: database.databaseUrl!,
      REDIS_URL: REDIS_TEST_URL,
      CACHE_KEY_PREFIX: prefix,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
    };
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
    const redis = rawRedis();
    await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
    redis.disconnect();
  }, 60_000);

  async function signIn(baseUrl: string): Promise<TestClient> {
    const client = new TestClient(baseUrl);
    await client.get('/login');
    const res = await client.post('/login', { email: OWNER, password: PASSWORD });
    expect(res.status, res.html).toBe(303);
    expect(res.location).toBe('/');
    await client.refreshCsrf('/');
    return client;
  }

  /** The same cookie jar, pointed at another instance. */
  function sameCookiesOn(client: TestClient, baseUrl: string): TestClient {
    const other = new TestClient(baseUrl);
    for (const [k, v] of client.cookies) other.cookies.set(k, v);
    return other;
  }

  it('a session made on A is valid on B', async () => {
    const onA = await signIn(a.baseUrl);
    const onB = sameCookiesOn(onA, b.baseUrl);
    const res = await onB.get('/');
    expect(res.status, `${res.location ?? ''}\n${b.output()}`).toBe(200);
    expect(res.location).toBeNull();
  });

  it('a price changed on A is what B shows on its next request', async () => {
    const onA = await signIn(a.baseUrl);
    const onB = sameCookiesOn(onA, b.baseUrl);

    await onA.get('/catalog/products/new');
    const created = await onA.post('/catalog/products', {
      sku: 'TWO-HAM',
      name: 'Twin hammer',
      barcode: '',
      categoryId: '',
      unitId: String(unitId),
      price: '12.34',
      cost: '',
      taxRate: '',
      reorderLevel: '',
      openingStock: '3',
    });
    expect(created.status, created.html).toBe(303);
    const productId = Number(/\/catalog\/products\/(\d+)$/.exec(created.location ?? '')?.[1]);
    expect(productId).toBeGreaterThan(0);

    // B reads the list (twice: the second read is served from B's cache).
    let cached = '';
    for (let i = 0; i < 2; i++) {
      const list = await onB.get('/catalog/products');
      expect(list.status).toBe(200);
      expect(list.html).toContain('Twin hammer');
      expect(list.html).toContain('12.34');
      cached = list.headers.get('x-cache') ?? '';
    }
    expect(cached).toBe('HIT');

    await onA.get(`/catalog/products/${productId}/edit`);
    const edited = await onA.post(`/catalog/products/${productId}`, {
      sku: 'TWO-HAM',
      name: 'Twin hammer',
      barcode: '',
      categoryId: '',
      unitId: String(unitId),
      price: '56.78',
      cost: '',
      taxRate: '',
      reorderLevel: '',
      active: 'on',
    });
    expect(edited.status, edited.html).toBe(303);

    const after = await onB.get('/catalog/products');
    expect(after.status).toBe(200);
    expect(after.html).toContain('56.78');
    expect(after.html).not.toContain('12.34');
  });

  it('failed sign-ins counted on A block the next attempt on B', async () => {
    const email = `victim-${randomBytes(4).toString('hex')}@two.system.test`;
    const onA = new TestClient(a.baseUrl);
    await onA.get('/login');
    for (let i = 0; i < 5; i++) {
      const res = await onA.post('/login', { email, password: 'wrong-password-123' });
      expect(res.status).not.toBe(429);
      expect(res.status).toBeLessThan(500);
    }
    const onB = new TestClient(b.baseUrl);
    await onB.get('/login');
    const blocked = await onB.post('/login', { email, password: 'wrong-password-123' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
