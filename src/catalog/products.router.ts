import { Router, type Request, type Response } from 'express';
import { parseInput } from '../db/input.ts';
import type { UploadRoute } from '../http/upload-body.ts';
import { found } from '../db/errors.ts';
import { setCacheStatus } from '../http/cache-header.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, typedValues, type FormFailure } from '../http/form-errors.ts';
import { listQuery } from '../http/list-query.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import { type Formatter } from '../format/index.ts';
import type { CatalogServices } from './index.ts';
import type { SettingsServices } from '../settings/index.ts';
import type { ProductDetail } from './products.service.ts';
import { ProductListQuerySchema } from './products.schema.ts';
import { stockState } from './stock-state.ts';
import { productCsvRoutes } from './product-csv.router.ts';

const BASE = '/catalog/products';

/** Product pages: list, new, detail with stock movements and adjustment, edit, delete. */
export function productsRouter(catalog: CatalogServices, settings: SettingsServices): Router {
  const router = Router();

  const id = (req: Request) => found(idParam(req.params.id), 'Product');

  async function renderForm(
    req: Request,
    res: Response,
    product: ProductDetail | null,
    values: Record<string, unknown> | ((fmt: Formatter) => Record<string, unknown>),
    failure?: FormFailure,
  ) {
    const ctx = scopeOf(req);
    const [units, tree] = await Promise.all([settings.uoms.list(ctx), settings.categories.tree(ctx)]);
    if (typeof values === 'function') values = values(res.locals.fmt as Formatter);
    setCacheStatus(res, units.status, tree.status);
    res
      .status(failure?.status ?? 200)
      .render('catalog/products/form', { product, values, units: units.value, categories: tree.value, ...formLocals(failure) });
  }

  async function renderShow(req: Request, res: Response, productId: number, values: Record<string, unknown> = {}, failure?: FormFailure) {
    const ctx = scopeOf(req);
    const page = listQuery(req.method === 'GET' ? req.query : {}).page;
    const [product, history] = await Promise.all([catalog.products.get(ctx, productId), catalog.stock.movements(ctx, productId, page)]);
    res.status(failure?.status ?? 200).render('catalog/products/show', {
      product,
      ...history,
      pageLink: (n: number) => `${BASE}/${productId}${n > 1 ? `?page=${n}` : ''}#movements-heading`,
      state: stockState(product.quantityOnHand, product.reorderLevel),
      values,
      ...formLocals(failure),
    });
  }

  router.get(BASE, async (req, res) => {
    const ctx = scopeOf(req);
    const query = parseInput(ProductListQuerySchema, req.query);
    const [list, tree] = await Promise.all([catalog.productList.list(ctx, query), settings.categories.tree(ctx)]);
    setCacheStatus(res, list.status, tree.status);
    res.render('catalog/products/index', {
      list: list.value,
      categories: tree.value,
      filters: { ...query, q: query.q.trim(), page: list.value.page },
    });
  });

  router.get(`${BASE}/new`, (req, res) => renderForm(req, res, null, {}));

  router.post(BASE, async (req, res) => {
    try {
      const { id: productId } = await catalog.products.create(scopeOf(req), req.body);
      setFlash(req, 'success', 'Product created.');
      res.redirect(303, `${BASE}/${productId}`);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      await renderForm(req, res, null, typedValues(req.body), failure);
    }
  });

  router.use(productCsvRoutes(catalog, BASE, productImportUpload));

  router.get(`${BASE}/:id`, (req, res) => renderShow(req, res, id(req)));

  router.get(`${BASE}/:id/edit`, async (req, res) => {
    const product = await catalog.products.get(scopeOf(req), id(req));
    await renderForm(req, res, product, (fmt) => formValues(product, fmt));
  });

  router.post(`${BASE}/:id`, async (req, res) => {
    const productId = id(req);
    const ctx = scopeOf(req);
    try {
      await catalog.products.update(ctx, productId, req.body);
      setFlash(req, 'success', 'Product saved.');
      res.redirect(303, `${BASE}/${productId}`);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      await renderForm(req, res, await catalog.products.get(ctx, productId), typedValues(req.body), failure);
    }
  });

  router.post(`${BASE}/:id/delete`, async (req, res) => {
    const product = await catalog.products.deactivate(scopeOf(req), id(req));
    setFlash(
      req,
      'success',
      req.t('Product “{{name}}” deleted. It stays in past sales; edit it to make it active again.', { name: product.name }),
    );
    res.redirect(303, BASE);
  });

  router.post(`${BASE}/:id/stock`, async (req, res) => {
    const productId = id(req);
    try {
      const { quantityOnHand } = await catalog.stock.adjust(scopeOf(req), productId, req.body);
      setFlash(
        req,
        'success',
        req.t('Stock recorded: {{quantity}} on hand now.', { quantity: (res.locals.fmt as Formatter).quantity(quantityOnHand) }),
      );
      res.redirect(303, `${BASE}/${productId}#movements-heading`);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      await renderShow(req, res, productId, typedValues(req.body), failure);
    }
  });

  return router;
}

/** The CSV import takes a pasted file, beyond the app's general 200 kB (src/http/upload-body.ts). */
export const productImportUpload: UploadRoute = { path: `${BASE}/import`, limit: '5mb' };

/** The stored product as its form shows it; decimals as the business writes them. */
function formValues(p: ProductDetail, fmt: Formatter): Record<string, string> {
  return {
    sku: p.sku,
    name: p.name,
    barcodes: p.barcodes.map((b) => b.code).join('\n'),
    categoryId: p.categoryId === null ? '' : String(p.categoryId),
    unitId: String(p.unitId),
    price: fmt.input(p.price.toFixed(2)),
    cost: p.cost ? fmt.input(p.cost.toFixed(2)) : '',
    taxRate: p.taxRate === null ? '' : fmt.input(p.taxRate.toString()),
    reorderLevel: fmt.input(p.reorderLevel.toString()),
    active: p.active ? 'on' : '',
  };
}
