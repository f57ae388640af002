import type { Prisma } from '../generated/prisma/client.ts';

export type StockState = 'ok' | 'low' | 'out';

/** out: nothing on hand; low: at or below the reorder level; else ok. */
export function stockState(onHand: Prisma.Decimal, reorderLevel: Prisma.Decimal): StockState {
  if (onHand.lte(0)) return 'out';
  if (onHand.lte(reorderLevel)) return 'low';
  return 'ok';
}
