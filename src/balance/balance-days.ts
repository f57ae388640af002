import { Prisma } from '../generated/prisma/client.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;
type Money = string | number | Decimal;

// The one writer of balance_days, the daily receivables summary (customerKey 0 = the
// whole tenant, otherwise one customer). Sales, cancellations and payments add to it in
// their own transaction; the demo seed writes through it too.
//
// The rule, recomputable from raw rows (src/balance/verify.ts checks summary == recomputation):
//   sales_total(day, c)    = Σ total of sales now `confirmed` whose sold_at falls on `day`
//   payments_total(day, c) = Σ amount of payments whose paid_at falls on `day`
// (days in the tenant's time zone). A cancellation subtracts the sale's total on the day of
// the sale, not the day it is cancelled: a cancelled sale is one that did not happen, so
// the series never shows a receivable for it, and the summary is a pure function of the
// current rows. Payments stay on their own day: a customer who had paid a sale that is
// later cancelled shows the credit they are owed.

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

/** balance_days as the rule above recomputes it from sales and payments (for checks and repair). */
export async function recomputeBalanceDays(db: RawQuerier, tenantId: number): Promise<Array<{ customerKey: number; day: string; sales: Decimal; payments: Decimal }>> {
  const rows = await db.$queryRaw<Array<{ customer_key: number; day: string; sales: Decimal | string; payments: Decimal | string }>>(Prisma.sql`
    WITH tz AS (SELECT time_zone FROM tenants WHERE id = ${tenantId}),
    events AS (
      SELECT customer_id, (sold_at AT TIME ZONE (SELECT time_zone FROM tz))::date AS day, total AS sales, 0::numeric AS payments
        FROM sales WHERE tenant_id = ${tenantId} AND status = 'confirmed'
      UNION ALL
      SELECT customer_id, (paid_at AT TIME ZONE (SELECT time_zone FROM tz))::date, 0, amount
        FROM payments WHERE tenant_id = ${tenantId}
    ),
    keyed AS (
      SELECT 0 AS customer_key, day, sales, payments FROM events
      UNION ALL
      SELECT customer_id, day, sales, payments FROM events WHERE customer_id IS NOT NULL
    )
    SELECT customer_key::int AS customer_key, to_char(day, 'YYYY-MM-DD') AS day, SUM(sales)::text AS sales, SUM(payments)::text AS payments
      FROM keyed GROUP BY customer_key, day ORDER BY customer_key, day`);
  return rows.map((r) => ({ customerKey: Number(r.customer_key), day: r.day, sales: new Decimal(r.sales), payments: new Decimal(r.payments) }));
}
