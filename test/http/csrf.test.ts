import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../helpers/database.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';

// Building a migrated database and the app can be slow on a loaded machine.
const HOOK_TIMEOUT_MS = 180_000;

describe.each(drivers)('CSRF protection on %s', (driver) => {
  let t: TestApp;
  let business: TestTenant;

  beforeAll(async () => {
    t = await startTestApp({ driver, redis: true });
    business = await t.createTenantWithOwner();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const users = () => t.deps.db.prisma.user.count({ where: { tenantId: business.tenantId } });
  const invite = (n: number) => ({ email: `invited-${n}-${Date.now()}@test.stock`, name: 'Invited', role: 'staff' });

  it.each([
    ['no token', { csrf: false as const }],
    ['a wrong token', { csrf: 'not-the-token' }],
    ['a cross-site Sec-Fetch-Site', { headers: { 'sec-fetch-site': 'cross-site' } }],
    ['a same-site (other subdomain) Sec-Fetch-Site', { headers: { 'sec-fetch-site': 'same-site' } }],
    ['a foreign Origin', { headers: { origin: 'https://evil.example' } }],
  ])('refuses a POST with %s: 403 page, nothing written', async (_label, options) => {
    const client = await t.signIn(business.owner.email, business.owner.password);
    const before = await users();
    const res = await client.post('/settings/users', invite(1), options);
    expect(res.status).toBe(403);
    expect(res.html).toContain('did not come from this site');
    expect(await users()).toBe(before);
  });

  it("refuses another session's token", async () => {
    const mine = await t.signIn(business.owner.email, business.owner.password);
    const theirs = await t.signIn(business.owner.email, business.owner.password);
    const before = await users();
    const res = await mine.post('/settings/users', invite(2), { csrf: theirs.csrfToken! });
    expect(res.status).toBe(403);
    expect(await users()).toBe(before);
  });

  it('refuses a sign-in form without a token', async () => {
    const client = t.client();
    await client.get('/login');
    const res = await client.post('/login', { email: business.owner.email, password: business.owner.password }, { csrf: false });
    expect(res.status).toBe(403);
    expect((await client.get('/')).status).toBe(303);
  });

  it('accepts the same POST with the token from the same site', async () => {
    const client = await t.signIn(business.owner.email, business.owner.password);
    const before = await users();
    const res = await client.post('/settings/users', invite(3), { headers: { 'sec-fetch-site': 'same-origin', origin: t.baseUrl } });
    expect(res.status).toBe(303);
    expect(await users()).toBe(before + 1);
  });

  it('accepts the token in the X-CSRF-Token header', async () => {
    const client = await t.signIn(business.owner.email, business.owner.password);
    const before = await users();
    const res = await client.post('/settings/users', invite(4), { csrf: false, headers: { 'x-csrf-token': client.csrfToken! } });
    expect(res.status).toBe(303);
    expect(await users()).toBe(before + 1);
  });
});
