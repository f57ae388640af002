import { Prisma, type PrismaClient, type ProfitSlice } from '../generated/prisma/client.ts';

// The check behind `profit:verify`: profit_days against a recomputation from the raw sales,
// sale lines and return lines, by the summary rule (src/profit/profit-days.ts). A missing
// row and a row of zeros are the same thing.

const Decimal = Prisma.Decimal;
type Decimal = Prisma.Decimal;

interface Amounts {
  revenue: Decimal;
  cost: Decimal;
  quantity: Decimal;
}

export interface ProfitDifference {
  slice: ProfitSlice;
  day: string;
  key: number;
  expected: Amounts;
  actual: Amounts;
}

export interface ProfitVerifyReport {
  tenantId: number;
  /** profit_days rows of the tenant. */
  rows: number;
  sales: number;
  lines: number;
  differences: ProfitDifference[];
  ok: boolean;
}

interface Raw {
  $queryRaw<T = unknown>(query: Prisma.Sql): PromiseLike<T>;
}

/** The rule, as SQL: expected (slice, day, key, revenue, cost, quantity) for one tenant. */
export function expectedProfitSql(tenantId: number): Prisma.Sql {
  return Prisma.sql`
    WITH tz AS (SELECT time_zone FROM tenants WHERE id = ${tenantId}::int),
    r AS (
      SELECT sale_line_id, SUM(line_subtotal) AS subtotal, SUM(line_cost) AS cost, SUM(quantity) AS quantity
        FROM return_lines WHERE tenant_id = ${tenantId}::int GROUP BY sale_line_id
    ),
    ln AS (
      SELECT (s.sold_at AT TIME ZONE tz.time_zone)::date AS day, s.customer_id, l.product_id,
             l.line_subtotal - COALESCE(r.subtotal, 0) AS revenue,
             l.line_cost - COALESCE(r.cost, 0) AS cost,
             l.quantity - COALESCE(r.quantity, 0) AS quantity
        FROM sales s CROSS JOIN tz
        JOIN sale_lines l ON l.tenant_id = s.tenant_id AND l.sale_id = s.id
        LEFT JOIN r ON r.sale_line_id = l.id
       WHERE s.tenant_id = ${tenantId}::int AND s.status = 'confirmed'
    )
    SELECT 'business_day'::"ProfitSlice" AS slice, day, 0 AS key, SUM(revenue) AS revenue, SUM(cost) AS cost, 0::numeric AS quantity
      FROM ln GROUP BY day
    UNION ALL
    SELECT 'product_day', day, product_id, SUM(revenue), SUM(cost), SUM(quantity) FROM ln GROUP BY day, product_id
    UNION ALL
    SELECT 'product_month', date_trunc('month', day)::date, product_id, SUM(revenue), SUM(cost), SUM(quantity) FROM ln GROUP BY 2, product_id
    UNION ALL
    SELECT 'customer_day', day, customer_id, SUM(revenue), SUM(cost), 0 FROM ln WHERE customer_id IS NOT NULL GROUP BY day, customer_id
    UNION ALL
    SELECT 'customer_month', date_trunc('month', day)::date, customer_id, SUM(revenue), SUM(cost), 0
      FROM ln WHERE customer_id IS NOT NULL GROUP BY 2, customer_id`;
}

/** Lists every (slice, day, key) whose summary differs from the recomputation. */
export async function verifyProfitSummary(prisma: PrismaClient | Raw, tenantId: number): Promise<ProfitVerifyReport> {
  const db = prisma as Raw;
  const diff = await db.$queryRaw<
    Array<{ slice: ProfitSlice; day: string; key: number; er: string; ec: string; eq: string; ar: string; ac: string; aq: string }>
  >(Prisma.sql`
    WITH expected AS (${expectedProfitSql(tenantId)}),
    actual AS (SELECT slice, day, key, revenue, cost, quantity FROM profit_days WHERE tenant_id = ${tenantId}::int)
    SELECT COALESCE(e.slice, a.slice)::text AS slice, to_char(COALESCE(e.day, a.day), 'YYYY-MM-DD') AS day,
           COALESCE(e.key, a.key)::int AS key,
           COALESCE(e.revenue, 0)::text AS er, COALESCE(e.cost, 0)::text AS ec, COALESCE(e.quantity, 0)::text AS eq,
           COALESCE(a.revenue, 0)::text AS ar, COALESCE(a.cost, 0)::text AS ac, COALESCE(a.quantity, 0)::text AS aq
      FROM expected e FULL OUTER JOIN actual a ON a.slice = e.slice AND a.day = e.day AND a.key = e.key
     WHERE COALESCE(e.revenue, 0) <> COALESCE(a.revenue, 0) OR COALESCE(e.cost, 0) <> COALESCE(a.cost, 0)
        OR COALESCE(e.quantity, 0) <> COALESCE(a.quantity, 0)
     ORDER BY 1, 2, 3`);
  const [counts] = await db.$queryRaw<Array<{ rows: number; sales: number; lines: number }>>(Prisma.sql`
    SELECT (SELECT count(*) FROM profit_days WHERE tenant_id = ${tenantId}::int)::int AS rows,
           (SELECT count(*) FROM sales WHERE tenant_id = ${tenantId}::int)::int AS sales,
           (SELECT count(*) FROM sale_lines WHERE tenant_id = ${tenantId}::int)::int AS lines`);
  const differences = diff.map((r) => ({
    slice: r.slice,
    day: r.day,
    key: Number(r.key),
    expected: { revenue: new Decimal(r.er), cost: new Decimal(r.ec), quantity: new Decimal(r.eq) },
    actual: { revenue: new Decimal(r.ar), cost: new Decimal(r.ac), quantity: new Decimal(r.aq) },
  }));
  return {
    tenantId,
    rows: counts?.rows ?? 0,
    sales: counts?.sales ?? 0,
    lines: counts?.lines ?? 0,
    differences,
    ok: differences.length === 0,
  };
}

/**
 * Rewrites the tenant's profit_days from the recomputation, in one serializable transaction
 * (a sale committing meanwhile makes it fail rather than be lost; run it again).
 */
export async function rebuildProfitSummary(prisma: PrismaClient, tenantId: number): Promise<number> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw(Prisma.sql`DELETE FROM profit_days WHERE tenant_id = ${tenantId}::int`);
      return tx.$executeRaw(Prisma.sql`
        INSERT INTO profit_days (tenant_id, slice, day, key, revenue, cost, quantity)
        SELECT ${tenantId}::int, slice, day, key, revenue, cost, quantity FROM (${expectedProfitSql(tenantId)}) e`);
    },
    { isolationLevel: 'Serializable', timeout: 120_000 },
  );
}
