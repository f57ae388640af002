import { Prisma } from '../generated/prisma/client.ts';
import type { CustomerFilter, Granularity, RawQueryClient } from './balance.types.ts';
import { bucketStart } from './buckets.ts';

// The two reads of balance_days the balance pages need (and the warm-up's cut of one), never
// sale lines. Sums are done in SQL as numeric and come back as text, so no amount ever passes
// through a float.

const Decimal = Prisma.Decimal;
type Decimal = Prisma.Decimal;

export function customerKey(customer: CustomerFilter): number {
  return customer === 'all' ? 0 : customer;
}

export interface BucketTotals {
  sales: Decimal;
  payments: Decimal;
}

export interface SummaryRead {
  /** Σ sales − Σ payments of every day before `from`. */
  opening: Decimal;
  /** Totals by bucket start (only buckets that have summary rows). */
  buckets: Map<string, BucketTotals>;
}

/**
 * One round trip: the days before `from` fold into one row (bucket NULL), the days of the
 * range group by calendar bucket. Reads the primary key range (tenant, customer, ≤ to).
 */
export async function readSummary(
  db: RawQueryClient,
  tenantId: number,
  q: { from: string; to: string; granularity: Granularity; customer: CustomerFilter },
): Promise<SummaryRead> {
  const rows = await db.$queryRaw<Array<{ bucket: string | null; sales: string | null; payments: string | null }>>(Prisma.sql`
    SELECT CASE WHEN day < ${q.from}::date THEN NULL
                ELSE to_char(date_trunc(${q.granularity}, day::timestamp), 'YYYY-MM-DD') END AS bucket,
           SUM(sales_total)::text AS sales,
           SUM(payments_total)::text AS payments
      FROM balance_days
     WHERE tenant_id = ${tenantId}::int AND customer_key = ${customerKey(q.customer)}::int AND day <= ${q.to}::date
     GROUP BY 1`);
  let opening = new Decimal(0);
  const buckets = new Map<string, BucketTotals>();
  for (const r of rows) {
    const sales = new Decimal(r.sales ?? 0);
    const payments = new Decimal(r.payments ?? 0);
    if (r.bucket === null) opening = sales.minus(payments);
    else buckets.set(r.bucket, { sales, payments });
  }
  return { opening, buckets };
}

/**
 * What readSummary of `q` returns, cut from a read by day whose range starts on or before
 * q.from and ends on or after q.to: the days before q.from fold into the opening, the days
 * of the range group by q's calendar bucket. Decimal sums, so the result is exactly the same.
 */
export function narrowSummary(byDay: SummaryRead, q: { from: string; to: string; granularity: Granularity }): SummaryRead {
  let opening = byDay.opening;
  const buckets = new Map<string, BucketTotals>();
  for (const [day, totals] of byDay.buckets) {
    if (day < q.from) {
      opening = opening.plus(totals.sales).minus(totals.payments);
      continue;
    }
    if (day > q.to) continue;
    const start = bucketStart(day, q.granularity);
    const bucket = buckets.get(start);
    if (bucket) buckets.set(start, { sales: bucket.sales.plus(totals.sales), payments: bucket.payments.plus(totals.payments) });
    else buckets.set(start, { sales: totals.sales, payments: totals.payments });
  }
  return { opening, buckets };
}

/** Open balance at the end of `day`: Σ sales − Σ payments up to and including it. */
export async function readOpenBalanceAt(db: RawQueryClient, tenantId: number, day: string, customer: CustomerFilter): Promise<Decimal> {
  const rows = await db.$queryRaw<Array<{ balance: string | null }>>(Prisma.sql`
    SELECT SUM(sales_total - payments_total)::text AS balance
      FROM balance_days
     WHERE tenant_id = ${tenantId}::int AND customer_key = ${customerKey(customer)}::int AND day <= ${day}::date`);
  return new Decimal(rows[0]?.balance ?? 0);
}
