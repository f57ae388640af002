import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// Building a migrated database and the app can be slow on a loaded machine.
const HOOK_TIMEOUT_MS = 180_000;

/** The code of the next 30-second period (accepted: one period of drift) and its RFC 6238 time step. */
async function nextPeriodCode(secret: string): Promise<{ code: string; step: number }> {
  const epoch = Math.floor(Date.now() / 1000) + 30;
  return { code: await generate({ secret, epoch }), step: Math.floor(epoch / 30) };
}

async function enrol(client: TestClient, password: string): Promise<{ secret: string; codes: string[]; enrolCode: string }> {
  const page = await client.get('/account/2fa');
  expect(page.html).toMatch(/<img class="qr" src="data:image\/png;base64,/);
  const secret = /<code class="secret">([A-Z2-7]+)<\/code>/.exec(page.html)![1]!;
  const wrong = await client.post('/account/2fa/enable', {
    password,
    code: '000000' === (await generate({ secret })) ? '111111' : '000000',
  });
  expect(wrong.status).toBe(422);
  const enrolCode = await generate({ secret });
  const ok = await client.post('/account/2fa/enable', { password, code: enrolCode });
  expect(ok.status).toBe(303);
  const shown = await client.get('/account/2fa');
  const codes = [...shown.html.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
  expect(codes).toHaveLength(10);
  expect((await client.get('/account/2fa')).html).not.toContain(codes[0]);
  return { secret, codes, enrolCode };
}

async function passwordStep(t: TestApp, email: string, password: string): Promise<TestClient> {
  const client = t.client();
  await client.get('/login');
  const res = await client.post('/login', { email, password });
  expect(res.location).toBe('/login/2fa');
  expect((await client.get('/')).status).toBe(303);
  await client.get('/login/2fa');
  return client;
}

describe('two-factor sign-in', () => {
  let t: TestApp;
  let business: TestTenant;

  beforeAll(async () => {
    t = await startTestApp({ driver: 'pglite', redis: true });
    business = await t.createTenantWithOwner();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('enrols with a QR code, then asks for a code at sign-in; recovery codes work once', async () => {
    const user = await t.createUser(business.tenantId, 'manager');
    const { secret, codes, enrolCode } = await enrol(await t.signIn(user.email, user.password), user.password);
    const stored = await t.deps.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.totpEnabled).toBe(true);
    expect(stored.recoveryCodeHashes).toHaveLength(10);
    expect(stored.recoveryCodeHashes).not.toContain(codes[0]);

    const wrong = await passwordStep(t, user.email, user.password);
    expect((await wrong.post('/login/2fa', { code: '12345' })).status).toBe(401);

    // The code that turned it on cannot also sign in; a later one can, once.
    const replayOfEnrolment = await passwordStep(t, user.email, user.password);
    expect((await replayOfEnrolment.post('/login/2fa', { code: enrolCode })).status).toBe(401);
    const withApp = await passwordStep(t, user.email, user.password);
    const { code, step } = await nextPeriodCode(secret);
    const done = await withApp.post('/login/2fa', { code });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/');
    expect((await withApp.get('/')).status).toBe(200);
    const replay = await passwordStep(t, user.email, user.password);
    expect((await replay.post('/login/2fa', { code })).status).toBe(401);
    expect((await t.deps.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).totpLastStep).toBe(step);

    const withRecovery = await passwordStep(t, user.email, user.password);
    expect((await withRecovery.post('/login/2fa', { code: codes[0]!.toUpperCase() })).location).toBe('/');
    const again = await passwordStep(t, user.email, user.password);
    expect((await again.post('/login/2fa', { code: codes[0]! })).status).toBe(401);
  });

  it('can be made mandatory by an owner: users without it must enrol before anything else', async () => {
    const staff = await t.createUser(business.tenantId, 'staff');
    const owner = await t.signIn(business.owner.email, business.owner.password);
    expect((await owner.post('/settings/users/two-factor', { require2fa: 'on' })).status).toBe(303);
    const client = t.client();
    await client.get('/login');
    expect((await client.post('/login', { email: staff.email, password: staff.password })).location).toBe('/');
    const home = await client.get('/');
    expect(home.status).toBe(303);
    expect(home.location).toBe('/account/2fa');
    await enrol(client, staff.password);
    expect((await client.get('/')).status).toBe(200);
    // Cannot be turned off while required.
    const off = await client.post('/account/2fa/disable', { password: staff.password });
    expect(off.status).toBe(409);
    expect(off.html).toContain('requires two-factor sign-in');
    // The owner, not enrolled either, is sent to enrol too.
    expect((await owner.get('/settings/users')).location).toBe('/account/2fa');
  });
});
