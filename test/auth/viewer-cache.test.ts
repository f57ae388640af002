import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { TestClient } from '../helpers/http-client.ts';
import { rawRedis, uniquePrefix } from '../helpers/redis.ts';

// The sign-in guard reads the user and the business from the cache (module `viewer`):
// two app instances share one PostgreSQL database and one Redis, and what an owner changes
// on one is what the next request on the other sees. Every database operation the apps make
// is counted (a Prisma query extension), so a warm page view can be shown to ask nothing.

/** Database operations by model ("User", "Tenant", …; raw queries under "$raw"). */
class QueryCounter {
  readonly seen: string[] = [];
  wrap(prisma: PrismaClient): PrismaClient {
    const seen = this.seen;
    return prisma.$extends({
      query: {
        $allOperations({ model, operation, args, query }) {
          seen.push(`${model ?? '$raw'}.${operation}`);
          return query(args);
        },
      },
    }) as unknown as PrismaClient;
  }
  /** What `work` made the database do. */
  async during(work: () => Promise<unknown>): Promise<string[]> {
    const from = this.seen.length;
    await work();
    return this.seen.slice(from);
  }
}

/** The same browser (its cookies) pointed at another instance. */
function on(app: TestApp, client: TestClient): TestClient {
  const moved = new TestClient(app.baseUrl);
  for (const [k, v] of client.cookies) moved.cookies.set(k, v);
  moved.csrfToken = client.csrfToken;
  return moved;
}

function sessionKey(app: TestApp, client: TestClient): string {
  const cookie = [...client.cookies].find(([name]) => name.endsWith('stock.sid'))![1];
  const sid = decodeURIComponent(cookie).slice(2).split('.')[0]!;
  return `${app.config.cache.keyPrefix}:sess:${sid}`;
}

describe('the signed-in user and business from the cache, on two instances', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  const queries = new QueryCounter();

  beforeAll(async () => {
    database = await createTestDatabase('postgresql');
    const db = { ...database.db, prisma: queries.wrap(database.db.prisma) };
    const env = { CACHE_KEY_PREFIX: uniquePrefix('viewer'), SESSION_SECRET: randomBytes(32).toString('hex') };
    a = await startTestApp({ driver: 'postgresql', redis: true, env, database: { ...database, db, drop: async () => {} } });
    b = await startTestApp({ driver: 'postgresql', redis: true, env, database: { ...database, db, drop: async () => {} } });
  }, 60_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  it('a role change on A gives the new role its permissions on the next request on B', async () => {
    const { tenantId, owner } = await a.createTenantWithOwner();
    const manager = await a.createUser(tenantId, 'manager');
    const ownerOnA = await a.signIn(owner.email, owner.password);
    const managerOnB = on(b, await a.signIn(manager.email, manager.password));
    expect((await managerOnB.get('/settings/users')).status).toBe(403);
    expect((await managerOnB.get('/settings/users')).status).toBe(403); // warm on B
    await ownerOnA.refreshCsrf('/settings/users');
    expect((await ownerOnA.post(`/settings/users/${manager.id}/role`, { role: 'owner' })).status).toBe(303);
    expect((await managerOnB.get('/settings/users')).status).toBe(200);
    expect((await ownerOnA.post(`/settings/users/${manager.id}/role`, { role: 'staff' })).status).toBe(303);
    expect((await managerOnB.get('/settings/users')).status).toBe(403);
    expect((await managerOnB.get('/balance')).status).toBe(403);
  });

  it('a deactivation on A signs the user out on the next request on B', async () => {
    const { tenantId, owner } = await a.createTenantWithOwner();
    const staff = await a.createUser(tenantId, 'staff');
    const ownerOnA = await a.signIn(owner.email, owner.password);
    const staffOnB = on(b, await a.signIn(staff.email, staff.password));
    expect((await staffOnB.get('/')).status).toBe(200);
    expect((await staffOnB.get('/')).status).toBe(200);
    await ownerOnA.refreshCsrf('/settings/users');
    expect((await ownerOnA.post(`/settings/users/${staff.id}/deactivate`)).status).toBe(303);
    const next = await staffOnB.get('/');
    expect(next.status).toBe(303);
    expect(next.location).toMatch(/^\/login/);
  });

  it('a password change on A ends the other sessions on B, and the changing one goes on there', async () => {
    const { tenantId } = await a.createTenantWithOwner();
    const manager = await a.createUser(tenantId, 'manager');
    const changing = await a.signIn(manager.email, manager.password);
    const otherOnB = on(b, await a.signIn(manager.email, manager.password));
    expect((await otherOnB.get('/')).status).toBe(200);
    await changing.refreshCsrf('/account/password');
    const changed = await changing.post('/account/password', {
      currentPassword: manager.password,
      newPassword: 'a-much-longer-new-passphrase-9',
      confirmPassword: 'a-much-longer-new-passphrase-9',
    });
    expect(changed.status).toBe(303);
    expect((await otherOnB.get('/')).location).toMatch(/^\/login/);
    expect((await on(b, changing).get('/')).status).toBe(200);
  });

  it('two-factor sign-in required on A sends a user without it to enrol on the next request on B; a language chosen on A shows on B', async () => {
    const { tenantId, owner } = await a.createTenantWithOwner();
    const manager = await a.createUser(tenantId, 'manager');
    const ownerOnA = await a.signIn(owner.email, owner.password);
    const managerOnA = await a.signIn(manager.email, manager.password);
    const managerOnB = on(b, managerOnA);
    expect((await managerOnB.get('/')).status).toBe(200);
    expect((await managerOnB.get('/')).html).toContain('lang="en"');
    await managerOnA.refreshCsrf('/account/language');
    expect((await managerOnA.post('/account/language', { lang: 'es' })).status).toBe(303);
    expect((await managerOnB.get('/')).html).toContain('lang="es"');
    await ownerOnA.refreshCsrf('/settings/users');
    expect((await ownerOnA.post('/settings/users/two-factor', { require2fa: 'on' })).status).toBe(303);
    const next = await managerOnB.get('/');
    expect(next.status).toBe(303);
    expect(next.location).toBe('/account/2fa');
  });

  it('a change to the business settings on A shows on the next page on B', async () => {
    const { owner } = await a.createTenantWithOwner();
    const ownerOnA = await a.signIn(owner.email, owner.password);
    const ownerOnB = on(b, ownerOnA);
    expect((await ownerOnB.get('/')).html).not.toContain('Renamed Hardware');
    const form = await ownerOnA.get('/settings/business');
    const values = Object.fromEntries(
      [...form.html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]),
    );
    const saved = await ownerOnA.post('/settings/business', {
      ...values,
      name: 'Renamed Hardware',
      currency: 'EUR',
      timeZone: 'UTC',
      locale: 'en',
    });
    expect(saved.status).toBe(303);
    expect((await ownerOnB.get('/')).html).toContain('Renamed Hardware');
  });

  it('a warm page view asks the database nothing for the sign-in guard and the business facts', async () => {
    const { owner } = await a.createTenantWithOwner();
    const client = await a.signIn(owner.email, owner.password);
    expect(queries.seen).toContain('User.findUnique'); // the counter sees the guard's cold read
    for (const path of ['/catalog/products', '/', '/sales', '/customers']) {
      await client.get(path); // warms the cache
      const made = await queries.during(() => client.get(path));
      expect(
        made.filter((q) => /^(User|Tenant|Session)\./.test(q)),
        path,
      ).toEqual([]);
    }
    // A page whose own data is cached too asks nothing at all.
    expect(await queries.during(() => client.get('/catalog/products'))).toEqual([]);
  });
});

describe('session touches', () => {
  it('repeated page views within the interval do not write the Redis session; its expiry still rolls', async () => {
    const app = await startTestApp({
      driver: 'postgresql',
      redis: true,
      env: { SESSION_TOUCH_INTERVAL_SECONDS: '60', SESSION_IDLE_TIMEOUT: '3600' },
    });
    const redis = rawRedis();
    try {
      const { owner } = await app.createTenantWithOwner();
      const client = await app.signIn(owner.email, owner.password);
      const key = sessionKey(app, client);
      let last = await redis.pttl(key);
      expect(last).toBeGreaterThan(3_500_000);
      for (let i = 0; i < 5; i++) {
        const page = await client.get('/catalog/products');
        expect(page.status).toBe(200);
        // The cookie still rolls on every response.
        expect(page.headers.getSetCookie().some((c) => c.includes('stock.sid='))).toBe(true);
        const ttl = await redis.pttl(key);
        expect(ttl).toBeLessThanOrEqual(last); // never pushed forward: not written
        last = ttl;
      }
    } finally {
      redis.disconnect();
      await app.close();
    }
  });

  it('after the interval a page view pushes the expiry forward, and an idle session still ends', async () => {
    const app = await startTestApp({
      driver: 'postgresql',
      redis: true,
      env: { SESSION_TOUCH_INTERVAL_SECONDS: '1', SESSION_IDLE_TIMEOUT: '3' },
    });
    const redis = rawRedis();
    try {
      const { owner } = await app.createTenantWithOwner();
      const client = await app.signIn(owner.email, owner.password);
      const key = sessionKey(app, client);
      await sleep(1_500);
      const before = await redis.pttl(key);
      expect((await client.get('/')).status).toBe(200);
      expect(await redis.pttl(key)).toBeGreaterThan(before);
      await sleep(4_000); // idle past SESSION_IDLE_TIMEOUT
      const after = await client.get('/');
      expect(after.status).toBe(303);
      expect(after.location).toMatch(/^\/login/);
    } finally {
      redis.disconnect();
      await app.close();
    }
  }, 30_000);
});
