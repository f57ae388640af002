import { Prisma, type MovementKind } from '../generated/prisma/client.ts';
import type { TransactionClient } from '../db/unit-of-work.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

// The stock ledger: the only code that changes quantity on hand (and, past a product's
// creation, its average cost), and it always writes the movement rows of the change in the
// same transaction, so Σ movements = quantity on hand and each row carries the average cost
// after it. A decrease applies only where enough is on hand (a conditional update for a
// sale, a check under the row lock otherwise); the CHECK constraint quantity_on_hand >= 0 is
// the last wall, not the mechanism. Products are locked in id order so two transactions
// touching the same products never wait on each other in a cycle. Only raw statements are
// used, so a tenant-scoped transaction and the plain client (the demo seed) both fit.

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
  /** A purchase: the order line received. */
  purchaseOrderLineId?: number | null;
  /**
   * Units coming in at a known cost (a purchase at its order line's cost; a return or a
   * cancellation at the cost its sale took them out at), averaged into the product's cost;
   * for a revaluation, the product's new cost. Absent: the cost stays as it is.
   */
  unitCost?: Decimal | null;
}

export interface Applied {
  /** Products a decrease could not be taken from (their rows untouched); the caller rolls back. */
  short: number[];
  /** Quantity on hand after the change, per product changed. */
  onHand: Map<number, Decimal>;
  /** Average cost after the change, per product changed. */
  costs: Map<number, Decimal>;
}

/** What recording did, and each movement's average cost before and after it (in the order given). */
export interface Recorded extends Applied {
  perMovement: Array<{ before: Decimal; after: Decimal }>;
}

/** What a receipt did to its product's average cost (under the row lock, so no other change came between). */
export interface CostChange {
  productId: number;
  before: Decimal;
  after: Decimal;
}

/** Sums quantities per product, in product id order. */
export function perProduct(changes: readonly StockChange[]): StockChange[] {
  const sums = new Map<number, Decimal>();
  for (const c of changes) sums.set(c.productId, (sums.get(c.productId) ?? new Decimal(0)).plus(c.quantity));
  return [...sums.entries()].sort(([a], [b]) => a - b).map(([productId, quantity]) => ({ productId, quantity }));
}

const cents = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/**
 * The moving-average rule (decision 021), one movement at a time: units in at a unit cost
 * give (on hand × cost + quantity × unit cost) / (on hand + quantity), half-up to the cent
 * (into zero stock: the unit cost); a revaluation sets the cost; anything else leaves it.
 */
export function costAfter(onHand: Decimal, cost: Decimal, m: Pick<Movement, 'kind' | 'quantity' | 'unitCost'>): Decimal {
  if (m.kind === 'revaluation') return m.unitCost ?? cost;
  if (!m.unitCost || !m.quantity.greaterThan(0)) return cost;
  return cents(onHand.times(cost).plus(m.quantity.times(m.unitCost)).div(onHand.plus(m.quantity)));
}

/**
 * Changes quantity on hand per product in one statement: the rows are locked in id order
 * first, then each changes only where it stays at zero or more (and, for a sale, where the
 * product is active). A product left out of RETURNING lacked stock. Sales never change the
 * cost; what it is comes back with the new quantity.
 */
async function takeOut(tx: LedgerTx, tenantId: number, changes: readonly StockChange[]): Promise<Applied> {
  const sums = perProduct(changes);
  const onHand = new Map<number, Decimal>();
  const costs = new Map<number, Decimal>();
  if (!sums.length) return { short: [], onHand, costs };
  const rows = JSON.stringify(sums.map((c) => ({ id: c.productId, q: c.quantity.toFixed() })));
  const updated = await tx.$queryRaw<Array<{ id: number; on_hand: Prisma.Decimal; cost: Prisma.Decimal }>>(Prisma.sql`
    WITH c AS (SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS c(id int, q numeric)),
    locked AS (
      SELECT p.id FROM products p JOIN c ON c.id = p.id WHERE p.tenant_id = ${tenantId} ORDER BY p.id FOR UPDATE OF p
    )
    UPDATE products p SET quantity_on_hand = p.quantity_on_hand + c.q, updated_at = now()
      FROM c
     WHERE p.tenant_id = ${tenantId} AND p.id = c.id AND p.id IN (SELECT id FROM locked) AND p.quantity_on_hand + c.q >= 0 AND p.active
    RETURNING p.id, p.quantity_on_hand AS on_hand, p.cost`);
  for (const r of updated) {
    onHand.set(r.id, new Decimal(r.on_hand));
    costs.set(r.id, new Decimal(r.cost));
  }
  return { short: sums.filter((c) => !onHand.has(c.productId)).map((c) => c.productId), onHand, costs };
}

/** The movement rows as one jsonb document for the INSERT below; zero changes are left out, a revaluation is not. */
function movementRows(movements: ReadonlyArray<Movement & { averageCost: Decimal }>): string | null {
  const real = movements.filter((m) => !m.quantity.isZero() || m.kind === 'revaluation');
  if (!real.length) return null;
  return JSON.stringify(
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
      average_cost: m.averageCost.toFixed(2),
      created_at: (m.at ?? new Date()).toISOString(),
    })),
  );
}

/**
 * Records movements: the products' rows are locked in id order and read, each movement is
 * applied in the order given (quantity, and the average cost by `costAfter`), then one
 * statement writes quantity on hand and cost and one ledger row per movement, each with the
 * average cost after it. When any product would go below zero (or does not exist),
 * nothing is written and its id is in `short`; the caller rolls back with its own message.
 */
export async function record(tx: LedgerTx, tenantId: number, movements: readonly Movement[]): Promise<Recorded> {
  const onHand = new Map<number, Decimal>();
  const costs = new Map<number, Decimal>();
  const ids = [...new Set(movements.map((m) => m.productId))].sort((a, b) => a - b);
  if (!ids.length) return { short: [], onHand, costs, perMovement: [] };
  const locked = await tx.$queryRaw<Array<{ id: number; on_hand: Prisma.Decimal; cost: Prisma.Decimal }>>(Prisma.sql`
    SELECT id, quantity_on_hand AS on_hand, cost FROM products
     WHERE tenant_id = ${tenantId} AND id IN (${Prisma.join(ids)}) ORDER BY id FOR UPDATE`);
  for (const r of locked) {
    onHand.set(r.id, new Decimal(r.on_hand));
    costs.set(r.id, new Decimal(r.cost));
  }
  const perMovement: Recorded['perMovement'] = [];
  const rows = movements.map((m) => {
    const before = onHand.get(m.productId);
    if (before === undefined) {
      perMovement.push({ before: new Decimal(0), after: new Decimal(0) });
      return { ...m, averageCost: new Decimal(0) };
    }
    const costBefore = costs.get(m.productId)!;
    const averageCost = costAfter(before, costBefore, m);
    onHand.set(m.productId, before.plus(m.quantity));
    costs.set(m.productId, averageCost);
    perMovement.push({ before: costBefore, after: averageCost });
    return { ...m, averageCost };
  });
  const short = ids.filter((id) => !onHand.has(id) || onHand.get(id)!.isNegative());
  if (short.length) return { short, onHand, costs, perMovement };
  const after = JSON.stringify(ids.map((id) => ({ id, q: onHand.get(id)!.toFixed(), cost: costs.get(id)!.toFixed(2) })));
  const moved = movementRows(rows) ?? '[]';
  await tx.$executeRaw(Prisma.sql`
    WITH u AS (
      UPDATE products p SET quantity_on_hand = c.q, cost = c.cost, updated_at = now()
        FROM jsonb_to_recordset(${after}::jsonb) AS c(id int, q numeric, cost numeric)
       WHERE p.tenant_id = ${tenantId} AND p.id = c.id
    )
    INSERT INTO stock_movements (tenant_id, product_id, kind, quantity, reason, sale_id, return_id, user_id, purchase_order_line_id, unit_cost, average_cost, created_at)
    SELECT ${tenantId}, x.product_id, x.kind::"MovementKind", x.quantity, x.reason, x.sale_id, x.return_id, x.user_id, x.purchase_order_line_id, x.unit_cost, x.average_cost, x.created_at
      FROM jsonb_to_recordset(${moved}::jsonb)
        AS x(n int, product_id int, kind text, quantity numeric, reason text, sale_id int, return_id int, user_id int,
             purchase_order_line_id int, unit_cost numeric, average_cost numeric, created_at timestamptz)
     ORDER BY n`);
  return { short: [], onHand, costs, perMovement };
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

/**
 * Receives purchases: quantity on hand up and the product's moving-average cost updated
 * under the row lock, one movement of kind purchase per receipt carrying its order line and
 * unit cost (two receipts of one product average in turn), and the product's last cost set
 * to the unit cost it last came in at. Returns each receipt's cost change, in the order given.
 */
export async function receivePurchases(tx: LedgerTx, tenantId: number, receipts: readonly PurchaseReceipt[]): Promise<CostChange[]> {
  for (const r of receipts) if (!r.quantity.greaterThan(0)) throw new Error('a purchase receipt must bring a positive quantity');
  const { short, perMovement } = await record(
    tx,
    tenantId,
    receipts.map((r) => ({ ...r, kind: 'purchase' as const })),
  );
  if (short.length) throw new Error(`products ${short.join(', ')} vanished while receiving a purchase`);
  const lastCost = new Map(receipts.map((r) => [r.productId, r.unitCost.toFixed(2)]));
  await tx.$executeRaw(Prisma.sql`
    UPDATE products p SET last_cost = c.cost
      FROM jsonb_to_recordset(${JSON.stringify([...lastCost].map(([id, cost]) => ({ id, cost })))}::jsonb) AS c(id int, cost numeric)
     WHERE p.tenant_id = ${tenantId} AND p.id = c.id`);
  return receipts.map((r, i) => ({ productId: r.productId, ...perMovement[i]! }));
}

/** A cost set by hand: the product's average cost becomes `cost`, with a revaluation movement (quantity 0). */
export async function revalue(
  tx: LedgerTx,
  tenantId: number,
  change: { productId: number; cost: Decimal; reason: string; userId?: number | null; at?: Date },
): Promise<void> {
  const { short } = await record(tx, tenantId, [{ ...change, kind: 'revaluation', quantity: new Decimal(0), unitCost: change.cost }]);
  if (short.length) throw new Error(`product ${change.productId} vanished while changing its cost`);
}

/** The average cost a product's ledger gives, walking its movements in order (decision 021). */
export function averageFromLedger(
  movements: ReadonlyArray<{ kind: MovementKind; quantity: Decimal; unitCost: Decimal | null }>,
  start = new Decimal(0),
): Decimal {
  let onHand = new Decimal(0);
  let cost = start;
  for (const m of movements) {
    cost = costAfter(onHand, cost, m);
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
  /** Each product's average cost at this moment (under the row lock): what its units were sold at. */
  readonly costs: ReadonlyMap<number, Decimal>;
  readonly taken: true;
}

export async function takeOutForSale(tx: LedgerTx, tenantId: number, changes: readonly StockChange[]): Promise<TakenForSale> {
  const { short, costs } = await takeOut(
    tx,
    tenantId,
    changes.map((c) => ({ productId: c.productId, quantity: c.quantity.neg() })),
  );
  return { short, costs, taken: true };
}

/**
 * The INSERT of a sale's movement rows (one per line, signed out, with the average cost,
 * which a sale leaves as it is), for the sale's one statement. It reads the CTEs
 * `sale(id, number)` and `x(line_no, product_id, quantity, unit_cost)`, unit_cost being the
 * cost `takeOutForSale` returned for the line's product.
 */
export function saleMovements(_taken: TakenForSale, tenantId: number, userId: number, at: Date): Prisma.Sql {
  return Prisma.sql`
      INSERT INTO stock_movements (tenant_id, product_id, kind, quantity, reason, sale_id, user_id, average_cost, created_at)
      SELECT ${tenantId}, x.product_id, 'sale'::"MovementKind", -x.quantity, 'Sale #' || sale.number, sale.id, ${userId}, x.unit_cost, ${at}::timestamptz FROM sale, x ORDER BY x.line_no`;
}
