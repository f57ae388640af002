import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { CacheKeyError, CacheSerializationError, keyOf } from '../../src/cache/index.ts';
import type { CacheConfig } from '../../src/config.ts';
import type { RedisTopology } from '../../src/cache/redis-connection.ts';
import type { Database } from '../../src/db/client.ts';
import { testCacheConfig } from '../helpers/redis.ts';
import { deferred, makeCache, waitFor, testDatabase, type CacheInstance, SETUP_TIMEOUT_MS } from './support.ts';

// One behaviour suite, run against Redis (cache-redis.test.ts) and against the in-process
// store (cache-memory.test.ts): the API must not tell them apart.

export interface Backend {
  name: 'redis' | 'memory';
  /** Shown in the suite's name, e.g. 'a Redis Cluster'; defaults to `name`. */
  label?: string;
  /** Where Redis is (a URL, or a topology read when the suite starts); undefined: the in-process store. */
  readonly redis: string | RedisTopology | undefined;
  /** Deletes whatever a config's prefix left behind. */
  cleanup(config: CacheConfig): Promise<void>;
}

let nextTenant = 1;
const tenant = () => nextTenant++;

export function describeCacheBehaviour(backend: Backend): void {
  describe(`cache on ${backend.label ?? backend.name}`, () => {
    let db: Database;
    const instances: Array<{ instance: CacheInstance; config: CacheConfig }> = [];
    const make = async (overrides: Partial<CacheConfig> = {}) => {
      const config = testCacheConfig(overrides);
      const instance = await makeCache(config, db, backend.redis);
      instances.push({ instance, config });
      return instance.cache;
    };

    beforeAll(async () => {
      db = await testDatabase();
    }, SETUP_TIMEOUT_MS);
    afterAll(async () => {
      for (const { instance, config } of instances) {
        await instance.close();
        await backend.cleanup(config);
      }
      await db.close();
    });

    describe('get, set and delete', () => {
      it('reads back what was set, per tenant and module', async () => {
        const cache = await make();
        const [a, b] = [tenant(), tenant()];
        await cache.set(a, 'products', 'list', { names: ['tea'] });
        expect(await cache.get(a, 'products', 'list')).toEqual({ names: ['tea'] });
        expect(await cache.get(b, 'products', 'list')).toBeUndefined();
        expect(await cache.get(a, 'categories', 'list')).toBeUndefined();
        await cache.delete(a, 'products', 'list');
        expect(await cache.get(a, 'products', 'list')).toBeUndefined();
      });

      it('refuses a key without a valid tenant or module', async () => {
        const cache = await make();
        for (const bad of [0, -1, 1.5, Number.NaN, '1' as unknown as number]) {
          await expect(cache.get(bad, 'products', 'k')).rejects.toBeInstanceOf(CacheKeyError);
        }
        await expect(cache.set(1, 'Products!', 'k', 1)).rejects.toBeInstanceOf(CacheKeyError);
        await expect(cache.set(1, 'products', '', 1)).rejects.toBeInstanceOf(CacheKeyError);
        await expect(cache.memoize(0, 'products', 'k', async () => 1)).rejects.toBeInstanceOf(CacheKeyError);
      });

      it('keeps user text in a key from reaching another key', async () => {
        const cache = await make();
        const t = tenant();
        await cache.set(t, 'products', keyOf('search', 'a'), 'A');
        await cache.set(t, 'products', keyOf('search', 'a:b'), 'AB');
        expect(await cache.get(t, 'products', keyOf('search', 'a'))).toBe('A');
        expect(await cache.get(t, 'products', keyOf('search', 'a:b'))).toBe('AB');
        expect(await cache.get(t, 'products', 'search:a*')).toBeUndefined();
      });
    });

    describe('serialization', () => {
      const sample = () => ({
        at: new Date('2026-01-31T23:59:59.123Z'),
        price: new Prisma.Decimal('1234567890123.45'),
        tiny: new Prisma.Decimal('0.000000001'),
        big: 9007199254740993n,
        nested: [{ when: new Date(0), qty: new Prisma.Decimal('-0.001') }],
        text: 'ünïcødé ; "quoted"',
        $t: 'a user field named $t',
        nothing: null,
      });

      it('round-trips Date, Decimal and bigint exactly, through both tiers', async () => {
        const config = testCacheConfig();
        const first = await makeCache(config, db, backend.redis);
        instances.push({ instance: first, config });
        const t = tenant();
        await first.cache.set(t, 'balance', 'sample', sample());
        const fromL1 = await first.cache.get<ReturnType<typeof sample>>(t, 'balance', 'sample');
        if (backend.name === 'redis') {
          const second = await makeCache(config, db, backend.redis);
          instances.push({ instance: second, config });
          const fromL2 = await second.cache.get<ReturnType<typeof sample>>(t, 'balance', 'sample');
          expect(second.cache.stats().modules.balance?.l1Hits ?? 0).toBe(0);
          checkSample(fromL2);
        }
        checkSample(fromL1);
      });

      it("reads many businesses' values in the same moment (one batched read, split by slot on a cluster)", async () => {
        const config = testCacheConfig();
        const writer = await makeCache(config, db, backend.redis);
        instances.push({ instance: writer, config });
        const tenants = Array.from({ length: 20 }, () => tenant());
        for (const t of tenants) await writer.cache.set(t, 'products', 'list', { tenant: t });
        // A second instance has nothing in L1, so every read below goes to the store at once.
        const reader = backend.name === 'redis' ? await makeCache(config, db, backend.redis) : writer;
        if (reader !== writer) instances.push({ instance: reader, config });
        const values = await Promise.all(tenants.map((t) => reader.cache.get<{ tenant: number }>(t, 'products', 'list')));
        expect(values).toEqual(tenants.map((t) => ({ tenant: t })));
        await reader.cache.invalidateModule(tenants[0]!, 'products');
        // The other instance hears it over the invalidation channel.
        await waitFor(
          async () => (await writer.cache.get(tenants[0]!, 'products', 'list')) === undefined,
          5000,
          'the invalidation to reach the other instance',
        );
        expect(await writer.cache.get(tenants[1]!, 'products', 'list')).toEqual({ tenant: tenants[1] });
      });

      function checkSample(value: ReturnType<typeof sample> | undefined) {
        expect(value).toBeDefined();
        const v = value!;
        expect(v.at).toBeInstanceOf(Date);
        expect(v.at.toISOString()).toBe('2026-01-31T23:59:59.123Z');
        expect(Prisma.Decimal.isDecimal(v.price)).toBe(true);
        expect(v.price.toFixed(2)).toBe('1234567890123.45');
        expect(v.tiny.equals(new Prisma.Decimal('0.000000001'))).toBe(true);
        expect(typeof v.big).toBe('bigint');
        expect(v.big).toBe(9007199254740993n);
        expect(v.nested[0]!.when.getTime()).toBe(0);
        expect(v.nested[0]!.qty.toString()).toBe('-0.001');
        expect(v.text).toBe('ünïcødé ; "quoted"');
        expect(v.$t).toBe('a user field named $t');
        expect(v.nothing).toBeNull();
      }

      it('throws at set for a value that cannot be cached', async () => {
        const cache = await make();
        const t = tenant();
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        class Money {
          amount = 1;
        }
        for (const bad of [() => 1, Symbol('s'), cyclic, new Money(), new Map(), { nested: [new Set()] }]) {
          await expect(cache.set(t, 'products', 'bad', bad)).rejects.toBeInstanceOf(CacheSerializationError);
        }
        expect(await cache.get(t, 'products', 'bad')).toBeUndefined();
        await expect(cache.memoize(t, 'products', 'bad-loader', async () => new Money())).rejects.toBeInstanceOf(CacheSerializationError);
      });
    });

    describe('memoize', () => {
      it('runs the loader on a miss and not on a hit, telling which', async () => {
        const cache = await make();
        const t = tenant();
        let calls = 0;
        const loader = async () => ({ n: ++calls });
        expect(await cache.memoize(t, 'balance', 'series', loader)).toEqual({ value: { n: 1 }, status: 'MISS' });
        expect(await cache.memoize(t, 'balance', 'series', loader)).toEqual({ value: { n: 1 }, status: 'HIT' });
        expect(calls).toBe(1);
      });

      it('caches "not found" (null or undefined) for the negative TTL only', async () => {
        const cache = await make({ negativeTtl: 1 });
        const t = tenant();
        let calls = 0;
        const loader = async () => {
          calls++;
          return null;
        };
        expect(await cache.memoize(t, 'products', 'sku:missing', loader)).toEqual({ value: null, status: 'MISS' });
        expect(await cache.memoize(t, 'products', 'sku:missing', loader)).toEqual({ value: null, status: 'HIT' });
        expect(await cache.memoize(t, 'products', 'undef', async () => undefined)).toEqual({ value: undefined, status: 'MISS' });
        expect((await cache.memoize(t, 'products', 'undef', async () => 'x')).status).toBe('HIT');
        expect(calls).toBe(1);
        await sleep(1200); // negative TTL 1 s (+10% jitter)
        expect((await cache.memoize(t, 'products', 'sku:missing', loader)).status).toBe('MISS');
        expect(calls).toBe(2);
      });

      it('runs the loader once for 50 concurrent misses', async () => {
        const cache = await make();
        const t = tenant();
        let calls = 0;
        const gate = deferred<void>();
        const loader = async () => {
          calls++;
          await gate.promise;
          return { total: new Prisma.Decimal('10.50') };
        };
        const all = Promise.all(Array.from({ length: 50 }, () => cache.memoize(t, 'balance', 'hot', loader)));
        await sleep(20);
        gate.resolve();
        const results = await all;
        expect(calls).toBe(1);
        expect(new Set(results.map((r) => r.value.total.toString()))).toEqual(new Set(['10.5']));
      });

      it('hands out read-only values that no caller can corrupt', async () => {
        const cache = await make();
        const t = tenant();
        const original = { list: [{ name: 'tea', at: new Date(0) }] };
        const first = await cache.memoize(t, 'products', 'ro', async () => original);
        expect(() => {
          (first.value.list as unknown[]).push('x');
        }).toThrow(TypeError);
        expect(() => {
          first.value.list[0]!.name = 'coffee';
        }).toThrow(TypeError);
        expect(() => first.value.list[0]!.at.setFullYear(2000)).toThrow(TypeError);
        const second = await cache.memoize(t, 'products', 'ro', async () => ({ list: [] as typeof original.list }));
        expect(second.status).toBe('HIT');
        expect(second.value).toEqual({ list: [{ name: 'tea', at: new Date(0) }] });
        // The caller's own object is not frozen by caching it.
        original.list.push({ name: 'mine', at: new Date(1) });
      });

      it('does not store a result loaded across an invalidation (no stale write-back)', async () => {
        const cache = await make();
        const t = tenant();
        const gate = deferred<string>();
        const loading = deferred<void>();
        const racing = cache.memoize(t, 'products', 'race', () => {
          loading.resolve(); // the generation has been read: the loader runs after the lookup
          return gate.promise;
        });
        await loading.promise;
        await cache.invalidateModule(t, 'products');
        gate.resolve('old');
        expect(await racing).toEqual({ value: 'old', status: 'MISS' });
        const after = await cache.memoize(t, 'products', 'race', async () => 'new');
        expect(after).toEqual({ value: 'new', status: 'MISS' });
      });

      it('serves a stale value when the loader fails within the grace period, logging once', async () => {
        const config = testCacheConfig({ staleGrace: 60 });
        const instance = await makeCache(config, db, backend.redis);
        instances.push({ instance, config });
        const { cache } = instance;
        const t = tenant();
        await cache.memoize(t, 'balance', 'month', async () => ({ total: 5 }), { ttl: 0.05 });
        await sleep(80);
        const failing = async (): Promise<{ total: number }> => {
          throw new Error('database down');
        };
        expect(await cache.memoize(t, 'balance', 'month', failing)).toEqual({ value: { total: 5 }, status: 'STALE' });
        expect(await cache.memoize(t, 'balance', 'month', failing)).toEqual({ value: { total: 5 }, status: 'STALE' });
        expect(instance.log.count('warn', 'serving a stale value')).toBe(1);
        expect((await cache.memoize(t, 'balance', 'month', async () => ({ total: 6 }))).value).toEqual({ total: 6 });
        expect(cache.stats().modules.balance?.stale).toBe(2);
      });

      it('lets the loader error through when nothing stale is within the grace period', async () => {
        const cache = await make({ staleGrace: 0 });
        const t = tenant();
        await cache.memoize(t, 'balance', 'g0', async () => 1, { ttl: 0.05 });
        await sleep(80);
        await expect(cache.memoize(t, 'balance', 'g0', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      });

      it('always runs the loader when caching is disabled', async () => {
        const cache = await make({ enabled: false });
        const t = tenant();
        let calls = 0;
        for (let i = 0; i < 3; i++)
          expect(await cache.memoize(t, 'products', 'k', async () => ++calls)).toEqual({ value: calls, status: 'MISS' });
        expect(calls).toBe(3);
        await cache.set(t, 'products', 'k', 1);
        expect(await cache.get(t, 'products', 'k')).toBeUndefined();
        expect((await cache.health()).status).toBe('disabled');
      });
    });

    describe('invalidation', () => {
      it('invalidateModule drops that module of that tenant only', async () => {
        const cache = await make();
        const [t, other] = [tenant(), tenant()];
        await cache.set(t, 'products', 'a', 1);
        await cache.set(t, 'categories', 'a', 2);
        await cache.set(other, 'products', 'a', 3);
        await cache.invalidateModule(t, 'products');
        expect(await cache.get(t, 'products', 'a')).toBeUndefined();
        expect(await cache.get(t, 'categories', 'a')).toBe(2);
        expect(await cache.get(other, 'products', 'a')).toBe(3);
        await cache.set(t, 'products', 'a', 4);
        expect(await cache.get(t, 'products', 'a')).toBe(4);
      });

      it('invalidateTenant drops every module of that tenant only', async () => {
        const cache = await make();
        const [t, other] = [tenant(), tenant()];
        await cache.set(t, 'products', 'a', 1);
        await cache.set(t, 'uom', 'a', 2);
        await cache.set(t, 'custom-module', 'a', 5);
        await cache.set(other, 'uom', 'a', 3);
        await cache.invalidateTenant(t);
        for (const m of ['products', 'uom', 'custom-module']) expect(await cache.get(t, m, 'a')).toBeUndefined();
        expect(await cache.get(other, 'uom', 'a')).toBe(3);
      });

      it('deletePattern deletes the matching keys of one module and counts them', async () => {
        const cache = await make();
        const t = tenant();
        for (const day of ['2026-01-01', '2026-01-02', '2026-02-01']) await cache.set(t, 'balance', `series:daily:${day}`, day);
        await cache.set(t, 'products', 'series:daily:2026-01-01', 'p');
        expect(await cache.deletePattern(t, 'balance', 'series:daily:2026-01-*')).toBe(2);
        expect(await cache.get(t, 'balance', 'series:daily:2026-01-01')).toBeUndefined();
        expect(await cache.get(t, 'balance', 'series:daily:2026-02-01')).toBe('2026-02-01');
        expect(await cache.get(t, 'products', 'series:daily:2026-01-01')).toBe('p');
        await expect(cache.deletePattern(t, 'balance', 'x y')).rejects.toBeInstanceOf(CacheKeyError);
      });
    });

    describe('observability', () => {
      it('counts per module and reports health and key counts', async () => {
        const config = testCacheConfig();
        const instance = await makeCache(config, db, backend.redis);
        instances.push({ instance, config });
        const { cache, registry } = instance;
        const t = tenant();
        await cache.memoize(t, 'uom', 'all', async () => ['kg']);
        await cache.memoize(t, 'uom', 'all', async () => ['kg']);
        await cache.invalidateModule(t, 'uom');
        const uom = cache.stats().modules.uom!;
        expect(uom).toMatchObject({ hits: 1, misses: 1, sets: 1, invalidations: 1, hitRatio: 0.5 });
        const text = await registry.metrics();
        expect(text).toContain('stock_cache_hits_total{module="uom"} 1');
        expect(text).toContain('stock_cache_misses_total{module="uom"} 1');
        expect(text).toContain('stock_cache_operation_duration_seconds_bucket');
        const health = await cache.health();
        expect(health).toMatchObject({ status: 'ok', store: backend.name, breaker: 'closed', l1: 'on' });
        expect(JSON.stringify(health)).not.toMatch(/redis:\/\/|password/i);
        await cache.set(t, 'products', 'a', 1);
        await cache.set(t, 'products', 'b', 1);
        expect(await cache.keyCounts(t)).toMatchObject({ products: 2 });
        expect(cache.isAvailable()).toBe(true);
      });
    });
  });
}
