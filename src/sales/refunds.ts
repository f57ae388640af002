import { Prisma } from '../generated/prisma/client.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';
import { ConflictError } from '../db/errors.ts';
import type { PaymentMethod } from '../generated/prisma/enums.ts';
import { say } from '../i18n/index.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

// Money given back on a sale (after a return or a cancellation). One conditional update of
// sales.refunded_total decides, as payments do with paid_total: a sale never refunds more
// than was paid beyond what it is still worth (nothing, once cancelled).

export type RefundMethod = Exclude<PaymentMethod, 'other'>;

/** What a sale's money looks like now: worth (0 once cancelled), paid net of refunds, the difference. */
export function saleMoney(s: { status: string; total: Decimal; returnedTotal: Decimal; paidTotal: Decimal; refundedTotal: Decimal }) {
  const worth = s.status === 'confirmed' ? s.total.minus(s.returnedTotal) : new Decimal(0);
  const paid = s.paidTotal.minus(s.refundedTotal);
  /** Positive: still owed on the sale; negative: paid beyond its worth (the customer's credit). */
  const open = worth.minus(paid);
  return { worth, paid, open };
}

export interface RefundInput {
  saleId: number;
  saleNumber: number;
  customerId: number | null;
  amount: Decimal;
  method: RefundMethod;
  returnId: number | null;
  userId: number;
  at: Date;
}

/** Records the refund if it fits; the caller adds it to the balance summary (a negative payment on its day). */
export async function refundSale(tx: TenantTransaction, tenantId: number, r: RefundInput): Promise<{ id: number }> {
  const a = r.amount.toFixed(2);
  const fits = await tx.$queryRaw<unknown[]>(Prisma.sql`
    UPDATE sales SET refunded_total = refunded_total + ${a}::numeric
     WHERE tenant_id = ${tenantId} AND id = ${r.saleId}
       AND refunded_total + ${a}::numeric <= paid_total - CASE WHEN status = 'confirmed' THEN total - returned_total ELSE 0 END
     RETURNING id`);
  if (fits.length !== 1)
    throw new ConflictError(say('Sale #{{number}} has less than that to give back; reload it and try again.', { number: r.saleNumber }));
  const refund = await tx.refund.create({
    data: {
      tenantId,
      amount: r.amount,
      method: r.method,
      refundedAt: r.at,
      customerId: r.customerId,
      saleId: r.saleId,
      returnId: r.returnId,
      createdById: r.userId,
    },
    select: { id: true },
  });
  return refund;
}
