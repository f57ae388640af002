import { Prisma } from '../generated/prisma/client.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';
import { balanceDaysUpsert, type BalanceRow } from '../balance/index.ts';
import { profitDaysUpsert, type ProfitRow } from '../profit/index.ts';
import { saleMovements, type TakenForSale } from '../stock/index.ts';
import type { LineTotals } from './sale-totals.ts';
import type { PaymentChoice } from './sales.schema.ts';

type Decimal = Prisma.Decimal;

// The writes of a confirmed sale in ONE statement (data-modifying CTEs): the number from
// tenants.last_sale_number, the sale under its reserved id, its lines, one stock movement
// per line, the payment when paid now, and the balance and profit summaries. The tenant row,
// the day's balance rows and its business profit row are the locks every sale of a tenant
// shares (in that order, as returns and cancellations take them); taking them in the last
// statement before COMMIT keeps the time sales wait on each other to one round trip.

export interface SaleRow {
  id: number;
  tenantId: number;
  /** The stock taken out for this sale (its movement rows are written here, by the ledger's fragment). */
  stockOut: TakenForSale;
  customerId: number | null;
  userId: number;
  soldAt: Date;
  note: string | null;
  subtotal: Decimal;
  discountTotal: Decimal;
  taxTotal: Decimal;
  total: Decimal;
  payNow: PaymentChoice | undefined;
  /** Cash handed over (a cash sale), kept for the receipt's change due. */
  cashTendered?: Decimal | null;
  lines: Array<{
    productId: number;
    quantity: Decimal;
    unitPrice: Decimal;
    discountPct: Decimal;
    taxRate: Decimal;
    totals: LineTotals;
    /** The product's average cost when it was taken out, and the line's cost of goods sold. */
    unitCost: Decimal;
    lineCost: Decimal;
  }>;
  balance: BalanceRow[];
  profit: ProfitRow[];
}

export async function writeSale(tx: TenantTransaction, s: SaleRow): Promise<{ number: number }> {
  const lines = JSON.stringify(
    s.lines.map((l, i) => ({
      line_no: i + 1,
      product_id: l.productId,
      quantity: l.quantity.toFixed(),
      unit_price: l.unitPrice.toFixed(2),
      discount_pct: l.discountPct.toFixed(2),
      tax_rate: l.taxRate.toFixed(2),
      line_subtotal: l.totals.subtotal.toFixed(2),
      line_tax: l.totals.tax.toFixed(2),
      line_total: l.totals.total.toFixed(2),
      unit_cost: l.unitCost.toFixed(2),
      line_cost: l.lineCost.toFixed(2),
    })),
  );
  const paid = s.payNow ? s.total.toFixed(2) : '0';
  const balance = balanceDaysUpsert(s.tenantId, s.balance);
  const profit = profitDaysUpsert(s.tenantId, s.profit);
  const [row] = await tx.$queryRaw<Array<{ number: number }>>(Prisma.sql`
    WITH n AS (
      UPDATE tenants SET last_sale_number = last_sale_number + 1 WHERE id = ${s.tenantId} RETURNING last_sale_number AS number
    ), sale AS (
      INSERT INTO sales (id, tenant_id, number, customer_id, status, sold_at, subtotal, discount_total, tax_total, total, paid_total, cash_tendered, note, created_by_id, created_at)
      SELECT ${s.id}, ${s.tenantId}, n.number, ${s.customerId}::int, 'confirmed'::"SaleStatus", ${s.soldAt}::timestamptz, ${s.subtotal.toFixed(2)}::numeric, ${s.discountTotal.toFixed(2)}::numeric,
             ${s.taxTotal.toFixed(2)}::numeric, ${s.total.toFixed(2)}::numeric, ${paid}::numeric, ${s.cashTendered?.toFixed(2) ?? null}::numeric, ${s.note}::text, ${s.userId}, ${s.soldAt}::timestamptz
        FROM n
      RETURNING id, number
    ), x AS (
      SELECT * FROM jsonb_to_recordset(${lines}::jsonb) AS x(line_no int, product_id int, quantity numeric, unit_price numeric, discount_pct numeric, tax_rate numeric, line_subtotal numeric, line_tax numeric, line_total numeric, unit_cost numeric, line_cost numeric)
    ), l AS (
      INSERT INTO sale_lines (tenant_id, sale_id, line_no, product_id, quantity, unit_price, discount_pct, tax_rate, line_subtotal, line_tax, line_total, unit_cost, line_cost)
      SELECT ${s.tenantId}, sale.id, x.line_no, x.product_id, x.quantity, x.unit_price, x.discount_pct, x.tax_rate, x.line_subtotal, x.line_tax, x.line_total, x.unit_cost, x.line_cost FROM sale, x
    ), m AS (${saleMovements(s.stockOut, s.tenantId, s.userId, s.soldAt)}
    ), p AS (
      INSERT INTO payments (tenant_id, amount, method, custom_method_id, paid_at, customer_id, sale_id, created_by_id, created_at)
      SELECT ${s.tenantId}, ${s.total.toFixed(2)}::numeric, ${s.payNow?.kind ?? null}::"PaymentMethod", ${s.payNow?.customMethodId ?? null}::int, ${s.soldAt}::timestamptz, ${s.customerId}::int, sale.id, ${s.userId}, ${s.soldAt}::timestamptz
        FROM sale WHERE ${s.payNow?.kind ?? null}::text IS NOT NULL
    )${balance ? Prisma.sql`, b AS (${balance})` : Prisma.empty}${profit ? Prisma.sql`, pf AS (${profit})` : Prisma.empty}
    SELECT number FROM sale`);
  if (!row) throw new Error(`tenant ${s.tenantId} vanished while confirming a sale`);
  return { number: Number(row.number) };
}
