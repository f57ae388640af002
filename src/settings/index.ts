import { Router } from 'express';
import type { Core } from '../core.ts';
import { businessRouter } from './business.router.ts';
import { BusinessService } from './business.service.ts';
import { categoriesRouter } from './categories.router.ts';
import { CategoriesService } from './categories.service.ts';
import { UomsService } from './uoms.service.ts';
import { uomsRouter } from './uoms.router.ts';
import { SETTINGS_EVENTS } from './cache-events.ts';
import { PaymentMethodsService } from './payment-methods.service.ts';
import { paymentMethodsRouter } from './payment-methods.router.ts';

// The business's settings: its details (business settings), its categories, its units and its own payment methods.
// The catalog builds on these (a product has a unit and a category); nothing here knows the
// catalog (docs/decisions/019-layering.md).

export { BusinessService } from './business.service.ts';
export { CategoriesService, type CategoryRow } from './categories.service.ts';
export { UomsService } from './uoms.service.ts';
export {
  PaymentMethodsService,
  activePaymentMethods,
  assertUsableMethod,
  type BusinessPaymentMethodRow,
} from './payment-methods.service.ts';
export { subtreeIds } from './category-tree.ts';
export { ReceiptFormatSchema, type ReceiptFormat } from './business.schema.ts';
export { createTenant } from './tenants.service.ts';

export interface SettingsServices {
  business: BusinessService;
  uoms: UomsService;
  categories: CategoriesService;
  paymentMethods: PaymentMethodsService;
}

export function createSettings(core: Pick<Core, 'cache'>): SettingsServices & { router: Router } {
  const { cache } = core;
  cache.declareEvents(SETTINGS_EVENTS);
  const services = {
    business: new BusinessService({ cache }),
    uoms: new UomsService({ cache }),
    categories: new CategoriesService({ cache }),
    paymentMethods: new PaymentMethodsService({ cache }),
  };
  return { ...services, router: settingsRouter(services) };
}

/** /settings/categories, /settings/uoms and /settings/business; mounted after the sign-in guard. */
function settingsRouter(settings: SettingsServices): Router {
  const router = Router();
  router.use(['/settings/categories', '/settings/uoms', '/settings/business'], (_req, res, next) => {
    res.locals.scripts = [...((res.locals.scripts as string[] | undefined) ?? []), '/js/catalog.js'];
    next();
  });
  router.use(categoriesRouter(settings.categories));
  router.use(uomsRouter(settings.uoms));
  router.use(businessRouter(settings.business));
  router.use(paymentMethodsRouter(settings.paymentMethods));
  return router;
}
