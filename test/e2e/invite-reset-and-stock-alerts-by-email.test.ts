import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import { newPage } from '../helpers/browser.ts';
import { seriousViolations, signInAs, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';
import { startServer, type ServerProcess } from '../helpers/server.ts';
import { REDIS_TEST_URL } from '../helpers/redis.ts';
import { linkIn, startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

// E-mail from the real server (two instances on one database) to a real SMTP server this
// file starts on a free loopback port; each message is parsed and its link followed in
// Debian's Chromium. The links point at APP_URL; the browser opens their path on the server.

const PASSWORD = 'journey-password-123';
const OWNER = 'owner@mail.e2e.test';
const MANAGER = 'manager@mail.e2e.test';
const NEWCOMER = 'newcomer@mail.e2e.test';
const APP_URL = 'http://stock.e2e.test';
const BUSINESS = 'Mail Journey Hardware';

describe('invitations, password resets and the low-stock e-mail', () => {
  let journey: Journey | undefined;
  let second: ServerProcess | undefined;
  let server: ServerProcess;
  let browser: Browser;
  let smtp: TestSmtp;

  async function prepare(prisma: JourneyPrisma) {
    const { tenantId, ownerId } = await createTenant(prisma, { name: BUSINESS, ownerEmail: OWNER, ownerPassword: PASSWORD });
    const manager = await createUser(prisma, tenantId, { email: MANAGER, password: PASSWORD, role: 'manager', name: 'Mia Manager' });
    await prisma.user.updateMany({ where: { id: { in: [ownerId, manager.id] } }, data: { lowStockDigest: true } });
    const unit = await prisma.unit.create({ data: { tenantId, code: 'pc', name: 'Piece' } });
    await prisma.product.create({
      data: { tenantId, sku: 'HAM-1', name: 'Claw hammer', unitId: unit.id, price: '12.00', quantityOnHand: '1', reorderLevel: '4' },
    });
  }

  beforeAll(async () => {
    smtp = await startTestSmtp();
    const env = {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Stock <stock@mail.e2e.test>',
      APP_URL,
      LOW_STOCK_DIGEST_HOUR: '0',
      LOW_STOCK_CHECK_INTERVAL_MS: '1000',
    };
    journey = await startJourney({ prefixLabel: 'e2e-mail', prepare, env });
    ({ server, browser } = journey);
    second = await startServer({
      ...env,
      DATABASE_URL: journey.database.databaseUrl!,
      REDIS_URL: REDIS_TEST_URL,
      CACHE_KEY_PREFIX: journey.prefix,
    });
  }, 240_000);
  afterAll(async () => {
    await second?.stop();
    await journey?.close();
    await smtp?.close();
  });

  const pathOf = (link: string) => {
    expect(link.startsWith(`${APP_URL}/`)).toBe(true);
    return new URL(link).pathname;
  };

  it('an owner invites by e-mail; the newcomer accepts from the message and signs in', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    const newcomer = await newPage(browser, second!.baseUrl);
    try {
      await signInAs(page, OWNER, PASSWORD);
      await page.goto('/settings/users');
      await page.getByLabel('Email', { exact: true }).fill(NEWCOMER);
      await page.getByLabel('Name (optional)').fill('Nico Newcomer');
      await page.getByLabel('Role', { exact: true }).selectOption('staff');
      await page.getByRole('button', { name: 'Invite', exact: true }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain(`${NEWCOMER} is invited: we e-mailed them a link`);

      const mail = await smtp.next((m) => m.to.includes(NEWCOMER));
      expect(mail.subject).toBe(`You are invited to ${BUSINESS} on Stock`);
      expect(mail.text).toContain('Hello Nico Newcomer');
      // Opened on the other instance: the link is in the database, not in one process.
      await newcomer.page.goto(pathOf(linkIn(mail, APP_URL)));
      expect(await newcomer.page.getByRole('heading', { level: 1 }).textContent()).toBe('Accept the invitation');
      expect(await seriousViolations(newcomer.page)).toEqual([]);
      await newcomer.page.getByLabel('Password (at least 10 characters)').fill('nico-own-lantern-orbit');
      await newcomer.page.getByLabel('Repeat the password').fill('nico-own-lantern-orbit');
      await newcomer.page.getByRole('button', { name: 'Set my password' }).click();
      await newcomer.page.waitForURL((url) => url.pathname === '/login');
      await signInAs(newcomer.page, NEWCOMER, 'nico-own-lantern-orbit');
      expect(await newcomer.page.getByRole('navigation', { name: 'Main' }).innerText()).toContain('staff');
    } finally {
      await context.close();
      await newcomer.context.close();
    }
  });

  it('a manager who forgot the password resets it from the message; the old session ends', async () => {
    const old = await newPage(browser, server.baseUrl);
    const { context, page } = await newPage(browser, second!.baseUrl);
    try {
      await signInAs(old.page, MANAGER, PASSWORD);
      await page.goto('/login');
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByLabel('Email').fill(MANAGER);
      await page.getByRole('button', { name: 'Send me a link' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('If that address has an account here');
      expect(await seriousViolations(page)).toEqual([]);

      const mail = await smtp.next((m) => m.to.includes(MANAGER) && m.subject === 'Reset your Stock password');
      await page.goto(pathOf(linkIn(mail, APP_URL)));
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Choose a new password');
      await page.getByLabel('Password (at least 10 characters)').fill('mia-new-lantern-orbit');
      await page.getByLabel('Repeat the password').fill('mia-new-lantern-orbit');
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.waitForURL((url) => url.pathname === '/login');
      await signInAs(page, MANAGER, 'mia-new-lantern-orbit');

      await old.page.goto('/sales');
      expect(new URL(old.page.url()).pathname).toBe('/login');
      await page.goto('/account/alerts');
      expect(await page.getByLabel(/E-mail me once a day/).isChecked()).toBe(true);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
      await old.context.close();
    }
  });

  it('the low-stock e-mail arrives once per recipient although both instances run the scheduler', async () => {
    const subject = `Low stock at ${BUSINESS}: 1 product`;
    await smtp.next((m) => m.subject === subject && m.to.includes(OWNER), 60_000);
    // One instance sent it; the other tried after it and found the day already sent (the sender
    // itself reads nothing more of the business that day).
    await expect
      .poll(
        () =>
          [server.output(), second!.output()]
            .map((o) =>
              o.includes('low-stock digest sent') ? 'sent' : o.includes('low-stock digest already sent today') ? 'already' : '-',
            )
            .sort(),
        { timeout: 60_000 },
      )
      .toEqual(['already', 'sent']);
    const digests = smtp.messages.filter((m) => m.subject === subject);
    expect(digests.flatMap((m) => m.to).sort()).toEqual([MANAGER, OWNER].sort());
    expect(digests[0]!.text).toContain('Claw hammer (HAM-1): 1 pc on hand, reorder at 4');
    expect(digests[0]!.text).toContain(`${APP_URL}/catalog/products?stock=low`);
  });
});
