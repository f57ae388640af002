import type { TenantDb } from '../db/tenant-scope.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';

/**
 * Field errors for a category or unit id that is not this tenant's (unknown, deleted, or
 * another tenant's: the scoped client cannot see those, so they read as unknown).
 */
export async function referenceErrors(
  db: TenantDb | TenantTransaction,
  refs: { categoryId?: number | undefined; unitId: number },
): Promise<Record<string, string>> {
  const [category, unit] = await Promise.all([
    refs.categoryId === undefined
      ? Promise.resolve({ id: 0 })
      : db.category.findFirst({ where: { id: refs.categoryId }, select: { id: true } }),
    db.unit.findFirst({ where: { id: refs.unitId }, select: { id: true } }),
  ]);
  const errors: Record<string, string> = {};
  if (!category) errors.categoryId = 'Choose a category from the list';
  if (!unit) errors.unitId = 'Choose a unit from the list';
  return errors;
}
