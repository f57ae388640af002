import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { RedisServer } from '../helpers/redis-server.ts';

// Building a migrated database and the app can be slow on a loaded machine.
const HOOK_TIMEOUT_MS = 180_000;

// The test's own redis-server goes away for 10 s and comes back: a signed-in user keeps
// browsing and submitting forms (no 5xx, never sent to /login), and the sign-in limits
// still hold while Redis is gone (the in-memory insurance limiter).

describe('Redis outage', () => {
  let server: RedisServer;
  let t: TestApp;
  let business: TestTenant;
  /** The account being guessed at (not the owner, who signs in meanwhile). */
  let guessed: string;

  beforeAll(async () => {
    server = await RedisServer.start();
    t = await startTestApp({ driver: 'pglite', redis: true, env: { REDIS_URL: server.url, TRUST_PROXY: 'loopback' } });
    business = await t.createTenantWithOwner();
    guessed = (await t.createUser(business.tenantId, 'staff')).email;
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await server?.destroy();
  });

  async function browse(client: TestClient, round: number): Promise<void> {
    for (const path of ['/', '/settings/users', '/account/2fa']) {
      const res = await client.get(path);
      expect(res.status, `round ${round} GET ${path}`).toBe(200);
    }
    const post = await client.post('/settings/users/two-factor', { require2fa: 'off' });
    expect(post.status, `round ${round} POST`).toBe(303);
    expect(post.location).toBe('/settings/users');
    const after = await client.get('/settings/users');
    expect(after.status).toBe(200);
    expect(after.html).toContain('Two-factor sign-in is now optional.');
  }

  async function wrongPassword(ip: string) {
    const client = t.client({ 'x-forwarded-for': ip });
    await client.get('/login');
    return client.post('/login', { email: guessed, password: 'wrong-password-1' });
  }

  it('keeps a signed-in user working while Redis is stopped for 10 s and after it returns', async () => {
    const user = await t.signIn(business.owner.email, business.owner.password);
    await browse(user, 0);

    await server.stop();
    const stoppedAt = Date.now();
    let round = 1;
    while (Date.now() - stoppedAt < 10_000) {
      await browse(user, round++);
      await sleep(200);
    }
    // Sign-in limits still hold during the outage (per instance, in memory).
    for (let i = 1; i <= 5; i++) expect((await wrongPassword('198.51.100.9')).status).toBe(401);
    const blocked = await wrongPassword('198.51.100.9');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // And someone can still sign in.
    const newcomer = await t.signIn(business.owner.email, business.owner.password);
    await browse(newcomer, round++);

    await server.start();
    await expect.poll(() => t.deps.redis!.client.status, { timeout: 15_000 }).toBe('ready');
    for (let i = 0; i < 3; i++) await browse(user, round++);
    // Back on Redis once the sessions written during the outage have been copied to it.
    await expect
      .poll(
        async () => {
          await t.deps.sessionStore.settle();
          return t.deps.sessionStore.degraded;
        },
        { timeout: 15_000 },
      )
      .toBe(false);
    await browse(user, round++);
    await browse(newcomer, round);
  });
});
