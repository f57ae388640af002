import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from 'ioredis';
import type { Database } from '../../src/db/client.ts';
import { jitteredTtlMs } from '../../src/cache/ttl.ts';
import { isCluster, type RedisClient, type RedisTopology } from '../../src/cache/redis-connection.ts';
import { deleteKeysWithPrefix, rawRedis, REDIS_TEST_URL, testCacheConfig, watchCommands } from '../helpers/redis.ts';
import { RedisCluster } from '../helpers/redis-server.ts';
import { deferred, makeCache, testDatabase, waitFor, type CacheInstance, SETUP_TIMEOUT_MS } from './support.ts';

// Redis-only behaviour: two cache services on separate connections stand for two processes,
// on the shared Redis and on a three-master Redis Cluster this file starts.

interface Backend {
  topology: string | RedisTopology;
  raw: RedisClient;
  stop(): Promise<void>;
}

const backends: Array<{ name: string; start(): Promise<Backend> }> = [
  { name: 'one Redis', start: async () => ({ topology: REDIS_TEST_URL, raw: rawRedis(), stop: async () => {} }) },
  {
    name: 'a Redis Cluster',
    start: async () => {
      const cluster = await RedisCluster.start();
      return {
        topology: { kind: 'cluster', nodes: cluster.startupNodes },
        raw: new Cluster(cluster.startupNodes),
        stop: () => cluster.destroy(),
      };
    },
  },
];

/** The servers a SCAN must visit. */
const masters = (raw: RedisClient) => (isCluster(raw) ? raw.nodes('master') : [raw]);

async function scanAll(raw: RedisClient, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  for (const node of masters(raw)) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
  }
  return keys;
}

describe.each(backends)('cache on $name', (kind) => {
  let backend: Backend;
  let raw: RedisClient;
  const config = testCacheConfig({ lock: { ttlMs: 400, waitMs: 3000 } });
  let db: Database;
  let a: CacheInstance;
  let b: CacheInstance;
  let nextTenant = 1;

  beforeAll(async () => {
    backend = await kind.start();
    raw = backend.raw;
    db = await testDatabase();
    a = await makeCache(config, db, backend.topology);
    b = await makeCache(config, db, backend.topology);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    if (raw && !isCluster(raw)) await deleteKeysWithPrefix(raw, config.keyPrefix);
    await raw?.quit();
    await backend?.stop();
    await db?.close();
  });

  describe('cache › keys in Redis', () => {
    it('stores values under <prefix>:tenant:{<id>}:<module>:<key>, user text escaped', async () => {
      const t = nextTenant++;
      await a.cache.module('balance').set(t, 'series:daily:2026-01-01:2026-01-31:all', 1);
      expect(await raw.exists(`${config.keyPrefix}:tenant:{${t}}:balance:series:daily:2026-01-01:2026-01-31:all`)).toBe(1);
      await a.cache.module('products').set(t, 'q:tea *?[x] 2:tenant:9', 1);
      const keys = await scanAll(raw, `${config.keyPrefix}:tenant:{${t}}:products:*`);
      expect(keys).toEqual([`${config.keyPrefix}:tenant:{${t}}:products:q:tea%20%2A%3F%5Bx%5D%202:tenant:9`]);
    });

    it('applies module TTLs with ±10% jitter (plus the stale grace) in Redis', async () => {
      const t = nextTenant++;
      const ttls: number[] = [];
      for (let i = 0; i < 100; i++) {
        await a.cache.module('uom').set(t, `k${i}`, i);
        ttls.push(await raw.pttl(`${config.keyPrefix}:tenant:{${t}}:uom:k${i}`));
      }
      const grace = config.staleGrace * 1000;
      const lo = config.ttl.uom * 1000 * 0.9 + grace - 1000;
      const hi = config.ttl.uom * 1000 * 1.1 + grace;
      for (const ttl of ttls) {
        expect(ttl).toBeGreaterThanOrEqual(lo);
        expect(ttl).toBeLessThanOrEqual(hi);
      }
      expect(new Set(ttls).size).toBeGreaterThan(50); // jittered, not one value
      expect(jitteredTtlMs(60, () => 0)).toBe(54_000);
      expect(jitteredTtlMs(60, () => 1)).toBe(66_000);
    });

    it('does not serve a value whose generation counter was lost (evicted)', async () => {
      const t = nextTenant++;
      await a.cache.module('products').set(t, 'k', 'v');
      await raw.del(`${config.keyPrefix}:gen:{${t}}:products`);
      const fresh = await makeCache(config, db, REDIS_TEST_URL);
      try {
        expect(await fresh.cache.module('products').get(t, 'k')).toBeUndefined();
      } finally {
        await fresh.close();
      }
    });

    it('invalidates by bumping one counter, leaving the other keys in place', async () => {
      const t = nextTenant++;
      await a.cache.module('products').set(t, 'k', 'v');
      const before = await raw.get(`${config.keyPrefix}:gen:{${t}}:products`);
      await a.cache.module('products').invalidate(t);
      expect(BigInt((await raw.get(`${config.keyPrefix}:gen:{${t}}:products`))!)).toBe(BigInt(before!) + 1n);
      expect(await a.cache.module('products').get(t, 'k')).toBeUndefined();
    });
  });

  describe('cache › reads in Redis', () => {
    it('sends the value reads of one event-loop turn as one MGET, each caller getting its own value, and a lone read as one GET', async () => {
      const t = nextTenant++;
      for (let n = 0; n < 50; n++) await a.cache.module('products').set(t, `batch:${n}`, { n });
      for (let n = 0; n < 3; n++) await a.cache.module('products').set(t, `alone:${n}`, `alone ${n}`);
      await a.cache.module('products').set(t, 'first', 'first');
      expect(await b.cache.module('products').get(t, 'first')).toBe('first'); // b learns the module's generation
      // On a cluster, every master is watched: the business's keys are all on one of them.
      const commands: string[][] = [];
      const monitors = await Promise.all(
        masters(raw).map((node) =>
          watchCommands({ host: node.options.host!, port: node.options.port! }, (args) => {
            if (args.some((arg) => arg.startsWith(`${config.keyPrefix}:tenant:{${t}}:`))) commands.push(args);
          }),
        ),
      );
      try {
        const values = await Promise.all(Array.from({ length: 50 }, (_, n) => b.cache.module('products').get(t, `batch:${n}`)));
        expect(values).toEqual(Array.from({ length: 50 }, (_, n) => ({ n })));
        await waitFor(() => commands.length >= 1, 2000, 'the batch in MONITOR');
        for (let n = 0; n < 3; n++) expect(await b.cache.module('products').get(t, `alone:${n}`)).toBe(`alone ${n}`);
        await waitFor(() => commands.length >= 4, 2000, 'the lone reads in MONITOR');
        await sleep(50);
        expect(commands.map((args) => args[0]!.toLowerCase())).toEqual(['mget', 'get', 'get', 'get']);
        expect(commands[0]!.length).toBe(1 + 50);
      } finally {
        for (const monitor of monitors) monitor.close();
      }
    });
  });

  describe('cache › two instances', () => {
    it('keeps L1 coherent: an invalidation on one drops the other’s local copy', async () => {
      const t = nextTenant++;
      await a.cache.module('categories').memoize(t, 'tree', async () => ['v1']);
      expect((await b.cache.module('categories').memoize(t, 'tree', async () => ['x'])).status).toBe('HIT');
      expect((await b.cache.module('categories').memoize(t, 'tree', async () => ['x'])).value).toEqual(['v1']);
      const l1HitsBefore = b.cache.stats().modules.categories!.l1Hits;
      expect(l1HitsBefore).toBeGreaterThan(0); // the second read came from b's L1
      await a.cache.module('categories').invalidate(t);
      await waitFor(
        async () => (await b.cache.module('categories').memoize(t, 'tree', async () => ['v2'])).value[0] === 'v2',
        2000,
        'b to hear the invalidation',
      );
      expect((await a.cache.module('categories').memoize(t, 'tree', async () => ['v3'])).value).toEqual(['v2']);
    });

    it('deletes and pattern deletes reach the other instance’s L1 too', async () => {
      const t = nextTenant++;
      await a.cache.module('products').set(t, 'p:1', 1);
      await a.cache.module('products').set(t, 'p:2', 2);
      expect(await b.cache.module('products').get(t, 'p:1')).toBe(1);
      expect(await b.cache.module('products').get(t, 'p:2')).toBe(2);
      await a.cache.module('products').delete(t, 'p:1');
      await a.cache.module('products').deletePattern(t, 'p:*');
      await waitFor(async () => (await b.cache.module('products').get(t, 'p:2')) === undefined, 2000, 'b to drop p:2');
      expect(await b.cache.module('products').get(t, 'p:1')).toBeUndefined();
    });

    it('runs the loader in one process only while another holds the lock', async () => {
      const t = nextTenant++;
      const gate = deferred<string>();
      let aCalls = 0;
      let bCalls = 0;
      const loading = deferred<void>();
      const first = a.cache.module('balance').memoize(t, 'month', async () => {
        aCalls++;
        loading.resolve();
        return gate.promise;
      });
      await loading.promise; // a holds the lock now
      const second = b.cache.module('balance').memoize(t, 'month', async () => {
        bCalls++;
        return 'from b';
      });
      await sleep(60);
      gate.resolve('from a');
      expect(await first).toEqual({ value: 'from a', status: 'MISS' });
      expect(await second).toEqual({ value: 'from a', status: 'HIT' });
      expect([aCalls, bCalls]).toEqual([1, 0]);
    });

    it('loads anyway when the lock holder died (its lock expires)', async () => {
      const t = nextTenant++;
      const lockKey = `${config.keyPrefix}:lock:{${t}}:balance:dead`;
      await raw.set(lockKey, 'a-dead-process', 'PX', config.lock.ttlMs);
      let calls = 0;
      const result = await b.cache.module('balance').memoize(t, 'dead', async () => {
        calls++;
        return 'loaded by b';
      });
      expect(result).toEqual({ value: 'loaded by b', status: 'MISS' });
      expect(calls).toBe(1);
      expect(await raw.exists(lockKey)).toBe(0); // b took the expired lock and released it
    });

    it('does not let a loader that started before another instance’s invalidation store its result', async () => {
      const t = nextTenant++;
      const gate = deferred<string>();
      const loading = deferred<void>();
      const racing = a.cache.module('products').memoize(t, 'race', () => {
        loading.resolve();
        return gate.promise;
      });
      await loading.promise;
      await b.cache.module('products').invalidate(t);
      gate.resolve('old');
      expect((await racing).value).toBe('old');
      expect(await b.cache.module('products').get(t, 'race')).toBeUndefined();
      await sleep(20);
      expect(await a.cache.module('products').get(t, 'race')).toBeUndefined();
    });
  });
});
