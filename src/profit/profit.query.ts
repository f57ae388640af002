import { Prisma, type ProfitSlice } from '../generated/prisma/client.ts';
import { addDays } from '../time.ts';
import { bucketsOf, monthEnd, monthStart, type Granularity } from '../balance/index.ts';
import type { ProfitAmounts, ProfitQuery, ProfitSeries, ProfitTops, TopRow } from './profit.types.ts';

// The profit report's reads, from profit_days only (never sale lines): a series of the
// business's days folded into buckets, and the top products, categories and customers of a
// range from the month rows of its whole months plus the day rows of the days at its edges,
// so a year is at most 12 month rows and 60 day rows per product or customer, whatever the
// number of sales. Sums are numeric in SQL and travel as text into Decimal.

const Decimal = Prisma.Decimal;
type Decimal = Prisma.Decimal;

export interface RawQueryClient {
  $queryRaw<T = unknown>(query: Prisma.Sql): PromiseLike<T>;
}

/** How many rows each top list shows. */
export const TOP_LIMIT = 10;

const UNIT: Record<Granularity, string> = { day: 'day', week: 'week', month: 'month' };

export function amounts(revenue: Decimal, cost: Decimal): ProfitAmounts {
  const profit = revenue.minus(cost);
  const margin = revenue.isZero() ? null : profit.div(revenue).times(100).toDecimalPlaces(1, Decimal.ROUND_HALF_UP);
  return { revenue, cost, profit, margin };
}

export async function readSeries(db: RawQueryClient, tenantId: number, q: ProfitQuery, now: Date): Promise<ProfitSeries> {
  const rows = await db.$queryRaw<Array<{ start: string; revenue: string; cost: string }>>(Prisma.sql`
    SELECT to_char(date_trunc(${UNIT[q.granularity]}, day), 'YYYY-MM-DD') AS start, SUM(revenue)::text AS revenue, SUM(cost)::text AS cost
      FROM profit_days
     WHERE tenant_id = ${tenantId}::int AND slice = 'business_day' AND day >= ${q.from}::date AND day <= ${q.to}::date
     GROUP BY 1`);
  const byStart = new Map(rows.map((r) => [r.start, r]));
  let revenue = new Decimal(0);
  let cost = new Decimal(0);
  const buckets = bucketsOf(q.from, q.to, q.granularity).map((span) => {
    const r = byStart.get(span.start);
    const a = amounts(new Decimal(r?.revenue ?? 0), new Decimal(r?.cost ?? 0));
    revenue = revenue.plus(a.revenue);
    cost = cost.plus(a.cost);
    return { ...span, ...a };
  });
  return { ...q, buckets, totals: amounts(revenue, cost), computedAt: now };
}

/** The whole months inside [from, to] (first day of the first, last day of the last), or null when there is none. */
export function wholeMonths(from: string, to: string): { first: string; last: string } | null {
  const first = from === monthStart(from) ? from : addDays(monthEnd(from), 1);
  const last = to === monthEnd(to) ? to : addDays(monthStart(to), -1);
  return first <= last ? { first, last } : null;
}

/** The (key, revenue, cost, quantity) rows of [from, to] for one dimension: its whole months, then its edge days. */
function rangeRows(tenantId: number, daySlice: ProfitSlice, monthSlice: ProfitSlice, from: string, to: string): Prisma.Sql {
  const months = wholeMonths(from, to);
  const days = (a: string, b: string) => Prisma.sql`
    SELECT key, revenue, cost, quantity FROM profit_days
     WHERE tenant_id = ${tenantId}::int AND slice = ${daySlice}::"ProfitSlice" AND day >= ${a}::date AND day <= ${b}::date`;
  if (!months) return days(from, to);
  const parts = [
    Prisma.sql`
    SELECT key, revenue, cost, quantity FROM profit_days
     WHERE tenant_id = ${tenantId}::int AND slice = ${monthSlice}::"ProfitSlice" AND day >= ${months.first}::date AND day <= ${monthStart(months.last)}::date`,
  ];
  if (from < months.first) parts.push(days(from, addDays(months.first, -1)));
  if (to > months.last) parts.push(days(addDays(months.last, 1), to));
  return Prisma.join(parts, ' UNION ALL ');
}

interface TopRaw {
  id: number | null;
  name: string | null;
  parent: string | null;
  unit: string | null;
  revenue: string;
  cost: string;
  quantity: string | null;
}

const topRow = (r: TopRaw, name: string): TopRow => ({
  id: r.id,
  name,
  ...amounts(new Decimal(r.revenue), new Decimal(r.cost)),
  ...(r.quantity !== null ? { quantity: new Decimal(r.quantity), unit: r.unit ?? '' } : {}),
});

export async function readTops(db: RawQueryClient, tenantId: number, from: string, to: string): Promise<ProfitTops> {
  const products = rangeRows(tenantId, 'product_day', 'product_month', from, to);
  const customers = rangeRows(tenantId, 'customer_day', 'customer_month', from, to);
  const [byProduct, byCategory, byCustomer] = await Promise.all([
    db.$queryRaw<TopRaw[]>(Prisma.sql`
      WITH r AS (${products}), s AS (SELECT key, SUM(revenue) AS revenue, SUM(cost) AS cost, SUM(quantity) AS quantity FROM r GROUP BY key)
      SELECT p.id, p.name, NULL AS parent, u.code AS unit, s.revenue::text AS revenue, s.cost::text AS cost, s.quantity::text AS quantity
        FROM s JOIN products p ON p.tenant_id = ${tenantId}::int AND p.id = s.key
        JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
       WHERE s.revenue <> 0 OR s.cost <> 0
       ORDER BY s.revenue - s.cost DESC, s.revenue DESC, p.id LIMIT ${TOP_LIMIT}`),
    db.$queryRaw<TopRaw[]>(Prisma.sql`
      WITH r AS (${products}), s AS (SELECT key, SUM(revenue) AS revenue, SUM(cost) AS cost FROM r GROUP BY key)
      SELECT c.id, c.name, pc.name AS parent, NULL AS unit, SUM(s.revenue)::text AS revenue, SUM(s.cost)::text AS cost, NULL AS quantity
        FROM s JOIN products p ON p.tenant_id = ${tenantId}::int AND p.id = s.key
        LEFT JOIN categories c ON c.tenant_id = p.tenant_id AND c.id = p.category_id
        LEFT JOIN categories pc ON pc.tenant_id = c.tenant_id AND pc.id = c.parent_id
       GROUP BY c.id, c.name, pc.name
      HAVING SUM(s.revenue) <> 0 OR SUM(s.cost) <> 0
       ORDER BY SUM(s.revenue) - SUM(s.cost) DESC, SUM(s.revenue) DESC, c.id NULLS LAST LIMIT ${TOP_LIMIT}`),
    db.$queryRaw<TopRaw[]>(Prisma.sql`
      WITH r AS (${customers}), s AS (SELECT key, SUM(revenue) AS revenue, SUM(cost) AS cost FROM r GROUP BY key)
      SELECT c.id, c.name, NULL AS parent, NULL AS unit, s.revenue::text AS revenue, s.cost::text AS cost, NULL AS quantity
        FROM s JOIN customers c ON c.tenant_id = ${tenantId}::int AND c.id = s.key
       WHERE s.revenue <> 0 OR s.cost <> 0
       ORDER BY s.revenue - s.cost DESC, s.revenue DESC, c.id LIMIT ${TOP_LIMIT}`),
  ]);
  return {
    products: byProduct.map((r) => topRow(r, r.name ?? '')),
    categories: byCategory.map((r) => topRow(r, r.name === null ? '' : r.parent ? `${r.parent} › ${r.name}` : r.name)),
    customers: byCustomer.map((r) => topRow(r, r.name ?? '')),
  };
}
