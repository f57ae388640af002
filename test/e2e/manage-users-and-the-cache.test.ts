import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import { seedDemoData } from '../../src/admin/demo-seed.service.ts';
import { localDay } from '../../src/time.ts';
import { newPage } from '../helpers/browser.ts';
import { seriousViolations, signInAs, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';
import type { ServerProcess } from '../helpers/server.ts';

// An owner manages the users of the business and the cache page, in Debian's Chromium
// against the real server (child process) on a fresh PostgreSQL database and the test Redis.

const PASSWORD = 'journey-password-123';
const OWNER = 'owner@admin.e2e.test';
const MANAGER = 'manager@admin.e2e.test';
const CASHIER = 'cashier@admin.e2e.test';
const CASHIER_PASSWORD = 'cashier-own-password-1';
const ZONE = 'America/Chicago';

describe('an owner manages users and the cache page', () => {
  let journey: Journey | undefined;
  let server: ServerProcess;
  let browser: Browser;

  async function prepare(prisma: JourneyPrisma) {
    const { tenantId } = await createTenant(prisma, { name: 'Journey Tools', ownerEmail: OWNER, ownerPassword: PASSWORD, timeZone: ZONE });
    await createUser(prisma, tenantId, { email: MANAGER, password: PASSWORD, role: 'manager', name: 'Mia Manager' });
    await seedDemoData(prisma, { tenantId, days: 10, products: 6, salesPerDay: 3, until: localDay(new Date(), ZONE) });
  }

  beforeAll(async () => {
    journey = await startJourney({ prefixLabel: 'e2e-adm', prepare });
    ({ server, browser } = journey);
  }, 180_000);
  afterAll(async () => {
    await journey?.close();
  });

  const status = (page: Page) =>
    page
      .getByRole('status')
      .textContent()
      .then((t) => t?.trim() ?? '');
  /** No sideways scroll at 390 px (a phone), then back to the desktop width. */
  async function phoneFits(page: Page, what: string) {
    const before = page.viewportSize() ?? { width: 1280, height: 800 };
    await page.setViewportSize({ width: 390, height: 844 });
    expect(
      await page.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth'),
      `${what} scrolls sideways at 390 px`,
    ).toBeLessThanOrEqual(1);
    await page.setViewportSize(before);
  }
  const userRow = (page: Page, email: string) => page.locator('#users-table tbody tr', { hasText: email });

  async function signInFirstTime(page: Page, email: string, password: string) {
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('an owner invites a cashier, changes their role, deactivates and reactivates them', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    const cashier = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, OWNER, PASSWORD);
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/settings/users');
      expect(await page.locator('#users-table tbody tr').count()).toBe(2);
      // The owner cannot deactivate themself: no button on their own row.
      expect(
        await userRow(page, OWNER)
          .getByRole('button', { name: /Deactivate/ })
          .count(),
      ).toBe(0);

      // Invite: e-mail is off, so the one-time link is shown once.
      await page.getByLabel('Email', { exact: true }).fill(CASHIER);
      await page.getByLabel('Name (optional)').fill('Casey Cashier');
      await page.getByLabel('Role', { exact: true }).selectOption('staff');
      await page.getByRole('button', { name: 'Invite', exact: true }).click();
      await expect.poll(() => status(page)).toContain(`${CASHIER} is invited. E-mail is not set up, so give them this link`);
      const link = /shown only this once: (\S+) —/.exec(await status(page))![1]!;
      expect(new URL(link).pathname).toMatch(/^\/invitation\/[A-Za-z0-9_-]{43}$/);
      const row = userRow(page, CASHIER);
      expect(await row.getByLabel(`Role of ${CASHIER}`).inputValue()).toBe('staff');
      expect(await row.locator('td[data-label="Status"]').innerText()).toMatch(/^active\s+invited$/);
      expect(await row.innerText()).toContain('Casey Cashier');
      expect(await page.locator('#users-table tbody tr').count()).toBe(3);
      expect(await seriousViolations(page)).toEqual([]);

      // The same address again: refused at the field, what was typed kept.
      await page.getByLabel('Email', { exact: true }).fill(CASHIER);
      await page.getByRole('button', { name: 'Invite', exact: true }).click();
      await expect.poll(() => page.locator('#email-error').textContent()).toBe('That person is already a user here.');
      expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe(CASHIER);
      expect(await page.getByLabel('Email', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#users-table tbody tr').count()).toBe(3);

      // Promote the cashier to manager.
      await row.getByLabel(`Role of ${CASHIER}`).selectOption('manager');
      await row.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => status(page)).toBe('Role changed.');
      expect(await userRow(page, CASHIER).getByLabel(`Role of ${CASHIER}`).inputValue()).toBe('manager');

      // The last owner cannot demote themself.
      await userRow(page, OWNER).getByLabel(`Role of ${OWNER}`).selectOption('staff');
      const [demote] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        userRow(page, OWNER).getByRole('button', { name: 'Save' }).click(),
      ]);
      expect(demote.status()).toBe(409);
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('A business needs at least one active owner');
      expect(await userRow(page, OWNER).getByLabel(`Role of ${OWNER}`).inputValue()).toBe('owner');

      // First sign-in of the new user, in another browser: choose a password, then in as a manager.
      await cashier.page.goto(new URL(link).pathname);
      expect(await cashier.page.getByLabel('Email').inputValue()).toBe(CASHIER);
      expect(await seriousViolations(cashier.page)).toEqual([]);
      await cashier.page.getByLabel('Password (at least 10 characters)').fill(CASHIER_PASSWORD);
      await cashier.page.getByLabel('Repeat the password').fill(CASHIER_PASSWORD);
      await cashier.page.getByRole('button', { name: 'Set my password' }).click();
      await cashier.page.waitForURL((url) => url.pathname === '/login');
      expect(await status(cashier.page)).toContain('Your password is set.');
      await signInFirstTime(cashier.page, CASHIER, CASHIER_PASSWORD);
      await cashier.page.waitForURL((url) => url.pathname === '/');
      const nav = cashier.page.getByRole('navigation', { name: 'Main' });
      expect(await nav.innerText()).toContain('manager');
      expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
      expect(await nav.getByRole('link', { name: 'Cache' }).count()).toBe(0);
      expect((await cashier.page.goto('/settings/users'))!.status()).toBe(403);
      expect(await cashier.page.getByRole('heading', { level: 1 }).textContent()).toBe('Forbidden');
      expect((await cashier.page.goto('/sales/new'))!.status()).toBe(200);

      // The owner sees the password was changed, then deactivates the user.
      await page.goto('/settings/users');
      expect(await userRow(page, CASHIER).locator('td[data-label="Status"]').innerText()).toBe('active');
      await page.getByRole('button', { name: `Deactivate ${CASHIER}` }).click();
      await expect.poll(() => status(page)).toBe('User deactivated and signed out everywhere.');
      expect(await userRow(page, CASHIER).locator('td[data-label="Status"]').innerText()).toBe('deactivated');

      // Signed out at once, and cannot sign in again.
      await cashier.page.goto('/sales');
      expect(new URL(cashier.page.url()).pathname).toBe('/login');
      await signInFirstTime(cashier.page, CASHIER, CASHIER_PASSWORD);
      await expect.poll(() => cashier.page.getByRole('alert').textContent()).toBe('Email or password is incorrect.');
      expect(new URL(cashier.page.url()).pathname).toBe('/login');

      // Reactivated: signs in with the password they chose.
      await page.getByRole('button', { name: `Reactivate ${CASHIER}` }).click();
      await expect.poll(() => status(page)).toBe('User reactivated.');
      expect(await userRow(page, CASHIER).locator('td[data-label="Status"]').innerText()).toBe('active');
      await signInAs(cashier.page, CASHIER, CASHIER_PASSWORD);
      expect(await cashier.page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    } finally {
      await cashier.context.close();
      await context.close();
    }
  });

  it('an owner requires two-factor sign-in, sets it up, and makes it optional again', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, OWNER, PASSWORD);
      await page.goto('/settings/users');
      await page.getByRole('button', { name: 'Require two-factor sign-in' }).click();
      // The owner has not set it up either: sent to do so at once, told why, and what was saved.
      await page.waitForURL((url) => url.pathname === '/account/2fa');
      expect(await page.getByRole('status').allTextContents()).toEqual([
        'Two-factor sign-in is now required for every user.',
        'Your business requires two-factor sign-in. Set it up to continue.',
      ]);
      await page.goto('/catalog/products');
      expect(new URL(page.url()).pathname).toBe('/account/2fa');
      const secret = (await page.locator('code.secret').textContent())!.trim();
      await page.getByLabel('Your password').fill(PASSWORD);
      await page.getByLabel('Code from the app').fill(await generate({ secret }));
      await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
      await expect.poll(() => status(page)).toContain('Two-factor sign-in is on.');
      expect(await page.locator('.code-list li').count()).toBe(10);
      expect(await page.textContent('main')).toContain('Your business requires it, so it cannot be turned off.');

      await page.goto('/settings/users');
      expect(await userRow(page, OWNER).locator('td[data-label="Two-factor"]').innerText()).toBe('on');
      expect(await userRow(page, MANAGER).locator('td[data-label="Two-factor"]').innerText()).toBe('off');
      await page.getByRole('button', { name: 'Make it optional' }).click();
      await expect.poll(() => status(page)).toBe('Two-factor sign-in is now optional.');
      expect(await page.textContent('main')).toContain('Currently optional');

      // Optional again, so the owner may turn it off (with their password).
      await page.goto('/account/2fa');
      await page.getByLabel('Your password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
      await expect.poll(() => status(page)).toBe('Two-factor sign-in is off.');
    } finally {
      await context.close();
    }
  });

  // The page's words changed (plain words, a confirmation before Clear, reached from the
  // business settings); what it does and counts did not.
  it('an owner reads the speed-up store page, prepares the most used pages and clears a part after confirming; a manager is refused', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    const manager = await newPage(browser, server.baseUrl);
    // The numbers of one module's row, by column.
    const stats = async (module: string) => {
      const row = page.locator(`#cache-modules tr[data-module="${module}"]`);
      const cell = async (label: string) => Number((await row.locator(`td[data-label="${label}"]`).innerText()).trim());
      return {
        hits: await cell('Opened quickly'),
        misses: await cell('Loaded from the database'),
        invalidations: await cell('Refreshed after a change'),
        keys: await cell('Saved copies'),
      };
    };
    try {
      await signInAs(page, OWNER, PASSWORD);
      expect(
        await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: /Cache|Speed-up/ })
          .count(),
      ).toBe(0);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Business' }).click();
      await page.waitForURL((url) => url.pathname === '/settings/business');
      expect(await seriousViolations(page)).toEqual([]);
      await phoneFits(page, 'the business settings');
      await page.getByRole('link', { name: 'Speed-up store' }).click();
      await page.waitForURL((url) => url.pathname === '/admin/cache');
      expect(await page.getByTestId('store-status').textContent()).toBe('Working normally');
      expect(await page.textContent('main')).toContain('Shared by every copy of the app');
      expect(await page.locator('#cache-modules tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-module')))).toEqual([
        'balance',
        'products',
        'categories',
        'uom',
        'profit',
        'viewer',
        'dashboard',
        'sales-list',
        'payments-list',
        'customers',
      ]);
      expect(await seriousViolations(page)).toEqual([]);
      await phoneFits(page, 'the speed-up store page');
      const start = await stats('uom');

      // Warm: the lookups and this month's balance are loaded (misses) and kept (keys).
      await page.getByRole('button', { name: 'Prepare the most used pages' }).click();
      await expect
        .poll(() => status(page))
        .toBe('Prepared the most used pages: Units, Categories, Balance figures, Profit and stock value.');
      const warm = await stats('uom');
      expect(warm.keys).toBeGreaterThan(0);
      expect(warm.hits + warm.misses).toBe(start.hits + start.misses + 1); // one lookup of the unit list
      expect((await stats('categories')).keys).toBeGreaterThan(0);
      expect((await stats('balance')).keys).toBeGreaterThan(0);

      // The units page now comes from the cache, and the hit is counted.
      const units = await page.goto('/settings/uoms');
      expect(units!.headers()['x-cache']).toBe('HIT');
      await page.goto('/admin/cache');
      const read = await stats('uom');
      expect(read.hits).toBe(warm.hits + 1);
      expect(read.misses).toBe(warm.misses);

      // Clear the units: their keys are gone, the invalidation is counted, other modules keep theirs.
      const categoriesBefore = await stats('categories');
      await page.getByRole('link', { name: 'Clear Units' }).click();
      await page.waitForURL((url) => url.pathname === '/admin/cache/clear');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Clear Units?');
      expect(await seriousViolations(page)).toEqual([]);
      await phoneFits(page, 'the clear confirmation');
      // Cancel keeps everything.
      await page.getByRole('link', { name: 'Cancel' }).click();
      await page.waitForURL((url) => url.pathname === '/admin/cache');
      expect((await stats('uom')).keys).toBe(read.keys);
      await page.getByRole('link', { name: 'Clear Units' }).click();
      await page.getByRole('button', { name: 'Yes, clear' }).click();
      await page.waitForURL((url) => url.pathname === '/admin/cache');
      await expect
        .poll(() => status(page))
        .toBe(
          `Cleared Units (${read.keys} saved ${read.keys === 1 ? 'copy' : 'copies'} removed). The next visit loads them fresh from the database.`,
        );
      const cleared = await stats('uom');
      expect(cleared.keys).toBe(0);
      expect(cleared.invalidations).toBe(read.invalidations + 1);
      expect((await stats('categories')).keys).toBe(categoriesBefore.keys);

      // The next units page loads from the database and fills the cache again.
      expect((await page.goto('/settings/uoms'))!.headers()['x-cache']).toBe('MISS');
      await page.goto('/admin/cache');
      const again = await stats('uom');
      expect(again.misses).toBe(cleared.misses + 1);
      expect(again.keys).toBeGreaterThan(0);

      // Clearing the balance is counted too (its warm-up may refill it straight away).
      const balanceBefore = await stats('balance');
      await page.getByRole('link', { name: 'Clear Balance figures' }).click();
      await page.getByRole('button', { name: 'Yes, clear' }).click();
      await expect.poll(() => status(page)).toMatch(/^Cleared Balance figures \(\d+ saved cop(y|ies) removed\)/);
      expect((await stats('balance')).invalidations).toBe(balanceBefore.invalidations + 1);

      // A manager: no link, a 403 page, and a forged clear is refused as well.
      await signInAs(manager.page, MANAGER, PASSWORD);
      expect(
        await manager.page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: /Cache|Speed-up/ })
          .count(),
      ).toBe(0);
      const refused = await manager.page.goto('/admin/cache');
      expect(refused!.status()).toBe(403);
      expect(await manager.page.getByRole('heading', { level: 1 }).textContent()).toBe('Forbidden');
      expect(await manager.page.textContent('main')).not.toContain('Prepare the most used pages');
      expect((await manager.page.goto('/admin/cache/clear?module=uom'))!.status()).toBe(403);
      const csrf = await manager.page.locator('input[name="_csrf"]').first().inputValue();
      const post = await manager.page.request.post('/admin/cache/clear', {
        form: { _csrf: csrf, module: 'uom', confirm: 'yes' },
        maxRedirects: 0,
      });
      expect(post.status()).toBe(403);
      expect(await post.text()).toContain('You do not have permission to do that.'); // the role guard, not the CSRF check
      await page.goto('/admin/cache');
      expect((await stats('uom')).invalidations).toBe(again.invalidations);
      expect((await stats('uom')).keys).toBe(again.keys);
    } finally {
      await manager.context.close();
      await context.close();
    }
  });
});
