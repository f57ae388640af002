import { Router } from 'express';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, typedValues } from '../http/form-errors.ts';
import { scopeOf } from '../http/request-scope.ts';
import type { BusinessService } from './business.service.ts';
import { printDetailKeys } from './business.schema.ts';
import { timeZones } from './tenants.schema.ts';
import { createFormatter, LOCALES, LOCALE_LABELS } from '../format/index.ts';

const zoneList = [...timeZones].sort();
const receiptFormatOptions = [
  { value: '80mm', label: '80 mm thermal roll' },
  { value: '58mm', label: '58 mm thermal roll' },
  { value: 'a4', label: 'A4 page' },
];
const localeOptions = LOCALES.map((value) => ({ value, label: LOCALE_LABELS[value] }));
const choices = (t: (text: string) => string) => ({
  timeZones: zoneList,
  receiptFormats: receiptFormatOptions.map((o) => ({ ...o, label: t(o.label) })),
  locales: localeOptions,
});

/** /settings/business: owners only (the service refuses the others). */
export function businessRouter(business: BusinessService): Router {
  const router = Router();

  router.get('/settings/business', async (req, res) => {
    const s = await business.forEditing(scopeOf(req));
    const printDetails = Object.fromEntries(printDetailKeys.map((k) => [k, s[k] ?? '']));
    // Decimals as this business writes them, so that sending the form back reads them the same.
    const fmt = createFormatter(s);
    const values = {
      name: s.name,
      currency: s.currency,
      timeZone: s.timeZone,
      locale: fmt.locale,
      defaultTaxRate: fmt.input(s.defaultTaxRate.toString()),
      staffMaxDiscountPct: fmt.input(s.staffMaxDiscountPct.toString()),
      staffMayOverridePrice: s.staffMayOverridePrice ? 'on' : '',
      language: s.language ?? '',
      ...printDetails,
    };
    res.render('settings/business', { values, ...choices(req.t), ...formLocals() });
  });

  router.post('/settings/business', async (req, res) => {
    try {
      await business.update(scopeOf(req), req.body);
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
