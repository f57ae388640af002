import { describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { buildSeries } from '../../src/balance/series.ts';
import { seriesKey } from '../../src/balance/cache-keys.ts';
import { seriesCsv } from '../../src/balance/csv.ts';
import { BalanceQuerySchema, chosenPreset } from '../../src/balance/balance.schema.ts';
import { serialize, deserialize } from '../../src/cache/serializer.ts';

const D = (s: string | number) => new Prisma.Decimal(s);

describe('balance', () => {
  describe('series', () => {
    const read = {
      opening: D('100.10'),
      buckets: new Map([
        ['2026-03-02', { sales: D('0.10'), payments: D('0.20') }],
        ['2026-03-16', { sales: D('1000.05'), payments: D('0') }],
      ]),
    };
    const series = buildSeries(
      { from: '2026-03-04', to: '2026-03-20', granularity: 'week', customer: 'all' },
      read,
      new Date('2026-03-20T10:00:00Z'),
    );

    it('keeps empty buckets with zeros and runs the open balance from the opening', () => {
      expect(series.buckets.map((b) => [b.start, b.sales.toFixed(2), b.payments.toFixed(2), b.balance.toFixed(2)])).toEqual([
        ['2026-03-02', '0.10', '0.20', '100.00'],
        ['2026-03-09', '0.00', '0.00', '100.00'],
        ['2026-03-16', '1000.05', '0.00', '1100.05'],
      ]);
      expect(series.totals.sales.toFixed(2)).toBe('1000.15');
      expect(series.closing.toFixed(2)).toBe('1100.05');
      expect(series.closing.equals(series.opening.plus(series.totals.sales).minus(series.totals.payments))).toBe(true);
    });

    it('round-trips the cache serializer as the same Decimal and Date values', () => {
      const s = serialize(series);
      const back = deserialize(s.json, s.tagged) as typeof series;
      expect(Prisma.Decimal.isDecimal(back.buckets[2]!.balance)).toBe(true);
      expect(back.buckets[2]!.balance.toFixed(2)).toBe('1100.05');
      expect(back.computedAt).toBeInstanceOf(Date);
      expect(back.computedAt.getTime()).toBe(series.computedAt.getTime());
    });

    it('is one CSV row per bucket, with the opening and the totals, amounts exact', () => {
      const lines = seriesCsv(series).trim().split('\n');
      expect(lines[0]).toBe('period,from,to,sales,payments,open_balance');
      expect(lines[1]).toBe('opening balance,,2026-03-03,,,100.10');
      expect(lines[2]).toBe('Week of 2026-03-02,2026-03-04,2026-03-08,0.10,0.20,100.00');
      expect(lines.at(-1)).toBe('total,2026-03-04,2026-03-20,1000.15,0.20,1100.05');
    });
  });

  describe('cache keys', () => {
    it('are series:<granularity>:<from>:<to>:<customer|all>', () => {
      expect(seriesKey({ from: '2026-01-01', to: '2026-01-31', granularity: 'day', customer: 'all' })).toBe(
        'series:daily:2026-01-01:2026-01-31:all',
      );
      expect(seriesKey({ from: '2026-01-01', to: '2026-12-31', granularity: 'month', customer: 42 })).toBe(
        'series:monthly:2026-01-01:2026-12-31:42',
      );
    });
  });

  describe('query string', () => {
    it('defaults to this month by day for all customers, and refuses odd shapes', () => {
      const ok = BalanceQuerySchema.parse({});
      expect(ok).toMatchObject({ granularity: 'day', customer: 'all' });
      expect(chosenPreset(ok)).toBe('this-month');
      expect(chosenPreset(BalanceQuerySchema.parse({ from: '2026-01-01', to: '2026-01-05' }))).toBeUndefined();
      expect(BalanceQuerySchema.parse({ customer: '12' }).customer).toBe(12);
      for (const bad of [{ granularity: 'hour' }, { customer: '-1' }, { customer: 'x' }, { preset: 'forever' }, { from: ['a', 'b'] }])
        expect(BalanceQuerySchema.safeParse(bad).success).toBe(false);
    });
  });
});

describe('balance', () => {
  describe('money text', () => {
    it('formats exact decimal text as Intl does, digit for digit', async () => {
      const { createFormatter } = await import('../../src/format/index.ts');
      const intl = (exact: string, currency: string) =>
        new Intl.NumberFormat('en-US', { style: 'currency', currency, signDisplay: 'negative' }).format(exact as unknown as number);
      const amounts = ['0.00', '-0.00', '1.05', '12.30', '999.99', '1000.00', '-1234.50', '1234567.89', '-98765432109.01', '100000.00'];
      for (const currency of ['USD', 'EUR', 'JPY', 'BRL', 'CHF']) {
        const text = createFormatter({ currency, timeZone: 'UTC' }).money;
        const digits = currency === 'JPY' ? 0 : 2;
        for (const a of amounts) {
          const exact = new Prisma.Decimal(a).toFixed(digits);
          expect([currency, a, text(exact)]).toEqual([currency, a, intl(exact, currency)]);
        }
      }
    });
  });
});
