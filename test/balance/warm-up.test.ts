import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { BalanceWarmer } from '../../src/balance/warm-up.ts';
import type { CacheService } from '../../src/cache/index.ts';
import { CATALOG_EVENTS } from '../../src/catalog/cache-events.ts';
import type { Database } from '../../src/db/client.ts';
import { inTransaction } from '../../src/db/unit-of-work.ts';
import { SALES_EVENTS } from '../../src/sales/cache-events.ts';
import { SETUP_TIMEOUT_MS, testDatabase } from '../cache/support.ts';
import { testCache } from './support.ts';

const logger = pino({ level: 'silent' });

describe('balance', () => {
  describe('warm-up', () => {
    afterEach(() => vi.useRealTimers());

    it('warms at once, then folds a burst into one more warm-up at the end of the window', async () => {
      vi.useFakeTimers();
      const warm = vi.fn(async () => {});
      const warmer = new BalanceWarmer({ warm, logger, delayMs: 2000 });
      warmer.schedule(1);
      expect(warm.mock.calls).toEqual([[1]]); // right away: the cache was just emptied
      for (let i = 0; i < 10; i++) warmer.schedule(1);
      warmer.schedule(2);
      expect(warm.mock.calls).toEqual([[1], [2]]);
      await vi.advanceTimersByTimeAsync(1999);
      expect(warm).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(warm.mock.calls).toEqual([[1], [2], [1]]); // the burst, once; tenant 2 had nothing more
      await vi.advanceTimersByTimeAsync(10_000);
      expect(warm).toHaveBeenCalledTimes(3);
      warmer.schedule(2); // a later invalidation warms at once again
      expect(warm).toHaveBeenCalledTimes(4);
      await warmer.close();
    });

    it('under a steady stream warms once per window, and survives a failing warm-up', async () => {
      vi.useFakeTimers();
      const warm = vi.fn(async () => {
        throw new Error('database away');
      });
      const warmer = new BalanceWarmer({ warm, logger, delayMs: 2000 });
      for (let t = 0; t < 10_000; t += 500) {
        warmer.schedule(7);
        await vi.advanceTimersByTimeAsync(500);
      }
      expect(warm).toHaveBeenCalledTimes(6); // at 0 s, then at the end of each 2 s window
      await warmer.close();
      warmer.schedule(7);
      expect(warm).toHaveBeenCalledTimes(6);
    });
  });

  describe('invalidation listener', () => {
    let db: Database;
    let cache: CacheService;
    beforeAll(async () => {
      db = await testDatabase('pglite');
      cache = testCache(db.prisma);
      cache.declareEvents(SALES_EVENTS);
      cache.declareEvents(CATALOG_EVENTS);
    }, SETUP_TIMEOUT_MS);
    afterAll(async () => {
      await cache?.close();
      await db?.close();
    });

    it('tells the warm-up after the cache applied a balance invalidation at commit, never for other modules', async () => {
      const calls: string[] = [];
      const seen: Array<Promise<unknown>> = [];
      const balance = cache.module('balance');
      const stop = cache.onInvalidated('balance', (t) => {
        calls.push(`warm ${t}`);
        seen.push(balance.get(t, 'k')); // already invalidated when the listener runs
      });
      const stopEvent = cache.onInvalidated('sale.confirmed', (t) => calls.push(`sale ${t}`));
      await balance.set(3, 'k', 1);
      await inTransaction(db.prisma, async (uow) => {
        await cache.invalidateAfterCommit(uow, 3, 'sale.confirmed');
        await cache.invalidateAfterCommit(uow, 3, 'product.updated');
        expect(calls).toEqual([]); // nothing before commit
      });
      expect(calls).toEqual(['sale 3', 'warm 3']);
      expect(await Promise.all(seen)).toEqual([undefined]);
      await expect(
        inTransaction(db.prisma, async (uow) => {
          await cache.invalidateAfterCommit(uow, 3, 'sale.confirmed');
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(calls).toHaveLength(2); // never on rollback
      await cache.module('products').invalidate(4);
      await cache.module('balance').invalidate(4);
      await cache.invalidateTenant(5);
      expect(calls.slice(2)).toEqual(['warm 4', 'warm 5']);
      stop();
      stopEvent();
      await cache.module('balance').invalidate(6);
      expect(calls).toHaveLength(4);
    });

    it('does not compile for a module or event nobody declared', () => {
      // @ts-expect-error an unknown module name is a compile error
      expect(() => cache.module('reports')).not.toThrow();
      // @ts-expect-error an unknown event name is a compile error
      cache.onInvalidated('sale.deleted', () => {})();
    });
  });
});

describe('balance', () => {
  describe('recent queries', () => {
    it('keeps the newest few per tenant, within an age', async () => {
      const { RecentQueries } = await import('../../src/balance/recent-queries.ts');
      const recent = new RecentQueries(3, 2);
      const q = (d: string) => ({ from: d, to: d, granularity: 'day' as const, customer: 'all' as const });
      recent.record(1, q('2026-01-01'), 0);
      recent.record(1, q('2026-01-02'), 10);
      recent.record(1, q('2026-01-03'), 20);
      recent.record(1, q('2026-01-01'), 30); // again: now the newest
      recent.record(1, q('2026-01-04'), 40); // pushes out 01-02
      expect(recent.list(1, 1000, 50).map((x) => x.from)).toEqual(['2026-01-04', '2026-01-01', '2026-01-03']);
      expect(recent.list(1, 25, 50).map((x) => x.from)).toEqual(['2026-01-04', '2026-01-01']);
      recent.record(2, q('2026-02-01'), 60);
      recent.record(3, q('2026-03-01'), 70); // a third tenant pushes out the oldest, 1
      expect(recent.list(1, 1000, 80)).toEqual([]);
      expect(recent.list(3, 1000, 80)).toHaveLength(1);
    });
  });
});
