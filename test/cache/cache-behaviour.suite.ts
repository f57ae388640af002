import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { CacheKeyError, CacheSerializationError, keyOf } from '../../src/cache/index.ts';
import type { CacheConfig, CacheModule } from '../../src/config.ts';
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
        await cache.module('products').set(a, 'list', { names: ['tea'] });
        expect(await cache.module('products').get(a, 'list')).toEqual({ names: ['tea'] });
        expect(await cache.module('products').get(b, 'list')).toBeUndefined();
        expect(await cache.module('categories').get(a, 'list')).toBeUndefined();
        await cache.module('products').delete(a, 'list');
        expect(await cache.module('products').get(a, 'list')).toBeUndefined();
      });

      it('refuses a key without a valid tenant or module', async () => {
        const cache = await make();
        for (const bad of [0, -1, 1.5, Number.NaN, '1' as unknown as number]) {
          await expect(cache.module('products').get(bad, 'k')).rejects.toBeInstanceOf(CacheKeyError);
        }
        await expect(cache.module('Products!' as CacheModule).set(1, 'k', 1)).rejects.toBeInstanceOf(CacheKeyError);
        await expect(cache.module('products').set(1, '', 1)).rejects.toBeInstanceOf(CacheKeyError);
        await expect(cache.module('products').memoize(0, 'k', async () => 1)).rejects.toBeInstanceOf(CacheKeyError);
      });

      it('keeps user text in a key from reaching another key', async () => {
        const cache = await make();
        const t = tenant();
        await cache.module('products').set(t, keyOf('search', 'a'), 'A');
        await cache.module('products').set(t, keyOf('search', 'a:b'), 'AB');
        expect(await cache.module('products').get(t, keyOf('search', 'a'))).toBe('A');
        expect(await cache.module('products').get(t, keyOf('search', 'a:b'))).toBe('AB');
        expect(await cache.module('products').get(t, 'search:a*')).toBeUndefined();
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
        await first.cache.module('balance').set(t, 'sample', sample());
        const fromL1 = await first.cache.module('balance').get<ReturnType<typeof sample>>(t, 'sample');
        if (backend.name === 'redis') {
          const second = await makeCache(config, db, backend.redis);
          instances.push({ instance: second, config });
          const fromL2 = await second.cache.module('balance').get<ReturnType<typeof sample>>(t, 'sample');
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
        for (const t of tenants) await writer.cache.module('products').set(t, 'list', { tenant: t });
        // A second instance has nothing in L1, so every read below goes to the store at once.
        const reader = backend.name === 'redis' ? await makeCache(config, db, backend.redis) : writer;
        if (reader !== writer) instances.push({ instance: reader, config });
        const values = await Promise.all(tenants.map((t) => reader.cache.module('products').get<{ tenant: number }>(t, 'list')));
        expect(values).toEqual(tenants.map((t) => ({ tenant: t })));
        await reader.cache.module('products').invalidate(tenants[0]!);
        // The other instance hears it over the invalidation channel.
        await waitFor(
          async () => (await writer.cache.module('products').get(tenants[0]!, 'list')) === undefined,
          5000,
          'the invalidation to reach the other instance',
        );
        expect(await writer.cache.module('products').get(tenants[1]!, 'list')).toEqual({ tenant: tenants[1] });
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
          await expect(cache.module('products').set(t, 'bad', bad)).rejects.toBeInstanceOf(CacheSerializationError);
        }
        expect(await cache.module('products').get(t, 'bad')).toBeUndefined();
        await expect(cache.module('products').memoize(t, 'bad-loader', async () => new Money())).rejects.toBeInstanceOf(
          CacheSerializationError,
        );
      });
    });

    describe('memoize', () => {
      it('runs the loader on a miss and not on a hit, telling which', async () => {
        const cache = await make();
        const t = tenant();
        let calls = 0;
        const loader = async () => ({ n: ++calls });
        expect(await cache.module('balance').memoize(t, 'series', loader)).toEqual({ value: { n: 1 }, status: 'MISS' });
        expect(await cache.module('balance').memoize(t, 'series', loader)).toEqual({ value: { n: 1 }, status: 'HIT' });
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
        expect(await cache.module('products').memoize(t, 'sku:missing', loader)).toEqual({ value: null, status: 'MISS' });
        expect(await cache.module('products').memoize(t, 'sku:missing', loader)).toEqual({ value: null, status: 'HIT' });
        expect(await cache.module('products').memoize(t, 'undef', async () => undefined)).toEqual({ value: undefined, status: 'MISS' });
        expect((await cache.module('products').memoize(t, 'undef', async () => 'x')).status).toBe('HIT');
        expect(calls).toBe(1);
        await sleep(1200); // negative TTL 1 s (+10% jitter)
        expect((await cache.module('products').memoize(t, 'sku:missing', loader)).status).toBe('MISS');
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
        const all = Promise.all(Array.from({ length: 50 }, () => cache.module('balance').memoize(t, 'hot', loader)));
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
        const first = await cache.module('products').memoize(t, 'ro', async () => original);
        expect(() => {
          (first.value.list as unknown[]).push('x');
        }).toThrow(TypeError);
        expect(() => {
          first.value.list[0]!.name = 'coffee';
        }).toThrow(TypeError);
        expect(() => first.value.list[0]!.at.setFullYear(2000)).toThrow(TypeError);
        const second = await cache.module('products').memoize(t, 'ro', async () => ({ list: [] as typeof original.list }));
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
        const racing = cache.module('products').memoize(t, 'race', () => {
          loading.resolve(); // the generation has been read: the loader runs after the lookup
          return gate.promise;
        });
        await loading.promise;
        await cache.module('products').invalidate(t);
        gate.resolve('old');
        expect(await racing).toEqual({ value: 'old', status: 'MISS' });
        const after = await cache.module('products').memoize(t, 'race', async () => 'new');
        expect(after).toEqual({ value: 'new', status: 'MISS' });
      });

      it('serves a stale value when the loader fails within the grace period, logging once', async () => {
        const config = testCacheConfig({ staleGrace: 60 });
        const instance = await makeCache(config, db, backend.redis);
        instances.push({ instance, config });
        const { cache } = instance;
        const t = tenant();
        await cache.module('balance').memoize(t, 'month', async () => ({ total: 5 }), { ttl: 0.05 });
        await sleep(80);
        const failing = async (): Promise<{ total: number }> => {
          throw new Error('database down');
        };
        expect(await cache.module('balance').memoize(t, 'month', failing)).toEqual({ value: { total: 5 }, status: 'STALE' });
        expect(await cache.module('balance').memoize(t, 'month', failing)).toEqual({ value: { total: 5 }, status: 'STALE' });
        expect(instance.log.count('warn', 'serving a stale value')).toBe(1);
        expect((await cache.module('balance').memoize(t, 'month', async () => ({ total: 6 }))).value).toEqual({ total: 6 });
        expect(cache.stats().modules.balance?.stale).toBe(2);
      });

      it('lets the loader error through when nothing stale is within the grace period', async () => {
        const cache = await make({ staleGrace: 0 });
        const t = tenant();
        await cache.module('balance').memoize(t, 'g0', async () => 1, { ttl: 0.05 });
        await sleep(80);
        await expect(cache.module('balance').memoize(t, 'g0', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      });

      it('always runs the loader when caching is disabled', async () => {
        const cache = await make({ enabled: false });
        const t = tenant();
        let calls = 0;
        for (let i = 0; i < 3; i++)
          expect(await cache.module('products').memoize(t, 'k', async () => ++calls)).toEqual({ value: calls, status: 'MISS' });
        expect(calls).toBe(3);
        await cache.module('products').set(t, 'k', 1);
        expect(await cache.module('products').get(t, 'k')).toBeUndefined();
        expect((await cache.health()).status).toBe('disabled');
      });
    });

    describe('invalidation', () => {
      it('invalidateModule drops that module of that tenant only', async () => {
        const cache = await make();
        const [t, other] = [tenant(), tenant()];
        await cache.module('products').set(t, 'a', 1);
        await cache.module('categories').set(t, 'a', 2);
        await cache.module('products').set(other, 'a', 3);
        await cache.module('products').invalidate(t);
        expect(await cache.module('products').get(t, 'a')).toBeUndefined();
        expect(await cache.module('categories').get(t, 'a')).toBe(2);
        expect(await cache.module('products').get(other, 'a')).toBe(3);
        await cache.module('products').set(t, 'a', 4);
        expect(await cache.module('products').get(t, 'a')).toBe(4);
      });

      it('invalidateTenant drops every module of that tenant only', async () => {
        const cache = await make();
        const [t, other] = [tenant(), tenant()];
        await cache.module('products').set(t, 'a', 1);
        await cache.module('uom').set(t, 'a', 2);
        await cache.module('custom-module' as CacheModule).set(t, 'a', 5);
        await cache.module('uom').set(other, 'a', 3);
        await cache.invalidateTenant(t);
        for (const m of ['products', 'uom', 'custom-module'] as CacheModule[]) expect(await cache.module(m).get(t, 'a')).toBeUndefined();
        expect(await cache.module('uom').get(other, 'a')).toBe(3);
      });

      it('deletePattern deletes the matching keys of one module and counts them', async () => {
        const cache = await make();
        const t = tenant();
        for (const day of ['2026-01-01', '2026-01-02', '2026-02-01']) await cache.module('balance').set(t, `series:daily:${day}`, day);
        await cache.module('products').set(t, 'series:daily:2026-01-01', 'p');
        expect(await cache.module('balance').deletePattern(t, 'series:daily:2026-01-*')).toBe(2);
        expect(await cache.module('balance').get(t, 'series:daily:2026-01-01')).toBeUndefined();
        expect(await cache.module('balance').get(t, 'series:daily:2026-02-01')).toBe('2026-02-01');
        expect(await cache.module('products').get(t, 'series:daily:2026-01-01')).toBe('p');
        await expect(cache.module('balance').deletePattern(t, 'x y')).rejects.toBeInstanceOf(CacheKeyError);
      });
    });

    describe('observability', () => {
      it('counts per module and reports health and key counts', async () => {
        const config = testCacheConfig();
        const instance = await makeCache(config, db, backend.redis);
        instances.push({ instance, config });
        const { cache, registry } = instance;
        const t = tenant();
        await cache.module('uom').memoize(t, 'all', async () => ['kg']);
        await cache.module('uom').memoize(t, 'all', async () => ['kg']);
        await cache.module('uom').invalidate(t);
        const uom = cache.stats().modules.uom!;
        expect(uom).toMatchObject({ hits: 1, misses: 1, sets: 1, invalidations: 1, hitRatio: 0.5 });
        const text = await registry.metrics();
        expect(text).toContain('stock_cache_hits_total{module="uom"} 1');
        expect(text).toContain('stock_cache_misses_total{module="uom"} 1');
        expect(text).toContain('stock_cache_operation_duration_seconds_bucket');
        const health = await cache.health();
        expect(health).toMatchObject({ status: 'ok', store: backend.name, breaker: 'closed', l1: 'on' });
        expect(JSON.stringify(health)).not.toMatch(/redis:\/\/|password/i);
        await cache.module('products').set(t, 'a', 1);
        await cache.module('products').set(t, 'b', 1);
        expect(await cache.keyCounts(t)).toMatchObject({ products: 2 });
        expect(cache.isAvailable()).toBe(true);
      });
    });
  });
}
