import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { REDIS_TEST_URL, deleteKeysWithPrefix, rawRedis, uniquePrefix } from './redis.ts';
import { startServer, type ServerProcess } from './server.ts';

// The fixture every browser journey shares: a fresh PostgreSQL database (prepared by the
// caller before the server starts), the real server on it with the test Redis under a
// key prefix of its own, and Debian's Chromium. `close()` undoes all of it.

export type JourneyPrisma = TestDatabase['db']['prisma'];

export interface JourneyOptions {
  /** Writes the file's data, after migration and before the server starts. */
  prepare?: (prisma: JourneyPrisma) => Promise<void>;
  /** Extra server environment (on top of DATABASE_URL, REDIS_URL, CACHE_KEY_PREFIX). */
  env?: Record<string, string>;
  /** Label of the Redis key prefix (default 'e2e'). */
  prefixLabel?: string;
}

export interface Journey {
  database: TestDatabase;
  server: ServerProcess;
  browser: Browser;
  prefix: string;
  /** Browser, server, database, then the Redis keys under the prefix. */
  close(): Promise<void>;
}

/** Start everything; if a step fails, what was started is closed before the error is rethrown. */
export async function startJourney(options: JourneyOptions = {}): Promise<Journey> {
  const prefix = uniquePrefix(options.prefixLabel ?? 'e2e');
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await browser?.close();
    await server?.stop();
    await database?.drop();
    const redis = rawRedis();
    try {
      await deleteKeysWithPrefix(redis, prefix);
    } finally {
      redis.disconnect();
    }
  };
  try {
    database = await createTestDatabase('postgresql');
    await options.prepare?.(database.db.prisma);
    server = await startServer({
      ...options.env,
      DATABASE_URL: database.databaseUrl!,
      REDIS_URL: REDIS_TEST_URL,
      CACHE_KEY_PREFIX: prefix,
    });
    browser = await launchBrowser();
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
  return { database, server, browser, prefix, close };
}

/** Serious and critical axe violations on the page, as `id: help (targets)`; [] when clean. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Sign in on /login and wait for the dashboard. */
export async function signInAs(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}
