import { Prisma, type MovementKind } from '../generated/prisma/client.ts';
import type { TransactionClient } from '../db/unit-of-work.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

// The stock ledger: the only code that changes quantity on hand, and it always writes the
// movement rows of the change in the same transaction, so Σ movements = quantity on hand.
// A decrease is a conditional update (it applies only where enough is on hand); the CHECK
// constraint quantity_on_hand >= 0 is the last wall, not the mechanism. Products are locked
// in id order so two transactions touching the same products never wait on each other in a
// cycle. Only raw statements are used, so a tenant-scoped transaction and the plain client
// (the demo seed) both fit.

export type LedgerTx = Pick<TransactionClient, '$queryRaw' | '$executeRaw'>;

export interface StockChange {
  productId: number;
  /** Signed change of quantity on hand. */
  quantity: Decimal;
}

/** One ledger row: the change and why. */
export interface Movement extends StockChange {
  kind: MovementKind;
  reason?: string | null;
  saleId?: number | null;
  returnId?: number | null;
  userId?: number | null;
  at?: Date;
  /** A purchase: the order line received and the unit cost it came in at. */
  purchaseOrderLineId?: number | null;
  unitCost?: Decimal | null;
}

export interface Applied {
  /** Products a decrease could not be taken from (their rows untouched); the caller rolls back. */
  short: number[];
  /** Quantity on hand after the change, per product changed. */
  onHand: Map<number, Decimal>;
}

/** Sums quantities per product, in product id order. */
export function perProduct(changes: readonly StockChange[]): StockChange[] {
  const sums = new Map<number, Decimal>();
  for (const c of changes) sums.set(c.productId, (sums.get(c.productId) ?? new Decimal(0)).plus(c.quantity));
  return [...sums.entries()].sort(([a], [b]) => a - b).map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * Changes quantity on hand per product in one statement: the rows are locked in id order
 * first, then each changes only where it stays at zero or more (and, for a sale, where the
 * product is active). A product left out of RETURNING lacked stock.
 */
async function change(tx: LedgerTx, tenantId: number, changes: readonly StockChange[], activeOnly: boolean): Promise<Applied> {
  const sums = perProduct(changes);
  const onHand = new Map<number, Decimal>();
  if (!sums.length) return { short: [], onHand };
  const rows = JSON.stringify(sums.map((c) => ({ id: c.productId, q: c.quantity.toFixed() })));
  const updated = await tx.$queryRaw<Array<{ id: number; on_hand: Prisma.Decimal }>>(Prisma.sql`
    WITH c AS (SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS c(id int, q numeric)),
    locked AS (
      SELECT p.id FROM products p JOIN c ON c.id = p.id WHERE p.tenant_id = ${tenantId} ORDER BY p.id FOR UPDATE OF p
    )
    UPDATE products p SET quantity_on_hand = p.quantity_on_hand + c.q, updated_at = now()
      FROM c
     WHERE p.tenant_id = ${tenantId} AND p.id = c.id AND p.id IN (SELECT id FROM locked) AND p.quantity_on_hand + c.q >= 0
       ${activeOnly ? Prisma.sql`AND p.active` : Prisma.empty}
    RETURNING p.id, p.quantity_on_hand AS on_hand`);
  for (const r of updated) onHand.set(r.id, new Decimal(r.on_hand));
  return { short: sums.filter((c) => !onHand.has(c.productId)).map((c) => c.productId), onHand };
}

async function insertMovements(tx: LedgerTx, tenantId: number, movements: readonly Movement[]): Promise<void> {
  const real = movements.filter((m) => !m.quantity.isZero());
  if (!real.length) return;
  const rows = JSON.stringify(
    real.map((m, n) => ({
      n,
      product_id: m.productId,
      kind: m.kind,
      quantity: m.quantity.toFixed(),
      reason: m.reason ?? null,
      sale_id: m.saleId ?? null,
      return_id: m.returnId ?? null,
      user_id: m.userId ?? null,
      purchase_order_line_id: m.purchaseOrderLineId ?? null,
      unit_cost: m.unitCost?.toFixed(2) ?? null,
      created_at: (m.at ?? new Date()).toISOString(),
    })),
  );
  await tx.$executeRaw(Prisma.sql`
    INSERT INTO stock_movements (tenant_id, product_id, kind, quantity, reason, sale_id, return_id, user_id, purchase_order_line_id, unit_cost, created_at)
    SELECT ${tenantId}, x.product_id, x.kind::"MovementKind", x.quantity, x.reason, x.sale_id, x.return_id, x.user_id, x.purchase_order_line_id, x.unit_cost, x.created_at
      FROM jsonb_to_recordset(${rows}::jsonb)
        AS x(n int, product_id int, kind text, quantity numeric, reason text, sale_id int, return_id int, user_id int,
             purchase_order_line_id int, unit_cost numeric, created_at timestamptz)
     ORDER BY n`);
}

/**
 * Records movements: quantity on hand changes by their sum per product, and one ledger row
 * per movement is written, in the order given. When any product lacks stock for a decrease,
 * no movement is written and its id is in `short` (the other products' changes stand until
 * the caller rolls back, which it must).
 */
export async function record(tx: LedgerTx, tenantId: number, movements: readonly Movement[]): Promise<Applied> {
  const applied = await change(tx, tenantId, movements, false);
  if (!applied.short.length) await insertMovements(tx, tenantId, movements);
  return applied;
}

/** A purchase received: goods in at a unit cost, from an order line. */
export interface PurchaseReceipt {
  productId: number;
  quantity: Decimal;
  unitCost: Decimal;
  purchaseOrderLineId: number;
  reason: string;
  userId?: number | null;
  at?: Date;
}

/** What a receipt did to its product's average cost (under the row lock, so no other change came between). */
export interface CostChange {
  productId: number;
  before: Decimal;
  after: Decimal;
}

/**
 * Receives purchases: quantity on hand up, the product's moving-average cost updated and its
 * last cost set to the receipt's unit cost, in one statement per receipt under the row lock
 * (decision 021: (on hand × cost + received × unit cost) / (on hand + received), half-up to
 * the cent; into zero stock the unit cost), then one movement of kind purchase per receipt
 * carrying its order line and unit cost. Receipts are applied in product id order, so two
 * receipts of one product in one call average in turn. Returns each receipt's cost change,
 * in the order given.
 */
export async function receivePurchases(tx: LedgerTx, tenantId: number, receipts: readonly PurchaseReceipt[]): Promise<CostChange[]> {
  const changes = new Map<PurchaseReceipt, CostChange>();
  const ordered = [...receipts].sort((a, b) => a.productId - b.productId);
  for (const r of ordered) {
    if (!r.quantity.greaterThan(0)) throw new Error('a purchase receipt must bring a positive quantity');
    const q = r.quantity.toFixed();
    const c = r.unitCost.toFixed(2);
    // The subquery takes the row lock and reads the cost before; RETURNING gives the one after.
    const [row] = await tx.$queryRaw<Array<{ before: Prisma.Decimal; after: Prisma.Decimal }>>(Prisma.sql`
      UPDATE products p
         SET cost = round((p.quantity_on_hand * p.cost + ${q}::numeric * ${c}::numeric) / (p.quantity_on_hand + ${q}::numeric), 2),
             quantity_on_hand = p.quantity_on_hand + ${q}::numeric,
             last_cost = ${c}::numeric,
             updated_at = now()
        FROM (SELECT id, cost FROM products WHERE tenant_id = ${tenantId} AND id = ${r.productId} FOR UPDATE) old
       WHERE p.tenant_id = ${tenantId} AND p.id = old.id
      RETURNING old.cost AS before, p.cost AS after`);
    if (!row) throw new Error(`product ${r.productId} vanished while receiving a purchase`);
    changes.set(r, { productId: r.productId, before: new Decimal(row.before), after: new Decimal(row.after) });
  }
  await insertMovements(
    tx,
    tenantId,
    receipts.map((r) => ({ ...r, kind: 'purchase' as const })),
  );
  return receipts.map((r) => changes.get(r)!);
}

/** The average cost a product's ledger gives, walking its movements in order (decision 021). */
export function averageFromLedger(
  movements: ReadonlyArray<{ kind: MovementKind; quantity: Decimal; unitCost: Decimal | null }>,
  start = new Decimal(0),
): Decimal {
  let onHand = new Decimal(0);
  let cost = start;
  for (const m of movements) {
    if (m.kind === 'purchase' && m.unitCost) {
      cost = onHand.times(cost).plus(m.quantity.times(m.unitCost)).div(onHand.plus(m.quantity)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    }
    onHand = onHand.plus(m.quantity);
  }
  return cost;
}

/**
 * A sale's stock out, taken before the sale's row exists: the conditional decreases (active
 * products only). The sale's movement rows are written by the sale's own statement, with
 * the fragment `saleMovements` gives for this value, so they carry the sale's number.
 */
export interface TakenForSale {
  readonly short: number[];
  readonly taken: true;
}

export async function takeOutForSale(tx: LedgerTx, tenantId: number, changes: readonly StockChange[]): Promise<TakenForSale> {
  const { short } = await change(
    tx,
    tenantId,
    changes.map((c) => ({ productId: c.productId, quantity: c.quantity.neg() })),
    true,
  );
  return { short, taken: true };
}

/**
 * The INSERT of a sale's movement rows (one per line, signed out), for the sale's one
 * statement. It reads the CTEs `sale(id, number)` and `x(line_no, product_id, quantity)`.
 */
export function saleMovements(_taken: TakenForSale, tenantId: number, userId: number, at: Date): Prisma.Sql {
  return Prisma.sql`
      INSERT INTO stock_movements (tenant_id, product_id, kind, quantity, reason, sale_id, user_id, created_at)
      SELECT ${tenantId}, x.product_id, 'sale'::"MovementKind", -x.quantity, 'Sale #' || sale.number, sale.id, ${userId}, ${at}::timestamptz FROM sale, x ORDER BY x.line_no`;
}
