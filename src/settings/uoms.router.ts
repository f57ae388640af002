import { Router, type Request, type Response } from 'express';
import { found } from '../errors.ts';
import { setCacheStatus } from '../http/cache-header.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, typedValues, type FormFailure } from '../http/form-errors.ts';
import { requireRole, roleAtLeast } from '../http/guards.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { UnitRow } from './uoms.service.ts';

const BASE = '/settings/uoms';

/** Units of measure: list (cached), new, edit, delete (managers; refused while in use). */
export function uomsRouter(catalog: CatalogServices): Router {
  const router = Router();
  const id = (req: Request) => found(idParam(req.params.id), 'Unit');

  async function renderList(req: Request, res: Response, failure?: FormFailure) {
    const ctx = scopeOf(req);
    const units = await catalog.uoms.list(ctx);
    setCacheStatus(res, units.status);
    res.status(failure?.status ?? 200).render('settings/uoms/index', { units: units.value, canDelete: roleAtLeast(ctx.role, 'manager'), ...formLocals(failure) });
  }

  const renderForm = (res: Response, unit: UnitRow | null, values: Record<string, unknown>, failure?: FormFailure) =>
    res.status(failure?.status ?? 200).render('settings/uoms/form', { unit, values, ...formLocals(failure) });

  router.get(BASE, (req, res) => renderList(req, res));
  router.get(`${BASE}/new`, (_req, res) => renderForm(res, null, {}));

  router.post(BASE, async (req, res) => {
    try {
      const unit = await catalog.uoms.create(scopeOf(req), req.body);
      setFlash(req, 'success', `Unit “${unit.code}” created.`);
      res.redirect(303, BASE);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      renderForm(res, null, typedValues(req.body), failure);
    }
  });

  router.get(`${BASE}/:id/edit`, async (req, res) => {
    const unit = await catalog.uoms.get(scopeOf(req), id(req));
    renderForm(res, unit, { code: unit.code, name: unit.name });
  });

  router.post(`${BASE}/:id`, async (req, res) => {
    const ctx = scopeOf(req);
    const unitId = id(req);
    try {
      const unit = await catalog.uoms.update(ctx, unitId, req.body);
      setFlash(req, 'success', `Unit “${unit.code}” saved.`);
      res.redirect(303, BASE);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      renderForm(res, await catalog.uoms.get(ctx, unitId), typedValues(req.body), failure);
    }
  });

  router.post(`${BASE}/:id/delete`, async (req, res) => {
    requireRole(req, 'manager');
    try {
      const unit = await catalog.uoms.delete(scopeOf(req), id(req));
      setFlash(req, 'success', `Unit “${unit.code}” deleted.`);
      res.redirect(303, BASE);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      await renderList(req, res, failure);
    }
  });

  return router;
}
