import { Prisma, type PurchaseOrderStatus } from '../generated/prisma/client.ts';
import { assertCan, can } from '../auth/index.ts';
import type { TransactionDeps } from '../core.ts';
import { ConflictError, PermissionError, ValidationError, found } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { createOnce, type Created } from '../db/transactions.ts';
import { receivePurchases } from '../stock/index.ts';
import { ReceiptSchema } from './orders.schema.ts';
import { lineValue } from './order-lines.ts';
import { OPEN_FOR_RECEIPT, lockOrder } from './orders.service.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

const RECEIVE_REFUSED = 'You may not receive goods.';
const COST_REFUSED = 'Only managers and owners can receive at another unit cost.';
const NOTHING_RECEIVED = 'Please correct the marked lines; nothing was received.';
export const OVER_ORDERED = 'More than ordered: tick “Receive more than ordered” to take it in.';

/** Refuses a receipt on an order that is not out with the supplier. */
export function assertOpen(status: PurchaseOrderStatus): void {
  if (!OPEN_FOR_RECEIPT.includes(status))
    throw new ConflictError(
      status === 'draft' ? 'Mark the order as ordered before receiving it.' : 'This order is closed; nothing more can be received on it.',
    );
}

/**
 * Goods received against an ordered purchase: all or part of any lines, in one transaction
 * (docs/decisions/021 and 024). The order's row is locked first, so receipts of one order take
 * turns; more than ordered is refused unless confirmed; each line's received quantity goes up;
 * stock, average cost and last cost go up through the stock ledger (a purchase movement per
 * line, at its unit cost); the receipt and its lines (cost before and after) are written; what
 * is owed to the supplier goes up by the receipt's value; the order's status follows. Staff
 * receive at the order's costs; another unit cost (the supplier's invoice differs) is for
 * those who order.
 */
export class ReceivingService {
  constructor(private readonly deps: TransactionDeps) {}

  async receive(actor: Scope, orderId: number, input: unknown): Promise<Created> {
    assertCan(actor, 'purchase.receive', RECEIVE_REFUSED);
    const data = parseInput(ReceiptSchema, input, NOTHING_RECEIVED);
    return createOnce(this.deps, actor, data.token, async (uow) => {
      const { tx } = uow;
      const status = await lockOrder(tx, actor.tenantId, orderId);
      if (!OPEN_FOR_RECEIPT.includes(status))
        throw new ConflictError(
          status === 'draft'
            ? 'Mark the order as ordered before receiving it.'
            : 'This order is closed; nothing more can be received on it.',
        );
      const order = await tx.purchaseOrder.findFirstOrThrow({
        where: { id: orderId },
        select: { id: true, number: true, supplierId: true },
      });
      const lines = await tx.purchaseOrderLine.findMany({ where: { purchaseOrderId: orderId }, orderBy: { lineNo: 'asc' } });
      const byNo = new Map(lines.map((l) => [l.lineNo, l]));
      const errors: Record<string, string> = {};
      const wanted: Array<{ line: (typeof lines)[number]; quantity: Decimal; unitCost: Decimal }> = [];
      for (const [lineNo, r] of Object.entries(data.lines)) {
        const quantity = new Decimal(r.quantity);
        if (quantity.isZero()) continue;
        const line = byNo.get(Number(lineNo));
        if (!line) {
          errors[`lines.${lineNo}.quantity`] = 'This order has no such line';
          continue;
        }
        const unitCost = r.unitCost === undefined ? line.unitCost : new Decimal(r.unitCost);
        if (!unitCost.equals(line.unitCost) && !can(actor, 'purchase.order'))
          throw new PermissionError(COST_REFUSED, { lines: COST_REFUSED });
        if (line.receivedQuantity.plus(quantity).greaterThan(line.quantity) && !data.confirmOver)
          errors[`lines.${lineNo}.quantity`] = OVER_ORDERED;
        wanted.push({ line, quantity, unitCost });
      }
      if (!wanted.length && !Object.keys(errors).length) errors.lines = 'Enter a quantity received on at least one line';
      if (Object.keys(errors).length) throw new ValidationError(NOTHING_RECEIVED, errors);

      const at = new Date();
      const reason = `Purchase order #${order.number}`;
      for (const w of wanted)
        await tx.purchaseOrderLine.updateMany({ where: { id: w.line.id }, data: { receivedQuantity: { increment: w.quantity } } });
      const changes = await receivePurchases(
        tx,
        actor.tenantId,
        wanted.map((w) => ({
          productId: w.line.productId,
          quantity: w.quantity,
          unitCost: w.unitCost,
          purchaseOrderLineId: w.line.id,
          reason: data.note ? `${reason}: ${data.note}` : reason,
          userId: actor.userId,
          at,
        })),
      );
      const values = wanted.map((w) => lineValue(w.quantity, w.unitCost));
      const total = values.reduce((s, v) => s.plus(v), new Decimal(0));
      const receipt = await tx.purchaseReceipt.create({
        data: {
          tenantId: actor.tenantId,
          purchaseOrderId: order.id,
          supplierId: order.supplierId,
          receivedAt: at,
          total,
          note: data.note ?? null,
          createdById: actor.userId,
        },
        select: { id: true },
      });
      await tx.purchaseReceiptLine.createMany({
        data: wanted.map((w, i) => ({
          tenantId: actor.tenantId,
          receiptId: receipt.id,
          purchaseOrderLineId: w.line.id,
          productId: w.line.productId,
          quantity: w.quantity,
          unitCost: w.unitCost,
          lineTotal: values[i]!,
          costBefore: changes[i]!.before,
          costAfter: changes[i]!.after,
        })),
      });
      await tx.supplier.updateMany({ where: { id: order.supplierId }, data: { owed: { increment: total } } });
      const received = new Map(wanted.map((w) => [w.line.id, w.quantity]));
      const done = lines.every((l) => l.receivedQuantity.plus(received.get(l.id) ?? 0).greaterThanOrEqualTo(l.quantity));
      await tx.purchaseOrder.updateMany({ where: { id: orderId }, data: { status: done ? 'received' : 'partly_received' } });
      await this.deps.cache.invalidateAfterCommit(uow, actor.tenantId, 'purchase.received');
      return { id: receipt.id, url: `/purchasing/receipts/${receipt.id}` };
    });
  }

  /** A receipt as its page shows it: what came in, and (for who sees costs) at what cost and how each average moved. */
  async receipt(actor: Scope, id: number) {
    assertCan(actor, 'purchase.receive', RECEIVE_REFUSED);
    const receipt = found(
      await actor.db.purchaseReceipt.findFirst({
        where: { id },
        include: {
          purchaseOrder: { select: { id: true, number: true, status: true } },
          supplier: { select: { id: true, name: true } },
          createdBy: { select: { name: true, email: true } },
          lines: {
            orderBy: { id: 'asc' },
            include: {
              purchaseOrderLine: { select: { lineNo: true, quantity: true, receivedQuantity: true } },
              product: { select: { id: true, sku: true, name: true, unit: { select: { code: true } } } },
            },
          },
        },
      }),
      'Receipt',
    );
    if (can(actor, 'cost.see')) return { ...receipt, seesCost: true as const };
    return {
      ...receipt,
      seesCost: false as const,
      total: null,
      lines: receipt.lines.map((l) => ({ ...l, unitCost: null, lineTotal: null, costBefore: null, costAfter: null })),
    };
  }
}
