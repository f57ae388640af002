import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { inTransaction } from '../../src/db/unit-of-work.ts';
import { CATALOG_EVENTS } from '../../src/catalog/cache-events.ts';
import { deleteKeysWithPrefix, rawRedis, REDIS_TEST_URL, testCacheConfig } from '../helpers/redis.ts';
import { makeCache, testDatabase, waitFor, type CacheInstance, SETUP_TIMEOUT_MS } from './support.ts';

// The outbox poll only catches rows their own instance could not apply; a commit reaches
// the other instances through Redis (generations) and the bus at once, however slow the poll.

const raw = rawRedis();
afterAll(() => raw.quit());

describe('cache › a slow outbox poll', () => {
  const config = testCacheConfig({ outboxPollMs: 3_600_000 });
  let db: Database;
  let a: CacheInstance;
  let b: CacheInstance;

  beforeAll(async () => {
    db = await testDatabase('postgresql');
    a = await makeCache(config, db, REDIS_TEST_URL);
    b = await makeCache(config, db, REDIS_TEST_URL);
    a.cache.declareEvents(CATALOG_EVENTS);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await deleteKeysWithPrefix(raw, config.keyPrefix);
    await db?.close();
  });

  it('does not delay a commit on instance A from invalidating instance B', async () => {
    const t = 1;
    await b.cache.module('products').set(t, 'list', ['tea']);
    expect(await b.cache.module('products').get(t, 'list')).toEqual(['tea']); // in B's L1 too
    await inTransaction(db.prisma, (uow) => a.cache.invalidateAfterCommit(uow, t, 'product.updated'));
    await waitFor(async () => (await b.cache.module('products').get(t, 'list')) === undefined, 5000, 'B to drop the value');
    expect(await db.prisma.cacheInvalidation.count()).toBe(0); // applied by A's own hook, not left for a poll
  });
});
