import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.ts';
import { createTestDatabase, drivers } from '../helpers/database.ts';
import { inTransaction } from '../../src/db/unit-of-work.ts';
import { addToBalanceDays, balanceRows } from '../../src/balance/balance-days.ts';
import { verifyBalanceSummary, rebuildBalanceSummary } from '../../src/balance/verify.ts';
import { bucketDetail } from '../../src/balance/bucket-detail.ts';
import { ValidationError } from '../../src/db/errors.ts';
import { localDay } from '../../src/time.ts';
import { presetRange } from '../../src/balance/presets.ts';
import type { Granularity } from '../../src/balance/balance.types.ts';
import { balanceVerify } from '../../src/cli/commands/balance.ts';
import type { CliContext } from '../../src/cli/command.ts';
import { demoTenant, plain, recomputeSeries, testBalance } from './support.ts';

// The series against an independent recomputation from raw rows, on demo data of a tenant
// in Europe/Madrid (DST from 2026-03-29), 120 days crossing a year and several months.

const UNTIL = '2026-04-15';
const ranges = {
  'across the new year': ['2025-12-20', '2026-01-11'],
  'across month ends': ['2026-01-25', '2026-03-05'],
  'across the DST change': ['2026-03-23', '2026-04-05'],
  'the whole seeded period': ['2025-12-17', UNTIL],
} as const;

describe.each(drivers)('balance series on %s', (driver) => {
  let prisma: PrismaClient;
  let drop: () => Promise<void>;
  let tenant: Awaited<ReturnType<typeof demoTenant>>;
  let balance: ReturnType<typeof testBalance>;
  let customerId: number;

  beforeAll(async () => {
    const t = await createTestDatabase(driver);
    prisma = t.db.prisma;
    drop = t.drop;
    tenant = await demoTenant(prisma, { timeZone: 'Europe/Madrid', days: 120, until: UNTIL, salesPerDay: 4, products: 20 });
    balance = testBalance(prisma);
    // The customer with the most sales, so the filtered series has something in it.
    const [top] = await prisma.sale.groupBy({
      by: ['customerId'],
      where: { tenantId: tenant.tenantId, customerId: { not: null } },
      _count: { _all: true },
      orderBy: { _count: { customerId: 'desc' } },
      take: 1,
    });
    customerId = top!.customerId!;
  }, 180_000);
  afterAll(async () => {
    await balance?.close();
    await drop?.();
  });

  describe('getBalanceSeries', () => {
    for (const granularity of ['day', 'week', 'month'] as Granularity[]) {
      for (const [name, [from, to]] of Object.entries(ranges)) {
        it(`by ${granularity}, ${name}, all customers and one, equals the recomputation from sales and payments`, async () => {
          for (const customer of ['all', customerId] as const) {
            const q = { from, to, granularity, customer };
            const { value } = await balance.service.getBalanceSeries(tenant.scope, q);
            expect(plain(value)).toEqual(await recomputeSeries(prisma, tenant.tenantId, q));
            expect(value.closing.equals(value.opening.plus(value.totals.sales).minus(value.totals.payments))).toBe(true);
          }
        });
      }
    }

    it('starts from the open balance before `from`, not from zero', async () => {
      const { value } = await balance.service.getBalanceSeries(tenant.scope, {
        from: '2026-02-01',
        to: '2026-02-28',
        granularity: 'week',
        customer: 'all',
      });
      expect(value.opening.greaterThan(0)).toBe(true);
      const before = await balance.service.getBalanceSeries(tenant.scope, {
        from: '2025-12-01',
        to: '2026-01-31',
        granularity: 'month',
        customer: 'all',
      });
      expect(value.opening.toFixed(2)).toBe(before.value.closing.toFixed(2));
      const asOf = await balance.service.openBalanceAt(tenant.scope, '2026-01-31', 'all');
      expect(asOf.value.toFixed(2)).toBe(value.opening.toFixed(2));
    });

    it('keeps empty buckets, with zeros, before and after the data', async () => {
      const before = await balance.service.getBalanceSeries(tenant.scope, {
        from: '2025-10-01',
        to: '2025-11-30',
        granularity: 'week',
        customer: 'all',
      });
      expect(before.value.buckets.map((b) => b.start)).toEqual([
        '2025-09-29',
        '2025-10-06',
        '2025-10-13',
        '2025-10-20',
        '2025-10-27',
        '2025-11-03',
        '2025-11-10',
        '2025-11-17',
        '2025-11-24',
      ]);
      expect(before.value.buckets.every((b) => b.sales.isZero() && b.payments.isZero() && b.balance.isZero())).toBe(true);
      const after = await balance.service.getBalanceSeries(tenant.scope, {
        from: '2026-05-01',
        to: '2026-05-31',
        granularity: 'day',
        customer: 'all',
      });
      expect(after.value.buckets).toHaveLength(31);
      expect(after.value.buckets.every((b) => b.sales.isZero() && b.balance.equals(after.value.opening))).toBe(true);
      const end = await balance.service.openBalanceAt(tenant.scope, UNTIL, 'all');
      expect(after.value.opening.toFixed(2)).toBe(end.value.toFixed(2));
    });

    it('refuses a range it does not answer with a ValidationError, not a crash', async () => {
      const bad = [
        { from: '2026-02-01', to: '2026-01-01' },
        { from: '2020-01-01', to: '2026-01-01' },
        { from: '2026-02-30', to: '2026-03-01' },
      ];
      for (const r of bad)
        await expect(balance.service.getBalanceSeries(tenant.scope, { ...r, granularity: 'day', customer: 'all' })).rejects.toBeInstanceOf(
          ValidationError,
        );
    });
  });

  describe('drill-down', () => {
    it('lists the sales and payments of a bucket, whose sums equal the bucket', async () => {
      const { value } = await balance.service.getBalanceSeries(tenant.scope, {
        from: '2026-03-01',
        to: '2026-04-15',
        granularity: 'week',
        customer: 'all',
      });
      for (const b of value.buckets.filter((_, i) => i % 2 === 0)) {
        const detail = await bucketDetail(tenant.scope, { from: b.from, to: b.to, customer: 'all' }, 'Europe/Madrid');
        expect([detail.salesTotal.toFixed(2), detail.paymentsTotal.toFixed(2)]).toEqual([b.sales.toFixed(2), b.payments.toFixed(2)]);
        expect(detail.sales.reduce((s, x) => s.plus(x.total), new Prisma.Decimal(0)).toFixed(2)).toBe(b.sales.toFixed(2));
      }
      const day = await balance.service.getBalanceSeries(tenant.scope, {
        from: '2026-03-29',
        to: '2026-03-29',
        granularity: 'day',
        customer: customerId,
      });
      const detail = await bucketDetail(tenant.scope, { from: '2026-03-29', to: '2026-03-29', customer: customerId }, 'Europe/Madrid');
      expect(detail.salesTotal.toFixed(2)).toBe(day.value.buckets[0]!.sales.toFixed(2));
      expect(detail.paymentsTotal.toFixed(2)).toBe(day.value.buckets[0]!.payments.toFixed(2));
    });
  });

  describe('verifyBalanceSummary', () => {
    it('finds the demo summary exact, names a row that is not, and the repair makes it exact again', async () => {
      expect((await verifyBalanceSummary(prisma, tenant.tenantId)).differences).toEqual([]);
      await prisma.$executeRaw`UPDATE balance_days SET sales_total = sales_total + 0.01 WHERE tenant_id = ${tenant.tenantId} AND customer_key = 0 AND day = '2026-02-10'`;
      await prisma.$executeRaw`DELETE FROM balance_days WHERE tenant_id = ${tenant.tenantId} AND customer_key = ${customerId} AND day = (SELECT max(day) FROM balance_days WHERE tenant_id = ${tenant.tenantId} AND customer_key = ${customerId})`;
      const report = await verifyBalanceSummary(prisma, tenant.tenantId);
      expect(report.ok).toBe(false);
      expect(report.differences.map((d) => d.customerKey)).toEqual([0, customerId]);
      expect(report.differences[0]).toMatchObject({ day: '2026-02-10' });
      expect(report.differences[0]!.actual.sales.minus(report.differences[0]!.expected.sales).toFixed(2)).toBe('0.01');
      await rebuildBalanceSummary(prisma, tenant.tenantId);
      expect((await verifyBalanceSummary(prisma, tenant.tenantId)).ok).toBe(true);
    });

    it('is what `balance:verify --tenant N [--repair]` prints, failing while rows differ', async () => {
      const lines: string[] = [];
      const invalidated: number[] = [];
      const ctx = {
        out: (line: string) => lines.push(line),
        database: async () => ({ prisma }),
        dependencies: async () => ({ cache: { module: () => ({ invalidate: async (t: number) => void invalidated.push(t) }) } }),
      } as unknown as CliContext;
      await balanceVerify.run(ctx, { tenant: String(tenant.tenantId) });
      expect(lines.at(-1)).toMatch(/matches its sales and payments/);
      await prisma.$executeRaw`UPDATE balance_days SET payments_total = payments_total - 5 WHERE tenant_id = ${tenant.tenantId} AND customer_key = 0 AND day = '2026-03-02'`;
      await expect(balanceVerify.run(ctx, { tenant: String(tenant.tenantId) })).rejects.toThrow(/1 balance summary row\(s\) differ/);
      expect(lines.some((l) => /^0\s+2026-03-02/.test(l))).toBe(true);
      await balanceVerify.run(ctx, { tenant: String(tenant.tenantId), repair: true });
      expect(lines.at(-1)).toMatch(/^Rewrote \d+ summary rows/);
      expect(invalidated).toEqual([tenant.tenantId]);
      expect((await verifyBalanceSummary(prisma, tenant.tenantId)).ok).toBe(true);
    });
  });

  describe('cache', () => {
    it('misses, then hits with the same exact values', async () => {
      const q = { from: '2026-01-01', to: '2026-03-31', granularity: 'month' as const, customer: customerId };
      const first = await balance.service.getBalanceSeries(tenant.scope, q);
      const second = await balance.service.getBalanceSeries(tenant.scope, q);
      expect(first.status).toBe('MISS');
      expect(second.status).toBe('HIT');
      expect(plain(second.value)).toEqual(plain(first.value));
      expect(Prisma.Decimal.isDecimal(second.value.closing)).toBe(true);
      expect(
        await balance.rawCache.module('balance').get(tenant.tenantId, `series:monthly:2026-01-01:2026-03-31:${customerId}`),
      ).toBeDefined();
    });

    it('is invalidated after commit only: not inside the transaction, not on rollback', async () => {
      const q = { from: '2026-04-01', to: '2026-04-30', granularity: 'day' as const, customer: 'all' as const };
      const before = (await balance.service.getBalanceSeries(tenant.scope, q)).value;
      const change = (uow: Parameters<Parameters<typeof inTransaction>[1]>[0]) =>
        addToBalanceDays(uow.tx as never, tenant.tenantId, balanceRows(null, '2026-04-10', '12.34', 0));
      await expect(
        inTransaction(tenant.scope.db, async (uow) => {
          await change(uow);
          await balance.cache.invalidateAfterCommit(uow, tenant.tenantId, 'sale.confirmed');
          const inside = await balance.service.getBalanceSeries(tenant.scope, q);
          expect(inside.status).toBe('HIT');
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      const afterRollback = await balance.service.getBalanceSeries(tenant.scope, q);
      expect(afterRollback.status).toBe('HIT');
      expect(afterRollback.value.totals.sales.toFixed(2)).toBe(before.totals.sales.toFixed(2));

      await inTransaction(tenant.scope.db, async (uow) => {
        await change(uow);
        await balance.cache.invalidateAfterCommit(uow, tenant.tenantId, 'sale.confirmed');
        expect((await balance.service.getBalanceSeries(tenant.scope, q)).status).toBe('HIT');
      });
      await balance.warmer.idle(); // the warm-up may already have recomputed it: either way, the new value
      const after = await balance.service.getBalanceSeries(tenant.scope, q);
      expect(after.value.totals.sales.minus(before.totals.sales).toFixed(2)).toBe('12.34');
      await rebuildBalanceSummary(prisma, tenant.tenantId); // put the summary back to the rule
      await balance.rawCache.module('balance').invalidate(tenant.tenantId);
      await balance.warmer.idle(); // the cache now tells the warmer of this one too
    });

    it('warms the current month and recent series after an invalidation, so the next visitor hits', async () => {
      const asked = { from: '2026-01-05', to: '2026-02-15', granularity: 'week' as const, customer: customerId };
      await balance.service.getBalanceSeries(tenant.scope, asked);
      // Until the earlier tests' warm-ups are over: a window of theirs that closes now would
      // start one more while this invalidation waits for its own window (2 pending).
      do {
        await balance.warmer.idle();
        await new Promise((r) => setTimeout(r, balance.warmer.delayMs + 20));
      } while (balance.warmer.pending);
      await balance.cache.module('balance').invalidate(tenant.tenantId);
      expect(balance.warmer.pending).toBe(1); // running now, or folded into the end of an open window
      for (let i = 0; i < 200 && balance.warmer.pending; i++) await new Promise((r) => setTimeout(r, 10));
      await balance.warmer.idle();
      // What a visitor asked for lately is warm again too.
      expect((await balance.service.getBalanceSeries(tenant.scope, asked)).status).toBe('HIT');
      const today = localDay(new Date(), 'Europe/Madrid');
      const month = presetRange('this-month', today);
      const next = await balance.service.getBalanceSeries(tenant.scope, { ...month, granularity: 'day', customer: 'all' });
      expect(next.status).toBe('HIT');
    });

    it('visitors who ask for a shape while it is built share its status: HIT when the series was cached, MISS when it was loaded', async () => {
      const q = { from: '2026-02-01', to: '2026-03-15', granularity: 'week' as const, customer: 'all' as const };
      let shaped = 0;
      const shape = (series: { buckets: unknown[] }) => {
        shaped++;
        return { buckets: series.buckets.length };
      };
      const askFive = (variant: string) =>
        Promise.all(Array.from({ length: 5 }, () => balance.service.getSeriesShaped(tenant.scope, q, variant, shape)));
      await balance.service.getBalanceSeries(tenant.scope, q); // the series cached, no shape yet
      const fromCachedSeries = await askFive('shared-status-a');
      expect(fromCachedSeries.map((r) => r.status)).toEqual(['HIT', 'HIT', 'HIT', 'HIT', 'HIT']);
      expect(shaped).toBe(1);
      await balance.warmer.idle();
      await balance.rawCache.module('balance').delete(tenant.tenantId, 'series:weekly:2026-02-01:2026-03-15:all'); // no warm-up follows a delete
      const fromDatabase = await askFive('shared-status-b');
      expect(fromDatabase.map((r) => r.status)).toEqual(['MISS', 'MISS', 'MISS', 'MISS', 'MISS']);
      expect(shaped).toBe(2);
      expect(new Set(fromDatabase.map((r) => r.value)).size).toBe(1);
    });

    it('a warm-up cuts every series from one read by day per customer, each equal to the recomputation', async () => {
      const asked = [
        ...Object.values(ranges).flatMap(([from, to]) =>
          (['day', 'week', 'month'] as Granularity[]).map((granularity) => ({ from, to, granularity, customer: 'all' as const })),
        ),
        { from: '2025-12-20', to: '2026-02-10', granularity: 'week' as const, customer: customerId },
        { from: '2026-01-25', to: '2026-04-15', granularity: 'day' as const, customer: customerId },
      ];
      for (const q of asked) await balance.service.getBalanceSeries(tenant.scope, q);
      await balance.cache.module('balance').invalidate(tenant.tenantId);
      for (let i = 0; i < 200 && balance.warmer.pending; i++) await new Promise((r) => setTimeout(r, 10));
      await balance.warmer.idle();
      for (const q of asked) {
        const warmed = await balance.service.getBalanceSeries(tenant.scope, q);
        expect(warmed.status, JSON.stringify(q)).toBe('HIT');
        expect(plain(warmed.value), JSON.stringify(q)).toEqual(await recomputeSeries(prisma, tenant.tenantId, q));
      }
    });
  });
});
