import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../helpers/database.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { rawRedis } from '../helpers/redis.ts';

// Building a migrated database and the app can be slow on a loaded machine.
const HOOK_TIMEOUT_MS = 180_000;

// Every page that is not /login, /health*, /metrics (with its token) or a static file needs a signed-in user.
export const protectedPages = [
  '/',
  '/catalog/products',
  '/catalog/products/new',
  '/customers',
  '/sales',
  '/sales/new',
  '/sales/1',
  '/payments',
  '/payments/new',
  '/balance',
  '/settings/business',
  '/settings/categories',
  '/settings/uoms',
  '/settings/users',
  '/admin/cache',
  '/account/password',
  '/account/2fa',
  '/no-such-page',
];
const publicPages = ['/login', '/health', '/health/cache', '/css/app.css', '/favicon.svg'];

export function sessionId(cookieValue: string | undefined): string | undefined {
  if (!cookieValue) return undefined;
  return /^s:([^.]+)\./.exec(decodeURIComponent(cookieValue))?.[1];
}

describe.each(drivers)('sign-in on %s with Redis', (driver) => {
  let t: TestApp;
  let business: TestTenant;

  beforeAll(async () => {
    t = await startTestApp({ driver, redis: true });
    business = await t.createTenantWithOwner('Sign-in Hardware');
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('sends a signed-out visitor of every page to /login with the page to come back to', async () => {
    const client = t.client();
    for (const path of protectedPages) {
      const res = await client.get(path);
      expect(res.status, path).toBe(303);
      expect(res.location, path).toBe(path === '/' ? '/login' : `/login?returnTo=${encodeURIComponent(path)}`);
    }
    expect(client.cookie('stock.sid')).toBeUndefined();
  });

  it('serves /login, /health* and static files without a session', async () => {
    const client = t.client();
    for (const path of publicPages) expect((await client.get(path)).status, path).toBe(200);
  });

  it('does not serve /metrics at all when no METRICS_TOKEN is configured', async () => {
    expect((await t.client().get('/metrics')).status).toBe(404);
    expect((await t.client({ authorization: 'Bearer anything-at-all-here-123456' }).get('/metrics')).status).toBe(404);
  });

  it('answers a wrong password and an unknown email with the same generic message, and no session', async () => {
    const client = t.client();
    await client.get('/login');
    const wrong = await client.post('/login', { email: business.owner.email, password: 'not-the-password' });
    const unknown = await client.post('/login', { email: 'nobody@test.stock', password: 'not-the-password' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.html).toContain('Email or password is incorrect.');
      expect(res.html).not.toContain('not-the-password');
    }
    expect((await client.get('/')).status).toBe(303);
  });

  it('re-renders the form with field messages when fields are missing', async () => {
    const client = t.client();
    await client.get('/login');
    const res = await client.post('/login', { email: 'someone@test.stock', password: '' });
    expect(res.status).toBe(422);
    expect(res.html).toContain('Enter your password');
    expect(res.html).toContain('value="someone@test.stock"');
  });

  it('gives a new session id at sign-in and goes back to the page first asked for', async () => {
    const client = t.client();
    await client.get('/login?returnTo=%2Fsettings%2Fusers');
    // A stranger has no session before signing in; one planted from outside is not kept.
    expect(client.cookie('stock.sid')).toBeUndefined();
    client.cookies.set('stock.sid', 's%3Aplanted-session-id.signature');
    const before = 'planted-session-id';
    const res = await client.post('/login?returnTo=%2Fsettings%2Fusers', {
      email: business.owner.email,
      password: business.owner.password,
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/settings/users');
    const after = sessionId(client.cookie('stock.sid'));
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    const page = await client.get('/');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Sign-in Hardware');
  });

  it('never sends the user to another site after sign-in', async () => {
    for (const target of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const client = t.client();
      await client.get('/login');
      const res = await client.post(`/login?returnTo=${encodeURIComponent(target)}`, {
        email: business.owner.email,
        password: business.owner.password,
      });
      expect(res.location, target).toBe('/');
    }
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, path / (not Secure outside production)', async () => {
    const client = await t.signIn(business.owner.email, business.owner.password);
    const cookie = client.setCookies.filter((c) => c.startsWith('stock.sid=')).at(-1)!;
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/; Secure/i);
    expect(cookie).not.toMatch(/; Domain=/i);
  });

  it('destroys the session in Redis at sign-out', async () => {
    const client = await t.signIn(business.owner.email, business.owner.password);
    const sid = sessionId(client.cookie('stock.sid'))!;
    const redis = rawRedis(t.config.redisUrl);
    try {
      const key = `${t.config.cache.keyPrefix}:sess:${sid}`;
      expect(await redis.exists(key)).toBe(1);
      const res = await client.post('/logout');
      expect(res.status).toBe(303);
      expect(res.location).toBe('/login?signedOut=1');
      // (Had Redis failed a command meanwhile, the table keeps a tombstone until Redis is reconciled.)
      await t.deps.sessionStore.settle();
      expect(await redis.exists(key)).toBe(0);
      const row = await t.deps.db.prisma.session.findUnique({ where: { sid } });
      expect(row === null || (row.data as { $destroyed?: boolean }).$destroyed === true).toBe(true);
      expect((await client.get('/')).status).toBe(303);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses a deactivated account with the generic message', async () => {
    const staff = await t.createUser(business.tenantId, 'staff');
    await t.deps.db.prisma.user.update({ where: { id: staff.id }, data: { active: false } });
    const client = t.client();
    await client.get('/login');
    const res = await client.post('/login', { email: staff.email, password: staff.password });
    expect(res.status).toBe(401);
    expect(res.html).toContain('Email or password is incorrect.');
  });

  it('sends security headers and no x-powered-by', async () => {
    const res = await t.client().get('/login');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });
});
