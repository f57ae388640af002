import type { Request, Response, Router } from 'express';
import { setCacheStatus } from '../http/cache-header.ts';
import { formLocals, type FormFailure } from '../http/form-errors.ts';
import { scopeOf } from '../http/request-scope.ts';
import type { CategoriesService, CategoryRow } from './categories.service.ts';
import { subtreeIds } from './category-tree.ts';
import { settingsListRouter } from './list-router.ts';

/** Categories as a tree: list (cached), new, edit, delete (managers; refused while in use). */
export function categoriesRouter(categories: CategoriesService): Router {
  async function renderForm(
    req: Request,
    res: Response,
    category: CategoryRow | null,
    values: Record<string, unknown>,
    failure?: FormFailure,
  ) {
    const tree = await categories.tree(scopeOf(req));
    setCacheStatus(res, tree.status);
    // A category cannot move under itself or its own subcategories.
    const excluded = category ? subtreeIds(tree.value, category.id) : new Set<number>();
    const parents = tree.value.filter((c) => !excluded.has(c.id));
    res.status(failure?.status ?? 200).render('settings/categories/form', { category, parents, values, ...formLocals(failure) });
  }

  return settingsListRouter<CategoryRow>({
    base: '/settings/categories',
    noun: 'Category',
    label: (category) => category.name,
    service: categories,
    list: { view: 'settings/categories/index', local: 'categories', load: (ctx) => categories.tree(ctx) },
    renderForm,
    editValues: (category) => ({ name: category.name, parentId: category.parentId === null ? '' : String(category.parentId) }),
  });
}
