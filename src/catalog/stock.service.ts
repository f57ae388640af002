import { Prisma, type MovementKind } from '../generated/prisma/client.ts';
import { recordAudit } from '../db/audit-log.ts';
import { can } from '../auth/index.ts';
import type { CacheService } from '../cache/index.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { ConflictError, PermissionError, found } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import { record } from '../stock/index.ts';
import { AdjustmentSchema } from './products.schema.ts';
import type { Scope } from '../db/scope.ts';
import { say } from '../i18n/index.ts';
import { messageFormatter } from '../format/index.ts';

export interface MovementRow {
  id: number;
  kind: MovementKind;
  quantity: Prisma.Decimal;
  reason: string | null;
  saleId: number | null;
  createdAt: Date;
  user: { email: string; name: string } | null;
}

export const MOVEMENTS_PAGE_SIZE = 50;

export interface MovementPage {
  movements: MovementRow[];
  total: number;
  page: number;
  pages: number;
}

const CORRECTION_REFUSED = 'Only managers and owners can correct stock; record goods received as a receipt.';

/**
 * Stock receipts and corrections: the quantity change and its ledger row, in one transaction.
 * Receipts are `stock.receive`, corrections `stock.correct` (and go to the audit log).
 */
export class StockService {
  constructor(private readonly deps: { cache: CacheService }) {}

  async adjust(ctx: Scope, productId: number, input: unknown): Promise<{ quantityOnHand: Prisma.Decimal }> {
    const { kind, quantity, reason } = parseInput(AdjustmentSchema, input, 'Check the stock change.');
    if (!can(ctx, kind === 'receipt' ? 'stock.receive' : 'stock.correct'))
      throw new PermissionError(CORRECTION_REFUSED, { kind: CORRECTION_REFUSED });
    const delta = new Prisma.Decimal(quantity);
    return inTransaction(ctx.db, async (uow) => {
      // Conditional in the ledger: a decrease applies only if it leaves the quantity at zero or
      // more, so two concurrent corrections can never take stock below zero between them.
      const product = found(
        await uow.tx.product.findFirst({ where: { id: productId }, select: { sku: true, unit: { select: { code: true } } } }),
        'Product',
      );
      const { short, onHand } = await record(uow.tx, ctx.tenantId, [
        { productId, kind, quantity: delta, reason: reason ?? null, userId: ctx.userId ?? null },
      ]);
      if (short.length) {
        const now = found(await uow.tx.product.findFirst({ where: { id: productId }, select: { quantityOnHand: true } }), 'Product');
        const fmt = messageFormatter();
        const message = say('Only {{quantity}} {{unit}} in stock: a change of {{change}} would take it below zero.', {
          quantity: fmt.quantity(now.quantityOnHand),
          unit: product.unit.code,
          change: fmt.quantity(delta),
        });
        throw new ConflictError(message, { quantity: message });
      }
      const after = { sku: product.sku, quantityOnHand: onHand.get(productId)! };
      if (kind === 'adjustment') {
        await recordAudit(uow.tx, ctx, {
          kind: 'stock_correction',
          subject: `Product ${after.sku}`,
          before: { quantityOnHand: after.quantityOnHand.minus(delta).toString() },
          after: { quantityOnHand: after.quantityOnHand.toString(), change: delta.toString(), reason },
        });
      }
      await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'product.adjusted');
      return { quantityOnHand: after.quantityOnHand };
    });
  }

  /** One page of the product's movements, newest first; a page past the end shows the last one. */
  async movements(ctx: Scope, productId: number, page = 1): Promise<MovementPage> {
    const total = await ctx.db.stockMovement.count({ where: { productId } });
    const pages = Math.max(1, Math.ceil(total / MOVEMENTS_PAGE_SIZE));
    const p = Math.min(Math.max(1, page), pages);
    const movements = await ctx.db.stockMovement.findMany({
      where: { productId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: (p - 1) * MOVEMENTS_PAGE_SIZE,
      take: MOVEMENTS_PAGE_SIZE,
      select: {
        id: true,
        kind: true,
        quantity: true,
        reason: true,
        saleId: true,
        createdAt: true,
        user: { select: { email: true, name: true } },
      },
    });
    return { movements, total, page: p, pages };
  }
}
