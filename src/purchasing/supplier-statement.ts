import { Prisma, type PaymentMethod } from '../generated/prisma/client.ts';
import { assertCan } from '../auth/index.ts';
import type { Scope } from '../db/scope.ts';
import { addDays, localDay, zonedInstant } from '../time.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

export type SupplierStatementEntry =
  | { kind: 'receipt'; at: Date; href: string; orderNumber: number; due: string; charge: Decimal; credit: Decimal; balance: Decimal }
  | {
      kind: 'payment';
      at: Date;
      href: string;
      method: PaymentMethod;
      customMethod: { name: string } | null;
      reference: string | null;
      charge: Decimal;
      credit: Decimal;
      balance: Decimal;
    };

export interface SupplierStatement {
  from: string;
  to: string;
  opening: Decimal;
  entries: SupplierStatementEntry[];
  closing: Decimal;
}

/**
 * What the business owed a supplier over local days [from, to]: the opening balance (every
 * receipt less every payment before `from`), each receipt (owed more; due after the supplier's
 * payment terms) and payment (owed less) in the range, and the closing balance. Up to today,
 * the closing balance is what suppliers.owed holds (the same rows moved both).
 */
export async function supplierStatement(
  actor: Scope,
  timeZone: string,
  supplierId: number,
  from: string,
  to: string,
): Promise<SupplierStatement> {
  assertCan(actor, 'purchase.pay');
  const { db } = actor;
  const start = zonedInstant(from, timeZone);
  const range = { gte: start, lt: zonedInstant(addDays(to, 1), timeZone) };
  const [supplier, receivedBefore, paidBefore, receipts, payments] = await Promise.all([
    db.supplier.findFirstOrThrow({ where: { id: supplierId }, select: { paymentTermsDays: true } }),
    db.purchaseReceipt.aggregate({ where: { supplierId, receivedAt: { lt: start } }, _sum: { total: true } }),
    db.supplierPayment.aggregate({ where: { supplierId, paidAt: { lt: start } }, _sum: { amount: true } }),
    db.purchaseReceipt.findMany({
      where: { supplierId, receivedAt: range },
      select: { id: true, receivedAt: true, total: true, purchaseOrder: { select: { number: true } } },
    }),
    db.supplierPayment.findMany({
      where: { supplierId, paidAt: range },
      select: { id: true, paidAt: true, amount: true, method: true, customMethod: { select: { name: true } }, reference: true },
    }),
  ]);
  const zero = new Decimal(0);
  const opening = new Decimal(receivedBefore._sum.total ?? 0).minus(paidBefore._sum.amount ?? 0);
  const raw = [
    ...receipts.map((r) => ({
      kind: 'receipt' as const,
      at: r.receivedAt,
      href: `/purchasing/receipts/${r.id}`,
      orderNumber: r.purchaseOrder.number,
      due: addDays(localDay(r.receivedAt, timeZone), supplier.paymentTermsDays),
      charge: r.total,
      credit: zero,
      order: 0,
    })),
    ...payments.map((p) => ({
      kind: 'payment' as const,
      at: p.paidAt,
      href: `/purchasing/payments/${p.id}`,
      method: p.method,
      customMethod: p.customMethod,
      reference: p.reference,
      charge: zero,
      credit: p.amount,
      order: 1,
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
  let balance = opening;
  const entries = raw.map(({ order: _order, ...e }) => {
    balance = balance.plus(e.charge).minus(e.credit);
    return { ...e, balance };
  });
  return { from, to, opening, entries, closing: balance };
}
