import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../helpers/database.ts';
import { startTestApp, type TestApp, type TestTenant, type TestUser } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// Building a migrated database and the app can be slow on a loaded machine.
const HOOK_TIMEOUT_MS = 180_000;

// Two businesses with look-alike data. Tenant A's owner, using B's ids, gets 404 on every
// route that takes an id, nothing of B's changes, and lists never show B's rows.
// Later issues add their id routes to `idRoutes`.

interface IdRoute {
  what: string;
  method: 'GET' | 'POST';
  path(ids: { userId: number }): string;
  form?: Record<string, string>;
}

export const idRoutes: IdRoute[] = [
  { what: "change a user's role", method: 'POST', path: ({ userId }) => `/settings/users/${userId}/role`, form: { role: 'owner' } },
  { what: 'deactivate a user', method: 'POST', path: ({ userId }) => `/settings/users/${userId}/deactivate` },
  { what: 'reactivate a user', method: 'POST', path: ({ userId }) => `/settings/users/${userId}/activate` },
];

describe.each(drivers)('tenant isolation on %s', (driver) => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let bStaff: TestUser;
  let ownerA: TestClient;

  beforeAll(async () => {
    t = await startTestApp({ driver, redis: true });
    a = await t.createTenantWithOwner('Look-alike Hardware');
    b = await t.createTenantWithOwner('Look-alike Hardware');
    await t.createUser(a.tenantId, 'staff', { name: 'Sam Staff' });
    bStaff = await t.createUser(b.tenantId, 'staff', { name: 'Sam Staff' });
    ownerA = await t.signIn(a.owner.email, a.owner.password);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it.each(idRoutes)("answers 404 to $what with the other tenant's id, and changes nothing", async ({ method, path, form }) => {
    const before = await t.deps.db.prisma.user.findUniqueOrThrow({ where: { id: bStaff.id } });
    const url = path({ userId: bStaff.id });
    const res = method === 'GET' ? await ownerA.get(url) : await ownerA.post(url, form ?? {});
    expect(res.status).toBe(404);
    const after = await t.deps.db.prisma.user.findUniqueOrThrow({ where: { id: bStaff.id } });
    expect(after).toEqual(before);
  });

  it("never shows the other tenant's audit entries, even filtered by one of its users", async () => {
    const ownerB = { tenantId: b.tenantId, userId: b.owner.id, role: 'owner' as const, db: t.deps.tenantDb(b.tenantId) };
    await t.deps.userAdmin.changeRole(ownerB, bStaff.id, 'manager');
    await t.deps.userAdmin.changeRole(ownerB, bStaff.id, 'staff');
    for (const url of ['/settings/audit', `/settings/audit?user=${bStaff.id}`, `/settings/audit?user=${b.owner.id}&kind=user_role`]) {
      const page = await ownerA.get(url);
      expect(page.status, url).toBe(200);
      expect(page.html).not.toContain(bStaff.email);
      expect(page.html).not.toContain(b.owner.email);
      expect(page.html).toContain('No entries match.');
    }
  });

  it("never lists the other tenant's users", async () => {
    const page = await ownerA.get('/settings/users');
    expect(page.status).toBe(200);
    expect(page.html).toContain(a.owner.email);
    expect(page.html).not.toContain(b.owner.email);
    expect(page.html).not.toContain(bStaff.email);
    expect(page.html).not.toContain(`data-user-id="${bStaff.id}"`);
  });

  it('ignores a tenant named in the form: the tenant comes from the session', async () => {
    const email = `planted-${Date.now()}@test.stock`;
    const res = await ownerA.post('/settings/users', { email, role: 'staff', tenantId: String(b.tenantId) });
    expect(res.status).toBe(303);
    const created = await t.deps.db.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(created.tenantId).toBe(a.tenantId);
  });
});
