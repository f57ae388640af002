import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Database } from '../../src/db/client.ts';
import { inTransaction } from '../../src/db/unit-of-work.ts';
import { testCacheConfig } from '../helpers/redis.ts';
import { RedisServer } from '../helpers/redis-server.ts';
import { makeCache, testDatabase, waitFor, type CacheInstance, SETUP_TIMEOUT_MS } from './support.ts';

// Faults made for real: a redis-server this file owns, stopped (data saved, as AOF/RDB
// would keep it), paused, crashed and started again on the same port with the same data.

const BUDGET_MS = 500; // commands time out at 50 ms; generous margin for a loaded, shared machine
const config = testCacheConfig({
  commandTimeoutMs: 50,
  breaker: { failureThreshold: 3, openMs: 300 },
  outboxPollMs: 300,
  lock: { ttlMs: 1000, waitMs: 500 },
});
let server: RedisServer;
let db: Database;
let a: CacheInstance;
let b: CacheInstance;
let nextTenant = 1;

async function within<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const took = performance.now() - started;
  expect(took, `${what} took ${took.toFixed(1)} ms`).toBeLessThan(BUDGET_MS);
  return result;
}

async function bothOk(): Promise<void> {
  await waitFor(
    async () =>
      (await a.cache.health()).status === 'ok' &&
      (await b.cache.health()).status === 'ok' &&
      (await a.cache.health()).l1 === 'on' &&
      (await b.cache.health()).l1 === 'on',
    15_000,
    'both instances to be back',
  );
}

beforeAll(async () => {
  server = await RedisServer.start();
  db = await testDatabase();
  a = await makeCache(config, db, server.url);
  b = await makeCache(config, db, server.url);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await server?.destroy();
  await db?.close();
});

const outboxRows = () => db.prisma.cacheInvalidation.count();

describe('cache › Redis stopped and started again', () => {
  it('answers every call within its budget without throwing, warns once, and recovers', async () => {
    const t = nextTenant++;
    await a.cache.module('products').memoize(t, 'list', async () => 'v1');
    expect((await a.cache.health()).l1Entries).toBeGreaterThan(0);
    const warningsBefore = a.log.count('warn', 'Redis unavailable');

    await server.stop();
    await waitFor(
      async () => (await a.cache.health()).status === 'degraded' && (await a.cache.health()).l1 === 'bypassed',
      5000,
      'degraded health',
    );
    expect((await a.cache.health()).l1Entries).toBe(0); // messages may be missed from now on: L1 dropped

    for (let i = 0; i < 20; i++) {
      expect(await within('memoize', () => a.cache.module('products').memoize(t, 'list', async () => 'from db'))).toEqual({
        value: 'from db',
        status: 'MISS',
      });
      expect(await within('get', () => a.cache.module('products').get(t, 'list'))).toBeUndefined();
    }
    await within('set', () => a.cache.module('products').set(t, 'x', 1));
    await within('delete', () => a.cache.module('products').delete(t, 'x'));
    expect(await within('deletePattern', () => a.cache.module('products').deletePattern(t, '*'))).toBe(0);
    await within('invalidateModule', () => a.cache.module('products').invalidate(t));
    await within('invalidateTenant', () => a.cache.invalidateTenant(t));
    expect(await within('keyCounts', () => a.cache.keyCounts(t))).toEqual({});
    expect(await within('redisInfo', () => a.cache.redisInfo())).toBeNull();
    const health = await within('health', () => a.cache.health());
    expect(health).toMatchObject({ status: 'degraded', latencyMs: null, store: 'redis' });
    expect(a.cache.isAvailable()).toBe(false);
    expect(a.log.count('warn', 'Redis unavailable') - warningsBefore).toBe(1);

    const infosBefore = a.log.count('info', 'available again');
    await server.start();
    await bothOk();
    expect(a.log.count('info', 'available again') - infosBefore).toBe(1);
    expect(a.log.count('warn', 'Redis unavailable') - warningsBefore).toBe(1);
    // The invalidations made during the outage were kept and applied: no old value.
    expect(await a.cache.module('products').memoize(t, 'list', async () => 'v2')).toEqual({ value: 'v2', status: 'MISS' });
    expect((await b.cache.module('products').memoize(t, 'list', async () => 'v3')).value).toBe('v2');
    expect(await outboxRows()).toBe(0);
  });

  it('opens the breaker while Redis is too slow, costs ~0 ms then, and closes it after', async () => {
    const t = nextTenant++;
    const admin = new Redis(server.url);
    try {
      await admin.client('PAUSE', 1500, 'ALL');
      for (let i = 0; i < 10; i++) await within('memoize while paused', () => a.cache.module('balance').memoize(t, `k${i}`, async () => i));
      expect((await a.cache.health()).breaker).not.toBe('closed');
      const started = performance.now();
      for (let i = 0; i < 100; i++) await a.cache.module('balance').get(t, 'open');
      expect(performance.now() - started).toBeLessThan(BUDGET_MS); // 100 calls, no waiting on Redis
      expect(a.log.count('warn', 'circuit breaker opened') + a.log.count('warn', 'Redis unavailable')).toBeGreaterThan(0);
      await waitFor(
        async () => (await a.cache.health()).breaker === 'closed' && (await a.cache.health()).status === 'ok',
        10_000,
        'the breaker to close',
      );
      expect((await a.cache.module('balance').memoize(t, 'after', async () => 'ok')).status).toBe('MISS');
      expect((await a.cache.module('balance').memoize(t, 'after', async () => 'no')).status).toBe('HIT');
    } finally {
      admin.disconnect();
    }
  });
});

describe('cache › invalidations are never lost', () => {
  it('applies an invalidation committed while Redis was down before serving its old data again', async () => {
    const t = nextTenant++;
    await bothOk();
    let source = 'old price';
    const loader = async () => source;
    expect((await a.cache.module('products').memoize(t, 'p:1', loader)).value).toBe('old price');
    expect((await b.cache.module('products').memoize(t, 'p:1', loader)).status).toBe('HIT');

    await server.stop(); // SHUTDOWN SAVE: the old value and its generation are on disk
    source = 'new price';
    await inTransaction(db.prisma, async (uow) => {
      await a.cache.invalidateAfterCommit(uow, t, 'product.updated');
    });
    expect(await outboxRows()).toBe(1); // could not reach Redis: kept

    await server.start(); // comes back with the old value
    await bothOk();
    expect((await b.cache.module('products').memoize(t, 'p:1', loader)).value).toBe('new price');
    expect((await a.cache.module('products').memoize(t, 'p:1', loader)).value).toBe('new price');
    expect(await outboxRows()).toBe(0);
  });

  it('applies a row left by a process that died right after commit', async () => {
    const t = nextTenant++;
    let source = 'before';
    await a.cache.module('uom').memoize(t, 'all', async () => source);
    source = 'after';
    // The commit happened, its after-commit hook never ran.
    await db.prisma.cacheInvalidation.create({ data: { tenantId: t, modules: ['uom'] } });
    await waitFor(
      async () => (await b.cache.module('uom').memoize(t, 'all', async () => source)).value === 'after',
      5000,
      'a poll to apply the row',
    );
    expect((await a.cache.module('uom').memoize(t, 'all', async () => source)).value).toBe('after');
    await waitFor(async () => (await outboxRows()) === 0, 2000, 'the row to go');
  });

  it('re-applies recent invalidations when Redis comes back from a crash without its last writes', async () => {
    const t = nextTenant++;
    await bothOk();
    let source = 'v1';
    await a.cache.module('categories').memoize(t, 'tree', async () => source);
    const admin = new Redis(server.url);
    await admin.save(); // the snapshot holds v1 and its generation
    admin.disconnect();
    source = 'v2';
    await a.cache.module('categories').invalidate(t); // reaches Redis, then is lost in the crash
    await server.crash();
    await server.start();
    await bothOk();
    expect((await b.cache.module('categories').memoize(t, 'tree', async () => source)).value).toBe('v2');
  });
});
