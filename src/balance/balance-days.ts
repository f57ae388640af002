import { Prisma } from '../generated/prisma/client.ts';
import { expectedSummarySql } from './verify.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;
type Money = string | number | Decimal;

// The one writer of balance_days, the daily receivables summary (customerKey 0 = the
// whole tenant, otherwise one customer). Sales, returns, cancellations, payments and
// refunds add to it in their own transaction; the demo seed writes through it too.
//
// The rule, recomputable from raw rows (src/balance/verify.ts checks summary == recomputation):
//   sales_total(day, c)    = Σ (total − returned_total) of sales now `confirmed` whose sold_at falls on `day`
//   payments_total(day, c) = Σ amount of payments whose paid_at falls on `day`
//                            − Σ amount of refunds whose refunded_at falls on `day`
// (days in the tenant's time zone). A cancellation subtracts what the sale was still worth,
// and a return what it gives back, on the day of the sale, not the day it happens: what was
// cancelled or brought back is a sale that did not happen, so the series never shows a
// receivable for it, and the summary is a pure function of the current rows. Payments and
// refunds stay on their own day: money moved when it moved. A customer who had paid a sale
// that is later cancelled (or partly returned) and not refunded shows the credit they are owed.

export interface BalanceRow {
  /** 0 for the tenant's row, otherwise the customer id. */
  customerKey: number;
  /** YYYY-MM-DD in the tenant's time zone. */
  day: string;
  sales: Money;
  payments: Money;
}

/** The rows one event touches: the tenant's, plus the customer's when there is one. */
export function balanceRows(customerId: number | null | undefined, day: string, sales: Money, payments: Money): BalanceRow[] {
  const rows: BalanceRow[] = [{ customerKey: 0, day, sales, payments }];
  if (customerId) rows.push({ customerKey: customerId, day, sales, payments });
  return rows;
}

/** Anything that can run a raw statement: a bare or tenant-scoped client, or a transaction of either. */
export interface RawExecutor {
  $executeRaw(query: Prisma.Sql): PromiseLike<number>;
}

/**
 * The INSERT … ON CONFLICT statement that adds `rows` (merged per customer and day, in a
 * fixed order so concurrent transactions lock rows in the same order); null for no rows.
 * Usable on its own or inside a larger statement (a data-modifying CTE).
 */
export function balanceDaysUpsert(tenantId: number, rows: readonly BalanceRow[]): Prisma.Sql | null {
  const merged = new Map<string, { customerKey: number; day: string; sales: Decimal; payments: Decimal }>();
  for (const r of rows) {
    const key = `${String(r.customerKey).padStart(12, '0')}|${r.day}`;
    const m = merged.get(key) ?? { customerKey: r.customerKey, day: r.day, sales: new Decimal(0), payments: new Decimal(0) };
    m.sales = m.sales.plus(r.sales);
    m.payments = m.payments.plus(r.payments);
    merged.set(key, m);
  }
  if (!merged.size) return null;
  const values = [...merged.keys()].sort().map((k) => {
    const m = merged.get(k)!;
    return Prisma.sql`(${tenantId}::int, ${m.customerKey}::int, ${m.day}::date, ${m.sales.toFixed(2)}::numeric, ${m.payments.toFixed(2)}::numeric)`;
  });
  return Prisma.sql`
    INSERT INTO balance_days (tenant_id, customer_key, day, sales_total, payments_total)
    VALUES ${Prisma.join(values)}
    ON CONFLICT (tenant_id, customer_key, day) DO UPDATE
      SET sales_total = balance_days.sales_total + EXCLUDED.sales_total,
          payments_total = balance_days.payments_total + EXCLUDED.payments_total`;
}

/** Adds to (or creates) the rows, in one statement. */
export async function addToBalanceDays(tx: RawExecutor, tenantId: number, rows: readonly BalanceRow[]): Promise<void> {
  const sql = balanceDaysUpsert(tenantId, rows);
  if (sql) await tx.$executeRaw(sql);
}

export interface RawQuerier {
  $queryRaw<T = unknown>(query: Prisma.Sql): PromiseLike<T>;
}

/** balance_days as the rule above recomputes it from sales, payments and refunds (for checks and repair). */
export async function recomputeBalanceDays(
  db: RawQuerier,
  tenantId: number,
): Promise<Array<{ customerKey: number; day: string; sales: Decimal; payments: Decimal }>> {
  const rows = await db.$queryRaw<
    Array<{ customer_key: number; day: string; sales: Decimal | string; payments: Decimal | string }>
  >(Prisma.sql`
    SELECT customer_key::int AS customer_key, to_char(day, 'YYYY-MM-DD') AS day, sales::text AS sales, payments::text AS payments
      FROM (${expectedSummarySql(tenantId)}) e ORDER BY 1, 2`);
  return rows.map((r) => ({
    customerKey: Number(r.customer_key),
    day: r.day,
    sales: new Decimal(r.sales),
    payments: new Decimal(r.payments),
  }));
}
