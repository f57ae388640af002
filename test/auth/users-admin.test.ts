import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../src/db/errors.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';

// Building a migrated database and the app can be slow on a loaded machine.
const HOOK_TIMEOUT_MS = 180_000;

describe('owners manage users at /settings/users', () => {
  let t: TestApp;
  let business: TestTenant;

  beforeAll(async () => {
    t = await startTestApp({ driver: 'pglite', redis: true });
    business = await t.createTenantWithOwner();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('invites a user by a one-time link (shown once, e-mail being off) by which they choose their own password', async () => {
    const owner = await t.signIn(business.owner.email, business.owner.password);
    const email = `new-${Date.now()}@test.stock`;
    const res = await owner.post('/settings/users', { email, name: 'New Person', role: 'manager' });
    expect(res.status).toBe(303);
    const page = await owner.get('/settings/users');
    const link = /shown only this once: (\S+) —/.exec(page.html)?.[1];
    expect(link).toBeTruthy();
    expect(page.html).toContain(email);
    // Shown once only.
    expect((await owner.get('/settings/users')).html).not.toContain(link);

    const invited = t.client();
    const path = new URL(link!).pathname;
    const form = await invited.get(path);
    expect(form.status).toBe(200);
    expect(form.html).toContain(email);
    const mismatch = await invited.post(path, { password: 'my-own-password-1', confirmPassword: 'something-else-1' });
    expect(mismatch.status).toBe(422);
    expect(mismatch.html).toContain('not the same');
    const set = await invited.post(path, { password: 'my-own-password-1', confirmPassword: 'my-own-password-1' });
    expect([set.status, set.location]).toEqual([303, '/login?passwordSet=1']);
    await expect(t.signIn(email, 'my-own-password-1')).resolves.toBeDefined();
    expect((await t.client().get(path)).status).toBe(410);
  });

  it('re-renders the invite form with what was typed when the input is wrong', async () => {
    const owner = await t.signIn(business.owner.email, business.owner.password);
    const res = await owner.post('/settings/users', { email: 'not-an-email', name: 'Typed Name', role: 'staff' });
    expect(res.status).toBe(422);
    expect(res.html).toContain('Enter a valid email address');
    expect(res.html).toContain('value="Typed Name"');
    const duplicate = await owner.post('/settings/users', { email: business.owner.email, role: 'staff' });
    expect(duplicate.status).toBe(422);
    expect(duplicate.html).toContain('That person is already a user here.');
  });

  it('changes a role', async () => {
    const staff = await t.createUser(business.tenantId, 'staff');
    const owner = await t.signIn(business.owner.email, business.owner.password);
    expect((await owner.post(`/settings/users/${staff.id}/role`, { role: 'manager' })).status).toBe(303);
    expect((await t.deps.db.prisma.user.findUniqueOrThrow({ where: { id: staff.id } })).role).toBe('manager');
  });

  it('keeps at least one active owner', async () => {
    const solo = await t.createTenantWithOwner();
    const owner = await t.signIn(solo.owner.email, solo.owner.password);
    const demote = await owner.post(`/settings/users/${solo.owner.id}/role`, { role: 'staff' });
    expect(demote.status).toBe(409);
    expect(demote.html).toContain('at least one active owner');
    const self = await owner.post(`/settings/users/${solo.owner.id}/deactivate`);
    expect(self.status).toBe(409);
    const second = await t.createUser(solo.tenantId, 'owner');
    expect((await owner.post(`/settings/users/${second.id}/deactivate`)).status).toBe(303);
    // The only active owner left cannot be demoted either.
    expect((await owner.post(`/settings/users/${solo.owner.id}/role`, { role: 'manager' })).status).toBe(409);
    expect((await t.deps.db.prisma.user.findUniqueOrThrow({ where: { id: solo.owner.id } })).role).toBe('owner');
  });

  it('deactivating a user ends their sessions at once', async () => {
    const staff = await t.createUser(business.tenantId, 'staff');
    const staffClient = await t.signIn(staff.email, staff.password);
    expect((await staffClient.get('/')).status).toBe(200);
    const owner = await t.signIn(business.owner.email, business.owner.password);
    expect((await owner.post(`/settings/users/${staff.id}/deactivate`)).status).toBe(303);
    expect(await t.deps.db.prisma.session.count({ where: { userId: staff.id } })).toBe(0);
    const after = await staffClient.get('/');
    expect(after.status).toBe(303);
    expect(after.location).toBe('/login');
  });

  it('changing the password ends the other sessions, not the current one', async () => {
    const user = await t.createUser(business.tenantId, 'manager');
    const laptop = await t.signIn(user.email, user.password);
    const phone = await t.signIn(user.email, user.password);
    await laptop.get('/account/password');
    const wrongCurrent = await laptop.post('/account/password', {
      currentPassword: 'not-it-at-all',
      newPassword: 'a-brand-new-pass',
      confirmPassword: 'a-brand-new-pass',
    });
    expect(wrongCurrent.status).toBe(422);
    expect(wrongCurrent.html).toContain('not your current password');
    const res = await laptop.post('/account/password', {
      currentPassword: user.password,
      newPassword: 'a-brand-new-pass',
      confirmPassword: 'a-brand-new-pass',
    });
    expect(res.status).toBe(303);
    expect((await laptop.get('/')).status).toBe(200);
    expect((await phone.get('/')).location).toBe('/login');
  });

  it('the service refuses managers and staff every user change, called directly; nothing is written', async () => {
    const target = await t.createUser(business.tenantId, 'staff');
    const users = () => t.deps.db.prisma.user.findMany({ where: { tenantId: business.tenantId }, orderBy: { id: 'asc' } });
    const before = await users();
    for (const role of ['manager', 'staff'] as const) {
      const user = await t.createUser(business.tenantId, role);
      const me = { tenantId: business.tenantId, userId: user.id, role, db: t.deps.tenantDb(business.tenantId) };
      const attempts: Array<() => Promise<unknown>> = [
        () => t.deps.userAdmin.list(me),
        () => t.deps.userAdmin.invite(me, { email: `by-${role}-${Date.now()}@test.stock`, name: '', role: 'owner' }, 'http://stock.test'),
        () => t.deps.userAdmin.changeRole(me, user.id, 'owner'),
        () => t.deps.userAdmin.setActive(me, target.id, false),
        () => t.deps.userAdmin.setRequire2fa(me, true),
      ];
      for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(ForbiddenError);
    }
    const after = await users();
    expect(after.filter((u) => before.some((b) => b.id === u.id))).toEqual(before);
    // Only the two users this test made for itself are new: no invitation went through.
    expect(after).toHaveLength(before.length + 2);
  });
});
