import { Prisma } from '../generated/prisma/client.ts';
import type { CacheService } from '../cache/index.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { ConflictError, NotFoundError, ValidationError, found } from '../errors.ts';
import { fieldErrors } from '../http/validation.ts';
import { barcodeCodes, barcodeErrors, replaceBarcodes } from './barcodes.ts';
import { isForeignKeyViolation } from './foreign-key.ts';
import { referenceErrors } from './product-refs.ts';
import { EditProductSchema, NewProductSchema, type ProductInput } from './products.schema.ts';
import { productSearchText } from './search-text.ts';
import type { TenantContext } from './tenant-context.ts';

export interface ProductDetail {
  id: number;
  sku: string;
  barcodes: Array<{ code: string }>;
  name: string;
  categoryId: number | null;
  unitId: number;
  price: Prisma.Decimal;
  cost: Prisma.Decimal;
  taxRate: Prisma.Decimal | null;
  quantityOnHand: Prisma.Decimal;
  reorderLevel: Prisma.Decimal;
  active: boolean;
  updatedAt: Date;
  category: { id: number; name: string } | null;
  unit: { id: number; code: string; name: string };
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
} as const;

/** Products: read one, create (with opening stock), edit, soft delete. Writes invalidate `product.*`. */
export class ProductsService {
  constructor(private readonly deps: { cache: CacheService }) {}

  async get(ctx: TenantContext, id: number): Promise<ProductDetail> {
    return found(await ctx.db.product.findFirst({ where: { id }, select }), 'Product');
  }

  async create(ctx: TenantContext, input: unknown): Promise<{ id: number }> {
    const parsed = NewProductSchema.safeParse(input);
    if (!parsed.success) throw invalid(fieldErrors(parsed.error));
    const { openingStock, ...data } = parsed.data;
    await this.checkReferences(ctx, data);
    return this.write(ctx, data, undefined, () =>
      inTransaction(ctx.db, async (uow) => {
        const product = await uow.tx.product.create({
          data: { ...columns(data), tenantId: ctx.tenantId, quantityOnHand: openingStock },
          select: { id: true },
        });
        await replaceBarcodes(uow.tx, ctx.tenantId, product.id, data.barcodes);
        if (new Prisma.Decimal(openingStock).gt(0)) {
          // The ledger holds every change of quantity, the first one included.
          await uow.tx.stockMovement.create({
            data: { tenantId: ctx.tenantId, productId: product.id, kind: 'receipt', quantity: openingStock, reason: 'Opening stock', userId: ctx.userId ?? null },
          });
        }
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'product.created');
        return product;
      }),
    );
  }

  async update(ctx: TenantContext, id: number, input: unknown): Promise<{ id: number }> {
    const parsed = EditProductSchema.safeParse(input);
    if (!parsed.success) throw invalid(fieldErrors(parsed.error));
    const { active, ...data } = parsed.data;
    await this.checkReferences(ctx, data, id);
    return this.write(ctx, data, id, () =>
      inTransaction(ctx.db, async (uow) => {
        const { count } = await uow.tx.product.updateMany({ where: { id }, data: { ...columns(data), active } });
        if (count === 0) throw new NotFoundError('Product');
        await replaceBarcodes(uow.tx, ctx.tenantId, id, data.barcodes);
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'product.updated');
        return { id };
      }),
    );
  }

  /** Soft delete: the product becomes inactive, so sales and movements keep pointing at it. */
  async deactivate(ctx: TenantContext, id: number): Promise<ProductDetail> {
    return inTransaction(ctx.db, async (uow) => {
      const product = found(await uow.tx.product.findFirst({ where: { id }, select }), 'Product');
      if (product.active) {
        await uow.tx.product.updateMany({ where: { id }, data: { active: false } });
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'product.deleted');
      }
      return { ...product, active: false };
    });
  }

  private async checkReferences(ctx: TenantContext, data: ProductInput, productId?: number): Promise<void> {
    const errors = await referenceErrors(ctx.db, data);
    if (Object.keys(errors).length) throw invalid(errors);
    const taken = await barcodeErrors(ctx.db, data.barcodes, productId);
    if (taken.barcodes) throw new ConflictError(taken.barcodes, taken);
  }

  private async write<T>(ctx: TenantContext, data: ProductInput, productId: number | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isUniqueViolation(error)) {
        // A barcode another product took between the check and the write, else the SKU.
        const taken = await barcodeErrors(ctx.db, data.barcodes, productId);
        if (taken.barcodes) throw new ConflictError(taken.barcodes, taken);
        const message = `A product with SKU “${data.sku}” already exists`;
        throw new ConflictError(message, { sku: message });
      }
      // A category or unit deleted between the check and the write.
      if (isForeignKeyViolation(error)) throw invalid(await referenceErrors(ctx.db, data));
      throw error;
    }
  }
}

function invalid(fields: Record<string, string>): ValidationError {
  return new ValidationError('Check the product’s fields.', fields);
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
