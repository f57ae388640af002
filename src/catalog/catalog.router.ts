import { Router } from 'express';
import { businessRouter } from '../settings/business.router.ts';
import { categoriesRouter } from '../settings/categories.router.ts';
import { uomsRouter } from '../settings/uoms.router.ts';
import type { CatalogServices } from './index.ts';
import { productsRouter } from './products.router.ts';

/** Products, categories, units and business settings; mounted after the sign-in guard. */
export function catalogRouter(deps: { catalog: CatalogServices }): Router {
  const router = Router();
  router.use(['/catalog', '/settings/categories', '/settings/uoms', '/settings/business'], (_req, res, next) => {
    res.locals.scripts = [...((res.locals.scripts as string[] | undefined) ?? []), '/js/catalog.js'];
    next();
  });
  router.use(productsRouter(deps.catalog));
  router.use(categoriesRouter(deps.catalog));
  router.use(uomsRouter(deps.catalog));
  router.use(businessRouter(deps.catalog));
  return router;
}
