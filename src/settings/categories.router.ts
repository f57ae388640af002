import { Router, type Request, type Response } from 'express';
import { found } from '../errors.ts';
import { setCacheStatus } from '../http/cache-header.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, typedValues, type FormFailure } from '../http/form-errors.ts';
import { requireRole, roleAtLeast } from '../http/guards.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { CategoryRow } from './categories.service.ts';
import { subtreeIds } from './category-tree.ts';

const BASE = '/settings/categories';

/** Categories as a tree: list (cached), new, edit, delete (managers; refused while in use). */
export function categoriesRouter(catalog: CatalogServices): Router {
  const router = Router();
  const id = (req: Request) => found(idParam(req.params.id), 'Category');

  async function renderList(req: Request, res: Response, failure?: FormFailure) {
    const ctx = scopeOf(req);
    const tree = await catalog.categories.tree(ctx);
    setCacheStatus(res, tree.status);
    res.status(failure?.status ?? 200).render('settings/categories/index', { categories: tree.value, canDelete: roleAtLeast(ctx.role, 'manager'), ...formLocals(failure) });
  }

  async function renderForm(req: Request, res: Response, category: CategoryRow | null, values: Record<string, unknown>, failure?: FormFailure) {
    const tree = await catalog.categories.tree(scopeOf(req));
    setCacheStatus(res, tree.status);
    // A category cannot move under itself or its own subcategories.
    const excluded = category ? subtreeIds(tree.value, category.id) : new Set<number>();
    const parents = tree.value.filter((c) => !excluded.has(c.id));
    res.status(failure?.status ?? 200).render('settings/categories/form', { category, parents, values, ...formLocals(failure) });
  }

  router.get(BASE, (req, res) => renderList(req, res));
  router.get(`${BASE}/new`, (req, res) => renderForm(req, res, null, {}));

  router.post(BASE, async (req, res) => {
    try {
      const category = await catalog.categories.create(scopeOf(req), req.body);
      setFlash(req, 'success', `Category “${category.name}” created.`);
      res.redirect(303, BASE);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      await renderForm(req, res, null, typedValues(req.body), failure);
    }
  });

  router.get(`${BASE}/:id/edit`, async (req, res) => {
    const category = await catalog.categories.get(scopeOf(req), id(req));
    await renderForm(req, res, category, { name: category.name, parentId: category.parentId === null ? '' : String(category.parentId) });
  });

  router.post(`${BASE}/:id`, async (req, res) => {
    const ctx = scopeOf(req);
    const categoryId = id(req);
    try {
      const category = await catalog.categories.update(ctx, categoryId, req.body);
      setFlash(req, 'success', `Category “${category.name}” saved.`);
      res.redirect(303, BASE);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      await renderForm(req, res, await catalog.categories.get(ctx, categoryId), typedValues(req.body), failure);
    }
  });

  router.post(`${BASE}/:id/delete`, async (req, res) => {
    requireRole(req, 'manager');
    try {
      const category = await catalog.categories.delete(scopeOf(req), id(req));
      setFlash(req, 'success', `Category “${category.name}” deleted.`);
      res.redirect(303, BASE);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      await renderList(req, res, failure);
    }
  });

  return router;
}
