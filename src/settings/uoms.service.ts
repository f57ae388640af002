import { assertCan } from '../auth/permissions.ts';
import type { CacheService, MemoizeResult } from '../cache/index.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { ConflictError, NotFoundError, ValidationError, found } from '../errors.ts';
import { fieldErrors } from '../http/validation.ts';
import { isForeignKeyViolation } from '../catalog/foreign-key.ts';
import type { TenantContext } from '../catalog/tenant-context.ts';
import { UnitSchema, type UnitInput } from './uoms.schema.ts';

export interface UnitRow {
  id: number;
  code: string;
  name: string;
}

const select = { id: true, code: true, name: true } as const;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Units of measure: the cached lookup (module `uom`) and the writes that invalidate it. */
export class UomsService {
  constructor(private readonly deps: { cache: CacheService }) {}

  /** Every unit of the tenant, by code; cached. */
  list(ctx: TenantContext): Promise<MemoizeResult<UnitRow[]>> {
    return this.deps.cache
      .module('uom')
      .memoize(ctx.tenantId, 'all', () => ctx.db.unit.findMany({ select, orderBy: [{ code: 'asc' }, { id: 'asc' }] }));
  }

  async get(ctx: TenantContext, id: number): Promise<UnitRow> {
    return found(await ctx.db.unit.findFirst({ where: { id }, select }), 'Unit');
  }

  async create(ctx: TenantContext, input: unknown): Promise<UnitRow> {
    const data = parse(input);
    return this.write(data, () =>
      inTransaction(ctx.db, async (uow) => {
        const row = await uow.tx.unit.create({ data: { ...data, tenantId: ctx.tenantId }, select });
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'uom.created');
        return row;
      }),
    );
  }

  async update(ctx: TenantContext, id: number, input: unknown): Promise<UnitRow> {
    const data = parse(input);
    return this.write(data, () =>
      inTransaction(ctx.db, async (uow) => {
        const { count } = await uow.tx.unit.updateMany({ where: { id }, data });
        if (count === 0) throw new NotFoundError('Unit');
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'uom.updated');
        return { id, ...data };
      }),
    );
  }

  /** Refused while any product (active or not) uses the unit. */
  async delete(ctx: TenantContext, id: number): Promise<UnitRow> {
    assertCan(ctx.role, 'catalog.delete', 'Only managers and owners can delete a unit.');
    try {
      return await inTransaction(ctx.db, async (uow) => {
        const unit = found(await uow.tx.unit.findFirst({ where: { id }, select }), 'Unit');
        const used = await uow.tx.product.count({ where: { unitId: id } });
        if (used > 0) throw inUse(unit, used);
        await uow.tx.unit.deleteMany({ where: { id } });
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'uom.deleted');
        return unit;
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        const unit = await this.get(ctx, id);
        throw inUse(unit, await ctx.db.product.count({ where: { unitId: id } }));
      }
      throw error;
    }
  }

  private async write<T>(data: UnitInput, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isUniqueViolation(error)) {
        const message = `A unit with code “${data.code}” already exists`;
        throw new ConflictError(message, { code: message });
      }
      throw error;
    }
  }
}

function parse(input: unknown): UnitInput {
  const parsed = UnitSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('Check the unit’s fields.', fieldErrors(parsed.error));
  return parsed.data;
}

function inUse(unit: UnitRow, used: number): ConflictError {
  return new ConflictError(
    `Unit “${unit.code}” cannot be deleted: ${plural(used, 'product')} use${used === 1 ? 's' : ''} it. Move ${used === 1 ? 'it' : 'them'} to another unit first.`,
  );
}
