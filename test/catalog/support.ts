import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll } from 'vitest';
import { createCacheService, type CacheService } from '../../src/cache/index.ts';
import { createRedisConnections, type RedisConnections } from '../../src/cache/redis-connection.ts';
import { createCatalog, type CatalogServices } from '../../src/catalog/index.ts';
import { createSettings, type SettingsServices } from '../../src/settings/index.ts';
import type { Scope } from '../../src/db/scope.ts';
import type { AppCacheConfig } from '../../src/config.ts';
import type { Driver } from '../../src/db/client.ts';
import { forTenant } from '../../src/db/tenant-scope.ts';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import type { RoleName } from '../../src/auth/users.schema.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { deleteKeysWithPrefix, rawRedis, REDIS_TEST_URL, testCacheConfig } from '../helpers/redis.ts';

// The catalog's services over a fresh test database and the test Redis (own key prefix),
// and tenants to act in. Service tests use this; HTTP tests use test/helpers/app.ts.

export interface CatalogHarness {
  prisma: PrismaClient;
  cache: CacheService;
  config: AppCacheConfig;
  services: CatalogServices & SettingsServices;
  /** A new business and its owner, as a service context. */
  tenant(): Promise<Scope>;
  /** A new user of `role` in the context's business, as a service context. */
  userIn(ctx: Scope, role: RoleName): Promise<Scope>;
  close(): Promise<void>;
}

const logger = pino({ level: 'silent' });

export async function catalogHarness(driver: Driver): Promise<CatalogHarness> {
  const database = await createTestDatabase(driver);
  const config = testCacheConfig();
  const redis: RedisConnections = createRedisConnections({ url: REDIS_TEST_URL, connectTimeoutMs: 3000, commandTimeoutMs: 1000, logger });
  const cache = createCacheService({ config, redis, prisma: database.db.prisma, logger, metrics: new Registry() });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const health = await cache.health();
    if (health.status === 'ok' && health.l1 !== 'bypassed' && health.reconciled) break;
    if (Date.now() > deadline) throw new Error(`cache not ready: ${JSON.stringify(health)}`);
    await sleep(10);
  }
  const prisma = database.db.prisma;
  return {
    prisma,
    cache,
    config,
    services: catalogAndSettings(cache),
    async tenant() {
      const email = `owner-${randomBytes(5).toString('hex')}@test.stock`;
      const t = await createTenant(prisma, { name: 'Shop', ownerEmail: email, ownerPassword: 'correct-horse-battery' });
      return { tenantId: t.tenantId, userId: t.ownerId, role: 'owner', db: forTenant(prisma, t.tenantId) };
    },
    async userIn(ctx, role) {
      const user = await createUser(prisma, ctx.tenantId, {
        email: `${role}-${randomBytes(5).toString('hex')}@test.stock`,
        password: 'correct-horse-battery',
        role,
        name: '',
      });
      return { tenantId: ctx.tenantId, userId: user.id, role, db: ctx.db };
    },
    async close() {
      await cache.close();
      await redis.close();
      const raw = rawRedis();
      await deleteKeysWithPrefix(raw, config.keyPrefix);
      raw.disconnect();
      await database.drop();
    },
  };
}

/** A catalog harness with one tenant that has the lookups of seedLookups. */
export interface CatalogTenant extends CatalogHarness {
  /** The tenant, as a service context. */
  ctx: Scope;
  lookups: Lookups;
}

/**
 * For the calling describe block: catalogHarness(driver), a tenant and its lookups, built in
 * beforeAll and closed in afterAll. The object returned is filled in by that beforeAll: read
 * it in hooks and tests only.
 */
export function setUpCatalogTenant(driver: Driver): CatalogTenant {
  const fixture = {} as CatalogTenant;
  let harness: CatalogHarness | undefined;
  beforeAll(async () => {
    harness = await catalogHarness(driver);
    const ctx = await harness.tenant();
    const lookups = await seedLookups(harness.services, ctx);
    Object.assign(fixture, harness, { ctx, lookups });
  });
  afterAll(() => harness?.close());
  return fixture;
}

/** A unit and a two-level category tree to hang products on. */
export async function seedLookups(s: CatalogServices & SettingsServices, ctx: Scope) {
  const unit = await s.uoms.create(ctx, { code: 'unit', name: 'Unit' });
  const kg = await s.uoms.create(ctx, { code: 'kg', name: 'Kilogram' });
  const drinks = await s.categories.create(ctx, { name: 'Drinks', parentId: '' });
  const coffee = await s.categories.create(ctx, { name: 'Coffee', parentId: String(drinks.id) });
  const food = await s.categories.create(ctx, { name: 'Food', parentId: '' });
  return { unit, kg, drinks, coffee, food };
}

export type Lookups = Awaited<ReturnType<typeof seedLookups>>;

export function productForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    sku: `SKU-${randomBytes(3).toString('hex')}`,
    name: 'Thing',
    barcode: '',
    categoryId: '',
    unitId: '',
    price: '1.00',
    cost: '',
    taxRate: '',
    reorderLevel: '',
    openingStock: '',
    ...overrides,
  };
}

/** The catalog's services with the settings' it is built on (units, categories, business). */
function catalogAndSettings(cache: CacheService): CatalogServices & SettingsServices {
  const settings = createSettings({ cache });
  return { ...createCatalog({ cache }, settings), ...settings };
}
