import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';

// Building a migrated database and the app can be slow on a loaded machine.
const HOOK_TIMEOUT_MS = 180_000;

// NODE_ENV=production behind a TLS-terminating proxy (TRUST_PROXY=loopback: the test client is the proxy; X-Forwarded-Proto).
describe('production mode', () => {
  let t: TestApp;
  let business: TestTenant;
  const https = { 'x-forwarded-proto': 'https' };

  beforeAll(async () => {
    t = await startTestApp({
      driver: 'pglite',
      redis: true,
      env: { NODE_ENV: 'production', TRUST_PROXY: 'loopback', TOTP_ENCRYPTION_KEY: randomBytes(32).toString('hex') },
    });
    business = await t.createTenantWithOwner();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('names the session cookie __Host- and makes it Secure, HttpOnly, SameSite=Lax, path /, no Domain', async () => {
    const client = await t.signIn(business.owner.email, business.owner.password, https);
    const cookie = client.setCookies.filter((c) => c.startsWith('__Host-stock.sid=')).at(-1);
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\/(;|$)/i);
    expect(cookie).not.toMatch(/; Domain=/i);
    expect((await client.get('/')).status).toBe(200);
  });

  it('sends Strict-Transport-Security', async () => {
    const res = await t.client(https).get('/login');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('shows error pages without stack traces or internals', async () => {
    const client = await t.signIn(business.owner.email, business.owner.password, https);
    const res = await client.get('/settings/users/abc/role');
    expect(res.status).toBe(404);
    expect(res.html).not.toMatch(/\bat .*\.ts:\d+/);
    expect(res.html).not.toContain('node_modules');
  });
});
