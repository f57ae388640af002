import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { BalanceWarmer } from '../../src/balance/warm-up.ts';
import { notifyBalanceInvalidations } from '../../src/balance/invalidation-listener.ts';
import type { CacheService } from '../../src/cache/index.ts';
import type { UnitOfWork } from '../../src/db/unit-of-work.ts';

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
    function fakeCache() {
      const calls: string[] = [];
      const cache = {
        async invalidateAfterCommit(uow: UnitOfWork<unknown>, tenantId: number, event: string) {
          calls.push(`outbox ${tenantId} ${event}`);
          uow.afterCommit(() => void calls.push(`applied ${tenantId} ${event}`));
        },
        async invalidateModule(tenantId: number, module: string) {
          calls.push(`module ${tenantId} ${module}`);
        },
        async invalidateTenant(tenantId: number) {
          calls.push(`tenant ${tenantId}`);
        },
        stats: () => ({ enabled: true }),
      } as unknown as CacheService;
      return { cache, calls };
    }

    it('tells the warm-up after the cache applied a balance invalidation at commit, never for other modules', async () => {
      const { cache, calls } = fakeCache();
      const observed = notifyBalanceInvalidations(cache, (t) => calls.push(`warm ${t}`));
      const hooks: Array<() => void | Promise<void>> = [];
      const uow = { tx: {}, afterCommit: (h: () => void | Promise<void>) => hooks.push(h) } as unknown as UnitOfWork<never>;
      await observed.invalidateAfterCommit(uow, 3, 'sale.confirmed');
      await observed.invalidateAfterCommit(uow, 3, 'product.updated');
      expect(calls).toEqual(['outbox 3 sale.confirmed', 'outbox 3 product.updated']); // nothing before commit
      for (const h of hooks) await h();
      expect(calls).toEqual([
        'outbox 3 sale.confirmed',
        'outbox 3 product.updated',
        'applied 3 sale.confirmed',
        'warm 3',
        'applied 3 product.updated',
      ]);
      await observed.invalidateModule(4, 'products');
      await observed.invalidateModule(4, 'balance');
      expect(calls.slice(-3)).toEqual(['module 4 products', 'module 4 balance', 'warm 4']);
      expect(observed.stats()).toEqual({ enabled: true });
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
