import { Prisma } from '../generated/prisma/client.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { addToBalanceDays, balanceRows } from '../balance/index.ts';
import { addToProfitDays, profitRows, reversed } from '../profit/index.ts';
import { recordAudit } from '../db/audit-log.ts';
import { assertCan } from '../auth/index.ts';
import { record } from '../stock/index.ts';
import { localDay } from '../time.ts';
import { createFormatter } from '../format/index.ts';
import { refundSale } from './refunds.ts';
import { CancelSchema } from './returns.schema.ts';
import { withRetry } from '../db/transactions.ts';
import type { TransactionDeps } from '../core.ts';
import { ConflictError, NotFoundError, ValidationError } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { say } from '../i18n/index.ts';

const Decimal = Prisma.Decimal;

export interface Cancelled {
  number: number;
  /** Money given back in this transaction (0 when none was left, or it was left as credit). */
  refunded: Prisma.Decimal;
  /** Money left on the cancelled sale as the customer's credit. */
  credit: Prisma.Decimal;
}

/**
 * Cancels a confirmed sale (the permission table's `sale.cancel`; written to the audit log): the units not already returned go back
 * to stock with one movement per line, at the cost they were sold at, the sale is marked cancelled, and what it was still
 * worth comes off the balance summary on the sale's own day (the rule in
 * src/balance/balance-days.ts), its revenue and cost of goods not yet returned off the profit summary. Money paid and not yet refunded is refunded in the same
 * transaction by the method chosen (a negative payment on today), or left as the
 * customer's credit; a walk-in has no account, so their money must be given back.
 */
export async function cancelSale(deps: TransactionDeps, actor: Scope, saleId: number, raw: unknown = {}): Promise<Cancelled> {
  assertCan(actor, 'sale.cancel', 'Only managers and owners can cancel a sale.');
  const input = parseInput(CancelSchema, raw, 'Please correct the marked fields.');
  const { tenantId } = actor;
  return withRetry(deps, () =>
    inTransaction(
      actor.db,
      async (uow) => {
        const { tx } = uow;
        const cancelledAt = new Date();
        const [sale] = await tx.$queryRaw<
          Array<{
            id: number;
            number: number;
            customer_id: number | null;
            total: string;
            returned_total: string;
            paid_total: string;
            refunded_total: string;
            sold_at: Date;
          }>
        >(Prisma.sql`
        UPDATE sales SET status = 'cancelled', cancelled_at = ${cancelledAt}, cancelled_by_id = ${actor.userId}
         WHERE tenant_id = ${tenantId} AND id = ${saleId} AND status = 'confirmed'
         RETURNING id, number, customer_id, total::text AS total, returned_total::text AS returned_total, paid_total::text AS paid_total, refunded_total::text AS refunded_total, sold_at`);
        if (!sale) {
          const existing = await tx.sale.findFirst({ where: { id: saleId }, select: { number: true } });
          if (!existing) throw new NotFoundError('Sale');
          throw new ConflictError(say('Sale #{{number}} is already cancelled.', { number: existing.number }));
        }
        const tenant = await tx.tenant.findUniqueOrThrow({
          where: { id: tenantId },
          select: { timeZone: true, currency: true, locale: true },
        });
        const left = new Decimal(sale.paid_total).minus(sale.refunded_total);
        const settlement = left.greaterThan(0) ? (input.settlement ?? (sale.customer_id === null ? undefined : 'credit')) : undefined;
        if (left.greaterThan(0) && (settlement === undefined || (settlement === 'credit' && sale.customer_id === null))) {
          throw new ValidationError('Please correct the marked fields.', {
            settlement: say('{{amount}} was paid on this walk-in sale; give it back in cash, by card or by transfer', {
              amount: createFormatter(tenant).money(left),
            }),
          });
        }

        const lines = await tx.saleLine.findMany({
          where: { saleId },
          orderBy: { lineNo: 'asc' },
          select: {
            productId: true,
            quantity: true,
            returnedQuantity: true,
            lineSubtotal: true,
            unitCost: true,
            lineCost: true,
            returnLines: { select: { lineSubtotal: true, lineCost: true } },
          },
        });
        await record(
          tx,
          tenantId,
          lines.map((l) => ({
            productId: l.productId,
            quantity: l.quantity.minus(l.returnedQuantity),
            kind: 'cancellation' as const,
            unitCost: l.unitCost,
            saleId,
            userId: actor.userId,
            reason: `Sale #${sale.number} cancelled`,
            at: cancelledAt,
          })),
        );
        const worth = new Decimal(sale.total).minus(sale.returned_total);
        const saleDay = localDay(new Date(sale.sold_at), tenant.timeZone);
        const balance = balanceRows(sale.customer_id, saleDay, worth.neg(), 0);
        let refunded = new Decimal(0);
        if (settlement && settlement !== 'credit') {
          await refundSale(tx, tenantId, {
            saleId,
            saleNumber: sale.number,
            customerId: sale.customer_id,
            amount: left,
            method: settlement,
            returnId: null,
            userId: actor.userId,
            at: cancelledAt,
          });
          balance.push(...balanceRows(sale.customer_id, localDay(cancelledAt, tenant.timeZone), 0, left.neg()));
          refunded = left;
        }
        await addToBalanceDays(tx, tenantId, balance);
        const still = lines.map((l) =>
          reversed({
            productId: l.productId,
            revenue: l.returnLines.reduce((v, r) => v.minus(r.lineSubtotal), l.lineSubtotal),
            cost: l.returnLines.reduce((v, r) => v.minus(r.lineCost), l.lineCost),
            quantity: l.quantity.minus(l.returnedQuantity),
          }),
        );
        await addToProfitDays(tx, tenantId, profitRows(saleDay, sale.customer_id, still));
        await recordAudit(tx, actor, {
          kind: 'sale_cancelled',
          subject: `Sale #${sale.number}`,
          before: { status: 'confirmed', total: new Decimal(sale.total).toFixed(2) },
          after: { status: 'cancelled' },
        });
        await deps.cache.invalidateAfterCommit(uow, tenantId, 'sale.cancelled');
        return { number: sale.number, refunded, credit: settlement === 'credit' ? left : new Decimal(0) };
      },
      {},
      (error) => deps.logger.warn({ err: error }, 'after-commit hook failed'),
    ),
  );
}
