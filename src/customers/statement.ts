import { Prisma } from '../generated/prisma/client.ts';
import type { Scope } from '../db/scope.ts';
import { addDays, zonedInstant } from '../time.ts';
import { openBalance } from '../balance/index.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

export interface StatementEntry {
  at: Date;
  kind: 'sale' | 'cancelled' | 'payment' | 'refund';
  /** The sale the line is about (a payment may have none). The view words the line in the
   * reader's language, so the cached statement holds no words. */
  saleNumber: number | null;
  /** What was taken off a sale by returns (zero when nothing was returned). */
  returned: Decimal;
  method: string | null;
  customMethod: { name: string } | null;
  reference: string | null;
  href: string;
  /** What the customer owes more (sale) or less (payment, cancellation). */
  debit: Decimal;
  credit: Decimal;
  balance: Decimal;
}

export interface Statement {
  from: string;
  to: string;
  opening: Decimal;
  entries: StatementEntry[];
  closing: Decimal;
}

/**
 * A customer's statement over local days [from, to]: the opening balance (from the daily
 * summary, days before `from`), every sale, payment and refund in the range, and the closing
 * balance. The entries follow the summary's rule (a cancelled sale counts for nothing; it is
 * listed without an amount; a sale counts for what it is worth after returns; a refund adds
 * to what is owed), so opening + entries equals the summary up to `to`.
 */
export async function customerStatement({ db }: Scope, timeZone: string, customerId: number, from: string, to: string): Promise<Statement> {
  const range = { gte: zonedInstant(from, timeZone), lt: zonedInstant(addDays(to, 1), timeZone) };
  const [opening, sales, payments, refunds] = await Promise.all([
    openBalance(db, customerId, from),
    db.sale.findMany({
      where: { customerId, soldAt: range },
      select: { id: true, number: true, soldAt: true, total: true, returnedTotal: true, status: true, cancelledAt: true },
    }),
    db.payment.findMany({
      where: { customerId, paidAt: range },
      select: {
        id: true,
        paidAt: true,
        amount: true,
        method: true,
        customMethod: { select: { name: true } },
        reference: true,
        sale: { select: { number: true } },
      },
    }),
    db.refund.findMany({
      where: { customerId, refundedAt: range },
      select: { id: true, refundedAt: true, amount: true, method: true, saleId: true, sale: { select: { number: true } } },
    }),
  ]);
  const zero = new Decimal(0);
  const aboutSale = (saleNumber: number | null) => ({ saleNumber, returned: zero, method: null, customMethod: null, reference: null });
  const raw: Array<Omit<StatementEntry, 'balance'> & { order: number }> = [
    ...sales.map((s) =>
      s.status === 'cancelled'
        ? {
            at: s.soldAt,
            kind: 'cancelled' as const,
            ...aboutSale(s.number),
            href: `/sales/${s.id}`,
            debit: zero,
            credit: zero,
            order: 0,
          }
        : s.returnedTotal.isZero()
          ? {
              at: s.soldAt,
              kind: 'sale' as const,
              ...aboutSale(s.number),
              href: `/sales/${s.id}`,
              debit: s.total,
              credit: zero,
              order: 0,
            }
          : {
              at: s.soldAt,
              kind: 'sale' as const,
              ...aboutSale(s.number),
              returned: s.returnedTotal,
              href: `/sales/${s.id}`,
              debit: s.total.minus(s.returnedTotal),
              credit: zero,
              order: 0,
            },
    ),
    // Money given back: the customer is owed that much less.
    ...refunds.map((r) => ({
      at: r.refundedAt,
      kind: 'refund' as const,
      ...aboutSale(r.sale.number),
      method: r.method,
      href: `/sales/${r.saleId}`,
      debit: r.amount,
      credit: zero,
      order: 2,
    })),
    ...payments.map((p) => ({
      at: p.paidAt,
      kind: 'payment' as const,
      ...aboutSale(p.sale?.number ?? null),
      method: p.method,
      customMethod: p.customMethod,
      reference: p.reference,
      href: `/payments/${p.id}`,
      debit: zero,
      credit: p.amount,
      order: 2,
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
  let balance = opening;
  const entries = raw.map(({ order: _order, ...e }) => {
    balance = balance.plus(e.debit).minus(e.credit);
    return { ...e, balance };
  });
  return { from, to, opening, entries, closing: balance };
}
