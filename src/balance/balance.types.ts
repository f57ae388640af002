import type { Prisma } from '../generated/prisma/client.ts';

export type Decimal = Prisma.Decimal;
export type Granularity = 'day' | 'week' | 'month';
export const GRANULARITIES: readonly Granularity[] = ['day', 'week', 'month'];

/** A customer id, or 'all' for the whole tenant (customer_key 0 in balance_days). */
export type CustomerFilter = number | 'all';

export interface SeriesQuery {
  /** First and last day of the range, YYYY-MM-DD in the tenant's time zone, inclusive. */
  from: string;
  to: string;
  granularity: Granularity;
  customer: CustomerFilter;
}

export interface BalanceBucket {
  /** First day of the calendar bucket (a Monday for weeks, the 1st for months). */
  start: string;
  /** The part of the bucket inside the range: the days its totals cover. */
  from: string;
  to: string;
  sales: Decimal;
  payments: Decimal;
  /** Open balance (receivables) at the end of the bucket's last day. */
  balance: Decimal;
}

export interface BalanceSeries extends SeriesQuery {
  /** Open balance at the end of the day before `from`. */
  opening: Decimal;
  buckets: BalanceBucket[];
  totals: { sales: Decimal; payments: Decimal };
  /** Open balance at the end of `to`. */
  closing: Decimal;
  computedAt: Date;
}

/** The one thing the series needs of a client: a raw query (the tenant id is always bound). */
export interface RawQueryClient {
  $queryRaw<T = unknown>(query: Prisma.Sql): PromiseLike<T>;
}
