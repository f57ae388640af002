import { assertCan, can } from '../auth/index.ts';
import type { CacheService } from '../cache/index.ts';
import { ValidationError, found } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { ORDER_REFUSED } from './suppliers.service.ts';
import { ProductBuyingSchema } from './suppliers.schema.ts';

/**
 * A product's buying details: its preferred supplier (the reorder list groups by it), the
 * supplier's own code for it (printed on orders) and its last cost (the default unit cost of
 * a new order line; each receipt sets it). Managers and owners set them.
 */
export class ProductBuyingService {
  constructor(private readonly deps: { cache: CacheService }) {}

  async get(actor: Scope, productId: number) {
    const product = found(
      await actor.db.product.findFirst({
        where: { id: productId },
        select: {
          id: true,
          sku: true,
          name: true,
          cost: true,
          lastCost: true,
          supplierCode: true,
          preferredSupplierId: true,
          preferredSupplier: { select: { id: true, name: true } },
        },
      }),
      'Product',
    );
    return can(actor, 'cost.see') ? product : { ...product, cost: null, lastCost: null };
  }

  async set(actor: Scope, productId: number, input: unknown): Promise<void> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    const data = parseInput(ProductBuyingSchema, input, 'Please correct the marked fields.');
    await inTransaction(actor.db, async (uow) => {
      const { tx } = uow;
      if (
        data.preferredSupplierId !== undefined &&
        !(await tx.supplier.findFirst({ where: { id: data.preferredSupplierId }, select: { id: true } }))
      )
        throw new ValidationError('Please correct the marked fields.', {
          preferredSupplierId: 'Unknown supplier; choose one from the list',
        });
      const { count } = await tx.product.updateMany({
        where: { id: productId },
        data: {
          preferredSupplierId: data.preferredSupplierId ?? null,
          supplierCode: data.supplierCode ?? null,
          lastCost: data.lastCost ?? null,
        },
      });
      if (count !== 1) found(null, 'Product');
      await this.deps.cache.invalidateAfterCommit(uow, actor.tenantId, 'purchase.productTermsSet');
    });
  }
}
