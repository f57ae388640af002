import type { Router } from 'express';
import { formLocals } from '../http/form-errors.ts';
import type { UomsService } from './uoms.service.ts';
import { settingsListRouter } from './list-router.ts';
import type { UnitRow } from './uoms.service.ts';

/** Units of measure: list (cached), new, edit, delete (managers; refused while in use). */
export function uomsRouter(uoms: UomsService): Router {
  return settingsListRouter<UnitRow>({
    base: '/settings/uoms',
    noun: 'Unit',
    label: (unit) => unit.code,
    service: uoms,
    list: { view: 'settings/uoms/index', local: 'units', load: (ctx) => uoms.list(ctx) },
    renderForm: (_req, res, unit, values, failure) =>
      res.status(failure?.status ?? 200).render('settings/uoms/form', { unit, values, ...formLocals(failure) }),
    editValues: (unit) => ({ code: unit.code, name: unit.name }),
  });
}
