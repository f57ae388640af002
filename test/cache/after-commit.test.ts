import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Driver } from '../../src/db/client.ts';
import { inTransaction } from '../../src/db/unit-of-work.ts';
import { forTenant } from '../../src/db/tenant-scope.ts';
import { CACHE_MODULES, type DomainEvent } from '../../src/cache/index.ts';
import { deleteKeysWithPrefix, rawRedis, REDIS_TEST_URL, testCacheConfig } from '../helpers/redis.ts';
import { makeCache, testDatabase, type CacheInstance, SETUP_TIMEOUT_MS, PART_EVENTS } from './support.ts';

// invalidateAfterCommit on both database drivers: the outbox row is part of the caller's
// transaction, so a rollback leaves neither a row nor an invalidation.

const raw = rawRedis();
const EVENT_MODULES: Readonly<Record<string, readonly string[]>> = Object.assign({}, ...PART_EVENTS);
afterAll(() => raw.quit());

describe.each<Driver>(['pglite', 'postgresql'])('cache › invalidateAfterCommit on %s', (driver) => {
  const config = testCacheConfig();
  let db: Database;
  let instance: CacheInstance;
  let nextTenant = 1;

  beforeAll(async () => {
    db = await testDatabase(driver);
    instance = await makeCache(config, db, REDIS_TEST_URL);
    for (const events of PART_EVENTS) instance.cache.declareEvents(events);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await instance?.close();
    await deleteKeysWithPrefix(raw, config.keyPrefix);
    await db?.close();
  });

  const fill = async (t: number) => {
    for (const module of CACHE_MODULES) await instance.cache.module(module).set(t, 'k', module);
  };
  const cachedModules = async (t: number) => {
    const out: string[] = [];
    for (const module of CACHE_MODULES) if ((await instance.cache.module(module).get(t, 'k')) !== undefined) out.push(module);
    return out;
  };

  it('invalidates the event’s modules once the transaction commits, and removes the row', async () => {
    const t = nextTenant++;
    await fill(t);
    let invalidatedInside: string[] = [];
    await inTransaction(db.prisma, async (uow) => {
      await instance.cache.invalidateAfterCommit(uow, t, 'sale.confirmed');
      invalidatedInside = await cachedModules(t); // not yet: the transaction is open
    });
    expect(invalidatedInside).toEqual([
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
    expect(await cachedModules(t)).toEqual(['categories', 'uom', 'viewer']);
    expect(await db.prisma.cacheInvalidation.count()).toBe(0);
  });

  it('invalidates nothing and leaves no row when the transaction rolls back', async () => {
    const t = nextTenant++;
    await fill(t);
    await expect(
      inTransaction(db.prisma, async (uow) => {
        await instance.cache.invalidateAfterCommit(uow, t, 'category.updated');
        throw new Error('validation failed');
      }),
    ).rejects.toThrow('validation failed');
    expect(await cachedModules(t)).toEqual([
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
    expect(await db.prisma.cacheInvalidation.count()).toBe(0);
  });

  it('works inside a tenant-scoped transaction too', async () => {
    const t = nextTenant++;
    await fill(t);
    await inTransaction(forTenant(db.prisma, t), async (uow) => {
      await instance.cache.invalidateAfterCommit(uow, t, 'uom.updated');
    });
    expect(await cachedModules(t)).toEqual(['balance', 'categories', 'profit', 'viewer', 'sales-list', 'payments-list', 'customers']);
  });

  it.each(Object.keys(EVENT_MODULES) as DomainEvent[])('event %s invalidates exactly its modules', async (event) => {
    const t = nextTenant++;
    await fill(t);
    await inTransaction(db.prisma, (uow) => instance.cache.invalidateAfterCommit(uow, t, event));
    const kept = await cachedModules(t);
    expect(CACHE_MODULES.filter((m) => !kept.includes(m)).sort()).toEqual([...EVENT_MODULES[event]!].sort());
  });
});
