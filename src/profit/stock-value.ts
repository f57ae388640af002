import { Prisma } from '../generated/prisma/client.ts';
import type { RawQueryClient } from './profit.query.ts';
import type { ProductStockValue, StockValue } from './profit.types.ts';

// What the stock is worth: quantity × average cost per product, half-up to the cent, summed
// by category. Now: the products' own quantity and cost. At the end of a past day: from the
// ledger, each product's quantity the sum of its movements before that instant and its cost
// the average cost its last movement before it carried (every ledger row carries the cost
// after it; a product none of whose rows carries one is valued at its cost now).

const Decimal = Prisma.Decimal;

/** Per product: id, category, quantity, cost and value; of now (`before` null) or of the instant `before`. */
function perProductSql(tenantId: number, before: Date | null): Prisma.Sql {
  if (!before)
    return Prisma.sql`
      SELECT p.id, p.category_id, p.quantity_on_hand AS quantity, p.cost, round(p.quantity_on_hand * p.cost, 2) AS value
        FROM products p WHERE p.tenant_id = ${tenantId}::int AND p.quantity_on_hand <> 0`;
  return Prisma.sql`
    WITH q AS (
      SELECT product_id, SUM(quantity) AS quantity FROM stock_movements
       WHERE tenant_id = ${tenantId}::int AND created_at < ${before}::timestamptz GROUP BY product_id
    )
    SELECT p.id, p.category_id, q.quantity, COALESCE(last.average_cost, p.cost) AS cost,
           round(q.quantity * COALESCE(last.average_cost, p.cost), 2) AS value
      FROM q JOIN products p ON p.tenant_id = ${tenantId}::int AND p.id = q.product_id
      LEFT JOIN LATERAL (
        SELECT m.average_cost FROM stock_movements m
         WHERE m.tenant_id = ${tenantId}::int AND m.product_id = q.product_id AND m.created_at < ${before}::timestamptz
           AND m.average_cost IS NOT NULL
         ORDER BY m.created_at DESC, m.id DESC LIMIT 1
      ) last ON true
     WHERE q.quantity <> 0`;
}

/** The value by category (and in total), of now or of the end of `asOf` (`before` = the next local midnight). */
export async function readStockValue(
  db: RawQueryClient,
  tenantId: number,
  at: { asOf: string; before: Date } | null,
  now: Date,
): Promise<StockValue> {
  const rows = await db.$queryRaw<
    Array<{ id: number | null; name: string | null; parent: string | null; products: number; value: string }>
  >(
    Prisma.sql`
    WITH v AS (${perProductSql(tenantId, at?.before ?? null)})
    SELECT c.id, c.name, pc.name AS parent, count(*) FILTER (WHERE v.quantity > 0)::int AS products, SUM(v.value)::text AS value
      FROM v
      LEFT JOIN categories c ON c.tenant_id = ${tenantId}::int AND c.id = v.category_id
      LEFT JOIN categories pc ON pc.tenant_id = c.tenant_id AND pc.id = c.parent_id
     GROUP BY c.id, c.name, pc.name
     ORDER BY SUM(v.value) DESC, c.name NULLS LAST, c.id`,
  );
  const list = rows.map((r) => ({
    categoryId: r.id,
    name: r.name === null ? '' : r.parent ? `${r.parent} › ${r.name}` : r.name,
    products: Number(r.products),
    value: new Decimal(r.value),
  }));
  return { asOf: at?.asOf ?? null, rows: list, total: list.reduce((s, r) => s.plus(r.value), new Decimal(0)), computedAt: now };
}

/** Every product with stock and its value (the CSV), by category then SKU. */
export async function readProductStockValues(db: RawQueryClient, tenantId: number, before: Date | null): Promise<ProductStockValue[]> {
  const rows = await db.$queryRaw<
    Array<{
      sku: string;
      name: string;
      category: string | null;
      parent: string | null;
      unit: string;
      quantity: string;
      cost: string;
      value: string;
    }>
  >(Prisma.sql`
    WITH v AS (${perProductSql(tenantId, before)})
    SELECT p.sku, p.name, c.name AS category, pc.name AS parent, u.code AS unit, v.quantity::text AS quantity, v.cost::text AS cost, v.value::text AS value
      FROM v JOIN products p ON p.tenant_id = ${tenantId}::int AND p.id = v.id
      JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
      LEFT JOIN categories c ON c.tenant_id = p.tenant_id AND c.id = p.category_id
      LEFT JOIN categories pc ON pc.tenant_id = c.tenant_id AND pc.id = c.parent_id
     ORDER BY c.id IS NULL, COALESCE(pc.name || ' › ', '') || c.name, p.sku`);
  return rows.map((r) => ({
    sku: r.sku,
    name: r.name,
    category: r.category === null ? '' : r.parent ? `${r.parent} › ${r.category}` : r.category,
    unit: r.unit,
    quantity: new Decimal(r.quantity),
    cost: new Decimal(r.cost),
    value: new Decimal(r.value),
  }));
}
