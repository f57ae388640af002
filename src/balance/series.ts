import { Prisma } from '../generated/prisma/client.ts';
import type { SummaryRead } from './balance.query.ts';
import type { BalanceBucket, BalanceSeries, SeriesQuery } from './balance.types.ts';
import { bucketsOf } from './buckets.ts';

const Decimal = Prisma.Decimal;

/** Every bucket of the range (empty ones with zeros) with the running open balance. */
export function buildSeries(query: SeriesQuery, read: SummaryRead, now = new Date()): BalanceSeries {
  let balance = read.opening;
  let sales = new Decimal(0);
  let payments = new Decimal(0);
  const buckets: BalanceBucket[] = bucketsOf(query.from, query.to, query.granularity).map((span) => {
    const t = read.buckets.get(span.start);
    const s = t?.sales ?? new Decimal(0);
    const p = t?.payments ?? new Decimal(0);
    balance = balance.plus(s).minus(p);
    sales = sales.plus(s);
    payments = payments.plus(p);
    return { ...span, sales: s, payments: p, balance };
  });
  return { ...query, opening: read.opening, buckets, totals: { sales, payments }, closing: balance, computedAt: now };
}
