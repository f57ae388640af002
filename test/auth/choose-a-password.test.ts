import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/auth/password.ts';
import { weakPasswordReason } from '../../src/auth/password-policy.ts';
import { fixedT, withReaderLanguage } from '../../src/i18n/index.ts';
import { createUser } from '../../src/auth/users.service.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { ValidationError } from '../../src/db/errors.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';

// Choosing a password: wherever one is set, a common or guessable one, the user's own email
// and the business's name are refused with a message on the field, and nothing changes.
// Turning two-factor sign-in on or off asks for the current password.

const HOOK_TIMEOUT_MS = 180_000;

describe('choosing a password', () => {
  let t: TestApp;
  let business: TestTenant;

  beforeAll(async () => {
    t = await startTestApp({ driver: 'pglite', redis: true });
    business = await t.createTenantWithOwner('Corner Hardware');
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const hashOf = async (id: number) => (await t.deps.db.prisma.user.findUniqueOrThrow({ where: { id } })).passwordHash;

  it('refuses a common password, repeated letters, the own email and the business name when changing it', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const client = await t.signIn(user.email, user.password);
    await client.get('/account/password');
    const before = await hashOf(user.id);
    const weak: Array<[string, RegExp]> = [
      ['aaaaaaaaaa', /too easy to guess/],
      ['password1234', /too easy to guess/],
      ['qwertyuiop123', /too easy to guess/],
      [user.email, /email address or the business name/],
      [user.email.toUpperCase(), /email address or the business name/],
      ['Corner Hardware 2026', /email address or the business name/],
      ['cornerhardware!!', /email address or the business name/],
    ];
    for (const [password, message] of weak) {
      const res = await client.post('/account/password', {
        currentPassword: user.password,
        newPassword: password,
        confirmPassword: password,
      });
      expect(res.status, password).toBe(422);
      expect(res.html, password).toMatch(/<p class="field-error" id="newPassword-error">[^<]*/);
      expect(res.html, password).toMatch(message);
    }
    expect(await hashOf(user.id)).toBe(before);
    const good = await client.post('/account/password', {
      currentPassword: user.password,
      newPassword: 'lantern-orbit-velvet',
      confirmPassword: 'lantern-orbit-velvet',
    });
    expect(good.status).toBe(303);
    expect(await verifyPassword(await hashOf(user.id), 'lantern-orbit-velvet')).toBe(true);
  });

  it('knows Spanish and Portuguese words whatever the language, and gives its reason in the reader’s language', () => {
    const context = { email: 'ana@test.stock' };
    const reason = (lng: 'en' | 'es' | 'pt-BR', password: string) =>
      withReaderLanguage(fixedT(lng), () => weakPasswordReason(password, context));
    // Both rated safe by the English lists alone; a Spanish and a Portuguese phrase.
    for (const lng of ['en', 'es', 'pt-BR'] as const) {
      expect(reason(lng, 'contraseña2026'), lng).toBeDefined();
      expect(reason(lng, 'borboletaazul'), lng).toBeDefined();
      expect(reason(lng, 'lantern-orbit-velvet'), lng).toBeUndefined();
    }
    expect(reason('en', 'aaaaaaaaaa')).toContain('Repeated characters like "aaa" are easy to guess');
    expect(reason('es', 'aaaaaaaaaa')).toBe(
      'Esa contraseña es demasiado fácil de adivinar (Caracteres repetidos como "aaa" son fáciles de adivinar). Prueba con varias palabras sin relación juntas',
    );
    expect(reason('pt-BR', 'qwertyuiop123')).toContain('Isso é semelhante a uma senha comumente usada');
  });

  it('refuses a weak password through the invitation link, and the link still works', async () => {
    const owner = await t.signIn(business.owner.email, business.owner.password);
    const email = `invited-${Date.now()}@test.stock`;
    const page = await owner.post('/settings/users', { email, name: 'New Clerk', role: 'staff' });
    expect(page.status).toBe(303);
    const link = /shown only this once: (\S+) —/.exec((await owner.get('/settings/users')).html)![1]!;
    const invited = t.client();
    const path = new URL(link).pathname;
    await invited.get(path);
    const weak = await invited.post(path, { password: '1234567890', confirmPassword: '1234567890' });
    expect(weak.status).toBe(422);
    expect(weak.html).toContain('too easy to guess');
    expect((await invited.post(path, { password: 'lantern-orbit-velvet', confirmPassword: 'lantern-orbit-velvet' })).status).toBe(303);
  });

  it('refuses weak passwords from the command line (user:create and tenant:create run these)', async () => {
    const prisma = t.deps.db.prisma;
    const users = await prisma.user.count();
    await expect(
      createUser(prisma, business.tenantId, { email: 'clerk@corner.test', password: 'password123', role: 'staff', name: '' }),
    ).rejects.toThrow(ValidationError);
    await expect(
      createUser(prisma, business.tenantId, { email: 'clerk@corner.test', password: 'clerk@corner.test', role: 'staff', name: '' }),
    ).rejects.toMatchObject({ fields: { password: expect.stringMatching(/email address/) } });
    await expect(
      createTenant(prisma, { name: 'Sunny Bakery', ownerEmail: 'baker@sunny.test', ownerPassword: 'sunny bakery' }),
    ).rejects.toMatchObject({ fields: { ownerPassword: expect.stringMatching(/business name/) } });
    await expect(
      createTenant(prisma, { name: 'Sunny Bakery', ownerEmail: 'baker@sunny.test', ownerPassword: 'iloveyou123' }),
    ).rejects.toMatchObject({ fields: { ownerPassword: expect.stringMatching(/too easy to guess/) } });
    expect(await prisma.user.count()).toBe(users);
    expect(await prisma.tenant.count({ where: { name: 'Sunny Bakery' } })).toBe(0);
  });

  it('asks for the current password to turn two-factor sign-in on, and again to turn it off', async () => {
    const user = await t.createUser(business.tenantId, 'manager');
    const client = await t.signIn(user.email, user.password);
    const page = await client.get('/account/2fa');
    const secret = /<code class="secret">([A-Z2-7]+)<\/code>/.exec(page.html)![1]!;
    const stored = () => t.deps.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });

    const noPassword = await client.post('/account/2fa/enable', { code: await generate({ secret }) });
    expect(noPassword.status).toBe(422);
    expect(noPassword.html).toContain('Enter your password');
    const wrongPassword = await client.post('/account/2fa/enable', { password: 'not-my-password-1', code: await generate({ secret }) });
    expect(wrongPassword.status).toBe(422);
    expect(wrongPassword.html).toContain('That is not your password');
    expect((await stored()).totpEnabled).toBe(false);

    expect((await client.post('/account/2fa/enable', { password: user.password, code: await generate({ secret }) })).status).toBe(303);
    expect((await stored()).totpEnabled).toBe(true);

    await client.get('/account/2fa');
    const wrongOff = await client.post('/account/2fa/disable', { password: 'not-my-password-1' });
    expect(wrongOff.status).toBe(422);
    expect((await stored()).totpEnabled).toBe(true);
    expect((await client.post('/account/2fa/disable', { password: user.password })).status).toBe(303);
    expect((await stored()).totpEnabled).toBe(false);
  });
});
