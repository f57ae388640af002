import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/auth/password.ts';
import { hashLinkToken, issueLink } from '../../src/auth/one-time-links.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { linkIn, startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

// Invitations and password resets by one-time links, e-mailed through a real SMTP server
// that this file starts on a free loopback port; every message is read back and its link
// followed. The app's PostgreSQL and Redis are the real test servers.

const HOOK_TIMEOUT_MS = 180_000;
const APP_URL = 'http://stock.test';
const NEW_PASSWORD = 'lantern-orbit-velvet';

describe('one-time links by e-mail', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let business: TestTenant;
  // Each test asks from its own client address (X-Forwarded-For, loopback proxy trusted), so
  // one test's requests do not spend another's per-address budget.
  let ipCounter = 1;
  const fromNewAddress = () => ({ 'x-forwarded-for': `198.51.100.${ipCounter++}` });

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await startTestApp({
      driver: 'postgresql',
      redis: true,
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Stock <stock@test.stock>', APP_URL, TRUST_PROXY: 'loopback' },
    });
    business = await t.createTenantWithOwner();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const pathOf = (link: string) => {
    expect(link.startsWith(`${APP_URL}/`)).toBe(true);
    return new URL(link).pathname;
  };
  const passwordHash = async (userId: number) =>
    (await t.deps.db.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } })).passwordHash;
  const audit = (kind: 'invitation_accepted' | 'password_reset' | 'user_invited', subject: string) =>
    t.deps.db.prisma.auditEntry.count({ where: { tenantId: business.tenantId, kind, subject } });

  async function resetLinkFor(email: string, headers = fromNewAddress()): Promise<string> {
    const client = t.client(headers);
    await client.get('/password/forgot');
    const res = await client.post('/password/forgot', { email });
    expect(res.status).toBe(200);
    await t.deps.passwordReset.settled();
    const mail = await smtp.next((m) => m.to.includes(email) && m.subject === 'Reset your Stock password' && !used.has(m));
    used.add(mail);
    return linkIn(mail, APP_URL);
  }
  const used = new Set<object>();

  it('an owner invites by e-mail; the link in the message sets the password once, and the audit log has both', async () => {
    const owner = await t.signIn(business.owner.email, business.owner.password);
    const email = `invited-${randomBytes(4).toString('hex')}@test.stock`;
    expect((await owner.post('/settings/users', { email, name: 'Ana Clerk', role: 'staff' })).status).toBe(303);
    const page = await owner.get('/settings/users');
    expect(page.html).toContain(`${email} is invited: we e-mailed them a link`);
    expect(page.html).not.toContain('/invitation/');

    const mail = await smtp.next((m) => m.to.includes(email));
    expect(mail.from).toBe('stock@test.stock');
    expect(mail.subject).toBe(`You are invited to ${business.name} on Stock`);
    const path = pathOf(linkIn(mail, APP_URL));
    const token = path.split('/').pop()!;
    // Only the hash is stored.
    const row = await t.deps.db.prisma.oneTimeLink.findFirstOrThrow({ where: { user: { email } } });
    expect(row.tokenHash).toBe(hashLinkToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(72 * 3600 * 1000);

    const invited = t.client();
    const form = await invited.get(path);
    expect(form.status).toBe(200);
    expect(form.html).toContain(email);
    const set = await invited.post(path, { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    expect([set.status, set.location]).toEqual([303, '/login?passwordSet=1']);
    await expect(t.signIn(email, NEW_PASSWORD)).resolves.toBeDefined();
    expect(await audit('user_invited', `User ${email}`)).toBe(1);
    expect(await audit('invitation_accepted', `User ${email}`)).toBe(1);

    // Used once: the same link again is refused, and nothing changes.
    const again = t.client();
    expect((await again.get(path)).status).toBe(410);
    await again.get('/password/forgot'); // the public forms' token, for a POST all the same
    const reuse = await again.post(path, { password: 'another-lantern-orbit', confirmPassword: 'another-lantern-orbit' });
    expect(reuse.status).toBe(410);
    expect(reuse.html).toContain('expired or has already been used');
    await expect(t.signIn(email, NEW_PASSWORD)).resolves.toBeDefined();
  });

  it('a reset link from the message sets a new password, ends every session and is written to the audit log', async () => {
    const user = await t.createUser(business.tenantId, 'manager');
    const signedIn = await t.signIn(user.email, user.password);
    expect((await signedIn.get('/')).status).toBe(200);
    const path = pathOf(await resetLinkFor(user.email));
    const row = await t.deps.db.prisma.oneTimeLink.findFirstOrThrow({ where: { userId: user.id, purpose: 'password_reset' } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(3600 * 1000);

    const visitor = t.client();
    await visitor.get(path);
    const weak = await visitor.post(path, { password: '1234567890', confirmPassword: '1234567890' });
    expect(weak.status).toBe(422);
    expect(weak.html).toContain('too easy to guess');
    expect((await visitor.post(path, { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })).status).toBe(303);

    expect((await signedIn.get('/')).location).toMatch(/^\/login/);
    expect(await verifyPassword(await passwordHash(user.id), NEW_PASSWORD)).toBe(true);
    expect(await audit('password_reset', `User ${user.email}`)).toBe(1);
    expect((await t.client().get(path)).status).toBe(410);
  });

  it('an expired link is refused and changes nothing', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const path = pathOf(await resetLinkFor(user.email));
    const visitor = t.client();
    expect((await visitor.get(path)).status).toBe(200);
    await t.deps.db.prisma.oneTimeLink.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const before = await passwordHash(user.id);
    expect((await visitor.get(path)).status).toBe(410);
    const res = await visitor.post(path, { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    expect(res.status).toBe(410);
    expect(await passwordHash(user.id)).toBe(before);
  });

  it('a newer reset link spends the older one', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const first = pathOf(await resetLinkFor(user.email));
    const second = pathOf(await resetLinkFor(user.email));
    expect((await t.client().get(first)).status).toBe(410);
    expect((await t.client().get(second)).status).toBe(200);
  });

  it('parallel requests with the same link: exactly one sets its password, the others are refused', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const path = pathOf(await resetLinkFor(user.email));
    const clients = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const c = t.client();
        await c.get(path);
        return c;
      }),
    );
    const passwords = clients.map((_, i) => `parallel-lantern-orbit-${i}`);
    const results = await Promise.all(clients.map((c, i) => c.post(path, { password: passwords[i]!, confirmPassword: passwords[i]! })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 410)).toHaveLength(7);
    const winner = passwords[statuses.indexOf(303)]!;
    expect(await verifyPassword(await passwordHash(user.id), winner)).toBe(true);
    expect(await audit('password_reset', `User ${user.email}`)).toBe(1);
  });

  it('tells text that cannot be an e-mail address so, instead of answering that a link was sent', async () => {
    const client = t.client(fromNewAddress());
    await client.get('/password/forgot');
    const res = await client.post('/password/forgot', { email: 'ana.example.com' });
    expect(res.status).toBe(422);
    expect(res.html).toContain('Enter a valid email address');
    expect(res.html).not.toContain('If that address has an account here');
  });

  it('answers the same whether or not the address has an account, and e-mails only the account', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const unknown = `nobody-${randomBytes(4).toString('hex')}@test.stock`;
    const answers: string[] = [];
    for (const email of [user.email, unknown]) {
      const client = t.client(fromNewAddress());
      await client.get('/password/forgot');
      const res = await client.post('/password/forgot', { email });
      expect(res.status).toBe(200);
      answers.push(res.html.replace(/name="_csrf" value="[^"]+"/, ''));
    }
    expect(answers[0]).toBe(answers[1]);
    expect(answers[0]).toContain('If that address has an account here');
    await t.deps.passwordReset.settled();
    await smtp.next((m) => m.to.includes(user.email));
    expect(smtp.messages.some((m) => m.to.includes(unknown))).toBe(false);
  });

  it('limits reset requests per address and per client address, also when they come at once', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    // 3 per address per hour, from 8 client addresses at once.
    const send = async (email: string, headers: Record<string, string>) => {
      const c = t.client(headers);
      await c.get('/password/forgot');
      return (await c.post('/password/forgot', { email })).status;
    };
    const perAddress = await Promise.all(Array.from({ length: 8 }, () => send(user.email, fromNewAddress())));
    expect(perAddress.filter((s) => s === 200)).toHaveLength(3);
    expect(perAddress.filter((s) => s === 429)).toHaveLength(5);
    await t.deps.passwordReset.settled();
    expect(smtp.messages.filter((m) => m.to.includes(user.email))).toHaveLength(3);

    // 10 per client address per 15 minutes, across addresses (unknown ones count too).
    const one = fromNewAddress();
    const perClient = await Promise.all(
      Array.from({ length: 14 }, (_, i) => send(`someone-${i}-${randomBytes(3).toString('hex')}@test.stock`, one)),
    );
    expect(perClient.filter((s) => s === 200)).toHaveLength(10);
    expect(perClient.filter((s) => s === 429)).toHaveLength(4);
  });

  it('issues links only by hash, so a token made up or taken from another purpose opens nothing', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const token = await t.deps.tenantDb(business.tenantId).$transaction((tx) => issueLink(tx, user.id, 'invitation'));
    expect((await t.client().get(`/password/reset/${token}`)).status).toBe(410);
    expect((await t.client().get(`/invitation/${token}`)).status).toBe(200);
    expect((await t.client().get(`/invitation/${randomBytes(32).toString('base64url')}`)).status).toBe(410);
    expect((await t.client().get('/invitation/short')).status).toBe(410);
    // A link whose percent-encoding was broken on its way: the same "expired or used" page, not a bare 400.
    const mangled = await t.client().get(`/password/reset/${token.slice(0, 40)}%E0%A4%A`);
    expect(mangled.status).toBe(410);
    expect(mangled.html).toContain('Ask for a new password link');
  });
  it('writes each message in its recipient’s language: the user’s own, else the business’s', async () => {
    const shop = await t.createTenantWithOwner('Ferretería Sol');
    await t.deps.db.prisma.tenant.update({ where: { id: shop.tenantId }, data: { language: 'es' } });
    const owner = await t.signIn(shop.owner.email, shop.owner.password);
    const email = `invitada-${randomBytes(4).toString('hex')}@test.stock`;
    expect((await owner.post('/settings/users', { email, name: 'Ana', role: 'staff' })).status).toBe(303);
    const invitation = await smtp.next((m) => m.to.includes(email));
    expect(invitation.subject).toBe('Le invitan a Ferretería Sol en Stock');
    expect(invitation.text).toContain('Hola, Ana:');
    expect(invitation.text).toContain('El enlace sirve una vez y caduca en 72 horas.');

    // A Brazilian user in the Spanish business gets the reset link in Portuguese.
    const user = await t.createUser(shop.tenantId, 'manager');
    await t.deps.db.prisma.user.update({ where: { id: user.id }, data: { language: 'pt-BR' } });
    const client = t.client(fromNewAddress());
    await client.get('/password/forgot');
    expect((await client.post('/password/forgot', { email: user.email })).status).toBe(200);
    await t.deps.passwordReset.settled();
    const reset = await smtp.next((m) => m.to.includes(user.email));
    expect(reset.subject).toBe('Redefina sua senha do Stock');
    expect(reset.text).toContain('Alguém pediu para redefinir a senha da sua conta em Ferretería Sol.');
    expect(reset.text).not.toMatch(/Someone asked|link works|ignore this e-mail/);
    expect(linkIn(reset, APP_URL)).toContain('/password/reset/');
  });
});
