import { assertCan } from '../auth/index.ts';
import type { CacheService, MemoizeResult } from '../cache/index.ts';
import { isUniqueViolation, ConflictError, NotFoundError, found } from '../db/errors.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { isForeignKeyViolation } from '../db/foreign-key.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { UnitSchema, type UnitInput } from './uoms.schema.ts';
import { say } from '../i18n/index.ts';

export interface UnitRow {
  id: number;
  code: string;
  name: string;
}

const select = { id: true, code: true, name: true } as const;

/** Units of measure: the cached lookup (module `uom`) and the writes that invalidate it. */
export class UomsService {
  constructor(private readonly deps: { cache: CacheService }) {}

  /** Every unit of the tenant, by code; cached. */
  list(ctx: Scope): Promise<MemoizeResult<UnitRow[]>> {
    return this.deps.cache
      .module('uom')
      .memoize(ctx.tenantId, 'all', () => ctx.db.unit.findMany({ select, orderBy: [{ code: 'asc' }, { id: 'asc' }] }));
  }

  async get(ctx: Scope, id: number): Promise<UnitRow> {
    return found(await ctx.db.unit.findFirst({ where: { id }, select }), 'Unit');
  }

  async create(ctx: Scope, input: unknown): Promise<UnitRow> {
    const data = parse(input);
    return this.write(data, () =>
      inTransaction(ctx.db, async (uow) => {
        const row = await uow.tx.unit.create({ data: { ...data, tenantId: ctx.tenantId }, select });
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'uom.created');
        return row;
      }),
    );
  }

  async update(ctx: Scope, id: number, input: unknown): Promise<UnitRow> {
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
  async delete(ctx: Scope, id: number): Promise<UnitRow> {
    assertCan(ctx, 'catalog.delete', 'Only managers and owners can delete a unit.');
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
        const message = say('A unit with code “{{code}}” already exists', { code: data.code });
        throw new ConflictError(message, { code: message });
      }
      throw error;
    }
  }
}

function parse(input: unknown): UnitInput {
  return parseInput(UnitSchema, input, 'Check the unit’s fields.');
}

function inUse(unit: UnitRow, used: number): ConflictError {
  return new ConflictError(
    say('Unit “{{code}}” cannot be deleted: {{count}} products use it. Move them to another unit first.', { code: unit.code, count: used }),
  );
}
