import { Prisma } from '../generated/prisma/client.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { addToBalanceDays, balanceRows } from '../balance/balance-days.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { assertCan } from '../auth/permissions.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { localDay } from '../time.ts';
import { putBack } from './stock.ts';
import { withRetry, type TransactionDeps } from './transactions.ts';
import type { Actor } from './types.ts';

const Decimal = Prisma.Decimal;

/**
 * Cancels a confirmed sale (the permission table's `sale.cancel`), written to the audit log: stock goes back with one movement per
 * line, the sale is marked cancelled, and its total comes off the balance summary on the
 * sale's own day (the rule in src/balance/balance-days.ts). Payments already taken stay:
 * the customer is then owed that amount.
 */
export async function cancelSale(deps: TransactionDeps, actor: Actor, saleId: number): Promise<{ number: number }> {
  assertCan(actor.role, 'sale.cancel', 'Only managers and owners can cancel a sale.');
  const { tenantId } = actor;
  return withRetry(deps, () =>
    inTransaction(actor.db, async (uow) => {
      const { tx } = uow;
      const cancelledAt = new Date();
      const [sale] = await tx.$queryRaw<Array<{ id: number; number: number; customer_id: number | null; total: string; sold_at: Date }>>(Prisma.sql`
        UPDATE sales SET status = 'cancelled', cancelled_at = ${cancelledAt}, cancelled_by_id = ${actor.userId}
         WHERE tenant_id = ${tenantId} AND id = ${saleId} AND status = 'confirmed'
         RETURNING id, number, customer_id, total::text AS total, sold_at`);
      if (!sale) {
        const existing = await tx.sale.findFirst({ where: { id: saleId }, select: { number: true } });
        if (!existing) throw new NotFoundError('Sale');
        throw new ConflictError(`Sale #${existing.number} is already cancelled.`);
      }
      const lines = await tx.saleLine.findMany({ where: { saleId }, orderBy: { lineNo: 'asc' }, select: { productId: true, quantity: true } });
      await putBack(tx, tenantId, lines.map((l) => ({ productId: l.productId, quantity: l.quantity })));
      await tx.stockMovement.createMany({
        data: lines.map((l) => ({ tenantId, productId: l.productId, kind: 'cancellation' as const, quantity: l.quantity, saleId, userId: actor.userId, reason: `Sale #${sale.number} cancelled`, createdAt: cancelledAt })),
      });
      const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { timeZone: true } });
      await addToBalanceDays(tx, tenantId, balanceRows(sale.customer_id, localDay(new Date(sale.sold_at), tenant.timeZone), new Decimal(sale.total).neg(), 0));
      await recordAudit(tx, actor, { kind: 'sale_cancelled', subject: `Sale #${sale.number}`, before: { status: 'confirmed', total: new Decimal(sale.total).toFixed(2) }, after: { status: 'cancelled' } });
      await deps.cache.invalidateAfterCommit(uow, tenantId, 'sale.cancelled');
      return { number: sale.number };
    }, {}, (error) => deps.logger.warn({ err: error }, 'after-commit hook failed')),
  );
}
