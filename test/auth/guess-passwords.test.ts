import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { newTotpSecret } from '../../src/auth/totp.ts';
import { LOGIN_LIMITS } from '../../src/auth/login-throttle.ts';
import { passwordWorkStats } from '../../src/auth/password.ts';
import { limiterKey } from '../../src/http/rate-limit.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { rawRedis } from '../helpers/redis.ts';

// An attacker guessing passwords (and second-factor codes) as fast as they can: in
// parallel, from many addresses through the trusted proxy, and with a forged
// X-Forwarded-For when they are not the proxy. The limits count before they check, so a
// burst is checked at most as many times as the limit allows. Production mode, PostgreSQL
// and Redis, as deployed.

const HOOK_TIMEOUT_MS = 180_000;
const WRONG = 'wrong-password-123';
const https = { 'x-forwarded-proto': 'https' };
const production = (extra: Record<string, string> = {}) => ({
  NODE_ENV: 'production',
  TOTP_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  ...extra,
});

let ipCounter = 0;
const newIp = () => {
  ipCounter++;
  return `198.51.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
};

/** One sign-in from a fresh client (its own form cookie) at `ip`; resolves to the status. */
async function signInAttempt(t: TestApp, email: string, password: string, ip: string): Promise<number> {
  const client = t.client({ 'x-forwarded-for': ip, ...https });
  await client.get('/login');
  return (await client.post('/login', { email, password })).status;
}

function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

describe('guessing passwords through the trusted proxy (TRUST_PROXY=loopback)', () => {
  let t: TestApp;
  let business: TestTenant;

  beforeAll(async () => {
    t = await startTestApp({ driver: 'postgresql', redis: true, env: production({ TRUST_PROXY: 'loopback' }) });
    business = await t.createTenantWithOwner();
    // The first unknown email makes the stand-in hash that unknown emails are checked against.
    await signInAttempt(t, 'nobody@nowhere.test', WRONG, newIp());
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('checks at most 5 of 40 parallel wrong passwords for one account from one IP, then refuses the right one while locked', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const ip = newIp();
    const before = passwordWorkStats().started;
    const statuses = await Promise.all(Array.from({ length: 40 }, () => signInAttempt(t, user.email, WRONG, ip)));
    const counts = tally(statuses);
    expect(Object.keys(counts).sort(), JSON.stringify(counts)).toEqual(['401', '429'].filter((s) => counts[Number(s)]));
    expect(counts[401] ?? 0).toBeLessThanOrEqual(LOGIN_LIMITS.account.points);
    expect(counts[429]).toBeGreaterThanOrEqual(40 - LOGIN_LIMITS.account.points);
    expect(passwordWorkStats().started - before, 'password hashes checked').toBeLessThanOrEqual(LOGIN_LIMITS.account.points);
    // The right password, now, from the same address or another one: refused unchecked.
    expect(await signInAttempt(t, user.email, user.password, ip)).toBe(429);
    expect(await signInAttempt(t, user.email, user.password, newIp())).toBe(429);
  });

  it('refuses the right password sent in the same burst as the wrong ones, unless it came first', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const ip = newIp();
    const wrong = Array.from({ length: 40 }, () => signInAttempt(t, user.email, WRONG, ip));
    const right = signInAttempt(t, user.email, user.password, ip);
    const statuses = await Promise.all(wrong);
    const rightStatus = await right;
    // Either it took one of the 5 places (and signed in) or it was refused unchecked.
    expect([303, 429]).toContain(rightStatus);
    const checkedWrong = tally(statuses)[401] ?? 0;
    if (rightStatus === 429) expect(checkedWrong).toBeLessThanOrEqual(LOGIN_LIMITS.account.points);
    // A right password forgets the account's failures (as a sign-in does), so guesses that
    // arrive after it count afresh: at most 5 before it and 5 after, never more.
    else expect(checkedWrong).toBeLessThanOrEqual(2 * LOGIN_LIMITS.account.points);
  });

  it('caps one account at 5 guesses across 40 addresses (a new X-Forwarded-For each time)', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const statuses = await Promise.all(Array.from({ length: 40 }, () => signInAttempt(t, user.email, WRONG, newIp())));
    expect(tally(statuses)[401] ?? 0).toBeLessThanOrEqual(LOGIN_LIMITS.account.points);
    expect(tally(statuses)[429]).toBeGreaterThanOrEqual(40 - LOGIN_LIMITS.account.points);
    expect(await signInAttempt(t, user.email, user.password, newIp())).toBe(429);
  });

  it('checks at most 50 of 120 parallel sign-ins with different emails from one IP', async () => {
    const ip = newIp();
    const before = passwordWorkStats().started;
    const statuses = await Promise.all(
      Array.from({ length: 120 }, (_, i) => signInAttempt(t, `nobody-${i}-${randomBytes(3).toString('hex')}@nowhere.test`, WRONG, ip)),
    );
    const counts = tally(statuses);
    expect(counts[401] ?? 0, JSON.stringify(counts)).toBeLessThanOrEqual(LOGIN_LIMITS.ip.points);
    // Refused unchecked: 429 by the address's limit, or 503 when the bounded password-hashing
    // queue is full (on a loaded machine some of the 50 admitted wait too long).
    expect(
      Object.keys(counts).filter((s) => !['401', '429', '503'].includes(s)),
      JSON.stringify(counts),
    ).toEqual([]);
    expect((counts[429] ?? 0) + (counts[503] ?? 0), JSON.stringify(counts)).toBeGreaterThanOrEqual(120 - LOGIN_LIMITS.ip.points);
    expect(passwordWorkStats().started - before, 'password hashes checked').toBeLessThanOrEqual(LOGIN_LIMITS.ip.points);
  });

  it('locks an account out for longer each time it runs out of guesses in a day', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const ip = newIp();
    for (let i = 0; i < LOGIN_LIMITS.account.points; i++) expect(await signInAttempt(t, user.email, WRONG, ip)).toBe(401);
    const client = t.client({ 'x-forwarded-for': ip, ...https });
    await client.get('/login');
    const first = await client.post('/login', { email: user.email, password: WRONG });
    expect(first.status).toBe(429);
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(Number(first.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    // We cannot wait 15 minutes: the lock-out's key is removed as its expiry would.
    const redis = rawRedis(t.config.redisUrl);
    try {
      await redis.del(`${t.config.cache.keyPrefix}:rl:${LOGIN_LIMITS.account.name}:${limiterKey('password', user.email)}`);
    } finally {
      redis.disconnect();
    }
    for (let i = 0; i < LOGIN_LIMITS.account.points; i++) expect(await signInAttempt(t, user.email, WRONG, ip)).toBe(401);
    const second = await client.post('/login', { email: user.email, password: WRONG });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(29 * 60);
    expect(Number(second.headers.get('retry-after'))).toBeLessThanOrEqual(30 * 60);
    expect(second.html).toContain('Try again in 30 minutes');
  });

  it('checks at most 5 of 60 parallel second-factor codes', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const secret = newTotpSecret();
    await t.deps.db.prisma.user.update({ where: { id: user.id }, data: { totpSecret: secret, totpEnabled: true } });
    const current = await generate({ secret });
    const wrongCode = current === '000000' ? '111111' : '000000';
    // 60 half-signed-in clients (each got past the password), then every code at once.
    const clients = [];
    for (let i = 0; i < 60; i++) {
      const client = t.client({ 'x-forwarded-for': newIp(), ...https });
      await client.get('/login');
      const res = await client.post('/login', { email: user.email, password: user.password });
      expect(res.location).toBe('/login/2fa');
      await client.get('/login/2fa');
      clients.push(client);
    }
    const statuses = await Promise.all(clients.map((c) => c.post('/login/2fa', { code: wrongCode }).then((r) => r.status)));
    const counts = tally(statuses);
    expect(counts[401] ?? 0, JSON.stringify(counts)).toBeLessThanOrEqual(LOGIN_LIMITS.secondFactor.points);
    expect(counts[429], JSON.stringify(counts)).toBeGreaterThanOrEqual(60 - LOGIN_LIMITS.secondFactor.points);
    // And the right code is refused too while the step is locked.
    expect((await clients[0]!.post('/login/2fa', { code: await generate({ secret }) })).status).toBe(429);
  });

  it('counts wrong current passwords on the account forms toward the account limit', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const ip = newIp();
    const client = await t.signIn(user.email, user.password, { 'x-forwarded-for': ip, ...https });
    await client.get('/account/password');
    const forms: Array<[string, Record<string, string>]> = [
      ['/account/password', { currentPassword: WRONG, newPassword: 'a-fresh-river-stone', confirmPassword: 'a-fresh-river-stone' }],
      ['/account/2fa/enable', { password: WRONG, code: '123456' }],
      ['/account/password', { currentPassword: WRONG, newPassword: 'a-fresh-river-stone', confirmPassword: 'a-fresh-river-stone' }],
      ['/account/2fa/enable', { password: WRONG, code: '123456' }],
      ['/account/password', { currentPassword: WRONG, newPassword: 'a-fresh-river-stone', confirmPassword: 'a-fresh-river-stone' }],
    ];
    await client.get('/account/2fa');
    for (const [path, form] of forms) {
      const res = await client.post(path, form);
      expect(res.status, path).toBe(422);
      expect(res.html).toMatch(/That is not your (current )?password/);
    }
    // The 6th guess is refused unchecked, and so is the right password at the sign-in form.
    expect(
      (
        await client.post('/account/password', {
          currentPassword: user.password,
          newPassword: 'a-fresh-river-stone',
          confirmPassword: 'a-fresh-river-stone',
        })
      ).status,
    ).toBe(429);
    expect(await signInAttempt(t, user.email, user.password, newIp())).toBe(429);
  });

  it('forgets the account form failures once the right current password is given', async () => {
    const user = await t.createUser(business.tenantId, 'staff');
    const client = await t.signIn(user.email, user.password, { 'x-forwarded-for': newIp(), ...https });
    await client.get('/account/password');
    for (let i = 0; i < 4; i++)
      await client.post('/account/password', {
        currentPassword: WRONG,
        newPassword: 'a-fresh-river-stone',
        confirmPassword: 'a-fresh-river-stone',
      });
    const ok = await client.post('/account/password', {
      currentPassword: user.password,
      newPassword: 'a-fresh-river-stone',
      confirmPassword: 'a-fresh-river-stone',
    });
    expect(ok.status).toBe(303);
    for (let i = 0; i < 5; i++) expect(await signInAttempt(t, user.email, WRONG, newIp()), `attempt ${i + 1}`).toBe(401);
  });
});

describe('a forged X-Forwarded-For from a client that is not the trusted proxy', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The proxy is 10.9.9.9; the test client (127.0.0.1) is not it.
    t = await startTestApp({ driver: 'postgresql', redis: true, env: production({ TRUST_PROXY: '10.9.9.9' }) });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('changes nothing: a new X-Forwarded-For on every attempt still counts against the one real address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_LIMITS.ip.points; i++) statuses.push(await signInAttempt(t, `nobody-${i}@nowhere.test`, WRONG, newIp()));
    expect(statuses.slice(0, LOGIN_LIMITS.ip.points).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Every one of them came from 127.0.0.1 as far as the limits know.
    const redis = rawRedis(t.config.redisUrl);
    try {
      const key = `${t.config.cache.keyPrefix}:rl:${LOGIN_LIMITS.ip.name}:${limiterKey('127.0.0.1')}`;
      expect(Number(await redis.get(key))).toBeGreaterThan(LOGIN_LIMITS.ip.points);
    } finally {
      redis.disconnect();
    }
  });
});

describe('password hashing under a flood of sign-ins (1 at a time, 2 waiting)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      driver: 'postgresql',
      redis: true,
      env: { TRUST_PROXY: 'loopback', PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '2' },
    });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('runs at most one hash at once, refuses the overflow with 503 and Retry-After, and keeps /health answering', async () => {
    const before = passwordWorkStats();
    const flood = Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const client = t.client({ 'x-forwarded-for': newIp() });
        await client.get('/login');
        const res = await client.post('/login', { email: `flood-${i}@nowhere.test`, password: WRONG });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), html: res.html };
      }),
    );
    const health = await fetch(`${t.baseUrl}/health`);
    const results = await flood;
    expect(health.status).toBe(200);
    const statuses = tally(results.map((r) => r.status));
    expect(
      Object.keys(statuses).every((s) => s === '401' || s === '503'),
      JSON.stringify(statuses),
    ).toBe(true);
    expect(statuses[503], JSON.stringify(statuses)).toBeGreaterThan(0);
    for (const r of results.filter((x) => x.status === 503)) {
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
      expect(r.html).toContain('Too many sign-ins are being checked right now');
    }
    const after = passwordWorkStats();
    expect(after.peak).toBe(1);
    expect(after.refused - before.refused).toBe(statuses[503]);
  });

  it('does not count an attempt refused for load against its account', async () => {
    const emails = Array.from({ length: 30 }, (_, i) => `busy-${i}-${randomBytes(3).toString('hex')}@nowhere.test`);
    const statuses = await Promise.all(emails.map((email) => signInAttempt(t, email, WRONG, newIp())));
    const refused = emails.filter((_, i) => statuses[i] === 503);
    expect(refused.length).toBeGreaterThan(0);
    // Its account still has all 5 guesses: the 6th is the first 429.
    for (let i = 0; i < LOGIN_LIMITS.account.points; i++)
      expect(await signInAttempt(t, refused[0]!, WRONG, newIp()), `attempt ${i + 1}`).toBe(401);
    expect(await signInAttempt(t, refused[0]!, WRONG, newIp())).toBe(429);
  });
});
