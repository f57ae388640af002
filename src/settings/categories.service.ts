import { assertCan } from '../auth/index.ts';
import type { CacheService, MemoizeResult } from '../cache/index.ts';
import { isUniqueViolation, ConflictError, NotFoundError, ValidationError, found } from '../db/errors.ts';
import { inTransaction, type TenantTransaction } from '../db/unit-of-work.ts';
import { isForeignKeyViolation } from '../db/foreign-key.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { CategorySchema, type CategoryInput } from './categories.schema.ts';
import { flattenTree, subtreeIds, type CategoryNode } from './category-tree.ts';
import { say } from '../i18n/index.ts';

export interface CategoryRow {
  id: number;
  name: string;
  parentId: number | null;
}

const select = { id: true, name: true, parentId: true } as const;

/** Categories: the cached tree (module `categories`) and the writes that invalidate it. */
export class CategoriesService {
  constructor(private readonly deps: { cache: CacheService }) {}

  /** The whole tree in display order; cached. */
  tree(ctx: Scope): Promise<MemoizeResult<CategoryNode[]>> {
    return this.deps.cache
      .module('categories')
      .memoize(ctx.tenantId, 'tree', async () => flattenTree(await ctx.db.category.findMany({ select })));
  }

  async get(ctx: Scope, id: number): Promise<CategoryRow> {
    return found(await ctx.db.category.findFirst({ where: { id }, select }), 'Category');
  }

  async create(ctx: Scope, input: unknown): Promise<CategoryRow> {
    const data = parse(input);
    return this.write(data, () =>
      inTransaction(ctx.db, async (uow) => {
        await checkParent(uow.tx, data.parentId, undefined);
        const row = await uow.tx.category.create({
          data: { tenantId: ctx.tenantId, name: data.name, parentId: data.parentId ?? null },
          select,
        });
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'category.created');
        return row;
      }),
    );
  }

  async update(ctx: Scope, id: number, input: unknown): Promise<CategoryRow> {
    const data = parse(input);
    return this.write(data, () =>
      inTransaction(ctx.db, async (uow) => {
        await checkParent(uow.tx, data.parentId, id);
        const { count } = await uow.tx.category.updateMany({ where: { id }, data: { name: data.name, parentId: data.parentId ?? null } });
        if (count === 0) throw new NotFoundError('Category');
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'category.updated');
        return { id, name: data.name, parentId: data.parentId ?? null };
      }),
    );
  }

  /** Refused while products or subcategories use it. */
  async delete(ctx: Scope, id: number): Promise<CategoryRow> {
    assertCan(ctx, 'catalog.delete', 'Only managers and owners can delete a category.');
    try {
      return await inTransaction(ctx.db, async (uow) => {
        const category = found(await uow.tx.category.findFirst({ where: { id }, select }), 'Category');
        const [products, children] = await Promise.all([
          uow.tx.product.count({ where: { categoryId: id } }),
          uow.tx.category.count({ where: { parentId: id } }),
        ]);
        if (products > 0 || children > 0) throw inUse(category, products, children);
        await uow.tx.category.deleteMany({ where: { id } });
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'category.deleted');
        return category;
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        const category = await this.get(ctx, id);
        const [products, children] = await Promise.all([
          ctx.db.product.count({ where: { categoryId: id } }),
          ctx.db.category.count({ where: { parentId: id } }),
        ]);
        throw inUse(category, products, children);
      }
      throw error;
    }
  }

  private async write<T>(data: CategoryInput, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isUniqueViolation(error)) {
        const message = say('A category named “{{name}}” already exists', { name: data.name });
        throw new ConflictError(message, { name: message });
      }
      if (isForeignKeyViolation(error)) {
        throw new ValidationError('Check the category’s fields.', { parentId: 'Choose a parent category from the list' });
      }
      throw error;
    }
  }
}

function parse(input: unknown): CategoryInput {
  return parseInput(CategorySchema, input, 'Check the category’s fields.');
}

/** The parent must be this tenant's, and not the category itself or one below it. */
async function checkParent(tx: TenantTransaction, parentId: number | undefined, selfId: number | undefined): Promise<void> {
  if (parentId === undefined) return;
  const rows = await tx.category.findMany({ select });
  if (!rows.some((r) => r.id === parentId))
    throw new ValidationError('Check the category’s fields.', { parentId: 'Choose a parent category from the list' });
  if (selfId !== undefined && subtreeIds(flattenTree(rows), selfId).has(parentId)) {
    throw new ValidationError('Check the category’s fields.', {
      parentId: 'A category cannot be placed under itself or one of its subcategories',
    });
  }
}

function inUse(category: CategoryRow, products: number, children: number): ConflictError {
  const name = category.name;
  if (products && children)
    return new ConflictError(
      say('Category “{{name}}” cannot be deleted: {{products}} and {{subcategories}}. Move them to another category first.', {
        name,
        products: say('{{count}} products use it', { count: products }),
        subcategories: say('it has {{count}} subcategories', { count: children }),
      }),
    );
  return new ConflictError(
    products
      ? say('Category “{{name}}” cannot be deleted: {{count}} products use it. Move them to another category first.', {
          name,
          count: products,
        })
      : say('Category “{{name}}” cannot be deleted: it has {{count}} subcategories. Move them to another category first.', {
          name,
          count: children,
        }),
  );
}
