import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { newPage } from '../helpers/browser.ts';
import { seriousViolations, startJourney, type Journey } from '../helpers/journey.ts';
import type { ServerProcess } from '../helpers/server.ts';

// The real server (child process) on a fresh PostgreSQL database and the test Redis,
// driven by Debian's Chromium.

const OWNER = { email: 'owner@signin.e2e.test', password: 'owner-password-123' };

describe('signing in', () => {
  let journey: Journey | undefined;
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    journey = await startJourney({
      prepare: async (prisma) => {
        await createTenant(prisma, { name: 'Journey Hardware', ownerEmail: OWNER.email, ownerPassword: OWNER.password });
      },
    });
    ({ server, browser } = journey);
  }, 240_000);
  afterAll(async () => {
    await journey?.close();
  });

  it('an owner signs in, sees the dashboard, and signs out', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    // A CSP violation (an inline script or style) shows up as a console error.
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    try {
      await page.goto('/settings/users');
      await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('Email').fill(OWNER.email);
      await page.getByLabel('Password').fill(OWNER.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => url.pathname === '/settings/users');
      await page.getByRole('link', { name: 'Dashboard' }).click();
      await page.waitForURL((url) => url.pathname === '/');
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
      expect(await page.textContent('main')).toContain('Journey Hardware');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((url) => url.pathname === '/login');
      expect(await page.textContent('main')).toContain('You have signed out.');
      await page.goto('/');
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a wrong password shows the generic message', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await page.goto('/login');
      await page.getByLabel('Email').fill(OWNER.email);
      await page.getByLabel('Password').fill('not-my-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('Email or password is incorrect.');
      expect(await page.getByLabel('Email').inputValue()).toBe(OWNER.email);
    } finally {
      await context.close();
    }
  });

  it('the 6th wrong password for one account from one IP answers 429 with Retry-After', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    const email = 'someone-else@signin.e2e.test';
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 1; i <= 6; i++) {
        await page.goto('/login');
        await page.getByLabel('Email').fill(email);
        await page.getByLabel('Password').fill(`wrong-${i}`);
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
          page.getByRole('button', { name: 'Sign in' }).click(),
        ]);
        statuses.push(response.status());
        retryAfter = await response.headerValue('retry-after');
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(await page.textContent('main')).toMatch(/Too many attempts\. Try again in \d+ minutes?\./);
    } finally {
      await context.close();
    }
  });
});
