import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';

// Building a migrated database and the app can be slow on a loaded machine.
const HOOK_TIMEOUT_MS = 180_000;

async function wrongPassword(t: TestApp, email: string, headers: Record<string, string> = {}) {
  const client = t.client(headers);
  await client.get('/login');
  return client.post('/login', { email, password: 'wrong-password-123' });
}

describe.each([true, false])('rate limits (Redis: %s)', (redis) => {
  let t: TestApp;
  let business: TestTenant;

  beforeAll(async () => {
    // TRUST_PROXY lets each test pose as its own client IP through X-Forwarded-For.
    t = await startTestApp({ driver: 'pglite', redis, env: { TRUST_PROXY: 'loopback', RATE_LIMIT_POSTS_PER_MINUTE: '8' } });
    business = await t.createTenantWithOwner();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('answers the 6th wrong password for one account from one IP with 429 and Retry-After', async () => {
    const ip = { 'x-forwarded-for': '203.0.113.6' };
    for (let i = 1; i <= 5; i++) expect((await wrongPassword(t, business.owner.email, ip)).status, `attempt ${i}`).toBe(401);
    const blocked = await wrongPassword(t, business.owner.email, ip);
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(blocked.html).toMatch(/Try again in \d+ minutes?/);
    // Even the right password waits: the block is checked first.
    const client = t.client(ip);
    await client.get('/login');
    expect((await client.post('/login', { email: business.owner.email, password: business.owner.password })).status).toBe(429);
    // Another IP gets no more guesses: the limit is the account's.
    expect((await wrongPassword(t, business.owner.email, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(429);
  });

  it('forgets the failures of an account after a successful sign-in', async () => {
    const ip = { 'x-forwarded-for': '203.0.113.20' };
    const user = await t.createUser(business.tenantId, 'staff');
    for (let i = 0; i < 4; i++) await wrongPassword(t, user.email, ip);
    await t.signIn(user.email, user.password, ip);
    for (let i = 1; i <= 5; i++) expect((await wrongPassword(t, user.email, ip)).status, `attempt ${i}`).toBe(401);
  });

  it('limits one IP to 50 failures across accounts', async () => {
    const ip = { 'x-forwarded-for': '203.0.113.50' };
    for (let i = 0; i < 50; i++) expect((await wrongPassword(t, `user${i}@nowhere.test`, ip)).status).toBe(401);
    const blocked = await wrongPassword(t, 'user-fifty-one@nowhere.test', ip);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits POSTs per session (RATE_LIMIT_POSTS_PER_MINUTE)', async () => {
    const owner = await t.createUser(business.tenantId, 'owner');
    const client = await t.signIn(owner.email, owner.password, { 'x-forwarded-for': '203.0.113.80' });
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await client.post('/settings/users/two-factor', { require2fa: 'off' })).status);
    expect(statuses.slice(0, 8).every((s) => s === 303)).toBe(true);
    expect(statuses[8]).toBe(429);
  });
});
