import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';

// The check behind `balance:verify`: balance_days against a recomputation from the raw
// sales, payments and refunds, by the summary rule (docs/decisions/005-balance-summary.md,
// 014-returns-refunds-till.md):
//   sales_total(c, d)    = Σ (total − returned_total) of sales now `confirmed` whose sold_at falls on d
//   payments_total(c, d) = Σ amount of payments whose paid_at falls on d − Σ amount of refunds whose refunded_at falls on d
// d in the tenant's time zone; c = 0 for every sale/payment, c = customer id for theirs.
// A missing row and a row of zeros are the same thing.

const Decimal = Prisma.Decimal;
type Decimal = Prisma.Decimal;

export interface SummaryDifference {
  customerKey: number;
  day: string;
  expected: { sales: Decimal; payments: Decimal };
  actual: { sales: Decimal; payments: Decimal };
}

export interface VerifyReport {
  tenantId: number;
  /** balance_days rows of the tenant. */
  rows: number;
  sales: number;
  payments: number;
  differences: SummaryDifference[];
  ok: boolean;
}

interface Raw {
  $queryRaw<T = unknown>(query: Prisma.Sql): PromiseLike<T>;
}

/** The rule, as SQL: expected (customer_key, day, sales, payments) for one tenant. */
export function expectedSummarySql(tenantId: number): Prisma.Sql {
  return Prisma.sql`
    WITH tz AS (SELECT time_zone FROM tenants WHERE id = ${tenantId}::int),
    ev AS (
      SELECT s.customer_id, (s.sold_at AT TIME ZONE tz.time_zone)::date AS day, s.total - s.returned_total AS sales, 0::numeric AS payments
        FROM sales s, tz WHERE s.tenant_id = ${tenantId}::int AND s.status = 'confirmed'
      UNION ALL
      SELECT p.customer_id, (p.paid_at AT TIME ZONE tz.time_zone)::date, 0::numeric, p.amount
        FROM payments p, tz WHERE p.tenant_id = ${tenantId}::int
      UNION ALL
      SELECT r.customer_id, (r.refunded_at AT TIME ZONE tz.time_zone)::date, 0::numeric, -r.amount
        FROM refunds r, tz WHERE r.tenant_id = ${tenantId}::int
    )
    SELECT 0 AS customer_key, day, SUM(sales) AS sales, SUM(payments) AS payments FROM ev GROUP BY day
    UNION ALL
    SELECT customer_id, day, SUM(sales), SUM(payments) FROM ev WHERE customer_id IS NOT NULL GROUP BY customer_id, day`;
}

/** Lists every (customer key, day) whose summary differs from the recomputation. */
export async function verifyBalanceSummary(prisma: PrismaClient | Raw, tenantId: number): Promise<VerifyReport> {
  const db = prisma as Raw;
  const diff = await db.$queryRaw<Array<{ customer_key: number; day: string; es: string; ep: string; as: string; ap: string }>>(Prisma.sql`
    WITH expected AS (${expectedSummarySql(tenantId)}),
    actual AS (SELECT customer_key, day, sales_total, payments_total FROM balance_days WHERE tenant_id = ${tenantId}::int)
    SELECT COALESCE(e.customer_key, a.customer_key)::int AS customer_key,
           to_char(COALESCE(e.day, a.day), 'YYYY-MM-DD') AS day,
           COALESCE(e.sales, 0)::text AS es, COALESCE(e.payments, 0)::text AS ep,
           COALESCE(a.sales_total, 0)::text AS "as", COALESCE(a.payments_total, 0)::text AS ap
      FROM expected e FULL OUTER JOIN actual a ON a.customer_key = e.customer_key AND a.day = e.day
     WHERE COALESCE(e.sales, 0) <> COALESCE(a.sales_total, 0) OR COALESCE(e.payments, 0) <> COALESCE(a.payments_total, 0)
     ORDER BY 1, 2`);
  const [counts] = await db.$queryRaw<Array<{ rows: number; sales: number; payments: number }>>(Prisma.sql`
    SELECT (SELECT count(*) FROM balance_days WHERE tenant_id = ${tenantId}::int)::int AS rows,
           (SELECT count(*) FROM sales WHERE tenant_id = ${tenantId}::int)::int AS sales,
           (SELECT count(*) FROM payments WHERE tenant_id = ${tenantId}::int)::int AS payments`);
  const differences = diff.map((r) => ({
    customerKey: Number(r.customer_key),
    day: r.day,
    expected: { sales: new Decimal(r.es), payments: new Decimal(r.ep) },
    actual: { sales: new Decimal(r.as), payments: new Decimal(r.ap) },
  }));
  return {
    tenantId,
    rows: counts?.rows ?? 0,
    sales: counts?.sales ?? 0,
    payments: counts?.payments ?? 0,
    differences,
    ok: differences.length === 0,
  };
}

/**
 * Rewrites the tenant's balance_days from the recomputation, in one serializable
 * transaction (a sale committing meanwhile makes it fail rather than be lost; run it again).
 */
export async function rebuildBalanceSummary(prisma: PrismaClient, tenantId: number): Promise<number> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw(Prisma.sql`DELETE FROM balance_days WHERE tenant_id = ${tenantId}::int`);
      return tx.$executeRaw(Prisma.sql`
        INSERT INTO balance_days (tenant_id, customer_key, day, sales_total, payments_total)
        SELECT ${tenantId}::int, customer_key, day, sales, payments FROM (${expectedSummarySql(tenantId)}) e`);
    },
    { isolationLevel: 'Serializable', timeout: 120_000 },
  );
}
