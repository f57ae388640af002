import { Prisma, type ProfitSlice } from '../generated/prisma/client.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;
type Money = string | number | Decimal;

// The one writer of profit_days, the profit summary. Sales add to it, returns and
// cancellations take from it, in their own transaction; the demo seed writes through it too.
//
// The rule, recomputable from raw rows (src/profit/verify.ts checks summary == recomputation),
// for each line of a sale now `confirmed`, on the sale's local day d (and its month m):
//   revenue  = line_subtotal − Σ line_subtotal of the line's return lines   (net of discounts, before tax)
//   cost     = line_cost     − Σ line_cost of the line's return lines       (cost of goods sold)
//   quantity = quantity      − Σ quantity of the line's return lines        (product rows only)
// summed into business_day (d, key 0), product_day (d, product), product_month (m, product),
// and for a customer's sale customer_day (d, customer) and customer_month (m, customer).
// A return or a cancellation takes its part off the sale's own day, as in the balance
// summary (decision 005): the summary is a pure function of the current rows.

export interface ProfitLine {
  productId: number;
  revenue: Money;
  cost: Money;
  quantity: Money;
}

export interface ProfitRow {
  slice: ProfitSlice;
  /** YYYY-MM-DD: the local day, or the month's first day for a month slice. */
  day: string;
  /** 0 for business_day, else the product or customer id. */
  key: number;
  revenue: Decimal;
  cost: Decimal;
  quantity: Decimal;
}

const SLICE_ORDER: readonly ProfitSlice[] = ['business_day', 'product_day', 'product_month', 'customer_day', 'customer_month'];

/**
 * The rows a sale's lines touch (signed: a return or cancellation passes negative amounts),
 * on `day`, the sale's local day.
 */
export function profitRows(day: string, customerId: number | null | undefined, lines: readonly ProfitLine[]): ProfitRow[] {
  const month = `${day.slice(0, 7)}-01`;
  const zero = new Decimal(0);
  const revenue = lines.reduce((s, l) => s.plus(l.revenue), zero);
  const cost = lines.reduce((s, l) => s.plus(l.cost), zero);
  const rows: ProfitRow[] = [{ slice: 'business_day', day, key: 0, revenue, cost, quantity: zero }];
  for (const l of lines) {
    const amounts = { revenue: new Decimal(l.revenue), cost: new Decimal(l.cost), quantity: new Decimal(l.quantity) };
    rows.push(
      { slice: 'product_day', day, key: l.productId, ...amounts },
      { slice: 'product_month', day: month, key: l.productId, ...amounts },
    );
  }
  if (customerId) {
    rows.push(
      { slice: 'customer_day', day, key: customerId, revenue, cost, quantity: zero },
      { slice: 'customer_month', day: month, key: customerId, revenue, cost, quantity: zero },
    );
  }
  return rows;
}

/**
 * The INSERT … ON CONFLICT statement that adds `rows` (merged per slice, day and key, in a
 * fixed order so concurrent transactions lock rows in the same order); null for no rows.
 * Usable on its own or inside a larger statement (a data-modifying CTE).
 */
export function profitDaysUpsert(tenantId: number, rows: readonly ProfitRow[]): Prisma.Sql | null {
  const merged = new Map<string, ProfitRow>();
  for (const r of rows) {
    const id = `${SLICE_ORDER.indexOf(r.slice)}|${r.day}|${String(r.key).padStart(12, '0')}`;
    const m = merged.get(id);
    merged.set(id, m ? { ...m, revenue: m.revenue.plus(r.revenue), cost: m.cost.plus(r.cost), quantity: m.quantity.plus(r.quantity) } : r);
  }
  if (!merged.size) return null;
  const values = [...merged.keys()].sort().map((id) => {
    const r = merged.get(id)!;
    return Prisma.sql`(${tenantId}::int, ${r.slice}::"ProfitSlice", ${r.day}::date, ${r.key}::int, ${r.revenue.toFixed(2)}::numeric, ${r.cost.toFixed(2)}::numeric, ${r.quantity.toFixed(3)}::numeric)`;
  });
  return Prisma.sql`
    INSERT INTO profit_days (tenant_id, slice, day, key, revenue, cost, quantity)
    VALUES ${Prisma.join(values)}
    ON CONFLICT (tenant_id, slice, day, key) DO UPDATE
      SET revenue = profit_days.revenue + EXCLUDED.revenue,
          cost = profit_days.cost + EXCLUDED.cost,
          quantity = profit_days.quantity + EXCLUDED.quantity`;
}

/** Anything that can run a raw statement: a bare or tenant-scoped client, or a transaction of either. */
export interface RawExecutor {
  $executeRaw(query: Prisma.Sql): PromiseLike<number>;
}

/** Adds to (or creates) the rows, in one statement. */
export async function addToProfitDays(tx: RawExecutor, tenantId: number, rows: readonly ProfitRow[]): Promise<void> {
  const sql = profitDaysUpsert(tenantId, rows);
  if (sql) await tx.$executeRaw(sql);
}

/** A line's amounts taken away (a return or a cancellation). */
export function reversed(line: ProfitLine): ProfitLine {
  return {
    productId: line.productId,
    revenue: new Decimal(line.revenue).neg(),
    cost: new Decimal(line.cost).neg(),
    quantity: new Decimal(line.quantity).neg(),
  };
}
