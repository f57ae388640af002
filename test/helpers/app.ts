import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildDependencies, type Dependencies } from '../../src/container.ts';
import { createApp } from '../../src/app.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import type { RoleName } from '../../src/auth/users.schema.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { REDIS_TEST_URL, TEST_CACHE_COMMAND_TIMEOUT_MS, deleteKeysWithPrefix, rawRedis, uniquePrefix } from './redis.ts';
import { TestClient } from './http-client.ts';

// The whole app on a random port over a fresh test database (PGlite or a PostgreSQL
// server) and, optionally, the test Redis under a random key prefix. close() removes both.

export interface TestAppOptions {
  driver: 'pglite' | 'postgresql';
  /** Use Redis (REDIS_TEST_URL, default redis://127.0.0.1:6379) for cache, sessions and limits. */
  redis: boolean;
  /** Extra environment, e.g. { NODE_ENV: 'production', TRUST_PROXY: 'loopback' } or REDIS_URL of an own server. */
  env?: Record<string, string>;
  /** A database the caller made (e.g. one reached through PgBouncer); close() drops it. */
  database?: TestDatabase;
}

export interface TestUser {
  id: number;
  tenantId: number;
  email: string;
  password: string;
  role: RoleName;
}

export interface TestTenant {
  tenantId: number;
  name: string;
  owner: TestUser;
}

export interface TestApp {
  baseUrl: string;
  config: Config;
  deps: Dependencies;
  app: Express;
  /** A new business with an owner (unique email, password `correct-horse-battery`). */
  createTenantWithOwner(name?: string): Promise<TestTenant>;
  /** Another user of a tenant. */
  createUser(tenantId: number, role: RoleName, options?: { mustChangePassword?: boolean; name?: string }): Promise<TestUser>;
  /** A client with no session. */
  client(headers?: Record<string, string>): TestClient;
  /** A signed-in client that already holds a CSRF token (from the dashboard). Throws if sign-in fails. */
  signIn(email: string, password: string, headers?: Record<string, string>): Promise<TestClient>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'correct-horse-battery';

export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase(options.driver));
  const prefix = uniquePrefix('app');
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    CACHE_KEY_PREFIX: prefix,
    CACHE_COMMAND_TIMEOUT_MS: TEST_CACHE_COMMAND_TIMEOUT_MS,
    SEED_DEMO: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    ...(options.redis ? { REDIS_URL: REDIS_TEST_URL } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  // The test database is closed (and removed) by its own drop(), not by deps.close().
  const deps = await buildDependencies(config, logger, { db: { ...database.db, close: async () => {} }, collectProcessMetrics: false });
  const app = createApp(deps);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let counter = 0;
  const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(3).toString('hex')}`;

  const createUserOf = async (
    tenantId: number,
    role: RoleName,
    opts: { mustChangePassword?: boolean; name?: string } = {},
  ): Promise<TestUser> => {
    const email = `${role}-${unique()}@test.stock`;
    const user = await createUser(
      database.db.prisma,
      tenantId,
      { email, password: TEST_PASSWORD, role, name: opts.name ?? `${role} ${counter}` },
      { mustChangePassword: opts.mustChangePassword ?? false },
    );
    return { id: user.id, tenantId, email, password: TEST_PASSWORD, role };
  };

  return {
    baseUrl,
    config,
    deps,
    app,
    async createTenantWithOwner(name = `Business ${unique()}`) {
      const email = `owner-${unique()}@test.stock`;
      const created = await createTenant(database.db.prisma, { name, ownerEmail: email, ownerPassword: TEST_PASSWORD });
      return {
        tenantId: created.tenantId,
        name,
        owner: { id: created.ownerId, tenantId: created.tenantId, email, password: TEST_PASSWORD, role: 'owner' },
      };
    },
    createUser: createUserOf,
    client: (headers = {}) => new TestClient(baseUrl, headers),
    async signIn(email, password, headers = {}) {
      const client = new TestClient(baseUrl, headers);
      await client.get('/login');
      const res = await client.post('/login', { email, password });
      if (res.status !== 303 || res.location !== '/') throw new Error(`sign-in of ${email} failed: ${res.status} ${res.location ?? ''}`);
      await client.refreshCsrf('/');
      return client;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.close();
      await database.drop();
      if (config.redisUrl) {
        const redis = rawRedis(config.redisUrl);
        redis.on('error', () => {});
        await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
        redis.disconnect();
      }
    },
  };
}
