import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { deleteKeysWithPrefix, rawRedis, REDIS_TEST_URL, testCacheConfig } from '../helpers/redis.ts';
import { deferred, makeCache, testDatabase, waitFor, type CacheInstance, SETUP_TIMEOUT_MS } from './support.ts';

// On an empty Redis a module has no generation key yet. Loaders that all read "none" must
// all be able to store what they loaded (the read creates the generation for everyone),
// rather than the first write creating it and every other write being refused.

const raw = rawRedis();
afterAll(() => raw.quit());

describe.each([
  ['redis', REDIS_TEST_URL],
  ['memory', undefined],
] as const)('cache › first writes of a module on an empty %s store', (name, redis) => {
  const config = testCacheConfig();
  let db: Database;
  let writer: CacheInstance;
  let reader: CacheInstance;

  beforeAll(async () => {
    db = await testDatabase();
    writer = await makeCache(config, db, redis);
    // Another process for Redis (its own L1); the same one for the in-process store.
    reader = redis ? await makeCache(config, db, redis) : writer;
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    if (reader !== writer) await reader?.close();
    await writer?.close();
    await deleteKeysWithPrefix(raw, config.keyPrefix);
    await db?.close();
  });

  it('N concurrent first loaders store N keys, and the second view of each is a HIT', async () => {
    const t = 1;
    const N = 20;
    if (name === 'redis') expect(await raw.exists(`${config.keyPrefix}:gen:{${t}}:balance`)).toBe(0);
    const gate = deferred<void>();
    let started = 0;
    const balance = writer.cache.module('balance');
    const first = Array.from({ length: N }, (_, i) =>
      balance.memoize(t, `k${i}`, async () => {
        started++;
        await gate.promise; // every loader has read "no generation" before any of them writes
        return { i };
      }),
    );
    await waitFor(() => started === N, 5000, 'every loader to start');
    gate.resolve();
    expect((await Promise.all(first)).map((r) => r.status)).toEqual(Array(N).fill('MISS'));
    expect(writer.cache.stats().modules.balance?.sets).toBe(N);
    if (name === 'redis') {
      const stored = await raw.mget(...Array.from({ length: N }, (_, i) => `${config.keyPrefix}:tenant:{${t}}:balance:k${i}`));
      expect(stored.filter((v) => v !== null)).toHaveLength(N);
    }
    const again = await Promise.all(
      Array.from({ length: N }, (_, i) => reader.cache.module('balance').memoize(t, `k${i}`, async () => ({ i: -1 }))),
    );
    expect(again.map((r) => r.status)).toEqual(Array(N).fill('HIT'));
    expect(again.map((r) => r.value)).toEqual(Array.from({ length: N }, (_, i) => ({ i })));
  });

  it('N concurrent first loaders of one key over two instances store it, and the next view is a HIT', async () => {
    const t = 2;
    const N = 20;
    const gate = deferred<void>();
    let started = 0;
    const first = Array.from({ length: N }, (_, i) =>
      (i % 2 ? reader : writer).cache.module('balance').memoize(t, 'same', async () => {
        started++;
        await gate.promise;
        return { n: 1 };
      }),
    );
    // One loader per process (single flight; the loader lock holds the other instance back).
    await waitFor(() => started >= 1, 5000, 'a loader to start');
    gate.resolve();
    const results = await Promise.all(first);
    expect(results.map((r) => r.value)).toEqual(Array(N).fill({ n: 1 }));
    if (name === 'redis') expect(await raw.exists(`${config.keyPrefix}:tenant:{${t}}:balance:same`)).toBe(1);
    for (const instance of [writer, reader]) {
      const again = await instance.cache.module('balance').memoize(t, 'same', async () => ({ n: -1 }));
      expect(again).toEqual({ value: { n: 1 }, status: 'HIT' });
    }
  });
});

describe('cache › a generation key lost from Redis while an instance remembers it', () => {
  const config = testCacheConfig({ l1: { enabled: false, maxEntries: 1, maxBytes: 1024 } });
  let db: Database;
  let instance: CacheInstance;

  beforeAll(async () => {
    db = await testDatabase();
    instance = await makeCache(config, db, REDIS_TEST_URL);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await instance?.close();
    await deleteKeysWithPrefix(raw, config.keyPrefix);
    await db?.close();
  });

  it('is created again by the next read: one refused write, then the next view is a HIT', async () => {
    const t = 3;
    const balance = instance.cache.module('balance');
    // The clock stands still, so the remembered generation (GENERATION_TTL_MS) cannot lapse
    // between the steps on a slow machine and turn the refused write into an accepted one.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await balance.memoize(t, 'a', async () => 'a'); // learns the generation
      // Evicted or flushed: this instance still remembers the old generation.
      await raw.del(`${config.keyPrefix}:gen:{${t}}:balance`, `${config.keyPrefix}:tenant:{${t}}:balance:a`);
      expect(await balance.memoize(t, 'b', async () => 'b')).toEqual({ value: 'b', status: 'MISS' });
      expect(await balance.memoize(t, 'c', async () => 'c')).toEqual({ value: 'c', status: 'MISS' });
      expect(await balance.memoize(t, 'c', async () => 'x')).toEqual({ value: 'c', status: 'HIT' });
      expect(await balance.memoize(t, 'b', async () => 'b')).toEqual({ value: 'b', status: 'MISS' }); // refused the first time
      expect(await balance.memoize(t, 'b', async () => 'x')).toEqual({ value: 'b', status: 'HIT' });
    } finally {
      vi.useRealTimers();
    }
  });
});
