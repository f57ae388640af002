import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { issueLink } from '../../src/auth/one-time-links.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { rawRedis } from '../helpers/redis.ts';

// A stranger (or a bot) reading public pages writes nothing: no row in `sessions`, no
// `stock:sess:*` key. The sign-in form works without a session (its CSRF token is a signed
// cookie), still refuses a forged post, and a session is made only once the password is right.

const HOOK_TIMEOUT_MS = 180_000;
const VISITS = 1000;
const BATCH = 50;

const unknownToken = randomBytes(32).toString('base64url');

// Every page a signed-out visitor can reach, as they would reach it (the pages of real links are added once made).
const publicPages = [
  '/password/forgot',
  `/invitation/${unknownToken}`,
  `/password/reset/${unknownToken}`,
  // A link mangled on its way (broken percent-encoding).
  `/invitation/${unknownToken.slice(0, 40)}%E0%A4%A`,
  '/language?lang=es&back=%2Flogin',
  '/login',
  '/login?returnTo=%2Fsales',
  '/login?signedOut=1',
  '/login/2fa',
  '/health',
  '/health/cache',
  '/no-such-page',
  '/css/app.css',
  '/favicon.svg',
  '/css/missing.css',
];
/** Pages whose answer is known exactly (the others: anything but a 5xx). */
const expectedStatus = new Map<string, number>([
  [`/invitation/${unknownToken}`, 410],
  [`/password/reset/${unknownToken}`, 410],
  [`/invitation/${unknownToken.slice(0, 40)}%E0%A4%A`, 410],
]);

describe('strangers get no session', () => {
  let t: TestApp;
  let business: TestTenant;

  beforeAll(async () => {
    t = await startTestApp({ driver: 'postgresql', redis: true });
    business = await t.createTenantWithOwner();
    // An invitation and a reset link that work: opening their pages (again and again) spends neither.
    const db = t.deps.tenantDb(business.tenantId);
    const invited = await t.createUser(business.tenantId, 'staff');
    const invitation = `/invitation/${await db.$transaction((tx) => issueLink(tx, invited.id, 'invitation'))}`;
    const reset = `/password/reset/${await db.$transaction((tx) => issueLink(tx, business.owner.id, 'password_reset'))}`;
    publicPages.push(invitation, reset);
    for (const path of [invitation, reset]) expectedStatus.set(path, 200);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const sessionRows = () => t.deps.db.prisma.session.count();
  async function sessionKeys(): Promise<number> {
    const redis = rawRedis(t.config.redisUrl);
    try {
      let cursor = '0';
      let count = 0;
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${t.config.cache.keyPrefix}:sess:*`, 'COUNT', 1000);
        cursor = next;
        count += keys.length;
      } while (cursor !== '0');
      return count;
    } finally {
      redis.disconnect();
    }
  }

  // Plain node:http over kept-alive connections: the client's share of 17,000 requests made
  // in this same process stays small next to the server's.
  const agent = new http.Agent({ keepAlive: true, maxSockets: BATCH });
  afterAll(() => agent.destroy());
  /** One GET as a cookie-less visitor: the status and the names of the cookies it was given. */
  const visit = (path: string) =>
    new Promise<{ status: number; cookies: string[] }>((resolve, reject) => {
      http
        .get(`${t.baseUrl}${path}`, { agent, headers: { accept: 'text/html' } }, (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, cookies: (res.headers['set-cookie'] ?? []).map((c) => c.slice(0, c.indexOf('='))) }),
          );
        })
        .on('error', reject);
    });

  it(`writes no session row and no session key for ${VISITS} anonymous visits of every public page`, { timeout: 300_000 }, async () => {
    for (const path of publicPages) {
      for (let done = 0; done < VISITS; done += BATCH) {
        const visits = await Promise.all(Array.from({ length: BATCH }, () => visit(path)));
        expect(
          visits.filter((v) => v.cookies.includes('stock.sid')),
          path,
        ).toEqual([]);
        const statuses = visits.map((v) => v.status);
        const expected = expectedStatus.get(path);
        expect(
          statuses.every((s) => (expected ? s === expected : s < 500)),
          `${path}: ${statuses.join(',')}`,
        ).toBe(true);
      }
    }
    await t.deps.sessionStore.settle();
    expect(await sessionRows()).toBe(0);
    expect(await sessionKeys()).toBe(0);
    // Reading a link's page a thousand times leaves it usable.
    expect(await t.deps.db.prisma.oneTimeLink.count({ where: { tenantId: business.tenantId, usedAt: null } })).toBe(2);
  });

  it('writes none for a wrong password, a forged sign-in post or a sign-out without a session either', async () => {
    const client = t.client();
    await client.get('/login');
    expect((await client.post('/login', { email: business.owner.email, password: 'wrong-password-123' })).status).toBe(401);
    expect((await client.post('/login', { email: 'nobody@nowhere.test', password: 'wrong-password-123' })).status).toBe(401);
    expect((await client.post('/login', { email: business.owner.email, password: business.owner.password }, { csrf: false })).status).toBe(
      403,
    );
    expect((await t.client().post('/logout', {}, { csrf: false })).status).toBe(403);
    expect(client.cookie('stock.sid')).toBeUndefined();
    await t.deps.sessionStore.settle();
    expect(await sessionRows()).toBe(0);
    expect(await sessionKeys()).toBe(0);
  });

  it('refuses a sign-in post whose token is not the one its cookie holds, or not signed by us', async () => {
    const victim = t.client();
    await victim.get('/login');
    const attacker = t.client();
    await attacker.get('/login');
    // The attacker's own (valid) token does not go with the victim's cookie.
    expect(
      (await victim.post('/login', { email: business.owner.email, password: business.owner.password }, { csrf: attacker.csrfToken! }))
        .status,
    ).toBe(403);
    // A cookie and form that match but were not made by us.
    const forged = t.client();
    forged.cookies.set('stock.login', 'made-up-nonce.made-up-signature');
    expect(
      (
        await forged.post(
          '/login',
          { email: business.owner.email, password: business.owner.password },
          { csrf: 'made-up-nonce.made-up-signature' },
        )
      ).status,
    ).toBe(403);
    // From another site, even with a good token.
    const crossSite = t.client();
    await crossSite.get('/login');
    expect(
      (
        await crossSite.post(
          '/login',
          { email: business.owner.email, password: business.owner.password },
          { headers: { 'sec-fetch-site': 'cross-site' } },
        )
      ).status,
    ).toBe(403);
    expect(await sessionRows()).toBe(0);
  });

  it('makes one session at sign-in, and only then', async () => {
    const client = t.client();
    const page = await client.get('/login');
    expect(page.headers.getSetCookie().some((c) => /^stock\.login=.*HttpOnly.*SameSite=Strict/i.test(c))).toBe(true);
    const res = await client.post('/login', { email: business.owner.email, password: business.owner.password });
    expect(res.status).toBe(303);
    expect(client.cookie('stock.sid')).toBeTruthy();
    // The form's cookie has done its job.
    expect(client.cookie('stock.login')).toBeUndefined();
    await t.deps.sessionStore.settle();
    expect(await sessionRows()).toBe(1);
    expect(await sessionKeys()).toBe(1);
    expect((await client.get('/')).status).toBe(200);
  });
});
