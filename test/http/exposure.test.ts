import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TotpSecrets, parseTotpKey, resealAllTotpSecrets } from '../../src/auth/totp-secrets.ts';
import { newTotpSecret } from '../../src/auth/totp.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { rawRedis } from '../helpers/redis.ts';

// What the app lets out: /metrics only with its bearer token, /health/cache's internals only
// with the token or to an owner, nothing about other businesses' users through the invite
// form, no secret left in the session store once shown, TOTP secrets sealed at rest.

const HOOK_TIMEOUT_MS = 180_000;
const METRICS_TOKEN = `metrics-${randomBytes(16).toString('hex')}`;
const TOTP_KEY = randomBytes(32).toString('hex');

const sessionId = (cookie: string | undefined) => /^s:([^.]+)\./.exec(decodeURIComponent(cookie ?? ''))?.[1];

describe('what the app exposes', () => {
  let t: TestApp;
  let business: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    t = await startTestApp({ driver: 'postgresql', redis: true, env: { METRICS_TOKEN, TOTP_ENCRYPTION_KEY: TOTP_KEY } });
    business = await t.createTenantWithOwner();
    other = await t.createTenantWithOwner();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** What the session store holds for a client's session, in Redis and in the table. */
  async function storedSession(client: TestClient): Promise<string> {
    const sid = sessionId(client.cookie('stock.sid'))!;
    await t.deps.sessionStore.settle();
    const redis = rawRedis(t.config.redisUrl);
    try {
      const cached = (await redis.get(`${t.config.cache.keyPrefix}:sess:${sid}`)) ?? '';
      const row = await t.deps.db.prisma.session.findUnique({ where: { sid } });
      return `${cached}\n${JSON.stringify(row?.data ?? null)}`;
    } finally {
      redis.disconnect();
    }
  }

  it('serves /metrics only with the bearer token', async () => {
    expect((await t.client().get('/metrics')).status).toBe(401);
    expect((await t.client(bearer('not-the-token')).get('/metrics')).status).toBe(401);
    const owner = await t.signIn(business.owner.email, business.owner.password);
    expect((await owner.get('/metrics')).status).toBe(401);
    const scrape = await t.client(bearer(METRICS_TOKEN)).get('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.html).toMatch(/^# (HELP|TYPE) /m);
  });

  it('tells strangers and staff only the status of /health/cache; the token or an owner get the details', async () => {
    const anonymous = await fetch(`${t.baseUrl}/health/cache`);
    expect(anonymous.status).toBe(200);
    const plain = (await anonymous.json()) as Record<string, unknown>;
    expect(Object.keys(plain)).toEqual(['status']);
    expect(['ok', 'degraded']).toContain(plain.status);

    const staffUser = await t.createUser(business.tenantId, 'staff');
    const staff = await t.signIn(staffUser.email, staffUser.password, { accept: 'application/json' });
    expect(Object.keys(JSON.parse((await staff.get('/health/cache')).html))).toEqual(['status']);

    const withToken = JSON.parse(
      (await t.client({ ...bearer(METRICS_TOKEN), accept: 'application/json' }).get('/health/cache')).html,
    ) as Record<string, unknown>;
    expect(withToken).toMatchObject({ status: plain.status, store: expect.any(String), breaker: expect.any(String) });
    const owner = await t.signIn(business.owner.email, business.owner.password, { accept: 'application/json' });
    expect(JSON.parse((await owner.get('/health/cache')).html)).toHaveProperty('l1Entries');
  });

  it('does not tell an owner that an address is used by another business (but does say it is one of theirs)', async () => {
    const owner = await t.signIn(business.owner.email, business.owner.password);
    const elsewhere = await owner.post('/settings/users', { email: other.owner.email, name: 'Someone', role: 'staff' });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.html).toContain('We could not invite that address.');
    expect(elsewhere.html).not.toMatch(/already|has an account|another business/i);
    const here = await owner.post('/settings/users', { email: business.owner.email, name: 'Me', role: 'staff' });
    expect(here.status).toBe(422);
    expect(here.html).toContain('That person is already a user here.');
    expect(await t.deps.db.prisma.user.count({ where: { email: other.owner.email } })).toBe(1);
  });

  it('removes the invitation link from the session once the page has shown it', async () => {
    const owner = await t.signIn(business.owner.email, business.owner.password);
    expect((await owner.post('/settings/users', { email: `temp-${Date.now()}@test.stock`, name: 'Temp', role: 'staff' })).status).toBe(303);
    const page = await owner.get('/settings/users');
    const temporary = /shown only this once: (\S+) —/.exec(page.html)![1]!;
    expect(await storedSession(owner)).not.toContain(temporary);
    expect((await owner.get('/settings/users')).html).not.toContain(temporary);
  });

  it('removes the recovery codes from the session once shown, and keeps the TOTP secret sealed in the database', async () => {
    const user = await t.createUser(business.tenantId, 'manager');
    const client = await t.signIn(user.email, user.password);
    const secret = /<code class="secret">([A-Z2-7]+)<\/code>/.exec((await client.get('/account/2fa')).html)![1]!;
    expect((await client.post('/account/2fa/enable', { password: user.password, code: await generate({ secret }) })).status).toBe(303);
    const shown = await client.get('/account/2fa');
    const codes = [...shown.html.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    const session = await storedSession(client);
    for (const code of codes) expect(session).not.toContain(code);
    expect(session).not.toContain(secret);

    const row = await t.deps.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.totpSecret).toMatch(/^totp1:[A-Za-z0-9_-]{8}:/);
    expect(row.totpSecret).not.toContain(secret);
    // Still signs in with the app's code.
    await signInWithCode(user.email, user.password, secret);
  });

  async function signInWithCode(email: string, password: string, secret: string): Promise<void> {
    const client = t.client();
    await client.get('/login');
    expect((await client.post('/login', { email, password })).location).toBe('/login/2fa');
    await client.get('/login/2fa');
    const res = await client.post('/login/2fa', { code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }) });
    expect(res.status, res.html.slice(0, 300)).toBe(303);
    expect(res.location).toBe('/');
  }

  it('seals a secret stored in clear (before encryption existed) the next time it signs in', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const secret = newTotpSecret();
    await t.deps.db.prisma.user.update({ where: { id: user.id }, data: { totpSecret: secret, totpEnabled: true } });
    await signInWithCode(user.email, user.password, secret);
    const row = await t.deps.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.totpSecret).toMatch(/^totp1:/);
    expect(t.deps.totpSecrets.open(row.totpSecret!, user.id)).toBe(secret);
  });

  it('rotates keys: a new key opens nothing it did not seal, the old key (kept as an old key) still does, and use reseals', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const secret = newTotpSecret();
    const sealedWithCurrent = t.deps.totpSecrets.seal(secret, user.id);
    await t.deps.db.prisma.user.update({ where: { id: user.id }, data: { totpSecret: sealedWithCurrent, totpEnabled: true } });
    const current = parseTotpKey(TOTP_KEY)!;
    const next = parseTotpKey(randomBytes(32).toString('hex'))!;
    expect(() => new TotpSecrets(next).open(sealedWithCurrent, user.id)).toThrow(/not in TOTP_ENCRYPTION_KEY or TOTP_ENCRYPTION_OLD_KEYS/);
    const rotated = new TotpSecrets(next, [current]);
    expect(rotated.needsReseal(sealedWithCurrent)).toBe(true);
    expect(await rotated.reveal(t.deps.tenantDb(business.tenantId), user.id, sealedWithCurrent)).toBe(secret);
    const row = await t.deps.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.totpSecret!.split(':')[1]).toBe(next.id);
    expect(rotated.open(row.totpSecret!, user.id)).toBe(secret);
    // Sealed for one user, it does not open as another's.
    expect(() => rotated.open(row.totpSecret!, user.id + 1)).toThrow();
  });

  it('reseals every secret at once after a rotation (npm run cli -- totp:reseal)', async () => {
    const users = await Promise.all([1, 2].map(() => t.createUser(other.tenantId, 'staff')));
    const secrets = users.map(() => newTotpSecret());
    await t.deps.db.prisma.user.update({ where: { id: users[0]!.id }, data: { totpSecret: secrets[0], totpEnabled: true } });
    await t.deps.db.prisma.user.update({
      where: { id: users[1]!.id },
      data: { totpSecret: t.deps.totpSecrets.seal(secrets[1]!, users[1]!.id), totpEnabled: true },
    });
    const next = new TotpSecrets(parseTotpKey(randomBytes(32).toString('hex'))!, [parseTotpKey(TOTP_KEY)!]);
    const result = await resealAllTotpSecrets(t.deps.db.prisma, next);
    // The earlier rotation test left one secret under a key nobody has any more: listed, not touched.
    expect(result.unreadable).toHaveLength(1);
    expect(result.resealed + result.unreadable.length).toBe(result.checked);
    for (const [i, user] of users.entries()) {
      const row = await t.deps.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(next.needsReseal(row.totpSecret!)).toBe(false);
      expect(next.open(row.totpSecret!, user.id)).toBe(secrets[i]);
    }
    expect((await resealAllTotpSecrets(t.deps.db.prisma, next)).resealed).toBe(0);
  });
});
