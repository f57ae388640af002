import { Router } from 'express';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, typedValues } from '../http/form-errors.ts';
import { scopeOf } from '../http/request-scope.ts';
import type { CatalogServices } from '../catalog/index.ts';
import { printDetailKeys } from './business.schema.ts';
import { timeZones } from './tenants.schema.ts';

const zoneList = [...timeZones].sort();
const receiptFormatOptions = [
  { value: '80mm', label: '80 mm thermal roll' },
  { value: '58mm', label: '58 mm thermal roll' },
  { value: 'a4', label: 'A4 page' },
];
const choices = (t: (text: string) => string) => ({
  timeZones: zoneList,
  receiptFormats: receiptFormatOptions.map((o) => ({ ...o, label: t(o.label) })),
});

/** /settings/business: owners only (the service refuses the others). */
export function businessRouter(catalog: CatalogServices): Router {
  const router = Router();

  router.get('/settings/business', async (req, res) => {
    const s = await catalog.business.forEditing(scopeOf(req));
    const printDetails = Object.fromEntries(printDetailKeys.map((k) => [k, s[k] ?? '']));
    const values = {
      name: s.name,
      currency: s.currency,
      timeZone: s.timeZone,
      defaultTaxRate: s.defaultTaxRate.toString(),
      staffMaxDiscountPct: s.staffMaxDiscountPct.toString(),
      staffMayOverridePrice: s.staffMayOverridePrice ? 'on' : '',
      language: s.language ?? '',
      ...printDetails,
    };
    res.render('settings/business', { values, ...choices(req.t), ...formLocals() });
  });

  router.post('/settings/business', async (req, res) => {
    try {
      await catalog.business.update(scopeOf(req), req.body);
      setFlash(req, 'success', 'Business settings saved.');
      res.redirect(303, '/settings/business');
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      res.status(failure.status).render('settings/business', { values: typedValues(req.body), ...choices(req.t), ...formLocals(failure) });
    }
  });

  return router;
}
