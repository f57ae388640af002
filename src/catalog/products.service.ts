import { Prisma } from '../generated/prisma/client.ts';
import { recordAudit } from '../db/audit-log.ts';
import { assertCan, can } from '../auth/index.ts';
import type { CacheService } from '../cache/index.ts';
import { isUniqueViolation, ConflictError, NotFoundError, PermissionError, ValidationError, found } from '../db/errors.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { parseInput } from '../db/input.ts';
import { record, revalue } from '../stock/index.ts';
import { barcodeCodes, barcodeErrors, replaceBarcodes } from './barcodes.ts';
import { isForeignKeyViolation } from '../db/foreign-key.ts';
import { referenceErrors } from './product-refs.ts';
import { EditProductSchema, NewProductSchema, type ProductInput } from './products.schema.ts';
import { productSearchText } from './search-text.ts';
import type { Scope } from '../db/scope.ts';
import { say } from '../i18n/index.ts';

export interface ProductDetail {
  id: number;
  sku: string;
  barcodes: Array<{ code: string }>;
  name: string;
  categoryId: number | null;
  unitId: number;
  price: Prisma.Decimal;
  /** Null for a role that may not see cost prices. */
  cost: Prisma.Decimal | null;
  taxRate: Prisma.Decimal | null;
  quantityOnHand: Prisma.Decimal;
  reorderLevel: Prisma.Decimal;
  active: boolean;
  updatedAt: Date;
  category: { id: number; name: string } | null;
  unit: { id: number; code: string; name: string };
  /** Buying (set on purchasing's pages): who it is bought from, under which code, the last unit cost (null for who may not see costs). */
  preferredSupplier: { id: number; name: string } | null;
  supplierCode: string | null;
  lastCost: Prisma.Decimal | null;
}

const select = {
  id: true,
  sku: true,
  barcodes: barcodeCodes,
  name: true,
  categoryId: true,
  unitId: true,
  price: true,
  cost: true,
  taxRate: true,
  quantityOnHand: true,
  reorderLevel: true,
  active: true,
  updatedAt: true,
  category: { select: { id: true, name: true } },
  unit: { select: { id: true, code: true, name: true } },
  preferredSupplier: { select: { id: true, name: true } },
  supplierCode: true,
  lastCost: true,
} as const;

const PRICE_REFUSED = 'Only managers and owners can change the price.';
const COST_REFUSED = 'Only managers and owners can change the cost.';
const ACTIVE_REFUSED = 'Only managers and owners can delete a product or make it active again.';

const isBlank = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '');

/**
 * Products: read one, create (with opening stock), edit, soft delete. Writes invalidate
 * `product.*`. The permission table decides who may change a price, a cost or whether the
 * product is active, and who sees the cost: a role without the right keeps what is stored
 * (a field it does not send stays as it was; a different value is refused on the field).
 */
export class ProductsService {
  constructor(private readonly deps: { cache: CacheService }) {}

  async get(ctx: Scope, id: number): Promise<ProductDetail> {
    const product = found(await ctx.db.product.findFirst({ where: { id }, select }), 'Product');
    return can(ctx, 'cost.see') ? product : { ...product, cost: null, lastCost: null };
  }

  async create(ctx: Scope, input: unknown): Promise<{ id: number }> {
    const body = { ...((input ?? {}) as Record<string, unknown>) };
    // A new product's first price is part of creating it; its cost is for those who see costs.
    if (!can(ctx, 'catalog.editCost') && !isBlank(body.cost) && !new Prisma.Decimal(0).equals(decimalOr(body.cost))) {
      throw new PermissionError(COST_REFUSED, { cost: COST_REFUSED });
    }
    const { openingStock, ...data } = parseInput(NewProductSchema, input, PRODUCT_INVALID);
    await this.checkReferences(ctx, data);
    return this.write(ctx, data, undefined, () =>
      inTransaction(ctx.db, async (uow) => {
        const product = await uow.tx.product.create({
          data: { ...columns(data), tenantId: ctx.tenantId },
          select: { id: true },
        });
        await replaceBarcodes(uow.tx, ctx.tenantId, product.id, data.barcodes);
        // The ledger holds every change of quantity, the first one included.
        const quantity = new Prisma.Decimal(openingStock);
        if (quantity.gt(0)) {
          await record(uow.tx, ctx.tenantId, [
            { productId: product.id, kind: 'receipt', quantity, reason: 'Opening stock', userId: ctx.userId ?? null },
          ]);
        }
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'product.created');
        return product;
      }),
    );
  }

  async update(ctx: Scope, id: number, input: unknown): Promise<{ id: number }> {
    const mayPrice = can(ctx, 'catalog.editPrice');
    const mayCost = can(ctx, 'catalog.editCost');
    const mayActive = can(ctx, 'catalog.deactivate');
    const body = { ...((input ?? {}) as Record<string, unknown>) };
    // What a role may not change and did not send stays as stored: filled in so the form
    // parses, and left out of the write below.
    const sent = { price: !isBlank(body.price), cost: !isBlank(body.cost), active: body.active !== undefined };
    if ((!mayPrice && !sent.price) || (!mayCost && !sent.cost) || (!mayActive && !sent.active)) {
      const stored = found(await ctx.db.product.findFirst({ where: { id }, select: { price: true, cost: true, active: true } }), 'Product');
      if (!mayPrice && !sent.price) body.price = stored.price.toFixed(2);
      if (!mayCost && !sent.cost) body.cost = stored.cost.toFixed(2);
      if (!mayActive && !sent.active) body.active = stored.active ? 'on' : '';
    }
    const { active, ...data } = parseInput(EditProductSchema, body, PRODUCT_INVALID);
    await this.checkReferences(ctx, data, id);
    return this.write(ctx, data, id, () =>
      inTransaction(ctx.db, async (uow) => {
        const { tx } = uow;
        // The row as it is now, locked until commit: the refusals compare with it and the
        // audit entry's "before" is exactly what this change replaced.
        const [current] = await tx.$queryRaw<Array<{ sku: string; price: Prisma.Decimal; cost: Prisma.Decimal; active: boolean }>>(
          Prisma.sql`SELECT sku, price, cost, active FROM products WHERE tenant_id = ${ctx.tenantId} AND id = ${id} FOR UPDATE`,
        );
        if (!current) throw new NotFoundError('Product');
        const price = new Prisma.Decimal(data.price);
        const cost = new Prisma.Decimal(data.cost);
        const refused: Record<string, string> = {};
        if (!mayPrice && sent.price && !price.equals(current.price)) refused.price = PRICE_REFUSED;
        if (!mayCost && sent.cost && !cost.equals(current.cost)) refused.cost = COST_REFUSED;
        if (!mayActive && active !== current.active) refused.active = ACTIVE_REFUSED;
        if (Object.keys(refused).length) throw new PermissionError(Object.values(refused)[0]!, refused);

        const { price: _p, cost: _c, ...rest } = columns(data);
        const write = {
          ...rest,
          ...(mayPrice ? { price: data.price } : {}),
          ...(mayActive ? { active } : {}),
        };
        await tx.product.updateMany({ where: { id }, data: write });
        // A cost set by hand is a revaluation in the ledger, so a past stock value sees it from now on.
        if (mayCost && !cost.equals(current.cost))
          await revalue(tx, ctx.tenantId, { productId: id, cost, reason: 'Cost changed by hand', userId: ctx.userId ?? null });
        await replaceBarcodes(tx, ctx.tenantId, id, data.barcodes);
        const who = { tenantId: ctx.tenantId, userId: ctx.userId };
        const pricing: Array<[string, Prisma.Decimal, Prisma.Decimal]> = [];
        if (mayPrice && !price.equals(current.price)) pricing.push(['price', current.price, price]);
        if (mayCost && !cost.equals(current.cost)) pricing.push(['cost', current.cost, cost]);
        if (pricing.length) {
          await recordAudit(tx, who, {
            kind: 'product_pricing',
            subject: `Product ${data.sku}`,
            before: Object.fromEntries(pricing.map(([k, b]) => [k, b.toFixed(2)])),
            after: Object.fromEntries(pricing.map(([k, , a]) => [k, a.toFixed(2)])),
          });
        }
        if (mayActive && active !== current.active) {
          await recordAudit(tx, who, {
            kind: 'product_active',
            subject: `Product ${data.sku}`,
            before: { active: current.active },
            after: { active },
          });
        }
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'product.updated');
        return { id };
      }),
    );
  }

  /** Soft delete: the product becomes inactive, so sales and movements keep pointing at it. */
  async deactivate(ctx: Scope, id: number): Promise<ProductDetail> {
    assertCan(ctx, 'catalog.deactivate', 'Only managers and owners can delete a product.');
    return inTransaction(ctx.db, async (uow) => {
      const product = found(await uow.tx.product.findFirst({ where: { id }, select }), 'Product');
      if (product.active) {
        await uow.tx.product.updateMany({ where: { id }, data: { active: false } });
        await recordAudit(uow.tx, ctx, {
          kind: 'product_active',
          subject: `Product ${product.sku}`,
          before: { active: true },
          after: { active: false },
        });
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'product.deleted');
      }
      return { ...product, active: false };
    });
  }

  private async checkReferences(ctx: Scope, data: ProductInput, productId?: number): Promise<void> {
    const errors = await referenceErrors(ctx.db, data);
    if (Object.keys(errors).length) throw invalid(errors);
    const taken = await barcodeErrors(ctx.db, data.barcodes, productId);
    if (taken.barcodes) throw new ConflictError(taken.barcodes, taken);
  }

  private async write<T>(ctx: Scope, data: ProductInput, productId: number | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isUniqueViolation(error)) {
        // A barcode another product took between the check and the write, else the SKU.
        const taken = await barcodeErrors(ctx.db, data.barcodes, productId);
        if (taken.barcodes) throw new ConflictError(taken.barcodes, taken);
        const message = say('A product with SKU “{{sku}}” already exists', { sku: data.sku });
        throw new ConflictError(message, { sku: message });
      }
      // A category or unit deleted between the check and the write.
      if (isForeignKeyViolation(error)) throw invalid(await referenceErrors(ctx.db, data));
      throw error;
    }
  }
}

function decimalOr(v: unknown): Prisma.Decimal {
  try {
    return new Prisma.Decimal(String(v).trim());
  } catch {
    return new Prisma.Decimal(-1);
  }
}

const PRODUCT_INVALID = 'Check the product’s fields.';

function invalid(fields: Record<string, string>): ValidationError {
  return new ValidationError(PRODUCT_INVALID, fields);
}

/** Form fields → product columns (barcodes are rows of their own), with the search text kept in step with SKU and name. */
export function columns(data: ProductInput) {
  return {
    sku: data.sku,
    name: data.name,
    categoryId: data.categoryId ?? null,
    unitId: data.unitId,
    price: data.price,
    cost: data.cost,
    taxRate: data.taxRate ?? null,
    reorderLevel: data.reorderLevel,
    searchText: productSearchText(data.sku, data.name),
  };
}
