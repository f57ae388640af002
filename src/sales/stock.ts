import { Prisma } from '../generated/prisma/client.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

// Quantity on hand changes only through these conditional updates (the CHECK constraint
// quantity_on_hand >= 0 is the last wall, not the mechanism). Products are updated in id
// order so two transactions touching the same products never wait on each other in a cycle.

export interface StockChange {
  productId: number;
  quantity: Decimal;
}

/** Sums quantities per product, in product id order. */
export function perProduct(changes: readonly StockChange[]): StockChange[] {
  const sums = new Map<number, Decimal>();
  for (const c of changes) sums.set(c.productId, (sums.get(c.productId) ?? new Decimal(0)).plus(c.quantity));
  return [...sums.entries()].sort(([a], [b]) => a - b).map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * Takes each quantity out only where enough is on hand; returns the products that lacked
 * stock (their rows untouched). The caller rolls back if any did.
 */
export async function takeOut(tx: TenantTransaction, tenantId: number, changes: readonly StockChange[]): Promise<number[]> {
  const short: number[] = [];
  for (const { productId, quantity } of perProduct(changes)) {
    const q = quantity.toFixed();
    const rows = await tx.$queryRaw<unknown[]>(Prisma.sql`
      UPDATE products SET quantity_on_hand = quantity_on_hand - ${q}::numeric, updated_at = now()
       WHERE tenant_id = ${tenantId} AND id = ${productId} AND active AND quantity_on_hand >= ${q}::numeric
       RETURNING id`);
    if (rows.length !== 1) short.push(productId);
  }
  return short;
}

/** Puts quantities back, without a ledger row (callers use restock, which writes one). */
async function putBack(tx: TenantTransaction, tenantId: number, changes: readonly StockChange[]): Promise<void> {
  for (const { productId, quantity } of perProduct(changes)) {
    await tx.$executeRaw(Prisma.sql`
      UPDATE products SET quantity_on_hand = quantity_on_hand + ${quantity.toFixed()}::numeric, updated_at = now()
       WHERE tenant_id = ${tenantId} AND id = ${productId}`);
  }
}

/** What a restock records on each ledger row. */
export interface RestockMovement {
  kind: 'cancellation' | 'return';
  saleId: number;
  returnId?: number | null;
  userId: number;
  reason: string;
  at: Date;
}

/**
 * Puts quantities back (a cancelled sale, units returned) and writes one ledger movement per
 * change, in the order given, so Σ movements stays equal to quantity on hand.
 */
export async function restock(
  tx: TenantTransaction,
  tenantId: number,
  changes: readonly StockChange[],
  movement: RestockMovement,
): Promise<void> {
  const real = changes.filter((c) => c.quantity.greaterThan(0));
  if (!real.length) return;
  await putBack(tx, tenantId, real);
  await tx.stockMovement.createMany({
    data: real.map((c) => ({
      tenantId,
      productId: c.productId,
      kind: movement.kind,
      quantity: c.quantity,
      saleId: movement.saleId,
      returnId: movement.returnId ?? null,
      userId: movement.userId,
      reason: movement.reason,
      createdAt: movement.at,
    })),
  });
}
